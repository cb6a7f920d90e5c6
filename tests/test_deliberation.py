"""Consultations, ideas and the three ways of voting, through the operations and the API."""
import uuid

import pytest
from sqlalchemy import func, select

from deliberation import moderation
from deliberation import operations as ops
from deliberation.models import (
    AnswerStatus,
    Comment,
    Committee,
    Idea,
    Moderation,
    OfficialAnswer,
    Origin,
    PairwiseVote,
    Phase,
    Position,
    Statement,
    StatementVote,
    Support,
    Visibility,
)
from tests.conftest import count_rows
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode


def new_uuid():
    return str(uuid.uuid4())


@pytest.fixture
def consultation(territories):
    c = ops.create_consultation({"fr": "Le square Saint-Paul", "ar": "حديقة"}, territories["sanitas"])
    db.session.commit()
    return c


@pytest.fixture
def voting(consultation):
    """A consultation in its voting phase with three ideas and two statements."""
    carrier = ops.new_participant(consultation, Origin.personal)
    ideas = [ops.propose_idea(consultation, carrier, title=t, body=f"{t}, pour tout le monde.")
             for t in ("Des bancs à l'ombre", "Un terrain de foot", "Des toilettes publiques")]
    statements = [Statement(consultation_id=consultation.id, text=t, moderation=Moderation.accepted)
                  for t in ("Le square est sale", "Le square est sûr")]
    db.session.add_all(statements)
    ops.advance_phase(consultation)
    db.session.commit()
    return consultation, ideas, statements


def test_phases_move_forward_with_their_switches(consultation):
    assert consultation.proposals_open and not consultation.votes_open
    assert ops.advance_phase(consultation) is Phase.voting
    assert consultation.votes_open and not consultation.proposals_open
    ops.advance_phase(consultation)
    ops.advance_phase(consultation)
    assert consultation.phase is Phase.closed
    with pytest.raises(ops.DeliberationError):
        ops.advance_phase(consultation)


def test_ideas_are_scrubbed_and_refused_when_proposals_close(consultation):
    carrier = ops.new_participant(consultation, Origin.kiosk)
    idea = ops.propose_idea(consultation, carrier, title="Plus de lumière",
                            body="Appelez-moi au 06 11 22 33 44 pour en parler")
    assert idea.body == "Appelez-moi au [téléphone] pour en parler"
    ops.advance_phase(consultation)
    with pytest.raises(ops.DeliberationError):
        ops.propose_idea(consultation, carrier, title="Trop tard", body="Encore une idée")


def test_similar_ideas_are_found_before_duplicating(voting):
    consultation, ideas, _ = voting
    found = ops.similar_ideas(consultation, "Mettre des bancs à l'ombre des arbres")
    assert found and found[0].id == ideas[0].id
    assert ops.similar_ideas(consultation, "Navette vers la gare") == []


def test_one_support_per_participant_and_idea(voting):
    consultation, ideas, _ = voting
    resident = ops.new_participant(consultation, Origin.kiosk)
    db.session.commit()
    vote = new_uuid()
    assert ops.support_idea(ideas[0], resident, uuid=vote, origin=Origin.kiosk) is True
    assert ops.support_idea(ideas[0], resident, uuid=vote, origin=Origin.kiosk) is False  # repeat
    assert ops.support_idea(ideas[0], resident, uuid=new_uuid(), origin=Origin.kiosk) is False  # second try
    assert count_rows(Support) == 1
    assert ops.withdraw_support(ideas[0], resident) is True
    assert count_rows(Support) == 0


def test_support_cap_holds(voting):
    consultation, ideas, _ = voting
    consultation.support_cap = 2
    resident = ops.new_participant(consultation, Origin.personal)
    db.session.commit()
    for idea in ideas[:2]:
        assert ops.support_idea(idea, resident, uuid=new_uuid(), origin=Origin.personal)
    with pytest.raises(ops.DeliberationError, match="2"):
        ops.support_idea(ideas[2], resident, uuid=new_uuid(), origin=Origin.personal)
    assert count_rows(Support) == 2


