"""Statements written by residents: the two moderation modes, idempotency, the scrubber,
the similar-statement step, reports, the "meta" mark, and the staff screen."""
import uuid

import pytest
from sqlalchemy import select

from deliberation import operations as ops
from deliberation import statements as statement_ops
from deliberation.models import (
    HeldReason,
    Moderation,
    Origin,
    Statement,
    StatementModeration,
    StatementReport,
    StatementVote,
)
from deliberation.opinion_map import opinion_map
from tests.conftest import count_rows
from voix.extensions import db

UNSURE = "Les jeunes de Rochepinardoux ont besoin d'un local le soir."  # an unknown capitalised word
PLAIN = "Le square a besoin de bancs sous les arbres."  # no apostrophe: the page escapes it


def new_uuid():
    return str(uuid.uuid4())


@pytest.fixture
def consultation(territories):
    """A consultation in its voting phase (statements are written and voted on)."""
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    ops.advance_phase(c)
    db.session.commit()
    return c


@pytest.fixture
def strict(consultation):
    consultation.statement_moderation = StatementModeration.strict
    db.session.commit()
    return consultation


def propose(consultation, text=PLAIN, author=None, **kwargs):
    author = author or ops.new_participant(consultation, Origin.personal)
    return statement_ops.propose_statement(consultation, author, text, uuid=kwargs.pop("uuid", new_uuid()), **kwargs)


def vote(statement, value=1):
    voter = ops.new_participant(statement.consultation, Origin.kiosk)
    return ops.vote_on_statement(statement, voter, value, uuid=new_uuid(), origin=Origin.kiosk)


def serving_page(consultation) -> str:
    """The statements page as a newcomer sees it (a client with an empty session)."""
    from flask import current_app

    return current_app.test_client().get(f"/consultations/{consultation.id}/affirmations?lang=en").text


def join(client, consultation):
    return client.post(f"/api/v1/consultations/{consultation.id}/participants", json={}).get_json()["token"]


# --- The two moderation modes -----------------------------------------------------------------


def test_open_mode_shows_a_statement_at_once(consultation):
    statement, created = propose(consultation, language="ar")
    assert created and statement.is_shown and statement.held_reason is None
    assert (statement.language, statement.moderation) == ("ar", Moderation.unmoderated)
    assert statement_ops.shown_statements(consultation) == [statement]
    assert vote(statement) is True


def test_strict_mode_waits_for_a_moderator(strict):
    statement, _ = propose(strict)
    assert not statement.is_shown and statement.held_reason is HeldReason.premoderation
    assert statement_ops.shown_statements(strict) == [] and statement_ops.waiting(strict) == [statement]
    assert not statement_ops.has_shown_statements(strict)
    with pytest.raises(ops.DeliberationError, match="attend un modérateur"):
        vote(statement)
    assert count_rows(StatementVote) == 0
    statement_ops.decide(statement, Moderation.accepted)
    db.session.commit()
    assert statement.is_shown and statement_ops.waiting(strict) == []
    assert statement_ops.has_shown_statements(strict)
    assert vote(statement) is True


def test_strict_mode_hides_imported_statements_nobody_accepted(strict):
    """Pol.is's strict moderation: an unmoderated statement is not shown, whoever wrote it."""
    imported = Statement(consultation_id=strict.id, text="Importé", external_id="7")
    accepted = Statement(consultation_id=strict.id, text="Accepté", moderation=Moderation.accepted)
    db.session.add_all([imported, accepted])
    db.session.commit()
    assert statement_ops.shown_statements(strict) == [accepted]
    strict.statement_moderation = StatementModeration.open
    assert statement_ops.shown_statements(strict) == [imported, accepted]


def test_a_rejected_statement_is_never_shown_and_undo_puts_it_back(strict):
    statement, _ = propose(strict)
    previous = statement_ops.decide(statement, Moderation.rejected)
    assert previous == (Moderation.unmoderated, HeldReason.premoderation)
    assert not statement.is_shown and statement_ops.waiting(strict) == []
    statement_ops.decide(statement, *previous)  # the undo button sends the previous state
    assert (statement.moderation, statement.held_reason) == previous
    assert statement_ops.waiting(strict) == [statement]


# --- Idempotency, limits, the scrubber --------------------------------------------------------


