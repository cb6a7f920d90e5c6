"""Rate limits on public writes (voix/limits.py): per kiosk, per address, per participation token."""
import uuid

from deliberation import operations as ops
from deliberation.models import Origin
from surveys.models import Response
from tests.conftest import count_rows, serving
from tests.test_kiosk import form_fields
from voix.extensions import db
from voix.kiosk.device import device_token
from voix.kiosk.models import Kiosk

PHONE = {"REMOTE_ADDR": "192.0.2.10"}
SAME_EPN = {"REMOTE_ADDR": "192.0.2.10"}  # the kiosks of the EPN go out through the phone's Wi-Fi address


def limited(database_url, **limits):
    config = {"RATELIMIT_ENABLED": True, "RATELIMIT_ADDRESS": "1000 per minute", "RATELIMIT_KIOSK": "1000 per minute",
              "RATELIMIT_TOKEN": "1000 per minute", **limits}
    return serving(database_url, **config)


def submit(client, wave, headers=None, lang="fr", environ=PHONE):
    return client.post(f"/api/v1/waves/{wave.id}/responses?lang={lang}", environ_base=environ, headers=headers or {},
                       json={"uuid": str(uuid.uuid4()), "answers": {"mood": 3}})


def kiosk(territories, place):
    device = Kiosk(place=place, territory=territories["sanitas"])
    db.session.add(device)
    db.session.commit()
    return {"X-Kiosk-Token": device_token(device)}


def test_an_address_gets_429_json_in_its_language_and_nothing_is_stored(database_url, make_wave):
    wave = make_wave()
    with limited(database_url, RATELIMIT_ADDRESS="3 per minute") as client:
        assert [submit(client, wave).status_code for _ in range(3)] == [201, 201, 201]
        refused = submit(client, wave, lang="en")
        assert refused.status_code == 429
        assert refused.get_json() == {"error": 429, "message": "You have sent a lot in a short time. What you just "
                                      "sent was not saved: please wait a minute, then send it again."}
        assert int(refused.headers["Retry-After"]) > 0
        assert submit(client, wave, lang="fr").get_json()["message"].startswith("Vous avez envoyé beaucoup")
        # Another address is not held back by this one.
        assert submit(client, wave, environ={"REMOTE_ADDR": "198.51.100.7"}).status_code == 201
    assert count_rows(Response) == 4


def test_the_html_form_gets_a_translated_429_page_and_reading_is_never_limited(database_url, make_wave):
    wave = make_wave()
    with limited(database_url, RATELIMIT_ADDRESS="1 per minute") as client:
        for _ in range(5):  # GETs do not count
            page = client.get(f"/enquete/{wave.id}", environ_base=PHONE)
            assert page.status_code == 200
        form = {"q-mood": "3", **form_fields(page.text)}
        assert client.post(f"/enquete/{wave.id}", data=form, environ_base=PHONE).status_code == 303
        refused = client.post(f"/enquete/{wave.id}?lang=ar", data={**form, "uuid": str(uuid.uuid4())},
                              environ_base=PHONE)
        assert refused.status_code == 429
        page = refused.get_data(as_text=True)
        assert 'lang="ar"' in page and "لم يُحفظ" in page
    assert count_rows(Response) == 1


def test_kiosks_count_by_device_not_by_their_shared_address(database_url, make_wave, territories):
    wave = make_wave()
    first, second = kiosk(territories, "EPN, tablette 1"), kiosk(territories, "EPN, tablette 2")
    with limited(database_url, RATELIMIT_ADDRESS="2 per minute", RATELIMIT_KIOSK="4 per minute") as client:
        # Each tablet gets the kiosk budget, above the address one, though all share one address...
        assert [submit(client, wave, first, environ=SAME_EPN).status_code for _ in range(4)] == [201] * 4
        assert [submit(client, wave, second, environ=SAME_EPN).status_code for _ in range(4)] == [201] * 4
        assert submit(client, wave, first, environ=SAME_EPN).status_code == 429
        # ...and a phone on the same Wi-Fi still has its own.
        assert [submit(client, wave).status_code for _ in range(3)] == [201, 201, 429]
    assert count_rows(Response) == 10


