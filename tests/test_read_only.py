"""When the database refuses to write (read-only, disk full, locked too long), residents are
told that what they sent was NOT saved (503), and the survey form keeps their answers, as
do the forms of a consultation (an idea, a comment, a question, a statement vote, a
committee, a report).

The database is made read-only for the serving app's connections: `PRAGMA query_only` on
SQLite, `SET default_transaction_read_only` on PostgreSQL (what a standby, or a disk that
the administrator switched to read-only, answers).
"""
import re
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from deliberation import operations as ops
from deliberation.models import (
    Comment,
    CommentReport,
    Committee,
    CommitteeMember,
    Consultation,
    Idea,
    InstitutionQuestion,
    Moderation,
    Origin,
    Position,
    Statement,
    StatementVote,
)
from surveys.models import Response
from tests.conftest import SessionReleasingClient, count_rows, make_app
from tests.test_kiosk import form_fields
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode

NOT_SAVED_EN = "Your answers were NOT saved"


@contextmanager
def read_only_server(database_url):
    server = make_app(database_url)
    server.test_client_class = SessionReleasingClient
    with server.app_context():
        engine = db.engine
        engine.dispose()

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET default_transaction_read_only = on")
            dbapi_connection.commit()
        cursor.close()

    yield server.test_client()
    with server.app_context():
        db.engine.dispose()


def test_survey_form_says_not_saved_and_keeps_the_answers(database_url, make_wave):
    wave = make_wave()
    with read_only_server(database_url) as client:
        page = client.get(f"/enquete/{wave.id}?lang=en")
        assert page.status_code == 200
        fields = form_fields(page.text)
        sent = client.post(f"/enquete/{wave.id}", data={**fields, "q-mood": "4", "q-priority": "clean",
                                                        "q-why": "Les poubelles débordent"})
    assert sent.status_code == 503
    html = sent.get_data(as_text=True)
    assert NOT_SAVED_EN in html
    assert "lost or counted twice" not in html
    # The form is shown again with every answer and the same response id, ready to re-send.
    assert re.search(r'name="q-mood"[^>]*value="4"[^>]*checked|value="4"[^>]*name="q-mood"[^>]*checked', html)
    assert "Les poubelles débordent" in html
    assert f'value="{fields["uuid"]}"' in html
    assert count_rows(Response) == 0


def test_survey_form_message_is_translated(database_url, make_wave):
    wave = make_wave()
    with read_only_server(database_url) as client:
        fields = form_fields(client.get(f"/enquete/{wave.id}?lang=fr").text)
        sent = client.post(f"/enquete/{wave.id}", data={**fields, "q-mood": "2"})
    assert sent.status_code == 503
    assert "n’ont PAS été enregistrées" in sent.get_data(as_text=True)


def test_api_answers_503_json_in_the_callers_language(database_url, make_wave):
    wave = make_wave()
    with read_only_server(database_url) as client:
        sent = client.post(f"/api/v1/waves/{wave.id}/responses?lang=en",
                           json={"uuid": str(uuid.uuid4()), "answers": {"mood": 3}})
    assert sent.status_code == 503
    body = sent.get_json()
    assert body["error"] == 503 and "NOT saved" in body["message"]
    assert count_rows(Response) == 0


def test_an_idea_is_not_lost_silently(database_url, territories):
    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    db.session.commit()
    with read_only_server(database_url) as client:
        sent = client.post(f"/consultations/{consultation.id}/proposer?lang=en",
                           data={"title": "Des bancs à l'ombre", "body": "Des bancs pour tout le monde, à l'ombre."})
    assert sent.status_code == 503
    assert "NOT saved" in sent.get_data(as_text=True)
    assert count_rows(Idea) == 0


@pytest.mark.parametrize("password", ["correct horse battery", "wrong password"])
def test_staff_sign_in_says_the_platform_is_read_only(database_url, make_user, password):
    user = make_user()
    with read_only_server(database_url) as client:
        sent = client.post("/connexion?lang=en", data={"email": user.email, "password": password})
    assert sent.status_code == 503
    assert "read-only" in sent.get_data(as_text=True)


def test_an_unreachable_database_answers_503_not_500(tmp_path):
    server = make_app(f"sqlite:///{tmp_path}/no-such-folder/voix.sqlite")
    client = server.test_client()
    page = client.get("/?lang=en")
    assert page.status_code == 503
    assert "cannot be reached" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "120"
    sent = client.post("/api/v1/waves/1/responses?lang=en", json={"uuid": str(uuid.uuid4()), "answers": {}})
    assert sent.status_code == 503 and "NOT saved" in sent.get_json()["message"]


# --- Every resident form of a consultation keeps what was typed ----------------------------

