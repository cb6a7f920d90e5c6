"""Moderation per consultation: each consultation's queue holds only its own texts, a
territory-wide queue holds every consultation a moderator may moderate, each decision
confirms itself and can be undone, and the queue says why each text is there."""
import uuid

import pytest
from sqlalchemy import select

from deliberation import moderation
from deliberation import operations as ops
from deliberation.models import (
    Comment,
    CommentReport,
    HeldReason,
    Idea,
    Moderation,
    Origin,
    Position,
    Statement,
    StatementModeration,
    Visibility,
)
from voix.extensions import db

UNSURE = "Les jeunes de Rochepinardoux ont besoin d'un local le soir."  # the scrubber is unsure


@pytest.fixture
def two_consultations(territories):
    """Two consultations of Sanitas, each with a reported comment; the second pre-moderates."""
    made = []
    for title in ("Le square", "La bibliothèque"):
        c = ops.create_consultation({"fr": title}, territories["sanitas"])
        resident = ops.new_participant(c, Origin.personal)
        idea = ops.propose_idea(c, resident, title=f"Idée pour {title}", body="Des bancs pour tout le monde")
        comment, _ = ops.add_comment(idea, resident, f"Commentaire signalé de {title}", Position.against,
                                     uuid=str(uuid.uuid4()))
        for n, reason in enumerate(("hors sujet", "")):
            ops.report_comment(comment, ops.new_participant(c, Origin.personal), reason)
        made.append(c)
    made[1].premoderation = True
    db.session.commit()
    return made


def test_each_consultation_lists_only_its_own_texts(client, auth, make_user, two_consultations):
    square, _library = two_consultations
    auth.login(make_user("moderator", ("sanitas",)))
    page = client.get(f"/animation/consultations/{square.id}?lang=en").text
    assert "Commentaire signalé de Le square" in page
    assert "Commentaire signalé de La bibliothèque" not in page  # another consultation's report
    assert "Reported 2 times" in page and "hors sujet" in page and "(no reason given)" in page


def test_the_queue_says_why_each_text_waits(two_consultations):
    square, library = two_consultations
    resident = ops.new_participant(library, Origin.kiosk)
    held = ops.propose_idea(library, resident, title="Un local", body="Il faut un local pour les jeunes.")
    unsure = ops.propose_idea(square, ops.new_participant(square, Origin.kiosk), title="Un local", body=UNSURE)
    db.session.commit()
    entries = moderation.queue([library.id])
    assert [(e.kind.name, e.held_reason) for e in entries] == [("idea", HeldReason.premoderation), ("comment", None)]
    assert entries[0].item == held and entries[1].reports == ["hors sujet", ""]
    first = moderation.queue([square.id])[0]
    assert (first.item, first.held_reason) == (unsure, HeldReason.scrubber)
    both = moderation.queue([square.id, library.id])
    assert {e.consultation_id for e in both} == {square.id, library.id} and len(both) == 4


def test_territory_wide_queue(client, auth, make_user, two_consultations):
    auth.login(make_user("moderator", ("sanitas",)))
    page = client.get("/animation/consultations/moderation?lang=en")
    assert page.status_code == 200
    assert "Commentaire signalé de Le square" in page.text and "Commentaire signalé de La bibliothèque" in page.text
    assert page.text.count('<section class="card"') == 2  # one section per consultation
    auth.logout()
    auth.login(make_user("moderator", ("rabiere",), email="mod-rabiere@example.org"))
    other = client.get("/animation/consultations/moderation?lang=en").text
    assert "Commentaire signalé" not in other and "Nothing to moderate." in other


