import uuid

import pytest
from sqlalchemy import select

from surveys.models import Response, WaveStatus
from tests.conftest import count_rows
from voix.accounts.auth import issue_api_token
from voix.extensions import db


def submit(client, wave, answers, response_uuid=None, **extra):
    body = {"uuid": response_uuid or str(uuid.uuid4()), "answers": answers, **extra}
    return client.post(f"/api/v1/waves/{wave.id}/responses", json=body)


def stored_count():
    return count_rows(Response)


def test_open_waves_of_a_territory_include_the_communes(client, make_wave):
    sanitas_wave = make_wave("sanitas")
    tours_wave = make_wave("tours")
    make_wave("rabiere")
    make_wave("sanitas", status=WaveStatus.draft)
    body = client.get("/api/v1/waves?territory=sanitas").get_json()
    assert body["territory"] == "sanitas"
    assert {w["id"] for w in body["waves"]} == {sanitas_wave.id, tours_wave.id}


def test_unknown_territory_is_404_json(client, territories):
    response = client.get("/api/v1/waves?territory=atlantis")
    assert response.status_code == 404
    assert response.get_json()["error"] == 404


def test_wave_detail_carries_every_translation(client, make_wave):
    wave = make_wave()
    body = client.get(f"/api/v1/waves/{wave.id}").get_json()
    mood = body["questions"][0]
    assert mood["code"] == "mood" and mood["type"] == "smiley" and mood["required"] is True
    assert mood["text"] == {"fr": "Humeur ?", "en": "Mood?", "ar": "المزاج؟"}
    assert body["questions"][2]["condition"] == {"op": "=", "question": "priority", "value": "clean"}
    assert "sanitas" in body["about_you"]["quartier"]


def test_first_post_is_201_and_a_repeat_is_200_storing_nothing(client, make_wave):
    wave = make_wave()
    response_uuid = str(uuid.uuid4())
    first = submit(client, wave, {"mood": 4, "priority": "youth"}, response_uuid)
    assert first.status_code == 201
    assert first.get_json()["status"] == "created"
    again = submit(client, wave, {"mood": 1}, response_uuid.upper())  # same UUID, other case
    assert again.status_code == 200
    assert again.get_json() == {**first.get_json(), "status": "already_recorded"}
    assert stored_count() == 1


def test_invalid_answers_get_422_per_question_and_store_nothing(client, make_wave):
    wave = make_wave()
    response = submit(client, wave, {"priority": "nonsense", "mood": 9})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"mood", "priority"}
    assert all(isinstance(message, str) and message for message in errors.values())
    assert stored_count() == 0


def test_messages_follow_the_language(client, make_wave):
    wave = make_wave()
    english = client.post(f"/api/v1/waves/{wave.id}/responses?lang=en", json={"uuid": str(uuid.uuid4()), "answers": {}})
    french = client.post(f"/api/v1/waves/{wave.id}/responses?lang=fr", json={"uuid": str(uuid.uuid4()), "answers": {}})
    assert english.get_json()["errors"]["mood"] != french.get_json()["errors"]["mood"]


def test_bad_uuid_and_non_json_are_refused(client, make_wave):
    wave = make_wave()
    assert submit(client, wave, {"mood": 3}, "not-a-uuid").status_code == 422
    assert client.post(f"/api/v1/waves/{wave.id}/responses", data={"uuid": str(uuid.uuid4())}).status_code == 415
    assert client.post(f"/api/v1/waves/{wave.id}/responses", data="[1]", content_type="application/json").status_code == 400
    assert stored_count() == 0


def test_closed_wave_refuses_new_responses_but_acknowledges_old_ones(client, make_wave):
    wave = make_wave()
    response_uuid = str(uuid.uuid4())
    assert submit(client, wave, {"mood": 3}, response_uuid).status_code == 201
    wave.status = WaveStatus.closed
    db.session.commit()
    assert submit(client, wave, {"mood": 3}, response_uuid).status_code == 200  # an offline re-send
    assert submit(client, wave, {"mood": 3}).status_code == 409
    assert stored_count() == 1


