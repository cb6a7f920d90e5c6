"""Residents' rights: see and download their data, erase their account or their code."""
import json
import uuid

import pytest
from sqlalchemy import select

from deliberation import operations as ops
from deliberation.models import Comment, Idea, Origin, Participant, Position, ResidentAccount, Support, Visibility
from surveys.models import Response
from tests.conftest import count_rows
from tests.test_deliberation_residents import PASSWORD, sign_in, sign_up
from voix.audit import AuditEvent
from voix.extensions import db


@pytest.fixture
def resident_world(client, territories):
    """A resident with an account who proposed, commented and supported in a consultation."""
    consultation = ops.create_consultation({"fr": "Le square", "ar": "الحديقة"}, territories["sanitas"])
    consultation.votes_open = True
    neighbour = ops.new_participant(consultation, Origin.kiosk)
    other_idea = ops.propose_idea(consultation, neighbour, title="Des bancs", body="Des bancs à l'ombre")
    db.session.commit()
    assert sign_up(client).status_code == 302
    account = db.session.scalar(select(ResidentAccount))
    me = ops.new_participant(consultation, Origin.personal, gender="woman", age_bracket="26_34")
    me.resident_id = account.id
    idea = ops.propose_idea(consultation, me, title="Un jardin partagé", body="Un jardin partagé au square")
    ops.support_idea(other_idea, me, uuid=str(uuid.uuid4()), origin=Origin.personal)
    ops.support_idea(idea, neighbour, uuid=str(uuid.uuid4()), origin=Origin.kiosk)
    ops.add_comment(other_idea, me, "Oui, près de l'aire de jeux", Position.for_, uuid=str(uuid.uuid4()))
    db.session.commit()
    return {"consultation": consultation, "account": account, "me": me, "idea": idea, "other_idea": other_idea}


def supports():
    db.session.rollback()
    return count_rows(Support)