def test_api_statement_is_idempotent(client, consultation):
    token = join(client, consultation)
    body = {"uuid": new_uuid(), "token": token, "text": PLAIN, "language": "fr"}
    url = f"/api/v1/consultations/{consultation.id}/statements"
    first = client.post(url, json=body)
    assert first.status_code == 201, first.text
    assert first.get_json()["shown"] is True and first.get_json()["held_reason"] is None
    again = client.post(url, json={**body, "text": "Autre chose"})
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["text"] == PLAIN
    assert count_rows(Statement) == 1
    listed = client.get(url).get_json()
    assert listed["moderation"] == "open" and [s["text"] for s in listed["statements"]] == [PLAIN]


def test_api_repeat_after_the_closing_is_acknowledged(client, consultation):
    token = join(client, consultation)
    body = {"uuid": new_uuid(), "token": token, "text": PLAIN}
    url = f"/api/v1/consultations/{consultation.id}/statements"
    assert client.post(url, json=body).status_code == 201
    ops.advance_phase(consultation)
    ops.advance_phase(consultation)
    db.session.commit()
    assert client.post(url, json=body).status_code == 200
    assert client.post(url, json={**body, "uuid": new_uuid()}).status_code == 422


@pytest.mark.parametrize("change, status", [
    ({"text": ""}, 422), ({"text": "x" * 141}, 422), ({"uuid": "not-a-uuid"}, 422), ({"token": "forged"}, 403),
    ({"text": 12}, 422),
])
def test_api_refuses_bad_statements_and_stores_nothing(client, consultation, change, status):
    body = {"uuid": new_uuid(), "token": join(client, consultation), "text": PLAIN, **change}
    response = client.post(f"/api/v1/consultations/{consultation.id}/statements", json=body)
    assert response.status_code == status, response.text
    assert count_rows(Statement) == 0


def test_a_uuid_of_another_consultation_is_refused(client, consultation, territories):
    other = ops.create_consultation({"fr": "Autre"}, territories["sanitas"])
    ops.advance_phase(other)
    db.session.commit()
    shared = new_uuid()
    propose(other, uuid=shared)
    with pytest.raises(ops.DeliberationError):
        propose(consultation, uuid=shared)


def test_140_characters_is_the_limit(consultation):
    statement, _ = propose(consultation, "a" * 140)
    assert len(statement.text) == 140
    with pytest.raises(ops.FormRefused):
        propose(consultation, "a" * 141)


def test_statements_are_scrubbed_and_unsure_ones_held(consultation):
    phoned, _ = propose(consultation, "Appelez-moi au 06 12 34 56 78 pour les bancs")
    assert "06 12" not in phoned.text and phoned.is_shown
    unsure, _ = propose(consultation, UNSURE)
    assert unsure.held_reason is HeldReason.scrubber and not unsure.is_shown
    assert statement_ops.waiting(consultation) == [unsure]


def test_premoderated_consultation_holds_statements_even_in_open_mode(consultation):
    consultation.premoderation = True
    statement, _ = propose(consultation)
    assert statement.held_reason is HeldReason.premoderation and not statement.is_shown


def test_closed_consultation_refuses_new_statements(consultation):
    ops.advance_phase(consultation)  # answering: neither proposals nor votes
    with pytest.raises(ops.DeliberationError, match="fermées"):
        propose(consultation)


# --- Similar statements -------------------------------------------------------------------------


def test_similar_statements_use_the_idea_check(client, consultation):
    shown, _ = propose(consultation, "Le square manque de bancs à l'ombre des arbres")
    propose(consultation, "Les poubelles débordent le week-end")
    assert statement_ops.similar_statements(consultation, "Des bancs dans le square, à l'ombre") == [shown]
    found = client.get(f"/api/v1/consultations/{consultation.id}/statements/similar",
                       query_string={"text": "bancs ombre square"}).get_json()["statements"]
    assert [s["id"] for s in found] == [shown.id]


def test_web_form_shows_similar_statements_before_adding(client, consultation):
    propose(consultation, "Le square manque de bancs à l'ombre des arbres")
    form = {"text": "Il faut des bancs à l'ombre dans le square", "uuid": new_uuid()}
    url = f"/consultations/{consultation.id}/affirmations/proposer"
    first = client.post(url, data=form)
    assert first.status_code == 200 and "Le square manque de bancs" in first.text
    assert 'name="confirmed"' in first.text and form["uuid"] in first.text
    assert count_rows(Statement) == 1
    sent = client.post(url, data={**form, "confirmed": "1"})
    assert sent.status_code == 303
    assert count_rows(Statement) == 2
    assert client.post(url, data={**form, "confirmed": "1"}).status_code == 303  # sent twice: stored once
    assert count_rows(Statement) == 2


