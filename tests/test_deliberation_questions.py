"""Residents' questions to an institution: asked on the consultation page (or the API),
answered by that institution's staff, hidden by moderators, never stored twice."""
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from deliberation import operations as ops
from deliberation.models import InstitutionQuestion, Origin, Participant, Phase, QuestionAnswer, Visibility
from tests.conftest import count_rows
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode
from voix.models import utcnow


@pytest.fixture
def town(territories):
    """A Sanitas consultation; the Mairie (Tours) and the CAF (metropole) take its
    questions, the CAF of Joué-lès-Tours does not (its territory is elsewhere)."""
    c = ops.create_consultation({"fr": "Le square", "ar": "الحديقة"}, territories["sanitas"])
    made = {
        "mairie": Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"]),
        "caf": Institution(code=InstitutionCode.caf, name="CAF Touraine", territory=territories["metropole"]),
        "joue": Institution(code=InstitutionCode.caf, name="CAF Joué", territory=territories["joue-les-tours"]),
    }
    db.session.add_all(made.values())
    db.session.commit()
    return {"consultation": c, **made}


def form_uuid(page) -> str:
    return re.search(r'name="uuid" value="([^"]+)"', page.text).group(1)


def ask_step(client, town, **fields):
    return client.post(f"/consultations/{town['consultation'].id}/questions?lang=en", data=fields)


def stored_questions():
    db.session.rollback()
    return db.session.scalars(select(InstitutionQuestion).order_by(InstitutionQuestion.id)).all()


# --- Residents --------------------------------------------------------------------------


def test_a_resident_chooses_the_institution_writes_checks_and_confirms(client, town):
    c = town["consultation"]
    page = client.get(f"/consultations/{c.id}?lang=en")
    assert f'href="/consultations/{c.id}/questions"' in page.text and "Ask an institution a question" in page.text
    form = client.get(f"/consultations/{c.id}/questions?lang=en")
    assert "Mairie de Tours" in form.text and "CAF Touraine" in form.text
    assert "CAF Joué" not in form.text  # its territory does not contain Sanitas
    fields = {"uuid": form_uuid(form), "institution": town["mairie"].id, "quartier": "sanitas",
              "text": "Quand le square rouvre-t-il ? Appelez-moi au 06 12 34 56 78."}

    check = ask_step(client, town, **fields)
    assert check.status_code == 200 and "Check your question" in check.text
    assert "[phone]" in check.text and "Personal data was removed" in check.text
    assert count_rows(InstitutionQuestion) == 0  # nothing is stored before the confirmation

    sent = ask_step(client, town, **fields, confirmed="1")
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/consultations/{c.id}#questions")
    [question] = stored_questions()
    assert question.text == "Quand le square rouvre-t-il ? Appelez-moi au [téléphone]."  # never the raw number
    assert question.institution_id == town["mairie"].id and question.language == "en"
    asker = db.session.get(Participant, question.asker_id)
    assert asker.consultation_id == c.id and asker.quartier_id is not None  # counted in Sanitas

    again = ask_step(client, town, **fields, confirmed="1")  # the form re-sent (back button, double tap)
    assert again.status_code == 303 and count_rows(InstitutionQuestion) == 1
    listed = client.get(f"/consultations/{c.id}?lang=en")
    assert "already sent" in listed.text
    section = listed.text.split('id="questions"')[1]
    assert "To <bdi>Mairie de Tours</bdi>" in section and "Quand le square rouvre-t-il" in section
    assert "Not answered yet." in section


def test_changing_the_question_keeps_what_was_typed_and_its_uuid(client, town):
    fields = {"uuid": str(uuid.uuid4()), "institution": town["caf"].id, "text": "Ma question", "quartier": ""}
    back = ask_step(client, town, **fields, edit="1")
    assert back.status_code == 200 and ">Ma question</textarea>" in back.text
    assert form_uuid(back) == fields["uuid"]
    assert re.search(rf'value="{town["caf"].id}" required checked', back.text)
    assert count_rows(InstitutionQuestion) == 0


