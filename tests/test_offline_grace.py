"""A tablet that was offline sends later: answered_at, checked, and the grace period
after a wave closes (surveys/submission.py). Runs on SQLite and PostgreSQL."""
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from surveys import operations as ops
from surveys.models import Response, WaveStatus
from tests.conftest import count_rows, serving
from voix.extensions import db


def send(client, wave, answered_at, response_uuid=None, lang="en"):
    body = {"uuid": response_uuid or str(uuid.uuid4()), "answers": {"mood": 4}}
    if answered_at is not None:
        body["answered_at"] = answered_at.isoformat() if isinstance(answered_at, datetime) else answered_at
    return client.post(f"/api/v1/waves/{wave.id}/responses?lang={lang}", json=body)


def ago(**delta):
    return datetime.now(timezone.utc) - timedelta(**delta)


def test_a_wave_closed_by_its_date_accepts_what_was_answered_while_open(client, make_wave):
    wave = make_wave(days=(-10, -2))  # closed two days ago
    response_uuid = str(uuid.uuid4())
    answered = ago(days=3)
    first = send(client, wave, answered, response_uuid)
    assert first.status_code == 201, first.text
    assert send(client, wave, answered, response_uuid).status_code == 200  # a re-send: stored once
    assert count_rows(Response) == 1
    stored = db.session.scalar(select(Response))
    submitted = stored.submitted_at.replace(tzinfo=stored.submitted_at.tzinfo or timezone.utc)
    assert abs(submitted - answered) < timedelta(seconds=1)  # counted when it was answered
    assert {a.question.code: a.value for a in stored.answers} == {"mood": 4}


def test_closed_wave_refuses_what_was_answered_after_or_without_a_time(client, make_wave):
    wave = make_wave(days=(-10, -2))
    assert send(client, wave, ago(hours=1)).status_code == 409  # answered after the last day
    assert send(client, wave, None).status_code == 409  # no answered_at: answered now
    assert count_rows(Response) == 0


def test_the_grace_period_ends(database_url, make_wave):
    wave = make_wave(days=(-20, -9))  # closed nine days ago
    with serving(database_url) as client:  # default: 7 days
        refused = send(client, wave, ago(days=10))
        assert refused.status_code == 409 and "closed" in refused.get_json()["message"]
    with serving(database_url, OFFLINE_GRACE_DAYS=10) as client:
        assert send(client, wave, ago(days=10)).status_code == 201
    assert count_rows(Response) == 1


def test_a_wave_closed_by_hand_accepts_only_what_was_answered_before(client, make_wave):
    wave = make_wave(days=(-20, 30))
    ops.set_wave_status(wave, WaveStatus.closed)
    wave.closed_at = ago(hours=2)
    db.session.commit()
    assert send(client, wave, ago(hours=3)).status_code == 201
    assert send(client, wave, ago(hours=1)).status_code == 409  # answered after staff closed it
    wave.closed_at = ago(days=8)  # closed by hand longer ago than the grace period
    db.session.commit()
    assert send(client, wave, ago(days=9)).status_code == 409
    assert count_rows(Response) == 1


def test_closing_and_reopening_sets_and_clears_closed_at(app, make_wave):
    wave = make_wave()
    ops.set_wave_status(wave, WaveStatus.closed)
    assert wave.closed_at is not None
    ops.set_wave_status(wave, WaveStatus.open)
    assert wave.closed_at is None


def test_a_time_in_the_future_is_refused_with_a_translated_422(client, make_wave):
    wave = make_wave()
    english = send(client, wave, ago(hours=-1), lang="en")
    french = send(client, wave, ago(hours=-1), lang="fr")
    assert english.status_code == 422 == french.status_code
    assert set(english.get_json()["errors"]) == {"answered_at"}
    assert english.get_json()["message"] != french.get_json()["message"]
    assert "clock" in english.get_json()["message"]
    assert send(client, wave, ago(minutes=-2)).status_code == 201  # a tablet a little ahead: fine
    assert count_rows(Response) == 1


def test_a_time_before_the_wave_opened_is_refused(client, make_wave):
    wave = make_wave(days=(-1, 30))
    refused = send(client, wave, ago(days=3))
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"answered_at"}
    assert count_rows(Response) == 0


def test_answered_at_must_be_a_date_and_time(client, make_wave):
    wave = make_wave()
    for bad in ("yesterday", "2026-13-40T10:00:00Z", 12, ["2026-01-01"]):
        refused = send(client, wave, bad)
        assert refused.status_code == 422 and "answered_at" in refused.get_json()["errors"], bad
    assert count_rows(Response) == 0


def test_a_time_without_offset_is_local_time(client, make_wave):
    wave = make_wave(days=(-10, -2))
    local = (datetime.now(timezone.utc) - timedelta(days=3)).astimezone().replace(tzinfo=None)
    assert send(client, wave, local.isoformat()).status_code == 201
