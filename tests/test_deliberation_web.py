"""Deliberation pages for residents (kiosk and phone) and for staff."""
import re

import pytest
from sqlalchemy import select

from deliberation import operations as ops
from deliberation.models import (
    Comment,
    Idea,
    OfficialAnswer,
    Origin,
    PairwiseVote,
    Statement,
    StatementVote,
    Support,
    Visibility,
)
from tests.conftest import count_rows
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode


@pytest.fixture
def square(territories):
    """A Sanitas consultation in its voting phase, with three ideas and a statement."""
    c = ops.create_consultation({"fr": "Le square", "ar": "الحديقة"}, territories["sanitas"])
    carrier = ops.new_participant(c, Origin.personal)
    for title in ("Des bancs à l'ombre", "Un terrain de foot", "Une fresque"):
        ops.propose_idea(c, carrier, title=title, body=f"{title} pour tout le monde")
    db.session.add(Statement(consultation_id=c.id, text="Le square est sale"))
    ops.advance_phase(c)
    db.session.commit()
    return c


def ideas_of(consultation):
    return db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()


def test_resident_supports_compares_and_gives_opinions(client, square):
    page = client.get(f"/consultations/{square.id}?lang=ar")
    assert page.status_code == 200 and 'dir="rtl"' in page.text and "الحديقة" in page.text
    bancs, foot, _ = ideas_of(square)
    vote_uuid = re.search(r'name="uuid" value="([^"]+)"', page.text).group(1)
    for _ in range(2):  # a double tap counts once
        client.post(f"/consultations/idees/{bancs.id}/soutien", data={"uuid": vote_uuid})
    assert count_rows(Support) == 1
    duel = client.get(f"/consultations/{square.id}/duel")
    shown = [int(i) for i in re.findall(r'name="winner" value="(\d+)"', duel.text)]
    assert len(set(shown)) == 2
    winner, loser = shown
    duel_uuid = re.search(r'name="uuid" value="([^"]+)"', duel.text).group(1)
    assert client.post(f"/consultations/{square.id}/duel", data={"winner": winner, "loser": loser, "uuid": duel_uuid}).status_code == 303
    statement = db.session.scalar(select(Statement))
    client.post(f"/consultations/{square.id}/affirmations", data={"statement": statement.id, "value": "-1",
                                                                  "uuid": "0b7d8a3e-6f1c-4a0b-9c52-3f7d1b2e4a21"})
    assert count_rows(PairwiseVote) == 1 and db.session.scalar(select(StatementVote.value)) == -1
    done = client.get(f"/consultations/{square.id}/affirmations?lang=en")
    assert "every statement" in done.text
    # all of it by one participant, the one in this visitor's session
    assert len({db.session.scalar(select(Support.participant_id)), db.session.scalar(select(PairwiseVote.participant_id)),
                db.session.scalar(select(StatementVote.participant_id))}) == 1


def test_proposing_shows_similar_ideas_first(client, territories):
    c = ops.create_consultation({"fr": "Idées"}, territories["sanitas"])
    ops.propose_idea(c, ops.new_participant(c, Origin.kiosk), title="Des bancs à l'ombre", body="Des bancs sous les arbres")
    db.session.commit()
    data = {"title": "Plus de bancs", "body": "Des bancs à l'ombre des arbres du square"}
    first = client.post(f"/consultations/{c.id}/proposer?lang=en", data=data)
    assert first.status_code == 200 and "Similar ideas already exist" in first.text
    assert count_rows(Idea) == 1
    second = client.post(f"/consultations/{c.id}/proposer", data={**data, "confirmed": "1"})
    assert second.status_code == 302 and count_rows(Idea) == 2
    assert client.post(f"/consultations/{c.id}/proposer?lang=en", data={"title": "", "body": ""}).status_code == 200
    assert count_rows(Idea) == 2