@pytest.mark.parametrize("fields, message, field", [
    ({"text": "Une question"}, "Choose the institution your question is for.", "institution"),
    ({"text": "Une question", "institution": "joue"}, "Choose the institution your question is for.", "institution"),
    ({"text": "Une question", "institution": "abc"}, "Choose the institution your question is for.", "institution"),
    ({"text": "   ", "institution": "mairie"}, "A question has between 1 and 1000 characters.", "text"),
    ({"text": "x" * 1001, "institution": "mairie"}, "A question has between 1 and 1000 characters.", "text"),
    ({"text": "Une question", "institution": "mairie", "quartier": "nowhere"}, "Choose one of the proposed answers.",
     "quartier"),
])
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, town, fields, message, field):
    if fields.get("institution") in town:
        fields["institution"] = town[fields["institution"]].id
    for confirmed in ({}, {"confirmed": "1"}):  # refused at both steps
        page = ask_step(client, town, uuid=str(uuid.uuid4()), **fields, **confirmed)
        assert page.status_code == 200
        assert page.text.count(message) == 2  # announced at the top (role=alert) and beside the field
        assert f'id="{field}-error"' in page.text
    assert count_rows(InstitutionQuestion) == 0 and count_rows(Participant) == 0


def test_every_field_in_error_is_pointed_at_at_once(client, town):
    page = ask_step(client, town, uuid=str(uuid.uuid4()), text="", quartier="nowhere")
    for field in ("institution", "text", "quartier"):
        assert f'id="{field}-error"' in page.text
    assert 'aria-describedby="text-hint text-error" aria-invalid="true"' in " ".join(page.text.split())
    assert count_rows(InstitutionQuestion) == 0


def test_a_tampered_uuid_is_refused_without_an_error_page(client, town):
    page = ask_step(client, town, uuid="pas-un-uuid", institution=town["mairie"].id, text="Question", confirmed="1")
    assert page.status_code == 200 and "not a valid UUID" in page.text
    assert count_rows(InstitutionQuestion) == 0


def test_questions_wait_for_the_opening_and_stop_at_the_closing(client, town):
    c = town["consultation"]
    c.opens_on = utcnow() + timedelta(days=2)
    db.session.commit()
    assert "Ask an institution a question" not in client.get(f"/consultations/{c.id}?lang=en").text
    refused = ask_step(client, town, uuid=str(uuid.uuid4()), institution=town["mairie"].id, text="Q", confirmed="1")
    assert refused.status_code == 302 and count_rows(InstitutionQuestion) == 0
    assert "not open yet" in client.get(refused.headers["Location"] + "?lang=en").text

    c = db.session.get(type(c), c.id)
    c.opens_on, c.phase = None, Phase.answering  # questions are welcome in any phase while it runs
    db.session.commit()
    fields = {"uuid": str(uuid.uuid4()), "institution": town["mairie"].id, "text": "Q", "confirmed": "1"}
    assert ask_step(client, town, **fields).status_code == 303 and count_rows(InstitutionQuestion) == 1

    c = db.session.get(type(c), c.id)
    c.phase = Phase.closed
    db.session.commit()
    # Re-sent after the closing: acknowledged, not refused, still stored once.
    late = ask_step(client, town, **fields)
    assert late.status_code == 303 and count_rows(InstitutionQuestion) == 1
    assert "already sent" in client.get(late.headers["Location"].split("#")[0] + "?lang=en").text
    new = ask_step(client, town, **{**fields, "uuid": str(uuid.uuid4())})
    assert new.status_code == 302 and count_rows(InstitutionQuestion) == 1


def test_no_question_without_an_institution_to_ask(client, territories):
    lonely = ops.create_consultation({"fr": "Ailleurs"}, territories["rabiere"])
    db.session.commit()
    assert "Ask an institution a question" not in client.get(f"/consultations/{lonely.id}?lang=en").text
    assert client.get(f"/consultations/{lonely.id}/questions").status_code == 302


def test_the_question_pages_speak_arabic_right_to_left(client, town):
    c = town["consultation"]
    form = client.get(f"/consultations/{c.id}/questions?lang=ar")
    assert form.status_code == 200 and 'dir="rtl"' in form.text and 'lang="ar"' in form.text
    check = client.post(f"/consultations/{c.id}/questions?lang=ar",
                        data={"uuid": form_uuid(form), "institution": town["caf"].id, "text": "متى يفتح المكتب؟"})
    assert 'dir="rtl"' in check.text and "متى يفتح المكتب؟" in check.text
    for page in (form, check):
        assert not re.search(r"<script(?![^>]*\bsrc=)", page.text) and not re.search(r"\son[a-z]+=", page.text)
        assert " style=" not in page.text


# --- Staff ------------------------------------------------------------------------------