def test_hide_confirms_and_can_be_undone(client, auth, make_user, two_consultations):
    square, _ = two_consultations
    comment = db.session.scalar(select(Comment).where(Comment.body == "Commentaire signalé de Le square"))
    auth.login(make_user("moderator", ("sanitas",)))
    client.get(f"/animation/consultations/{square.id}?lang=en")  # the language is remembered
    done = client.post(f"/animation/consultations/moderation/comment/{comment.id}/masquer",
                       data={"reason": "Propos hors sujet"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/{square.id}#moderation")
    page = client.get(f"/animation/consultations/{square.id}").text
    assert "Done: the text is hidden; its author sees your reason." in page
    assert "Last decision: “Commentaire signalé de Le square” was hidden." in page and "Undo" in page
    db.session.refresh(comment)
    assert comment.visibility is Visibility.hidden and comment.hidden_reason == "Propos hors sujet"
    assert db.session.scalar(select(CommentReport).where(CommentReport.resolved_at.is_(None))
                             .where(CommentReport.comment_id == comment.id)) is None

    client.post("/animation/consultations/moderation/annuler")
    assert "Undone: the text is back as it was." in client.get(f"/animation/consultations/{square.id}").text
    db.session.expire_all()
    comment = db.session.get(Comment, comment.id)
    assert comment.visibility is Visibility.visible and comment.hidden_reason is None
    reports = db.session.scalars(select(CommentReport).where(CommentReport.comment_id == comment.id)).all()
    assert len(reports) == 2 and all(r.resolved_at is None for r in reports)  # back in the queue
    page = client.get(f"/animation/consultations/{square.id}?lang=en").text
    assert "Reported 2 times" in page and "Last decision" not in page
    client.post("/animation/consultations/moderation/annuler")  # once only
    assert "There is nothing to undo." in client.get("/animation/consultations/moderation").text


def test_publishing_a_held_text_can_be_undone(client, auth, make_user, two_consultations):
    _, library = two_consultations
    idea = ops.propose_idea(library, ops.new_participant(library, Origin.kiosk), title="Un local",
                            body="Il faut un local pour les jeunes.")
    db.session.commit()
    auth.login(make_user("moderator", ("sanitas",)))
    client.get("/animation/consultations/moderation?lang=en")  # the language is remembered
    response = client.post(f"/animation/consultations/moderation/idea/{idea.id}/retablir", data={"next": "queue"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/animation/consultations/moderation#moderation")
    db.session.refresh(idea)
    assert (idea.visibility, idea.held_reason) == (Visibility.visible, None)
    queue = client.get("/animation/consultations/moderation?lang=en").text
    assert "Done: the text is visible to everyone." in queue and "was made visible" in queue
    client.post("/animation/consultations/moderation/annuler", data={"next": "queue"})
    db.session.refresh(idea)
    assert (idea.visibility, idea.held_reason) == (Visibility.hidden, HeldReason.premoderation)


def test_refused_and_foreign_decisions(client, auth, make_user, two_consultations):
    comment = db.session.scalar(select(Comment).where(Comment.body == "Commentaire signalé de Le square"))
    auth.login(make_user("moderator", ("sanitas",)))
    assert client.post(f"/animation/consultations/moderation/nothing/{comment.id}/masquer").status_code == 404
    assert client.post("/animation/consultations/moderation/comment/999999/masquer").status_code == 404
    client.post(f"/animation/consultations/moderation/comment/{comment.id}/masquer", data={"reason": " "})
    db.session.refresh(comment)
    assert comment.visibility is Visibility.visible  # a reason is required: nothing changed
    # The undo stays with the decision's own consultation's moderators.
    auth.logout()
    auth.login(make_user("moderator", ("rabiere",), email="mod-rabiere@example.org"))
    assert client.post(f"/animation/consultations/moderation/comment/{comment.id}/masquer",
                       data={"reason": "x"}).status_code == 403


def test_statements_wait_in_the_same_queue(client, auth, make_user, two_consultations):
    """Statements register their kind (deliberation/statements.py): a strict consultation's
    unaccepted statement waits there, is accepted from the queue, and the undo puts it back."""
    square, _ = two_consultations
    square.statement_moderation = StatementModeration.strict
    statement = Statement(consultation_id=square.id, text="Le square est sale", moderation=Moderation.unmoderated)
    db.session.add(statement)
    db.session.commit()
    entries = [e for e in moderation.queue([square.id]) if e.kind.name == "statement"]
    assert [e.item for e in entries] == [statement]
    assert entries[0].held_reason is HeldReason.premoderation  # strict mode: waits for a moderator

    auth.login(make_user("moderator", ("sanitas",)))
    assert "Le square est sale" in client.get(f"/animation/consultations/{square.id}?lang=en").text
    client.post(f"/animation/consultations/moderation/statement/{statement.id}/retablir")
    db.session.refresh(statement)
    assert statement.moderation is Moderation.accepted and statement.is_shown
    assert not [e for e in moderation.queue([square.id]) if e.kind.name == "statement"]
    client.post("/animation/consultations/moderation/annuler")
    db.session.refresh(statement)
    assert statement.moderation is Moderation.unmoderated and not statement.is_shown


def test_residents_report_ideas_and_questions(client, auth, make_user, two_consultations, territories):
    from voix.institutions.models import Institution, InstitutionCode

    square, library = two_consultations
    db.session.add(Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"]))
    db.session.commit()
    idea = db.session.scalar(select(Idea).where(Idea.consultation_id == square.id))
    mairie = ops.institutions_for(square)[0]
    question, _ = ops.ask_question(square, ops.new_participant(square, Origin.personal), mairie.id,
                                   "Quand ouvre le square ?", uuid=str(uuid.uuid4()))
    db.session.commit()
    page = client.get(f"/consultations/idees/{idea.id}?lang=en").text
    assert "Report this idea to a moderator" in page
    for _ in range(2):  # once per person
        assert client.post(f"/consultations/idees/{idea.id}/signaler", data={"reason": "doublon"}).status_code == 302
    sent = client.post(f"/consultations/questions/{question.id}/signaler")
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"#question-{question.id}")
    assert client.post("/consultations/questions/999999/signaler").status_code == 404
    entries = {(e.kind.name, e.item.id): e for e in moderation.queue([square.id])}
    assert entries[("idea", idea.id)].reports == ["doublon"]
    assert entries[("question", question.id)].reports == [""]
    assert not any(e.kind.name in ("idea", "question") for e in moderation.queue([library.id]))

    auth.login(make_user("moderator", ("sanitas",)))
    page = client.get(f"/animation/consultations/{square.id}?lang=en").text
    assert "doublon" in page and "Reported 1 time" in page
    client.post(f"/animation/consultations/moderation/idea/{idea.id}/retablir")  # keep it visible
    assert ("idea", idea.id) not in {(e.kind.name, e.item.id) for e in moderation.queue([square.id])}
    client.post("/animation/consultations/moderation/annuler")
    assert ("idea", idea.id) in {(e.kind.name, e.item.id) for e in moderation.queue([square.id])}
    client.post(f"/animation/consultations/moderation/question/{question.id}/masquer", data={"reason": "Hors sujet"})
    db.session.refresh(question)
    assert question.visibility is Visibility.hidden
    assert ("question", question.id) not in {(e.kind.name, e.item.id) for e in moderation.queue([square.id])}