def test_comments_reports_and_moderation_by_territory(client, auth, make_user, square):
    bancs = ideas_of(square)[0]
    client.post(f"/consultations/idees/{bancs.id}/commentaires", data={"body": "Super idée", "position": "for"})
    comment = db.session.scalar(select(Comment))
    client.post(f"/consultations/commentaires/{comment.id}/signaler")
    outsider = make_user("moderator", ("rabiere",), email="mod-rabiere@example.org")
    auth.login(outsider)
    assert client.get(f"/animation/consultations/{square.id}").status_code == 403
    assert client.post(f"/animation/consultations/commentaires/{comment.id}/masquer", data={"reason": "x"}).status_code == 403
    auth.logout()
    auth.login(make_user("moderator", ("tours",), email="mod-tours@example.org"))
    queue = client.get(f"/animation/consultations/{square.id}")
    assert "Super idée" in queue.text
    client.post(f"/animation/consultations/commentaires/{comment.id}/masquer", data={"reason": "Hors sujet"})
    db.session.refresh(comment)
    assert comment.visibility is Visibility.hidden and comment.hidden_reason == "Hors sujet"
    assert "Super idée" not in client.get(f"/consultations/idees/{bancs.id}").text


def test_institution_answers_and_residents_see_it(client, auth, make_user, square, territories):
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    caf_rabiere = Institution(code=InstitutionCode.caf, name="CAF Joué", territory=territories["joue-les-tours"])
    db.session.add_all([mairie, caf_rabiere])
    db.session.commit()
    stranger = make_user("institution", (), email="caf@example.org")
    stranger.institution = caf_rabiere
    speaker = make_user("institution", (), email="mairie@example.org")
    speaker.institution = mairie
    db.session.commit()
    bancs = ideas_of(square)[0]
    auth.login(stranger)
    assert client.post(f"/animation/consultations/idees/{bancs.id}/reponse",
                       data={"status": "accepted", "text": "Oui"}).status_code == 403
    auth.logout()
    auth.login(speaker)
    client.post(f"/animation/consultations/idees/{bancs.id}/reponse", data={"status": "accepted", "text": ""})
    assert count_rows(OfficialAnswer) == 0  # an answer needs a text
    client.post(f"/animation/consultations/idees/{bancs.id}/reponse",
                data={"status": "refused", "text": "Le square sera rénové en 2027.", "planned_for": "2027-03-01"})
    auth.logout()
    page = client.get(f"/consultations/idees/{bancs.id}?lang=fr")
    assert "Mairie de Tours" in page.text and "Le square sera rénové en 2027." in page.text


def test_facilitator_runs_consultations_only_in_scope(client, auth, make_user, territories, square):
    auth.login(make_user("facilitator", ("rabiere",)))
    assert client.post(f"/animation/consultations/{square.id}/phase").status_code == 403
    assert client.post("/animation/consultations/", data={"title_fr": "X", "territory": territories["sanitas"].id}).status_code == 403
    client.post("/animation/consultations/", data={"title_fr": "Fête de quartier", "territory": territories["rabiere"].id,
                                                   "support_cap": "2"})
    created = db.session.scalar(select(ops.Consultation).where(ops.Consultation.id != square.id))
    assert created.title == {"fr": "Fête de quartier"} and created.support_cap == 2


def test_kiosk_offers_open_consultations(client, auth, make_user, territories, square):
    auth.login(make_user("facilitator", ("sanitas",)))
    client.post("/kiosk/enregistrer", data={"place": "EPN", "territory": territories["sanitas"].id})
    auth.logout()
    assert f"/consultations/{square.id}" in client.get("/kiosk/").text
    client.get(f"/consultations/{square.id}")
    bancs = ideas_of(square)[0]
    client.post(f"/consultations/idees/{bancs.id}/soutien", data={"uuid": "0b7d8a3e-6f1c-4a0b-9c52-3f7d1b2e4a31"})
    assert db.session.scalar(select(Support.origin)) is Origin.kiosk
    client.get("/kiosk/reinitialiser")  # the next resident is a new participant
    client.post(f"/consultations/idees/{bancs.id}/soutien", data={"uuid": "0b7d8a3e-6f1c-4a0b-9c52-3f7d1b2e4a32"})
    assert count_rows(Support) == 2