def ask(town, institution="mairie", text="Quand le square rouvre-t-il ?"):
    c = town["consultation"]
    asker = ops.new_participant(c, Origin.kiosk)
    question, _ = ops.ask_question(c, asker, town[institution].id, text, uuid=str(uuid.uuid4()))
    return question, asker


def institution_account(make_user, town, key):
    user = make_user("institution", (), email=f"{key}@example.org")
    user.institution = town[key]
    db.session.commit()
    return user


def test_only_the_addressed_institution_answers_and_residents_read_it(client, auth, make_user, town):
    question, _asker = ask(town)
    c = town["consultation"]
    auth.login(institution_account(make_user, town, "caf"))  # may answer Sanitas' ideas, not this question
    page = client.get(f"/animation/consultations/{c.id}")
    assert "Quand le square rouvre-t-il" in page.text and f"/questions/{question.id}/reponse" not in page.text
    assert client.post(f"/animation/consultations/questions/{question.id}/reponse",
                       data={"text": "Oui", "uuid": str(uuid.uuid4())}).status_code == 403
    auth.logout()

    auth.login(institution_account(make_user, town, "mairie"))
    page = client.get(f"/animation/consultations/{c.id}")
    answer_uuid = re.search(rf'/questions/{question.id}/reponse".*?name="uuid" value="([^"]+)"', page.text,
                            re.S).group(1)
    client.post(f"/animation/consultations/questions/{question.id}/reponse", data={"text": " ", "uuid": answer_uuid})
    assert count_rows(QuestionAnswer) == 0  # an answer needs a text
    for _ in range(2):  # a double click publishes once
        sent = client.post(f"/animation/consultations/questions/{question.id}/reponse",
                           data={"text": "Le square rouvre le 1er juin.", "uuid": answer_uuid})
        assert sent.status_code == 302 and sent.headers["Location"].endswith(f"#question-{question.id}")
    assert count_rows(QuestionAnswer) == 1
    answer = db.session.scalar(select(QuestionAnswer))
    assert answer.author_id is not None and answer.question_id == question.id
    # A stray control character (NUL breaks PostgreSQL) is dropped, the rest kept as written.
    client.post(f"/animation/consultations/questions/{question.id}/reponse",
                data={"text": "Précision : appelez l'accueil au 02 47 21 60 00.\x00", "uuid": str(uuid.uuid4())})
    assert db.session.scalars(select(QuestionAnswer.text).order_by(QuestionAnswer.id)).all()[-1] == (
        "Précision : appelez l'accueil au 02 47 21 60 00.")
    auth.logout()

    section = client.get(f"/consultations/{c.id}?lang=en").text.split('id="questions"')[1]
    assert "Answer from <bdi>Mairie de Tours</bdi>" in section and "Le square rouvre le 1er juin." in section
    assert section.index("Le square rouvre le 1er juin.") < section.index("Précision")  # oldest first
    assert "Not answered yet." not in section


def test_a_moderator_hides_a_question_and_shows_it_again(client, auth, make_user, town):
    question, asker = ask(town, text="Un texte insultant")
    c = town["consultation"]
    auth.login(make_user("moderator", ("rabiere",), email="mod-rabiere@example.org"))
    assert client.post(f"/animation/consultations/questions/{question.id}/masquer",
                       data={"reason": "x"}).status_code == 403
    auth.logout()
    moderator = make_user("moderator", ("tours",), email="mod-tours@example.org")
    auth.login(moderator)
    client.post(f"/animation/consultations/questions/{question.id}/masquer", data={"reason": ""})
    assert stored_questions()[0].visibility is Visibility.visible  # a hidden question always says why
    client.post(f"/animation/consultations/questions/{question.id}/masquer", data={"reason": "Propos insultants"})
    hidden = stored_questions()[0]
    assert hidden.visibility is Visibility.hidden and hidden.hidden_reason == "Propos insultants"
    assert hidden.moderated_by_id is not None
    staff_page = client.get(f"/animation/consultations/{c.id}?lang=en").text
    assert "Un texte insultant" in staff_page and "Show it again" in staff_page
    auth.logout()

    public = client.get(f"/consultations/{c.id}?lang=en").text
    assert "Un texte insultant" not in public and "No question yet." in public
    assert "Un texte insultant" not in client.get(f"/api/v1/consultations/{c.id}/questions").text
    with client.session_transaction() as session:  # the asker, on their own device, sees why
        session["participation"] = {str(c.id): asker.token}
    mine = client.get(f"/consultations/{c.id}?lang=en").text
    assert "Un texte insultant" in mine and "Reason: <bdi>Propos insultants</bdi>" in mine
    with client.session_transaction() as session:
        session.clear()

    auth.login(moderator)
    client.post(f"/animation/consultations/questions/{question.id}/retablir")
    assert stored_questions()[0].visibility is Visibility.visible
    auth.logout()
    assert "Un texte insultant" in client.get(f"/consultations/{c.id}").text