def test_hidden_question_answers_are_dropped(client, make_wave):
    wave = make_wave()
    submit(client, wave, {"mood": 3, "priority": "youth", "why": "ignored: the condition is false"})
    response = db.session.scalar(select(Response))
    assert {a.question.code for a in response.answers} == {"mood", "priority"}


def test_free_text_is_scrubbed_before_storage(client, make_wave, caplog):
    wave = make_wave()
    text = "Mme Benali de la CAF m'a dit d'appeler le 06 12 34 56 78"
    assert submit(client, wave, {"mood": 2, "priority": "clean", "why": text}).status_code == 201
    stored = next(a.value for a in db.session.scalar(select(Response)).answers if a.question.code == "why")
    assert "Benali" not in stored and "06 12" not in stored
    assert "CAF" in stored
    assert "Benali" not in caplog.text


@pytest.mark.parametrize("fmt, marker", [("wide", b"response_uuid"), ("long", b"question_code"), ("xlsx", b"PK")])
def test_export_needs_a_staff_token_in_scope(client, make_wave, make_user, fmt, marker):
    wave = make_wave("rabiere")
    submit(client, wave, {"mood": 5})
    url = f"/api/v1/waves/{wave.id}/export?format={fmt}"
    assert client.get(url).status_code == 401
    sanitas_token = issue_api_token(make_user("facilitator", ("sanitas",)), "t")
    rabiere_token = issue_api_token(make_user("facilitator", ("rabiere",)), "t")
    db.session.commit()
    assert client.get(url, headers={"Authorization": f"Bearer {sanitas_token}"}).status_code == 403
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    allowed = client.get(url, headers={"Authorization": f"Bearer {rabiere_token}"})
    assert allowed.status_code == 200
    assert marker in allowed.data[:120]


def test_a_uuid_names_one_response_only(client, make_wave):
    first, second = make_wave(), make_wave()
    response_uuid = str(uuid.uuid4())
    assert submit(client, first, {"mood": 3}, response_uuid).status_code == 201
    reused = submit(client, second, {"mood": 3}, response_uuid)
    assert reused.status_code == 422 and "uuid" in reused.get_json()["errors"]
    assert stored_count() == 1


def test_draft_waves_are_not_public(client, make_wave):
    draft = make_wave(status=WaveStatus.draft)
    assert client.get(f"/api/v1/waves/{draft.id}").status_code == 404
    assert submit(client, draft, {"mood": 3}).status_code == 409


@pytest.mark.parametrize("answers, about, field", [
    ({"mood": 4.7}, {}, "mood"),
    ({"mood": True}, {}, "mood"),
    ({"mood": "5"}, {"quartier": "tours"}, "quartier"),  # a commune is not a quartier
    ({"mood": 5}, {"age_bracket": "12"}, "age_bracket"),
    ({"mood": 5}, {"gender": "robot"}, "gender"),
])
def test_invalid_values_and_about_you_fields(client, make_wave, answers, about, field):
    response = submit(client, make_wave(), answers, about=about)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_about_you_is_stored_cleaned(client, make_wave, territories):
    about = {"gender": "self_described", "gender_description": "non-binaire, appelez-moi au 0612345678",
             "age_bracket": "18_25", "quartier": "rabiere", "invited_by": " ab2c-3d4e "}
    assert submit(client, make_wave(), {"mood": 5}, about=about).status_code == 201
    stored = db.session.scalar(select(Response))
    assert (stored.gender, stored.age_bracket, stored.quartier_id) == ("self_described", "18_25", territories["rabiere"].id)
    assert stored.gender_description == "non-binaire, appelez-moi au [téléphone]"
    assert stored.invited_by_code == "AB2C3D4E"
    weird = submit(client, make_wave(), {"mood": 5}, about={"gender": "self_described", "gender_description": ["x"]})
    assert weird.status_code == 201  # a non-text description is dropped, not a crash