def test_web_form_refuses_a_too_long_statement(client, consultation):
    response = client.post(f"/consultations/{consultation.id}/affirmations/proposer",
                           data={"text": "a" * 141, "uuid": new_uuid()})
    assert response.status_code == 422 and 'aria-invalid="true"' in response.text
    assert count_rows(Statement) == 0


def test_strict_web_proposal_says_it_waits(client, strict):
    response = client.post(f"/consultations/{strict.id}/affirmations/proposer?lang=en",
                           data={"text": PLAIN, "uuid": new_uuid()}, follow_redirects=True)
    assert "once a moderator has read it" in response.text
    waiting = response.text.split("Your statements waiting for a moderator")[1]
    assert PLAIN in waiting  # the author sees it, waiting
    assert "Your statements waiting" not in serving_page(strict)  # nobody else does
    assert PLAIN not in response.text.split("<main")[1].split("Propose a statement")[0]


# --- Reports -------------------------------------------------------------------------------------


def test_residents_report_in_open_mode_and_moderators_settle(client, auth, make_user, consultation):
    statement, _ = propose(consultation)
    page = client.get(f"/consultations/{consultation.id}/affirmations?lang=en")
    assert "Report this statement" in page.text
    assert client.post(f"/consultations/affirmations/{statement.id}/signaler", data={"reason": "Hors sujet"}).status_code == 303
    assert client.post(f"/consultations/affirmations/{statement.id}/signaler", data={}).status_code == 303
    assert count_rows(StatementReport) == 1  # once per resident
    # The reporter is not asked about it again.
    assert PLAIN not in client.get(f"/consultations/{consultation.id}/affirmations").text.split("proposer")[0]
    assert statement_ops.reported(consultation) == [(statement, 1)]
    auth.login(make_user("moderator"))
    page = client.get(f"/animation/consultations/{consultation.id}/affirmations?lang=en")
    assert "Reported statements" in page.text and "1 report" in page.text
    done = client.post(f"/animation/consultations/affirmations/{statement.id}/moderation",
                       data={"decision": "rejected"})
    assert done.status_code == 303
    assert statement.moderation is Moderation.rejected and statement_ops.reported(consultation) == []
    page = client.get(f"/animation/consultations/{consultation.id}/affirmations?lang=en")
    assert "Statement rejected" in page.text and 'name="decision" value="unmoderated"' in page.text
    client.post(f"/animation/consultations/affirmations/{statement.id}/moderation",
                data={"decision": "unmoderated", "held": ""})
    assert statement.is_shown and statement_ops.reported(consultation) == [(statement, 1)]  # undone


def test_api_report(client, consultation):
    statement, _ = propose(consultation)
    token = join(client, consultation)
    assert client.post(f"/api/v1/statements/{statement.id}/reports", json={"token": token}).status_code == 201
    statement_ops.decide(statement, Moderation.rejected)
    db.session.commit()
    assert client.post(f"/api/v1/statements/{statement.id}/reports", json={"token": token}).status_code == 404


def test_strict_mode_offers_no_report_button(client, strict):
    statement, _ = propose(strict)
    statement_ops.decide(statement, Moderation.accepted)
    db.session.commit()
    page = client.get(f"/consultations/{strict.id}/affirmations?lang=en")
    assert PLAIN in page.text and "Report this statement" not in page.text


# --- Staff: mode, moderation, meta ---------------------------------------------------------------


def test_facilitator_sets_the_mode_moderator_cannot(client, auth, make_user, consultation):
    auth.login(make_user("moderator"))
    url = f"/animation/consultations/{consultation.id}/affirmations/mode"
    assert client.post(url, data={"mode": "strict"}).status_code == 403
    auth.logout()
    auth.login(make_user("facilitator"))
    assert client.post(url, data={"mode": "nonsense"}).status_code == 303
    assert consultation.statement_moderation is StatementModeration.open
    assert client.post(url, data={"mode": "strict"}).status_code == 303
    assert consultation.statement_moderation is StatementModeration.strict


def test_facilitator_chooses_the_mode_when_creating(client, auth, make_user, territories):
    from deliberation.models import Consultation

    auth.login(make_user("facilitator"))
    client.post("/animation/consultations/", data={"territory": territories["sanitas"].id, "title_fr": "Strict",
                                                   "statement_moderation": "strict"})
    assert db.session.scalar(select(Consultation)).statement_moderation is StatementModeration.strict