def test_an_institution_account_does_not_see_hidden_questions(client, auth, make_user, town):
    question, _ = ask(town, text="Masquée par la modération")
    ops.hide(question, make_user("moderator", ("tours",)), "Hors sujet")
    db.session.commit()
    auth.login(institution_account(make_user, town, "mairie"))
    assert "Masquée par la modération" not in client.get(f"/animation/consultations/{town['consultation'].id}").text


# --- API --------------------------------------------------------------------------------


def test_api_asks_once_per_uuid_and_lists_answers(client, town):
    c = town["consultation"]
    token = client.post(f"/api/v1/consultations/{c.id}/participants", json={}).get_json()["token"]
    listed = client.get(f"/api/v1/consultations/{c.id}/questions").get_json()
    assert [i["name"] for i in listed["institutions"]] == ["CAF Touraine", "Mairie de Tours"]
    body = {"token": token, "uuid": str(uuid.uuid4()), "institution": town["caf"].id,
            "text": "Écrivez-moi à jean.dupont@example.org pour mon dossier", "language": "ar"}
    first = client.post(f"/api/v1/consultations/{c.id}/questions", json=body)
    assert first.status_code == 201
    assert first.get_json()["text"] == "Écrivez-moi à [email] pour mon dossier"
    assert first.get_json()["institution"] == {"id": town["caf"].id, "name": "CAF Touraine", "code": "caf"}
    again = client.post(f"/api/v1/consultations/{c.id}/questions", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert count_rows(InstitutionQuestion) == 1

    question = db.session.get(InstitutionQuestion, first.get_json()["id"])
    ops.answer_question(question, None, "Passez à l'accueil mardi.", uuid=str(uuid.uuid4()))
    [shown] = client.get(f"/api/v1/consultations/{c.id}/questions").get_json()["questions"]
    assert shown["language"] == "ar"
    assert [a["text"] for a in shown["answers"]] == ["Passez à l'accueil mardi."]


@pytest.mark.parametrize("change, status", [
    ({"token": "inconnu"}, 403),
    ({"institution": "joue"}, 422),
    ({"institution": None}, 422),
    ({"institution": True}, 422),
    ({"text": ""}, 422),
    ({"text": "x" * 1001}, 422),
    ({"text": None}, 422),
    ({"text": ["Question ?"]}, 422),
    ({"uuid": "pas-un-uuid"}, 422),
])
def test_api_refuses_bad_questions_and_stores_nothing(client, town, change, status):
    c = town["consultation"]
    token = client.post(f"/api/v1/consultations/{c.id}/participants", json={}).get_json()["token"]
    body = {"token": token, "uuid": str(uuid.uuid4()), "institution": town["mairie"].id, "text": "Question ?"}
    if change.get("institution") == "joue":
        change = {"institution": town["joue"].id}
    answer = client.post(f"/api/v1/consultations/{c.id}/questions", json={**body, **change})
    assert answer.status_code == status and answer.get_json()["message"]
    assert count_rows(InstitutionQuestion) == 0


def test_a_token_of_another_consultation_cannot_ask(town, territories):
    other = ops.create_consultation({"fr": "Ailleurs"}, territories["sanitas"])
    stranger = ops.new_participant(other, Origin.personal)
    with pytest.raises(ops.DeliberationError):
        ops.ask_question(town["consultation"], stranger, town["mairie"].id, "Question", uuid=str(uuid.uuid4()))


def test_names_isolated_for_arabic_are_still_escaped(client, town):
    town["mairie"].name = "Mairie <b>de</b> Tours"
    db.session.commit()
    question, _asker = ask(town)
    ops.answer_question(question, None, "<script>alert(1)</script>", uuid=str(uuid.uuid4()))
    page = client.get(f"/consultations/{town['consultation'].id}?lang=ar").text
    assert "<bdi>Mairie &lt;b&gt;de&lt;/b&gt; Tours</bdi>" in page and "<b>de</b>" not in page
    assert "<script>alert" not in page
