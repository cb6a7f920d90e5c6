"""Staff sign-ins end: after inactivity, and in any case some days after signing in
(voix/accounts/auth.py); and the cookie is not sent again on every request."""
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from tests.conftest import count_rows, serving
from voix.accounts.auth import SESSION_KEY
from voix.accounts.models import StaffSession
from voix.extensions import db
from voix.models import utcnow

STAFF_PAGE = "/animation/enquetes/"


def shift_stamps(client, signed_in_ago=0, seen_ago=0):
    """Make the session cookie say it signed in and was last seen this many seconds ago."""
    with client.session_transaction() as session:
        stamp = session[SESSION_KEY]
        stamp["signed_in_at"] -= signed_in_ago
        stamp["seen_at"] -= seen_ago
        session[SESSION_KEY] = stamp


def sets_cookie(response) -> bool:
    return any(header.startswith("session=") for header in response.headers.getlist("Set-Cookie"))


def test_a_staff_session_ends_after_eight_hours_without_a_request(client, auth, make_user):
    auth.login(make_user("facilitator"))
    shift_stamps(client, signed_in_ago=8 * 3600 - 60, seen_ago=8 * 3600 - 60)
    assert client.get(STAFF_PAGE).status_code == 200  # seen within 8 hours: still signed in
    shift_stamps(client, seen_ago=8 * 3600 + 1)
    ended = client.get(STAFF_PAGE + "?lang=fr")
    assert ended.status_code == 302 and "/connexion" in ended.headers["Location"]
    login_page = client.get(ended.headers["Location"])
    assert "Votre session a pris fin. Veuillez vous reconnecter." in login_page.text
    assert count_rows(StaffSession) == 0  # the server-side session is gone too


def test_a_staff_session_ends_seven_days_after_sign_in_however_busy(client, auth, make_user):
    auth.login(make_user("facilitator"))
    shift_stamps(client, signed_in_ago=7 * 86400 + 1)  # seen just now
    ended = client.get(STAFF_PAGE + "?lang=en")
    assert ended.status_code == 302
    assert "Your session has ended. Please sign in again." in client.get(ended.headers["Location"]).text
    assert client.get(STAFF_PAGE).status_code == 302


def test_a_session_dated_years_ago_is_refused(client, auth, make_user):
    """The server's own record of the sign-in counts, whatever the cookie says."""
    auth.login(make_user("facilitator"))
    db.session.execute(update(StaffSession).values(created_at=utcnow() - timedelta(days=3 * 365)))
    db.session.commit()
    response = client.get(STAFF_PAGE + "?lang=ar")
    assert response.status_code == 302
    assert "انتهت جلستك" in client.get(response.headers["Location"]).text


def test_a_cookie_from_before_the_stamps_counts_from_the_sign_in_row(client, auth, make_user):
    auth.login(make_user("facilitator"))
    with client.session_transaction() as session:
        session[SESSION_KEY] = session[SESSION_KEY]["id"]  # the cookie as the previous version wrote it
    assert client.get(STAFF_PAGE).status_code == 200
    db.session.execute(update(StaffSession).values(created_at=utcnow() - timedelta(hours=9)))
    db.session.commit()
    assert client.get(STAFF_PAGE).status_code == 302


def test_the_limits_are_settings(database_url, make_user):
    user = make_user("facilitator")
    with serving(database_url, STAFF_SESSION_IDLE_MINUTES=1, STAFF_SESSION_MAX_DAYS=1) as client:
        client.post("/connexion", data={"email": user.email, "password": "correct horse battery"})
        shift_stamps(client, seen_ago=61)
        assert client.get(STAFF_PAGE).status_code == 302
        client.post("/connexion", data={"email": user.email, "password": "correct horse battery"})
        shift_stamps(client, signed_in_ago=86401)
        assert client.get(STAFF_PAGE).status_code == 302


def test_the_last_seen_time_is_written_back_at_most_every_five_minutes(client, auth, make_user):
    auth.login(make_user("facilitator"))
    client.get(STAFF_PAGE)  # the first page may add its form token to the session
    quiet = client.get(STAFF_PAGE)
    assert quiet.status_code == 200 and not sets_cookie(quiet)  # nothing new to say
    shift_stamps(client, seen_ago=301)
    refreshed = client.get(STAFF_PAGE)
    assert sets_cookie(refreshed)
    with client.session_transaction() as session:
        assert abs(session[SESSION_KEY]["seen_at"] - time.time()) < 5
    assert not sets_cookie(client.get(STAFF_PAGE))


def test_anonymous_pages_send_no_cookie(client, make_wave):
    make_wave()
    for url in ("/", "/kiosk/"):
        assert not sets_cookie(client.get(url))


def test_a_submission_without_a_cookie_gets_no_cookie_and_says_it_varies_by_cookie(client, make_wave):
    # The session is read (is a staff member or a resident signed in?) but stays empty:
    # no Set-Cookie, and "Vary: Cookie" as Flask says for a session that was read.
    wave = make_wave()
    response = client.post(f"/api/v1/waves/{wave.id}/responses", json={"uuid": str(uuid.uuid4()), "answers": {}})
    assert response.status_code in (201, 422)
    assert not sets_cookie(response)
    assert "Cookie" in response.headers.get("Vary", "")


