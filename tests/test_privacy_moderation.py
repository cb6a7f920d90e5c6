"""Nothing personal is published unchecked: texts the scrubber is unsure about, and every
text of a pre-moderated consultation, wait hidden for a moderator who sees why."""
import uuid

import pytest
from sqlalchemy import select

from deliberation import moderation
from deliberation import operations as ops
from deliberation.models import (
    Comment, Consultation, HeldReason, Idea, InstitutionQuestion, Origin, Position, Visibility,
)
from tests.conftest import count_rows
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode

UNSURE = "Les jeunes de Rochepinardoux ont besoin d'un local le soir."  # unknown capitalised word
PLAIN = "Il faudrait des bancs à l'ombre du square."


@pytest.fixture
def consultation(territories):
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    db.session.add(Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"]))
    db.session.commit()
    return c


def test_unsure_texts_are_held_and_plain_ones_published(consultation):
    resident = ops.new_participant(consultation, Origin.kiosk)
    held = ops.propose_idea(consultation, resident, title="Un local", body=UNSURE)
    shown = ops.propose_idea(consultation, resident, title="Des bancs", body=PLAIN)
    assert (held.visibility, held.held_reason) == (Visibility.hidden, HeldReason.scrubber)
    assert (shown.visibility, shown.held_reason) == (Visibility.visible, None)
    comment, _ = ops.add_comment(shown, resident, UNSURE, Position.for_, uuid=str(uuid.uuid4()))
    assert (comment.visibility, comment.held_reason) == (Visibility.hidden, HeldReason.scrubber)
    mairie = ops.institutions_for(consultation)[0]
    question, _ = ops.ask_question(consultation, resident, mairie.id, "Quand ouvre le local de Rochepinardoux ?",
                                   uuid=str(uuid.uuid4()))
    assert (question.visibility, question.held_reason) == (Visibility.hidden, HeldReason.scrubber)
    assert {type(entry.item) for entry in moderation.queue([consultation.id])} == {Idea, Comment, InstitutionQuestion}


def test_premoderation_holds_everything(consultation):
    consultation.premoderation = True
    resident = ops.new_participant(consultation, Origin.kiosk)
    idea = ops.propose_idea(consultation, resident, title="Des bancs", body=PLAIN)
    assert (idea.visibility, idea.held_reason) == (Visibility.hidden, HeldReason.premoderation)
    ops.restore(idea, None)
    assert (idea.visibility, idea.held_reason) == (Visibility.visible, None)
    assert moderation.queue([consultation.id]) == []


def test_held_idea_end_to_end(client, auth, make_user, consultation):
    """A resident proposes through the form; the text is stored scrubbed and hidden; the
    moderator's queue says why; publishing makes it public."""
    data = {"title": "Un local", "body": "Ma fille Meryem dit que " + UNSURE, "confirmed": "1"}
    assert client.post(f"/consultations/{consultation.id}/proposer", data=data).status_code == 302
    idea = db.session.scalar(select(Idea))
    assert "Meryem" not in idea.body and "[nom]" in idea.body
    assert idea.visibility is Visibility.hidden and idea.held_reason is HeldReason.scrubber
    assert "Rochepinardoux" not in client.get(f"/consultations/{consultation.id}").text
    auth.login(make_user("moderator", ("tours",), email="mod-tours@example.org"))
    queue = client.get(f"/animation/consultations/{consultation.id}?lang=en")
    assert "Rochepinardoux" in queue.text and "the personal-data check was unsure" in queue.text
    client.post(f"/animation/consultations/idees/{idea.id}/retablir")
    db.session.refresh(idea)
    assert idea.visibility is Visibility.visible and idea.held_reason is None
    auth.logout()
    assert "Rochepinardoux" in client.get(f"/consultations/{consultation.id}").text


def test_premoderation_switch_and_create_form(client, auth, make_user, consultation, territories):
    auth.login(make_user("facilitator", ("sanitas",)))
    client.post(f"/animation/consultations/{consultation.id}/premoderation", data={"premoderation": "1"})
    assert db.session.get(Consultation, consultation.id).premoderation is True
    page = client.get(f"/animation/consultations/{consultation.id}?lang=en")
    assert "Pre-moderate everything" in page.text and "checked" in page.text
    client.post(f"/animation/consultations/{consultation.id}/premoderation", data={})
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).premoderation is False
    client.post("/animation/consultations/", data={"title_fr": "Pré-modérée", "territory": territories["sanitas"].id,
                                                   "premoderation": "1"})
    created = db.session.scalar(select(Consultation).where(Consultation.id != consultation.id))
    assert created.premoderation is True and count_rows(Consultation) == 2