def test_pairwise_ranking_is_shown_with_its_range(client, square):
    bancs, foot, fresque = ideas_of(square)
    for index in range(12):
        resident = ops.new_participant(square, Origin.kiosk)
        loser = foot if index % 2 else fresque
        ops.vote_pairwise(bancs, loser, resident, uuid=f"0b7d8a3e-6f1c-4a0b-9c52-{index:012d}", origin=Origin.kiosk)
    page = client.get(f"/consultations/{square.id}?lang=en").text
    table = page[page.index("Chance to win"):]
    # French ideas on an English page carry lang="fr" (read in French by a screen reader).
    rows = re.findall(r'<th scope="row" dir="auto" lang="fr">([^<]+)</th>\s*<td class="number"><span dir="ltr">(\d+) %</span></td>'
                      r'\s*<td class="number"><span dir="ltr">(\d+)–(\d+) %</span></td>', table)
    assert [title for title, *_ in rows][0] == "Des bancs à l&#39;ombre"
    score, low, high = map(int, rows[0][1:])
    assert low <= score <= high and score > 60


def test_committee_volunteering_and_validation(client, auth, make_user, square):
    from deliberation.models import Committee, CommitteeMember, MembershipStatus

    facilitator = make_user("facilitator", ("sanitas",))
    auth.login(facilitator)
    client.post(f"/animation/consultations/{square.id}/comites", data={"name": "Comité du square"})
    committee = db.session.scalar(select(Committee))
    auth.logout()
    page = client.get(f"/consultations/{square.id}?lang=en")
    assert "Join the steering committee: <bdi>Comité du square</bdi>" in page.text
    client.post(f"/consultations/{square.id}/comites/{committee.id}",
                data={"display_name": "Amina", "gender": "woman", "age_bracket": "18_25"})
    client.post(f"/consultations/{square.id}/comites/{committee.id}", data={"display_name": "Amina bis"})  # once only
    member = db.session.scalar(select(CommitteeMember))
    assert count_rows(CommitteeMember) == 1 and (member.gender, member.age_bracket) == ("woman", "18_25")
    auth.login(make_user("facilitator", ("rabiere",), email="other@example.org"))
    assert client.post(f"/animation/consultations/membres/{member.id}/valider").status_code == 403
    auth.logout()
    auth.login(facilitator)
    client.post(f"/animation/consultations/membres/{member.id}/valider")
    db.session.refresh(member)
    assert member.status is MembershipStatus.validated and ops.resident_members(committee) == 1


def test_facilitator_records_a_support_given_in_person(client, auth, make_user, square):
    auth.login(make_user("facilitator", ("sanitas",)))
    bancs = ideas_of(square)[0]
    page = client.get(f"/animation/consultations/{square.id}")
    form_uuid = re.search(r'soutien-en-personne" class="inline">\s*<input[^>]+>\s*<input type="hidden" name="uuid" value="([^"]+)"', page.text)
    data = {"uuid": form_uuid.group(1)}
    client.post(f"/animation/consultations/idees/{bancs.id}/soutien-en-personne", data=data)
    client.post(f"/animation/consultations/idees/{bancs.id}/soutien-en-personne", data=data)  # re-sent form
    assert count_rows(Support) == 1
    assert db.session.scalar(select(Support.origin)) is Origin.mediator


def test_opinion_groups_are_shown_to_facilitators_from_10_people(client, auth, make_user, square):
    statements = [Statement(consultation_id=square.id, text=f"Affirmation {n}") for n in range(1, 8)]
    db.session.add_all(statements)
    db.session.commit()
    auth.login(make_user("facilitator", ("sanitas",)))
    assert "at least 10 people" in client.get(f"/animation/consultations/{square.id}?lang=en").text
    for person in range(24):  # two camps that vote opposite on every statement
        resident = ops.new_participant(square, Origin.kiosk)
        for index, statement in enumerate(statements):
            value = 1 if (index % 2 == 0) == (person % 2 == 0) else -1
            ops.vote_on_statement(statement, resident, value, uuid=f"0b7d8a3e-6f1c-4a0b-{person:04d}-{index:012d}",
                                  origin=Origin.kiosk)
    page = client.get(f"/animation/consultations/{square.id}?lang=en").text
    assert "24 people gave their opinion on enough statements" in page and "there are 2 groups" in page
    assert page.count("12 people (50 % of those on the map)") == 2 and "Agrees" in page and "Disagrees" in page
    assert "100 % of this group, 0 % of the others" in page  # staff get the numbers