def test_a_forged_kiosk_token_counts_as_its_address(database_url, make_wave):
    wave = make_wave()
    forged = {"X-Kiosk-Token": "eyJraW9zayI6MX0.forged"}
    with limited(database_url, RATELIMIT_ADDRESS="1 per minute", RATELIMIT_KIOSK="100 per minute") as client:
        assert submit(client, wave, forged).status_code == 201
        assert submit(client, wave, forged).status_code == 429


def test_one_participation_token_is_limited_from_any_address(database_url, territories):
    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    carrier = ops.new_participant(consultation, Origin.personal)
    ideas = [ops.propose_idea(consultation, carrier, title=t, body=f"{t} pour tout le monde")
             for t in ("Des bancs à l'ombre", "Un terrain de foot", "Une fresque")]
    ops.advance_phase(consultation)
    db.session.commit()
    with limited(database_url, RATELIMIT_TOKEN="2 per minute") as client:
        token = client.post(f"/api/v1/consultations/{consultation.id}/participants", json={}).get_json()["token"]
        statuses = [client.post(f"/api/v1/ideas/{idea.id}/supports", environ_base={"REMOTE_ADDR": f"203.0.113.{n}"},
                                json={"token": token, "uuid": str(uuid.uuid4())}).status_code
                    for n, idea in enumerate(ideas)]
        assert statuses == [201, 201, 429]
        # Another participant is not held back.
        other = client.post(f"/api/v1/consultations/{consultation.id}/participants", json={}).get_json()["token"]
        assert client.post(f"/api/v1/ideas/{ideas[2].id}/supports",
                           json={"token": other, "uuid": str(uuid.uuid4())}).status_code == 201


def test_staff_sign_in_is_limited_per_address(database_url, make_user):
    user = make_user()
    with limited(database_url, RATELIMIT_ADDRESS="2 per minute") as client:
        wrong = {"email": user.email, "password": "not it"}
        assert [client.post("/connexion", data=wrong).status_code for _ in range(2)] == [200, 200]
        assert client.post("/connexion", data=wrong).status_code == 429


def test_limits_can_be_switched_off(database_url, make_wave):
    wave = make_wave()
    with serving(database_url, RATELIMIT_ENABLED=False, RATELIMIT_ADDRESS="1 per minute") as client:
        assert [submit(client, wave).status_code for _ in range(3)] == [201] * 3


def test_redis_down_falls_back_to_counting_in_memory(database_url, make_wave):
    wave = make_wave()
    with limited(database_url, REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_ADDRESS="2 per minute") as client:
        assert [submit(client, wave).status_code for _ in range(3)] == [201, 201, 429]



def test_limits_counted_in_redis_hold_across_two_app_instances(database_url, make_wave, redis_url):
    wave = make_wave()
    config = {"REDIS_URL": redis_url, "RATELIMIT_ADDRESS": "2 per minute"}
    with limited(database_url, **config) as one, limited(database_url, **config) as two:
        assert submit(one, wave).status_code == 201
        assert submit(two, wave).status_code == 201
        assert submit(one, wave).status_code == 429
        assert submit(two, wave).status_code == 429


def test_every_limited_api_route_documents_429_and_503(app):
    import re

    from tests.test_openapi import API_PREFIX, SPEC, documented
    from voix.limits import PUBLIC_WRITES

    spec = documented(SPEC.read_text(encoding="utf-8"))
    limited_routes = [re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule[len(API_PREFIX):])
                      for rule in app.url_map.iter_rules() if rule.endpoint in PUBLIC_WRITES and rule.endpoint.startswith("api.")]
    assert len(limited_routes) == 11
    for path in limited_routes:
        assert {"429", "503"} <= spec[("POST", path)], path


def test_every_listed_endpoint_exists(app):
    from voix.limits import PUBLIC_WRITES

    served = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert PUBLIC_WRITES - served == set(), "voix/limits.py names endpoints that no longer exist"