def test_statement_revote_replaces_and_repeat_changes_nothing(voting):
    consultation, _, (dirty, safe) = voting
    resident = ops.new_participant(consultation, Origin.kiosk)
    db.session.commit()
    first = new_uuid()
    assert ops.vote_on_statement(dirty, resident, 1, uuid=first, origin=Origin.kiosk)
    assert ops.vote_on_statement(dirty, resident, -1, uuid=new_uuid(), origin=Origin.kiosk)
    assert ops.vote_on_statement(dirty, resident, 1, uuid=first, origin=Origin.kiosk) is False  # late re-send
    votes = db.session.scalars(select(StatementVote)).all()
    assert [(v.statement_id, v.value) for v in votes] == [(dirty.id, -1)]
    with pytest.raises(ops.DeliberationError):
        ops.vote_on_statement(safe, resident, 2, uuid=new_uuid(), origin=Origin.kiosk)


def test_votes_refused_outside_the_voting_phase_or_consultation(voting, territories):
    consultation, ideas, statements = voting
    other = ops.create_consultation({"fr": "Autre"}, territories["rabiere"])
    stranger = ops.new_participant(other, Origin.kiosk)
    db.session.commit()
    with pytest.raises(ops.DeliberationError):
        ops.support_idea(ideas[0], stranger, uuid=new_uuid(), origin=Origin.kiosk)
    resident = ops.new_participant(consultation, Origin.kiosk)
    ops.advance_phase(consultation)
    db.session.commit()
    with pytest.raises(ops.DeliberationError):
        ops.vote_on_statement(statements[0], resident, 1, uuid=new_uuid(), origin=Origin.kiosk)


def test_pairwise_votes_are_idempotent(voting):
    consultation, (a, b, c), _ = voting
    resident = ops.new_participant(consultation, Origin.kiosk)
    db.session.commit()
    vote = new_uuid()
    assert ops.vote_pairwise(a, b, resident, uuid=vote, origin=Origin.kiosk)
    assert not ops.vote_pairwise(a, b, resident, uuid=vote, origin=Origin.kiosk)
    assert ops.vote_pairwise(c, a, resident, uuid=new_uuid(), origin=Origin.kiosk)
    assert count_rows(PairwiseVote) == 2
    ops.advance_phase(consultation)  # votes close; a late re-send is still "already counted"
    db.session.commit()
    assert ops.vote_pairwise(a, b, resident, uuid=vote, origin=Origin.kiosk) is False
    with pytest.raises(ops.DeliberationError):
        ops.vote_pairwise(a, a, resident, uuid=new_uuid(), origin=Origin.kiosk)


def test_comments_two_levels_reports_and_moderation(voting, make_user):
    consultation, (idea, *_), _ = voting
    author, reader = ops.new_participant(consultation, Origin.kiosk), ops.new_participant(consultation, Origin.kiosk)
    db.session.commit()
    top, _ = ops.add_comment(idea, author, "Bonne idée, mais où ?", Position.for_, uuid=new_uuid())
    reply_uuid = new_uuid()
    reply, created = ops.add_comment(idea, reader, "Près de l'école", Position.neutral, uuid=reply_uuid, parent=top)
    assert created and ops.add_comment(idea, reader, "Près de l'école", Position.neutral, uuid=reply_uuid,
                                       parent=top) == (reply, False)
    with pytest.raises(ops.DeliberationError):
        ops.add_comment(idea, author, "Trop profond", Position.against, uuid=new_uuid(), parent=reply)
    ops.report_comment(reply, author, "hors sujet")
    ops.report_comment(reply, author, "deux fois")  # one report per participant
    moderator = make_user("moderator", ("sanitas",))
    assert [e.item for e in moderation.queue([consultation.id])] == [reply]
    with pytest.raises(ops.DeliberationError):
        ops.hide(reply, moderator, "")
    ops.hide(reply, moderator, "Propos hors sujet")
    db.session.commit()
    assert reply.visibility is Visibility.hidden and reply.hidden_reason == "Propos hors sujet"
    assert moderation.queue([consultation.id]) == []
    ops.restore(reply, moderator)
    assert reply.visibility is Visibility.visible and reply.hidden_reason is None


