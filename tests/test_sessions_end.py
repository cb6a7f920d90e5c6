"""Staff sign-ins end: after inactivity, and in any case some days after signing in
(voix/accounts/auth.py); and the cookie is not sent again on every request."""
import time
from datetime import timedelta

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
