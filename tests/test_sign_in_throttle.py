"""Password guessing waits: voix/accounts/throttle.py, for staff and resident sign-ins."""
from datetime import timedelta

from sqlalchemy import update

from deliberation.models import ResidentSession
from tests.conftest import count_rows, serving
from tests.test_deliberation_residents import sign_in, sign_up
from voix.accounts.models import StaffSession
from voix.accounts.throttle import SignInFailure, SignInPlace
from voix.extensions import db


def staff_login(client, user, password, lang="fr"):
    return client.post(f"/connexion?lang={lang}", data={"email": user.email, "password": password})


ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def client_at(client, address):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def fifteen_minutes_pass():
    db.session.execute(update(SignInFailure).values(failed_at=SignInFailure.failed_at - timedelta(minutes=15)))
    db.session.commit()


def test_five_wrong_passwords_make_a_staff_account_wait_even_with_the_right_one(client, make_user):
    user = make_user("facilitator")
    other = make_user("evaluator")
    for _ in range(5):
        assert staff_login(client, user, "not the password").status_code == 200
    waiting = client.post("/connexion?lang=fr", data={"email": f"  {user.email.upper()} ", "password": "correct horse battery"})
    assert waiting.status_code == 429
    assert "Trop de mots de passe erronés pour ce compte. Réessayez dans 15 minutes." in waiting.text
    assert "حاول مجددًا بعد 15 دقيقة" in staff_login(client, user, "correct horse battery", lang="ar").text
    assert count_rows(StaffSession) == 0
    assert staff_login(client, other, "correct horse battery").status_code == 302  # other accounts sign in

    fifteen_minutes_pass()
    assert staff_login(client, user, "correct horse battery").status_code == 302
    assert count_rows(StaffSession) == 2
    assert count_rows(SignInFailure) == 0  # the success forgot them; the table keeps no identifier
    assert not db.session.scalars(db.select(SignInFailure.account_key)).all()


def test_the_wait_counts_only_recent_failures(app, client, make_user):
    user = make_user("facilitator")
    for _ in range(4):
        staff_login(client, user, "not the password")
    fifteen_minutes_pass()  # these four are old now, and are cleared at the next failure
    for _ in range(4):
        staff_login(client, user, "not the password")
    assert count_rows(SignInFailure) == 4
    assert staff_login(client, user, "correct horse battery").status_code == 302


def test_a_resident_pseudonym_waits_after_five_wrong_passwords(client):
    sign_up(client)
    client.post("/habitants/deconnexion")
    for _ in range(5):
        assert sign_in(client, password="pas le bon").status_code == 200
    waiting = sign_in(client, pseudonym="OISEAU DU SANITAS")
    assert waiting.status_code == 429 and "Too many wrong passwords for this account." in waiting.text
    assert count_rows(ResidentSession) == 0
    fifteen_minutes_pass()
    assert sign_in(client).status_code == 302
    assert count_rows(ResidentSession) == 1


def test_a_stranger_elsewhere_cannot_lock_the_owner_out(database_url, make_user):
    user = make_user("admin", scope=())
    with serving(database_url) as attacker, serving(database_url) as owner:
        client_at(attacker, ATTACKER), client_at(owner, OWNER)
        for _ in range(5):
            assert staff_login(attacker, user, "not the password").status_code == 200
        assert staff_login(attacker, user, "correct horse battery").status_code == 429  # the guesser waits
        assert staff_login(owner, user, "correct horse battery").status_code == 302  # the owner does not
    stored = db.session.scalars(db.select(SignInFailure.address_key)).all()
    assert len(stored) == 5 and ATTACKER not in stored[0] and len(stored[0]) == 64  # a keyed hash, not the address


def test_one_address_trying_many_accounts_waits_for_all_of_them(database_url, make_user):
    user = make_user("facilitator")
    with serving(database_url) as guesser, serving(database_url) as elsewhere:
        client_at(guesser, ATTACKER), client_at(elsewhere, OWNER)
        for number in range(30):
            guesser.post("/connexion?lang=en", data={"email": f"someone{number}@example.org", "password": "123456"})
        waiting = staff_login(guesser, user, "correct horse battery", lang="en")
        assert waiting.status_code == 429
        assert "Too many wrong passwords from this connection. Try again in 15 minutes." in waiting.text
        french = staff_login(guesser, user, "correct horse battery", lang="fr")
        assert "Trop de mots de passe erronés depuis cette connexion. Réessayez dans 15 minutes." in french.text
        assert staff_login(elsewhere, user, "correct horse battery").status_code == 302


def test_guesses_spread_over_many_addresses_leave_only_the_owners_places_open(database_url, make_user):
    user = make_user("facilitator")
    with serving(database_url) as owner, serving(database_url) as botnet, serving(database_url) as new_place:
        client_at(owner, OWNER), client_at(new_place, "192.0.2.200")
        assert staff_login(owner, user, "correct horse battery").status_code == 302  # a known place now
        owner.post("/deconnexion")
        for number in range(20):
            client_at(botnet, f"192.0.2.{number + 1}")
            assert staff_login(botnet, user, "not the password").status_code == 200
        assert staff_login(new_place, user, "correct horse battery").status_code == 429
        assert staff_login(owner, user, "correct horse battery").status_code == 302
    assert count_rows(SignInPlace) == 1


def test_ipv6_guesses_count_by_their_64_network(database_url, make_user):
    user = make_user("facilitator")
    with serving(database_url) as attacker:
        for number in range(5):
            client_at(attacker, f"2001:db8:1:2::{number + 1}")
            staff_login(attacker, user, "not the password")
        client_at(attacker, "2001:db8:1:2:ffff::9")
        assert staff_login(attacker, user, "correct horse battery").status_code == 429
        client_at(attacker, "2001:db8:1:3::1")
        assert staff_login(attacker, user, "correct horse battery").status_code == 302


def test_a_resident_is_not_locked_out_by_a_stranger_elsewhere(database_url, client):
    sign_up(client)
    client.post("/habitants/deconnexion")
    with serving(database_url) as attacker:
        client_at(attacker, ATTACKER)
        for _ in range(5):
            sign_in(attacker, password="pas le bon")
        assert sign_in(attacker).status_code == 429
    assert sign_in(client).status_code == 302