def test_institution_answers_are_kept_and_checked(voting, territories):
    # The time to a first answer is an indicator: tests/test_indicators.py counts it by hand.
    consultation, (idea, other, _), _ = voting
    caf = Institution(code=InstitutionCode.caf, name="CAF Touraine", territory=territories["metropole"])
    db.session.add(caf)
    db.session.flush()
    from datetime import timedelta

    for target, days in ((idea, 4), (other, 10)):
        answer = ops.answer_idea(target, caf, None, AnswerStatus.under_study, "Nous étudions la demande.")
        answer.answered_at = target.created_at + timedelta(days=days)
    later = ops.answer_idea(idea, caf, None, AnswerStatus.accepted, "Accepté.")
    later.answered_at = idea.created_at + timedelta(days=30)  # not the first answer
    db.session.commit()
    stored = sorted((a.idea_id, a.status.value) for a in db.session.scalars(select(OfficialAnswer)))
    assert stored == sorted([(idea.id, "under_study"), (other.id, "under_study"), (idea.id, "accepted")])
    with pytest.raises(ops.DeliberationError):
        ops.answer_idea(idea, caf, None, AnswerStatus.refused, "  ")
    pasted = ops.answer_idea(other, caf, None, AnswerStatus.accepted, "Accepté\x00 pour juin.\x07")
    db.session.commit()  # PostgreSQL refuses a NUL in text: the control characters are gone first
    assert pasted.text == "Accepté pour juin."


def test_committee_counts_validated_residents(consultation, make_user):
    committee = Committee(consultation_id=consultation.id, name="Comité du square")
    db.session.add(committee)
    people = [ops.new_participant(consultation, Origin.personal) for _ in range(3)]
    db.session.commit()
    for person, name in zip(people, ("Amina", "Karim", "Lucie")):
        ops.volunteer(committee, person, name, gender="woman" if name != "Karim" else "man")
    ops.volunteer(committee, people[0], "Amina encore")  # volunteering twice changes nothing
    facilitator = make_user("facilitator", ("sanitas",))
    members = sorted(committee.members, key=lambda m: m.display_name)
    ops.validate_member(members[0], facilitator)
    ops.validate_member(members[1], facilitator)
    ops.validate_member(members[2], facilitator, accept=False)
    db.session.commit()
    assert len(committee.members) == 3
    assert ops.resident_members(committee) == 2


def test_volunteer_names_keep_the_name_and_lose_contact_details(consultation):
    """The first name is what the field is for; what else is typed into it is scrubbed."""
    committee = Committee(consultation_id=consultation.id, name="Comité du square")
    db.session.add(committee)
    people = [ops.new_participant(consultation, Origin.personal) for _ in range(3)]
    db.session.commit()
    ops.volunteer(committee, people[0], "Amina 06 12 34 56 78")
    ops.volunteer(committee, people[1], "Karim, karim.h@free.fr\x00")
    names = sorted(m.display_name for m in committee.members)
    assert names == ["Amina [téléphone]", "Karim, [email]"]
    for only_contact in ("06 12 34 56 78", "Mme Benali", "  "):
        with pytest.raises(ops.DeliberationError):
            ops.volunteer(committee, people[2], only_contact)
    assert len(committee.members) == 2


# --- API --------------------------------------------------------------------------------


def join(client, consultation):
    response = client.post(f"/api/v1/consultations/{consultation.id}/participants", json={})
    assert response.status_code == 201
    return response.get_json()["token"]


def test_api_vote_flow(client, voting):
    consultation, (a, b, _), (dirty, _) = voting
    token = join(client, consultation)
    vote = {"uuid": new_uuid(), "token": token}
    assert client.post(f"/api/v1/ideas/{a.id}/supports", json=vote).status_code == 201
    assert client.post(f"/api/v1/ideas/{a.id}/supports", json=vote).status_code == 200
    assert client.post(f"/api/v1/ideas/{a.id}/supports", json={**vote, "token": "forged"}).status_code == 403
    listed = client.get(f"/api/v1/consultations/{consultation.id}/ideas").get_json()["ideas"]
    assert {i["id"]: i["supports"] for i in listed}[a.id] == 1
    statement_vote = {"uuid": new_uuid(), "token": token, "value": -1}
    assert client.post(f"/api/v1/statements/{dirty.id}/votes", json=statement_vote).status_code == 201
    assert client.post(f"/api/v1/statements/{dirty.id}/votes", json={**statement_vote, "value": 3}).status_code == 422
    pair = {"uuid": new_uuid(), "token": token, "winner": b.id, "loser": a.id}
    assert client.post(f"/api/v1/consultations/{consultation.id}/pairwise", json=pair).status_code == 201
    assert client.post(f"/api/v1/consultations/{consultation.id}/pairwise", json={**pair, "uuid": new_uuid(), "loser": 999}).status_code == 422
    posted = client.post(f"/api/v1/ideas/{a.id}/comments", json={"uuid": new_uuid(), "token": token,
                                                                   "body": "Oui !", "position": "for"})
    assert posted.status_code == 201
    thread = client.get(f"/api/v1/ideas/{a.id}/comments").get_json()["comments"]
    assert [(c["body"], c["position"]) for c in thread] == [("Oui !", "for")]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_api_hides_results_until_close_when_asked(client, voting):
    consultation, (a, _, _), _ = voting
    consultation.results_hidden = True
    db.session.commit()
    token = join(client, consultation)
    client.post(f"/api/v1/ideas/{a.id}/supports", json={"uuid": new_uuid(), "token": token})
    ideas = client.get(f"/api/v1/consultations/{consultation.id}/ideas").get_json()["ideas"]
    assert all(i["supports"] is None for i in ideas)