def test_closed_wave_message_says_closed(client, make_wave):
    wave = make_wave(status=WaveStatus.closed)
    body = client.post(f"/api/v1/waves/{wave.id}/responses?lang=en", json={"uuid": str(uuid.uuid4()), "answers": {}}).get_json()
    assert body["message"] == "This survey is closed: answers are no longer accepted."


def test_a_kiosk_answers_only_the_waves_it_offers(client, make_wave, territories):
    from voix.kiosk.device import device_token
    from voix.kiosk.models import Kiosk

    rabiere_wave = make_wave("rabiere")
    kiosk = Kiosk(place="EPN du Sanitas", territory=territories["sanitas"])
    db.session.add(kiosk)
    db.session.commit()
    headers = {"X-Kiosk-Token": device_token(kiosk)}
    body = {"uuid": str(uuid.uuid4()), "answers": {"mood": 3}}
    assert client.post(f"/api/v1/waves/{rabiere_wave.id}/responses", json=body, headers=headers).status_code == 403
    assert stored_count() == 0


def test_odd_inputs_get_clear_answers_not_500(client, make_wave):
    wave = make_wave()
    assert submit(client, wave, {"mood": 3}, language=["fr"]).status_code == 201
    assert client.get("/api/v1/waves/99999999999999999999").status_code == 404
    assert client.get("/enquete/2147483648").status_code == 404
    huge = {"uuid": str(uuid.uuid4()), "answers": {"mood": 3, "why": "x" * (3 * 1024 * 1024)}}
    assert client.post(f"/api/v1/waves/{wave.id}/responses", json=huge).status_code == 413
    not_yet = make_wave(days=(3, 10))
    assert submit(client, not_yet, {"mood": 3}).status_code == 409


