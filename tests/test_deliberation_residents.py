"""Optional pseudonymous resident accounts: sign-up, sign-in, "my ideas", participants linked
to the account, and nothing left open on a kiosk."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from deliberation import operations as ops
from deliberation.models import (
    AnswerStatus,
    Idea,
    InstitutionQuestion,
    Origin,
    Participant,
    ResidentAccount,
    ResidentSession,
    Support,
    Visibility,
)
from tests.conftest import count_rows, serving
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode
from voix.models import utcnow

PASSWORD = "le square 2027"


@pytest.fixture
def square(territories):
    """A Sanitas consultation open to proposals and votes, with one idea."""
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    c.votes_open = True
    ops.propose_idea(c, ops.new_participant(c, Origin.kiosk), title="Des bancs", body="Des bancs à l'ombre")
    db.session.commit()
    return c


def sign_up(client, pseudonym="Oiseau du Sanitas", password=PASSWORD, confirm=None, lang="en"):
    return client.post(f"/habitants/compte?lang={lang}", data={
        "pseudonym": pseudonym, "password": password, "confirm": password if confirm is None else confirm})


def sign_in(client, pseudonym="Oiseau du Sanitas", password=PASSWORD):
    return client.post("/habitants/connexion?lang=en", data={"pseudonym": pseudonym, "password": password})


def propose(client, consultation, title="Un jardin partagé"):
    client.post(f"/consultations/{consultation.id}/proposer", data={"title": title, "body": f"{title} au square",
                                                                     "confirmed": "1"})
    return db.session.scalar(select(Idea).where(Idea.title == title))


def test_an_account_is_a_pseudonym_and_a_hashed_password(client):
    response = sign_up(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/habitants/mes-idees")
    account = db.session.scalar(select(ResidentAccount))
    assert account.pseudonym == "Oiseau du Sanitas" and PASSWORD not in account.password_hash
    assert check_password_hash(account.password_hash, PASSWORD) and account.password_hash.startswith("scrypt:")
    page = client.get("/habitants/mes-idees?lang=en").text
    assert "Signed in as <bdi>Oiseau du Sanitas</bdi>." in page and "Sign out" in page


@pytest.mark.parametrize("fields, message", [
    (dict(password="court", confirm="court"), "A password has at least 8 characters."),
    (dict(confirm="autre chose"), "The two passwords differ."),
    (dict(pseudonym="ab"), "A pseudonym has 3 to 60 characters: letters, digits, spaces, dashes."),
    (dict(pseudonym="<script>"), "A pseudonym has 3 to 60 characters: letters, digits, spaces, dashes."),
    (dict(pseudonym="Samir 06 12 34 56 78"), "Choose a pseudonym without an email address, a phone number or a full name."),
    (dict(pseudonym=""), "Choose a pseudonym."),
])
def test_bad_sign_ups_are_explained_and_create_nothing(client, fields, message):
    response = sign_up(client, **fields)
    assert response.status_code == 200 and message in response.text.replace("&#39;", "'")
    assert count_rows(ResidentAccount) == 0 and count_rows(ResidentSession) == 0


def test_a_pseudonym_is_taken_whatever_its_case_and_messages_are_in_french(client):
    sign_up(client)
    with serving(client.application.config["SQLALCHEMY_DATABASE_URI"]) as other:
        response = sign_up(other, pseudonym="oiseau  du sanitas", lang="fr")
    assert "Ce pseudonyme est déjà pris : choisissez-en un autre." in response.text
    assert count_rows(ResidentAccount) == 1


def test_wrong_password_signs_nobody_in(client):
    sign_up(client)
    client.post("/habitants/deconnexion")
    response = sign_in(client, password="pas le bon")
    assert response.status_code == 200 and "Wrong pseudonym or password." in response.text
    assert count_rows(ResidentSession) == 0
    assert sign_in(client, pseudonym="OISEAU DU SANITAS").status_code == 302
    assert count_rows(ResidentSession) == 1


def test_signing_in_links_the_visit_and_my_ideas_show_the_answers(client, square, territories, make_user):
    mine = propose(client, square)  # proposed anonymously, before having an account
    bancs = db.session.scalar(select(Idea).where(Idea.title == "Des bancs"))
    client.post(f"/consultations/idees/{bancs.id}/co-porter")
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    db.session.add(mairie)
    ops.answer_idea(mine, mairie, None, AnswerStatus.under_study, "Nous regardons le terrain.")
    db.session.commit()
    sign_up(client)
    account = db.session.scalar(select(ResidentAccount))
    db.session.refresh(mine)
    assert mine.carrier.resident_id == account.id  # the anonymous participant now belongs to the account

    with serving(client.application.config["SQLALCHEMY_DATABASE_URI"]) as phone:  # another device
        sign_in(phone)
        page = phone.get("/habitants/mes-idees?lang=en").text
        assert "Un jardin partagé" in page and "Mairie de Tours" in page and "Nous regardons le terrain." in page
        assert "Des bancs" in page and "You carry this idea with them." in page
        # the same person on both devices: one support, whichever device sends it
        client.post(f"/consultations/idees/{bancs.id}/soutien", data={"uuid": str(uuid.uuid4())})
        phone.post(f"/consultations/idees/{bancs.id}/soutien", data={"uuid": str(uuid.uuid4())})
    assert count_rows(Support) == 1
    assert db.session.scalar(select(Participant.resident_id).join(Support)) == account.id


def test_my_questions_follow_the_account_with_their_answers(client, square, territories):
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    db.session.add(mairie)
    db.session.commit()
    sign_up(client)
    fields = {"uuid": str(uuid.uuid4()), "institution": mairie.id, "text": "Quand rouvre le square ?"}
    client.post(f"/consultations/{square.id}/questions", data={**fields, "confirmed": "1"})
    question = db.session.scalar(select(InstitutionQuestion))
    assert question.asker.resident_id is not None  # asked as the account's participant
    ops.answer_question(question, None, "Le 1er juin.", uuid=str(uuid.uuid4()))
    with serving(client.application.config["SQLALCHEMY_DATABASE_URI"]) as phone:  # another device
        sign_in(phone)
        page = phone.get("/habitants/mes-idees?lang=en").text
        assert "My questions to the institutions" in page
        assert "Quand rouvre le square ?" in page and "Answer from <bdi>Mairie de Tours</bdi>" in page and "Le 1er juin." in page


def test_a_hidden_idea_is_shown_to_its_signed_in_carrier_on_any_device(client, square):
    sign_up(client)
    mine = propose(client, square)
    ops.hide(mine, None, "Hors sujet")
    db.session.commit()
    with serving(client.application.config["SQLALCHEMY_DATABASE_URI"]) as phone:
        assert phone.get(f"/consultations/idees/{mine.id}").status_code == 404
        sign_in(phone)
        assert "Hors sujet" in phone.get(f"/consultations/idees/{mine.id}").text
        assert "Hors sujet" in phone.get("/habitants/mes-idees").text


def test_sign_out_ends_the_sign_in_on_the_server(client, square):
    sign_up(client)
    copied = client.get_cookie("session").value  # what someone could have copied
    client.post("/habitants/deconnexion")
    assert count_rows(ResidentSession) == 0
    with serving(client.application.config["SQLALCHEMY_DATABASE_URI"]) as thief:
        thief.set_cookie("session", copied)
        response = thief.get("/habitants/mes-idees")
        assert response.status_code == 302 and "/habitants/connexion" in response.headers["Location"]


def test_an_account_participant_acts_only_while_signed_in(client, square):
    bancs = db.session.scalar(select(Idea))
    client.post(f"/consultations/idees/{bancs.id}/co-porter")  # an anonymous visit with a participation token
    before_sign_in = client.get_cookie("session").value
    old_token = db.session.scalar(select(Participant.token).order_by(Participant.id.desc()))
    sign_up(client)
    linked = db.session.scalar(select(Participant).where(Participant.resident_id.is_not(None)))
    assert linked.token != old_token  # the token the old cookie (or an API client) holds no longer works
    with serving(client.application.config["SQLALCHEMY_DATABASE_URI"]) as replay:
        replay.set_cookie("session", before_sign_in)  # still holds the token, not the sign-in
        replay.post(f"/consultations/idees/{bancs.id}/soutien", data={"uuid": str(uuid.uuid4())})
    supporter = db.session.scalar(select(Support.participant_id))
    assert supporter is not None and supporter != linked.id


def test_my_ideas_need_a_sign_in(client):
    response = client.get("/habitants/mes-idees")
    assert response.status_code == 302 and "/habitants/connexion?next=" in response.headers["Location"]


@pytest.fixture
def kiosk_client(client, auth, make_user, territories):
    auth.login(make_user("facilitator", ("sanitas",)))
    client.post("/kiosk/enregistrer", data={"place": "EPN", "territory": territories["sanitas"].id})
    auth.logout()
    return client


def test_on_a_kiosk_the_reset_signs_the_resident_out(kiosk_client, square):
    form = kiosk_client.get("/habitants/connexion?lang=en").text
    assert 'autocomplete="off"' in form and "This tablet is shared" in form
    sign_up(kiosk_client)
    page = kiosk_client.get(f"/consultations/{square.id}?lang=en").text
    assert "Sign out" in page and "resident-idle" in page and "js/kiosk-idle.js" in page  # idle resets sign out
    kiosk_client.get("/kiosk/reinitialiser")  # "Start again", or the idle timeout
    assert count_rows(ResidentSession) == 0
    page = kiosk_client.get(f"/consultations/{square.id}?lang=en").text
    assert "Oiseau du Sanitas" not in page and "resident-idle" not in page
    bancs = db.session.scalar(select(Idea))
    kiosk_client.post(f"/consultations/idees/{bancs.id}/soutien", data={"uuid": str(uuid.uuid4())})
    assert db.session.scalar(select(Participant.resident_id).join(Support)) is None  # the next person is anonymous


def test_on_a_kiosk_signing_out_returns_to_the_start(kiosk_client):
    sign_up(kiosk_client)
    response = kiosk_client.post("/habitants/deconnexion")
    assert response.status_code == 303 and response.headers["Location"].endswith("/kiosk/reinitialiser")
    assert count_rows(ResidentSession) == 0


def test_a_forgotten_kiosk_sign_in_expires(kiosk_client):
    sign_up(kiosk_client)
    db.session.execute(update(ResidentSession).values(created_at=utcnow() - timedelta(minutes=31)))
    db.session.commit()
    response = kiosk_client.get("/habitants/mes-idees")
    assert response.status_code == 302 and "/habitants/connexion" in response.headers["Location"]


def test_hidden_idea_reason_reaches_the_author_through_the_account(client, square):
    sign_up(client)
    mine = propose(client, square)
    mine.visibility, mine.hidden_reason = Visibility.hidden, "Doublon"
    db.session.commit()
    assert "Doublon" in client.get("/habitants/mes-idees?lang=en").text