def test_api_idea_proposal_and_errors(client, consultation):
    token = join(client, consultation)
    created = client.post(f"/api/v1/consultations/{consultation.id}/ideas",
                          json={"token": token, "title": "Fresque", "body": "Une fresque avec les jeunes"})
    assert created.status_code == 201
    assert client.post(f"/api/v1/consultations/{consultation.id}/ideas",
                       json={"token": token, "title": "", "body": ""}).status_code == 422
    # A language that is not a string is no language: French, not a 500 (unhashable list).
    odd = client.post(f"/api/v1/consultations/{consultation.id}/ideas",
                      json={"token": token, "title": "Bancs", "body": "Des bancs au square", "language": ["ar"]})
    assert odd.status_code == 201 and db.session.get(Idea, odd.get_json()["id"]).language == "fr"
    assert client.get(f"/api/v1/consultations/{consultation.id}/ideas/similar?text=fresque jeunes").get_json()["ideas"]


def test_api_late_resends_and_bad_parents(client, voting):
    consultation, (a, _, _), (dirty, _) = voting
    token = join(client, consultation)
    support = {"uuid": new_uuid(), "token": token}
    opinion = {"uuid": new_uuid(), "token": token, "value": 1}
    comment = {"uuid": new_uuid(), "token": token, "body": "D'accord", "position": "for"}
    assert client.post(f"/api/v1/ideas/{a.id}/supports", json=support).status_code == 201
    assert client.post(f"/api/v1/statements/{dirty.id}/votes", json=opinion).status_code == 201
    assert client.post(f"/api/v1/ideas/{a.id}/comments", json=comment).status_code == 201
    assert client.post(f"/api/v1/ideas/{a.id}/comments", json=comment).status_code == 200
    assert client.post(f"/api/v1/ideas/{a.id}/comments", json={**comment, "uuid": new_uuid(), "parent": 999}).status_code == 422
    ops.advance_phase(consultation)
    db.session.commit()
    assert client.post(f"/api/v1/ideas/{a.id}/supports", json=support).status_code == 200
    assert client.post(f"/api/v1/statements/{dirty.id}/votes", json=opinion).status_code == 200
    assert client.post(f"/api/v1/ideas/{a.id}/supports", json={**support, "uuid": new_uuid()}).status_code == 422
    assert count_rows(Comment) == 1


def test_api_ranking_follows_the_results_switch(client, voting):
    consultation, (a, b, c), _ = voting
    token = join(client, consultation)
    for index in range(6):
        client.post(f"/api/v1/consultations/{consultation.id}/pairwise",
                    json={"uuid": new_uuid(), "token": token, "winner": a.id, "loser": (b if index % 2 else c).id})
    body = client.get(f"/api/v1/consultations/{consultation.id}/ranking").get_json()
    assert body["hidden_until_closed"] is False
    first = body["ranking"][0]
    assert first["idea"] == a.id and first["wins"] == 6 and first["low"] <= first["score"] <= first["high"]
    consultation.results_hidden = True
    db.session.commit()
    assert client.get(f"/api/v1/consultations/{consultation.id}/ranking").get_json() == {
        "ranking": None, "hidden_until_closed": True}


def test_api_says_what_residents_can_do_now_calendar_included(client, consultation):
    from datetime import datetime, timedelta, timezone

    before = client.get(f"/api/v1/consultations/{consultation.id}").get_json()
    assert before["proposals_open"] is True and before["opens_on"] is None
    consultation.opens_on = datetime.now(timezone.utc) + timedelta(days=3)
    db.session.commit()
    later = client.get(f"/api/v1/consultations/{consultation.id}").get_json()
    assert later["proposals_open"] is False and later["votes_open"] is False
    assert later["opens_on"].startswith(consultation.opens_on.date().isoformat())
