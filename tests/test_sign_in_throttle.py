"""Password guessing waits: voix/accounts/throttle.py, for staff and resident sign-ins."""
from datetime import timedelta

from sqlalchemy import update

from deliberation.models import ResidentSession
from tests.conftest import count_rows
from tests.test_deliberation_residents import sign_in, sign_up
from voix.accounts.models import StaffSession
from voix.accounts.throttle import SignInFailure
from voix.extensions import db


def staff_login(client, user, password, lang="fr"):
    return client.post(f"/connexion?lang={lang}", data={"email": user.email, "password": password})


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