def test_a_signed_in_session_is_still_read_written_back_and_deleted(client, auth, make_user):
    auth.login(make_user("facilitator"))
    assert client.get(STAFF_PAGE).status_code == 200
    shift_stamps(client, seen_ago=3600)  # due for its last-seen refresh: the cookie comes back
    response = client.get(STAFF_PAGE)
    assert response.status_code == 200 and sets_cookie(response)
    shift_stamps(client, signed_in_ago=30 * 86400)  # ended: the cookie is written again without it
    response = client.get(STAFF_PAGE)
    assert response.status_code != 200 and sets_cookie(response)
    with client.session_transaction() as session:
        assert SESSION_KEY not in session


# --- Cookies over HTTPS only, and HSTS -------------------------------------------------


def session_cookie(response) -> str:
    return next(header for header in response.headers.getlist("Set-Cookie") if header.startswith("session="))


def login(client, user, **kwargs):
    return client.post("/connexion", data={"email": user.email, "password": "correct horse battery"}, **kwargs)


def test_the_session_cookie_is_secure_by_default(client, make_user):
    response = login(client, make_user("facilitator"))
    assert response.status_code == 302
    assert "; Secure" in session_cookie(response) and "; HttpOnly" in session_cookie(response)


def test_cookies_are_insecure_only_in_debug_or_when_asked(database_url, make_user):
    user = make_user("facilitator")
    with serving(database_url, INSECURE_COOKIES=1) as lab:  # VOIX_INSECURE_COOKIES=1
        assert "; Secure" not in session_cookie(login(lab, user))
    with serving(database_url, DEBUG=True) as debug:
        assert "; Secure" not in session_cookie(login(debug, user))


def test_flask_run_serves_a_browser_on_the_same_machine_over_plain_http(client, make_user):
    user = make_user("facilitator")
    development = {"SERVER_SOFTWARE": "Werkzeug/3.1.9", "REMOTE_ADDR": "127.0.0.1"}
    assert "; Secure" not in session_cookie(login(client, user, environ_overrides=development))
    # The same server reached from another machine, or gunicorn, or HTTPS: Secure.
    assert "; Secure" in session_cookie(login(client, user, environ_overrides={**development, "REMOTE_ADDR": "192.168.1.20"}))
    assert "; Secure" in session_cookie(login(client, user, environ_overrides={**development, "SERVER_SOFTWARE": "gunicorn/23.0.0"}))
    assert "; Secure" in session_cookie(login(client, user, environ_overrides=development, base_url="https://localhost"))


def test_hsts_is_sent_over_https_only(client, database_url):
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"] == \
        "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/").headers
    with serving(database_url, PROXY_FIX_HOPS=1) as behind_a_proxy:
        proxied = behind_a_proxy.get("/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"})
        assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "Strict-Transport-Security" not in behind_a_proxy.get("/", headers={"X-Forwarded-Proto": "http"}).headers


def test_the_readme_demo_signs_in_over_plain_http(tmp_path):
    """README (a): `flask --app wsgi demo && flask --app wsgi run`, then a browser at
    http://127.0.0.1:5000 signs in. urllib's cookie jar, like a browser, never sends a
    Secure cookie over plain HTTP: with one, the sign-in form's token would not come back."""
    repository = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}", "VOIX_SECRET_KEY": "demo-test-key"}
    env.pop("FLASK_DEBUG", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    demo = subprocess.run([*flask, "demo"], cwd=repository, env=env, capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*flask, "run", "--port", str(port)], cwd=repository, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        base = f"http://127.0.0.1:{port}"
        deadline, form = time.monotonic() + 180, None  # a busy machine takes a while to start it
        while form is None:
            try:
                form = browser.open(f"{base}/connexion", timeout=30).read().decode()
            except urllib.error.URLError:
                assert time.monotonic() < deadline and server.poll() is None, "flask run did not start"
                time.sleep(0.3)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"csrf_token": csrf, "email": "animation.sanitas@voix.example",
                                       "password": "demo-facilitator"}).encode()
        signed_in = browser.open(f"{base}/connexion", data=body, timeout=30)
        assert signed_in.status == 200 and urllib.parse.urlsplit(signed_in.url).path == "/animation/enquetes/"
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- Residents' sign-ins end too ---------------------------------------------------------


def test_a_residents_sign_in_ends_after_a_week_unused_on_a_personal_device(client):
    from deliberation.residents import SEEN_KEY
    from tests.test_deliberation_residents import sign_up

    assert sign_up(client).status_code == 302
    with client.session_transaction() as session:
        session[SEEN_KEY] -= 6 * 86400
    assert client.get("/habitants/mes-idees").status_code == 200  # six days: still signed in
    with client.session_transaction() as session:
        assert abs(session[SEEN_KEY] - time.time()) < 5  # and seen again now
        session[SEEN_KEY] -= 7 * 86400 + 1
    ended = client.get("/habitants/mes-idees?lang=fr")
    assert ended.status_code == 302 and "/habitants/connexion" in ended.headers["Location"]
    assert "Votre session a pris fin. Veuillez vous reconnecter." in client.get(ended.headers["Location"]).text


def test_a_residents_sign_in_ends_30_days_after_it_began_with_a_message(client):
    from deliberation.models import ResidentSession
    from tests.test_deliberation_residents import sign_up

    sign_up(client)
    db.session.execute(update(ResidentSession).values(created_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    ended = client.get("/habitants/mes-idees?lang=en")
    assert ended.status_code == 302
    assert "Your session has ended. Please sign in again." in client.get(ended.headers["Location"]).text