def test_a_resident_sees_and_downloads_everything_linked_to_them(client, resident_world):
    page = client.get("/habitants/mes-donnees?lang=fr")
    assert page.status_code == 200
    assert "Oiseau du Sanitas" in page.text and "Un jardin partagé" in page.text and "près de l&#39;aire" in page.text
    assert "une femme, 26 à 34 ans" in page.text
    download = client.get("/habitants/mes-donnees?format=json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(download.data)
    [participation] = data["consultations"]
    assert data["account"]["pseudonym"] == "Oiseau du Sanitas"
    assert [i["title"] for i in participation["ideas"]] == ["Un jardin partagé"]
    assert participation["supports"] == ["Des bancs"]
    assert participation["about_you"]["gender"] == "woman"
    assert [c["text"] for c in participation["comments"]] == ["Oui, près de l'aire de jeux"]


def test_my_data_needs_a_sign_in(client, territories):
    assert client.get("/habitants/mes-donnees").status_code == 302
    assert client.get("/habitants/effacer-mon-compte").status_code == 302


def test_a_wrong_password_erases_nothing(client, resident_world):
    page = client.post("/habitants/effacer-mon-compte?lang=en", data={"contributions": "delete", "password": "nope"})
    assert page.status_code == 200 and "Wrong password." in page.text
    assert count_rows(ResidentAccount) == 1 and count_rows(Idea) == 2


def test_erasure_keeping_contributions_unlinks_and_keeps_counting(client, resident_world):
    before, old_token = supports(), resident_world["me"].token
    response = client.post("/habitants/effacer-mon-compte", data={"contributions": "keep", "password": PASSWORD})
    assert response.status_code == 303
    assert count_rows(ResidentAccount) == 0
    me = db.session.get(Participant, resident_world["me"].id)
    assert me.resident_id is None and me.token != old_token
    assert supports() == before == 2
    assert db.session.get(Idea, resident_world["idea"].id).title == "Un jardin partagé"
    [event] = db.session.scalars(select(AuditEvent)).all()
    assert (event.action, event.actor, event.detail["contributions"]) == ("erasure", "resident", "kept anonymously")
    assert "Oiseau" not in json.dumps(event.detail) + event.subject
    # Signed out, and the pseudonym is free again.
    assert client.get("/habitants/mes-donnees").status_code == 302
    assert sign_in(client).status_code == 200


def test_erasure_deleting_contributions_keeps_the_votes_given(client, resident_world):
    idea_id, other_idea_id = resident_world["idea"].id, resident_world["other_idea"].id
    client.post("/habitants/effacer-mon-compte", data={"contributions": "delete", "password": PASSWORD})
    db.session.rollback()
    assert db.session.scalars(select(Idea.id)).all() == [other_idea_id] != [idea_id]
    # The support this resident gave stays counted; the one given to their idea left with it.
    assert db.session.scalars(select(Support.idea_id)).all() == [other_idea_id]
    comment = db.session.scalar(select(Comment))
    assert comment.body == "" and comment.visibility is Visibility.hidden


@pytest.fixture
def my_photo(app, client, tmp_path, resident_world):
    """A photo on the resident's idea and one on their neighbour's, in a test folder."""
    from io import BytesIO

    from PIL import Image

    from deliberation import photos

    for each in {app, client.application}:  # the served app is another instance
        each.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    jpeg = BytesIO()
    Image.new("RGB", (8, 8), "green").save(jpeg, "JPEG")
    names = {}
    for key in ("idea", "other_idea"):
        idea = db.session.get(Idea, resident_world[key].id)
        idea.photo = names[key] = photos.store(jpeg.getvalue())
    db.session.commit()
    return {key: photos.folder() / name for key, name in names.items()}


def test_erasure_deleting_contributions_deletes_their_photo_files(client, my_photo):
    assert my_photo["idea"].exists() and my_photo["other_idea"].exists()
    client.post("/habitants/effacer-mon-compte", data={"contributions": "delete", "password": PASSWORD})
    assert not my_photo["idea"].exists()
    assert my_photo["other_idea"].exists()  # someone else's idea keeps its photo


def test_erasure_keeping_contributions_keeps_the_photo_files(client, my_photo):
    client.post("/habitants/effacer-mon-compte", data={"contributions": "keep", "password": PASSWORD})
    assert my_photo["idea"].exists() and my_photo["other_idea"].exists()


def test_an_erasure_rolled_back_keeps_the_photo_files(my_photo, resident_world):
    from deliberation import rights

    rights.erase_account(db.session.get(ResidentAccount, resident_world["account"].id), delete_contributions=True)
    db.session.rollback()
    db.session.commit()  # a later, unrelated commit removes nothing either
    assert my_photo["idea"].exists() and count_rows(Idea) == 2


# --- Erasure by code, by a facilitator ------------------------------------------------------


@pytest.fixture
def coded_responses(client, make_wave):
    wave = make_wave()
    codes = []
    for mood in (1, 5):
        body = client.post(f"/api/v1/waves/{wave.id}/responses",
                           json={"uuid": str(uuid.uuid4()), "answers": {"mood": mood}}).get_json()
        codes.append(body["invitation_code"])
    return codes


def erase(client, code, contributions="keep"):
    return client.post("/animation/effacement/?lang=fr", data={"code": code, "contributions": contributions},
                       follow_redirects=True)


def test_a_facilitator_erases_the_link_of_a_code(client, auth, make_user, coded_responses):
    auth.login(make_user("facilitator"))
    code = coded_responses[0]
    page = erase(client, code.lower()[:4] + "-" + code.lower()[4:])  # as a person would type it
    assert "Effacé" in page.text
    db.session.rollback()
    assert count_rows(Response) == 2
    assert code not in db.session.scalars(select(Response.invitation_code)).all()
    [event] = db.session.scalars(select(AuditEvent)).all()
    assert event.subject == f"code {code}" and event.detail["survey_responses"] == 1

    page = erase(client, coded_responses[1], "delete")
    assert count_rows(Response) == 1


def test_erasure_by_code_stays_in_the_facilitators_territories(client, auth, make_user, coded_responses):
    auth.login(make_user("facilitator", scope=("rabiere",)))
    page = erase(client, coded_responses[0], "delete")
    assert "Aucune réponse" in page.text
    assert count_rows(Response) == 2


def test_a_bad_code_is_explained_and_changes_nothing(client, auth, make_user, coded_responses):
    auth.login(make_user("facilitator"))
    page = erase(client, "Karim Haddad")
    assert "pas un code de carte" in page.text and 'aria-invalid="true"' in page.text
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_residents_and_evaluators_cannot_erase(client, auth, make_user, coded_responses):
    assert client.post("/animation/effacement/", data={"code": coded_responses[0]}).status_code == 302
    auth.login(make_user("evaluator"))
    assert client.post("/animation/effacement/", data={"code": coded_responses[0]}).status_code == 403
    assert count_rows(Response) == 2


def test_erasure_from_the_command_line(runner, coded_responses):
    result = runner.invoke(args=["privacy", "erase", coded_responses[0], "--delete"])
    assert result.exit_code == 0, result.output
    assert "survey_responses: 1" in result.output
    assert count_rows(Response) == 1
    assert runner.invoke(args=["privacy", "erase", "not a code"]).exit_code != 0


@pytest.mark.parametrize("lang, words", [("fr", "Vos données personnelles"), ("en", "Your personal data"),
                                          ("ar", "بياناتك الشخصية")])
def test_the_privacy_page_speaks_the_residents_language(client, territories, lang, words):
    page = client.get(f"/donnees-personnelles?lang={lang}")
    assert page.status_code == 200 and words in page.text and "dpo@example.org" in page.text
    assert "24" in page.text