@pytest.fixture
def square(territories):
    """A running consultation with an idea, a comment, a statement, a committee and an institution to ask."""
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    carrier = ops.new_participant(c, Origin.personal)
    idea = ops.propose_idea(c, carrier, title="Des bancs", body="Des bancs sous les arbres du square")
    comment, _ = ops.add_comment(idea, carrier, "Oui, près de l'école", Position.for_, uuid=str(uuid.uuid4()))
    statement = Statement(consultation_id=c.id, text="Le square est propre", moderation=Moderation.accepted)
    committee = Committee(consultation_id=c.id, name="Comité du square")
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    db.session.add_all([statement, committee, mairie])
    db.session.commit()
    return {"c": c.id, "idea": idea.id, "comment": comment.id, "statement": statement.id, "committee": committee.id,
            "institution": mairie.id}


def _unsaved_page(database_url, path, data):
    with read_only_server(database_url) as client:
        sent = client.post(path + "?lang=en", data=data)
    assert sent.status_code == 503, sent.status_code
    html = sent.get_data(as_text=True)
    assert "What you sent was NOT saved" in html and "still here" in html
    assert "lost or counted twice" not in html
    return html


def test_a_proposed_idea_stays_in_its_form(database_url, square):
    html = _unsaved_page(database_url, f"/consultations/{square['c']}/proposer", {
        "title": "Une fontaine", "body": "Une fontaine pour les enfants en été", "theme": "Eau", "confirmed": "1"})
    assert re.search(r'id="title"[^>]*value="Une fontaine"', html)
    assert "Une fontaine pour les enfants en été</textarea>" in html
    assert re.search(r'id="theme"[^>]*value="Eau"', html)
    assert count_rows(Idea) == 1


def test_a_comment_stays_in_its_form_with_its_uuid(database_url, square):
    form_uuid = str(uuid.uuid4())
    html = _unsaved_page(database_url, f"/consultations/idees/{square['idea']}/commentaires", {
        "body": "Plutôt vers la rue Marcel Cachin", "position": "against", "uuid": form_uuid})
    assert "Plutôt vers la rue Marcel Cachin</textarea>" in html
    assert 'value="against" checked' in html and f'value="{form_uuid}"' in html
    assert count_rows(Comment) == 1


def test_a_reply_stays_in_its_open_form(database_url, square):
    html = _unsaved_page(database_url, f"/consultations/idees/{square['idea']}/commentaires", {
        "body": "Je suis d'accord avec vous", "position": "for", "parent": str(square["comment"]),
        "uuid": str(uuid.uuid4())})
    assert "<details open>" in html and "Je suis d&#39;accord avec vous</textarea>" in html
    assert count_rows(Comment) == 1


def test_a_question_to_an_institution_stays_in_its_form_with_its_uuid(database_url, square):
    form_uuid = str(uuid.uuid4())
    html = _unsaved_page(database_url, f"/consultations/{square['c']}/questions", {
        "institution": str(square["institution"]), "text": "Quand les bancs seront-ils posés ?", "confirmed": "1",
        "uuid": form_uuid})
    assert "Quand les bancs seront-ils posés ?</textarea>" in html and f'value="{form_uuid}"' in html
    assert re.search(rf'value="{square["institution"]}" required checked', html)
    assert count_rows(InstitutionQuestion) == 0


def test_a_statement_vote_shows_the_same_statement_again(database_url, square):
    ops.advance_phase(db.session.get(Consultation, square["c"]))  # statements are voted on in the voting phase
    db.session.commit()
    form_uuid = str(uuid.uuid4())
    html = _unsaved_page(database_url, f"/consultations/{square['c']}/affirmations", {
        "statement": str(square["statement"]), "value": "1", "uuid": form_uuid})
    assert "Le square est propre" in html and f'value="{form_uuid}"' in html
    assert count_rows(StatementVote) == 0


def test_volunteering_for_a_committee_stays_in_its_form(database_url, square):
    html = _unsaved_page(database_url, f"/consultations/{square['c']}/comites/{square['committee']}", {
        "display_name": "Samia", "gender": "woman", "age_bracket": "26_34"})
    assert re.search(r'name="display_name"[^>]*value="Samia"', html)
    assert '<option value="woman" selected>' in html and '<option value="26_34" selected>' in html
    assert count_rows(CommitteeMember) == 0


def test_a_report_says_it_was_not_saved(database_url, square):
    html = _unsaved_page(database_url, f"/consultations/commentaires/{square['comment']}/signaler", {"reason": "x"})
    assert "Oui, près de l&#39;école" in html  # the debate, with the comment to report again
    assert count_rows(CommentReport) == 0


def test_the_consultation_forms_say_it_in_the_residents_language(database_url, square):
    with read_only_server(database_url) as client:
        sent = client.post(f"/consultations/idees/{square['idea']}/commentaires?lang=ar",
                           data={"body": "فكرة جيدة", "position": "for", "uuid": str(uuid.uuid4())})
    assert sent.status_code == 503
    html = sent.get_data(as_text=True)
    assert "فكرة جيدة</textarea>" in html and 'dir="rtl"' in html
    assert "What you sent" not in html