def test_control_characters_never_reach_the_database_or_break_exports(client, make_wave, make_user):
    wave = make_wave()
    text = "Le bailleur\x00 ne répond pas\x01\x07"
    assert submit(client, wave, {"mood": 2, "priority": "clean", "why": text},
                  about={"gender_description": "fluide\x00"}).status_code == 201
    stored = db.session.scalar(select(Response))
    assert {a.question.code: a.value for a in stored.answers}["why"] == "Le bailleur ne répond pas"
    assert (stored.gender, stored.gender_description) == ("self_described", "fluide")
    token = issue_api_token(make_user("facilitator", ("sanitas",)), "t")
    db.session.commit()
    response = client.get(f"/api/v1/waves/{wave.id}/export?format=xlsx", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_invitation_codes_are_ours_or_refused(client, make_wave):
    wave = make_wave()
    for not_a_code in ("06 12 34 56 78", "Fatima Benali"):
        refused = submit(client, wave, {"mood": 3}, about={"invited_by": not_a_code})
        assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["invited_by"]
    first = submit(client, wave, {"mood": 3}).get_json()["invitation_code"]
    assert submit(client, wave, {"mood": 4}, about={"invited_by": first.lower()}).status_code == 201
    assert db.session.scalar(select(Response).where(Response.invited_by_code == first)) is not None


def test_each_respondent_s_place_in_an_invitation_chain_is_stored_on_arrival(client, make_wave):
    wave = make_wave()
    code = submit(client, wave, {"mood": 3}).get_json()["invitation_code"]
    for _ in range(2):  # a neighbour, then the neighbour's neighbour
        code = submit(client, wave, {"mood": 3}, about={"invited_by": code}).get_json()["invitation_code"]
    submit(client, wave, {"mood": 3}, about={"invited_by": "ZZZZZZZZ"})  # well formed, but nobody's code
    depths = db.session.scalars(select(Response.invitation_depth).order_by(Response.id)).all()
    assert depths == [0, 1, 2, 0]


def test_an_api_token_does_not_open_the_staff_screens(client, make_wave, make_user):
    wave = make_wave()
    token = issue_api_token(make_user("facilitator", ("sanitas",)), "export")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/animation/enquetes/vagues/{wave.id}", headers=headers).status_code == 302  # to login
    assert client.post(f"/animation/enquetes/vagues/{wave.id}/fermer", headers=headers).status_code == 302
    db.session.refresh(wave)
    assert wave.status is WaveStatus.open


def test_api_posts_work_with_csrf_protection_on(database_url, make_wave):
    """The API relies on JSON-only bodies, not on the CSRF token (production has CSRF on)."""
    from tests.conftest import serving

    wave = make_wave()
    with serving(database_url, WTF_CSRF_ENABLED=True) as client:
        assert submit(client, wave, {"mood": 3}).status_code == 201
        assert client.post("/connexion", data={"email": "x@example.org", "password": "x"}).status_code == 400


def test_a_warm_server_sees_a_closed_wave_at_once(client, make_wave):
    """The server keeps an answered wave's questions in memory, never its status or dates."""
    wave = make_wave()
    for _ in range(3):  # the later ones use the questions kept after the first response
        assert submit(client, wave, {"mood": 3}).status_code == 201
    wave.status = WaveStatus.closed
    db.session.commit()
    assert submit(client, wave, {"mood": 3}).status_code == 409
    assert submit(client, wave, {"mood": 9}).status_code == 409  # closed first, whatever the answers
    wave.status = WaveStatus.open
    db.session.commit()
    assert submit(client, wave, {"mood": 3}).status_code == 201
    wave.closes_on = wave.opens_on
    db.session.commit()
    assert submit(client, wave, {"mood": 3}).status_code == 409
    assert stored_count() == 4


def test_a_kept_wave_that_changed_underneath_is_read_again(client, make_wave):
    """The app never moves a wave to another version; if the database did, the kept
    questions would be stale: the insert re-checks them and the answers are checked again."""
    from surveys import operations as ops
    from surveys.models import QuestionType, Wave

    wave = make_wave()
    for _ in range(2):
        assert submit(client, wave, {"mood": 3}).status_code == 201
    version = ops.editable_version(wave.questionnaire)
    ops.save_question(version, code="age", type=QuestionType.number, required=True, text={"fr": "Âge ?"})
    db.session.execute(Wave.__table__.update().where(Wave.id == wave.id).values(version_id=version.id))
    db.session.commit()
    refused = submit(client, wave, {"mood": 3})
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["age"]
    assert submit(client, wave, {"mood": 3, "age": 40}).status_code == 201
    stored = db.session.scalars(select(Response.version_id).order_by(Response.id)).all()
    assert stored[-1] == version.id and len(stored) == 3


def test_every_kind_of_answer_is_stored_as_it_was_cleaned(client, make_wave):
    """Answers are written in one statement from JSON on PostgreSQL and row by row on
    SQLite: both must store exactly the cleaned values."""
    options = [{"code": code, "label": {"fr": code}} for code in ("a", "b", "c")]
    kinds = {"single": ("single_choice", "b"), "multiple": ("multiple_choice", ["c", "a"]),
             "ranking": ("ranking", ["c", "a", "b"]), "agree": ("agreement", "dk"), "face": ("smiley", 1),
             "yes": ("yes_no", "no"), "decimal": ("number", "12,5"), "count": ("number", "7"),
             "day": ("date", "2026-03-21"), "short": ("short_text", ' « Des bancs », dit-il\\ "vraiment" '),
             "long": ("long_text", "Plus d'ombre\nعلى الساحة")}
    wave = make_wave(questions=[dict(code=code, type=kind, text={"fr": code}, options=options)
                                for code, (kind, _value) in kinds.items()])
    assert submit(client, wave, {code: value for code, (_kind, value) in kinds.items()}).status_code == 201
    stored = {a.question.code: a.value for a in db.session.scalar(select(Response)).answers}
    assert stored == {"single": "b", "multiple": ["a", "c"], "ranking": ["c", "a", "b"], "agree": "dk", "face": 1,
                      "yes": False, "decimal": 12.5, "count": 7, "day": "2026-03-21",
                      "short": '« Des bancs », dit-il\\ "vraiment"', "long": "Plus d'ombre\nعلى الساحة"}