def test_moderator_accepts_a_waiting_statement(client, auth, make_user, strict):
    statement, _ = propose(strict)
    auth.login(make_user("moderator"))
    page = client.get(f"/animation/consultations/{strict.id}/affirmations?lang=en")
    assert "Waiting for a moderator" in page.text and PLAIN in page.text
    client.post(f"/animation/consultations/affirmations/{statement.id}/moderation", data={"decision": "accepted"})
    assert statement.moderation is Moderation.accepted and statement.held_reason is None
    undo = client.get(f"/animation/consultations/{strict.id}/affirmations?lang=en").text
    assert "Statement accepted" in undo and 'name="held" value="premoderation"' in undo
    assert client.post(f"/animation/consultations/affirmations/{statement.id}/moderation",
                       data={"decision": "maybe"}).status_code == 400


def test_moderator_of_another_territory_is_refused(client, auth, make_user, strict):
    statement, _ = propose(strict)
    auth.login(make_user("moderator", scope=("rabiere",)))
    assert client.get(f"/animation/consultations/{strict.id}/affirmations").status_code == 403
    assert client.post(f"/animation/consultations/affirmations/{statement.id}/moderation",
                       data={"decision": "accepted"}).status_code == 403
    assert statement.moderation is Moderation.unmoderated


def _votes_for_groups(consultation, statements):
    """12 people in two camps, so that the opinion groups can be computed."""
    for index in range(12):
        person = ops.new_participant(consultation, Origin.kiosk)
        camp = 1 if index < 6 else -1
        for position, statement in enumerate(statements):
            value = camp if position < 3 else (1 if position == 3 else -camp)
            ops.vote_on_statement(statement, person, value, uuid=new_uuid(), origin=Origin.kiosk)


def test_staff_mark_meta_and_the_results_label_it(client, auth, make_user, consultation):
    texts = ["Le square est sale", "Il faut plus de bancs", "Le soir on s'y sent mal", "J'habite le quartier",
             "Il faut une fontaine"]
    statements = [propose(consultation, text)[0] for text in texts]
    _votes_for_groups(consultation, statements)
    auth.login(make_user("facilitator"))
    meta = statements[3]
    assert client.post(f"/animation/consultations/affirmations/{meta.id}/meta", data={"is_meta": "1"}).status_code == 303
    assert meta.is_meta
    view = opinion_map(consultation)
    assert [item["text"] for item in view["meta"]] == ["J'habite le quartier"]
    detail = client.get(f"/animation/consultations/{consultation.id}?lang=en").text
    assert "About the participants" in detail and "J&#39;habite le quartier" in detail
    client.post(f"/animation/consultations/affirmations/{meta.id}/meta", data={})
    assert not meta.is_meta


# --- The residents' page -------------------------------------------------------------------------


def test_statement_page_reads_aloud_and_lets_one_stop(client, consultation):
    statement, _ = propose(consultation, language="fr")
    page = client.get(f"/consultations/{consultation.id}/affirmations?lang=ar").text
    assert 'data-read-aloud="#statement-text' in page and "js/read-aloud.js" in page
    assert 'id="statement-text"' in page and 'lang="fr"' in page  # a French statement on an Arabic page
    assert f'href="/consultations/{consultation.id}"' in page  # "I'm done"
    assert 'maxlength="140"' in page


def test_web_vote_on_a_resident_statement(client, consultation):
    statement, _ = propose(consultation)
    response = client.post(f"/consultations/{consultation.id}/affirmations",
                           data={"statement": statement.id, "value": "-1", "uuid": new_uuid()})
    assert response.status_code == 303
    assert db.session.scalar(select(StatementVote.value)) == -1


def test_proposing_phase_offers_statements_without_votes(client, territories):
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    db.session.commit()
    assert "Propose a statement" in client.get(f"/consultations/{c.id}?lang=en").text
    page = client.get(f"/consultations/{c.id}/affirmations?lang=en").text
    assert "not open yet" in page and 'name="text"' in page


def test_a_resident_finds_their_statements_in_their_data(client, consultation):
    from deliberation import residents
    from deliberation.rights import resident_data

    account = residents.create_account("Oiseau du Sanitas", "le square 2027")
    me = ops.new_participant(consultation, Origin.personal)
    me.resident_id = account.id
    propose(consultation, author=me)
    [participation] = resident_data(account)["consultations"]
    assert [s["text"] for s in participation["statements"]] == [PLAIN]
