from datetime import timedelta

from sqlalchemy import select, text, update

from tests.conftest import count_rows
from voix.accounts.models import ApiToken, Role, StaffSession, User, as_utc
from voix.extensions import db
from voix.models import utcnow


def test_password_is_stored_with_a_salted_kdf(make_user):
    user = make_user("facilitator")
    assert user.password_hash.startswith("scrypt:")
    assert "correct horse battery" not in user.password_hash
    assert user.check_password("correct horse battery")
    assert not user.check_password("correct horse")


def test_wrong_password_is_refused_in_the_users_language(client, make_user):
    user = make_user("facilitator")
    english = client.post("/connexion?lang=en", data={"email": user.email, "password": "nope"})
    assert english.status_code == 200
    assert "Wrong email or password." in english.text
    french = client.post("/connexion?lang=fr", data={"email": user.email, "password": "nope"})
    assert 'class="flash flash-error"' in french.text
    assert "Wrong email or password." not in french.text
    assert count_rows(StaffSession) == 0


def test_login_then_logout_refuses_a_replayed_cookie(app, make_user):
    user = make_user("facilitator")
    client = app.test_client()
    client.post("/connexion", data={"email": user.email, "password": "correct horse battery"})
    cookie = client.get_cookie("session").value
    assert client.get("/animation/enquetes/").status_code == 200

    client.post("/deconnexion")
    assert count_rows(StaffSession) == 0

    attacker = app.test_client()
    attacker.set_cookie("session", cookie)  # the cookie as it was before logout
    response = attacker.get("/animation/enquetes/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_a_new_secret_key_signs_at_once_and_old_cookies_follow_the_fallbacks(app, make_user):
    """The session's signer is kept between requests (voix/security.py): it must follow the keys."""
    user = make_user("facilitator")

    def signed_in_cookie():
        client = app.test_client()
        client.post("/connexion", data={"email": user.email, "password": "correct horse battery"})
        return client.get_cookie("session").value

    def opens_staff_pages(cookie):
        client = app.test_client()
        client.set_cookie("session", cookie)
        return client.get("/animation/enquetes/").status_code == 200

    old_cookie = signed_in_cookie()
    assert opens_staff_pages(old_cookie)
    app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = "a-rotated-key-0123456789", [app.secret_key]
    new_cookie = signed_in_cookie()
    assert opens_staff_pages(old_cookie) and opens_staff_pages(new_cookie)
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert not opens_staff_pages(old_cookie)  # the old key is gone: sign in again
    assert opens_staff_pages(new_cookie)


def test_login_redirect_stays_on_site(client, make_user):
    user = make_user("facilitator")
    response = client.post("/connexion?next=https://evil.example/x", data={"email": user.email, "password": "correct horse battery"})
    assert response.headers["Location"] == "/animation/enquetes/"


def test_disabled_account_cannot_log_in(client, make_user):
    user = make_user("facilitator")
    user.active = False
    db.session.commit()
    response = client.post("/connexion", data={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 200


def test_cli_creates_a_scoped_facilitator(runner, territories):
    result = runner.invoke(args=["users", "create", "--email", "Samir@Example.org", "--name", "Samir",
                                 "--role", "facilitator", "--territory", "sanitas", "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "samir@example.org"))
    assert user.role is Role.facilitator
    assert [t.slug for t in user.territories] == ["sanitas"]
    assert user.check_password("s3cret-pass")


def test_cli_generates_and_prints_a_password(runner, territories):
    result = runner.invoke(args=["users", "create", "--email", "e@example.org", "--name", "E", "--role", "evaluator",
                                 "--territory", "metropole"])
    password = result.output.split("password: ")[1].strip()
    user = db.session.scalar(select(User).where(User.email == "e@example.org"))
    assert len(password) >= 12 and user.check_password(password)


def test_cli_refuses_unknown_territory_and_unscoped_facilitator(runner, territories):
    unknown = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "X", "--role", "facilitator",
                                  "--territory", "atlantis"])
    unscoped = runner.invoke(args=["users", "create", "--email", "y@example.org", "--name", "Y", "--role", "facilitator"])
    assert unknown.exit_code != 0 and "atlantis" in unknown.output
    assert unscoped.exit_code != 0
    assert count_rows(User) == 0


def test_cli_token_authenticates_the_api(runner, client, make_user, make_wave):
    user = make_user("facilitator", ("rabiere",))
    wave = make_wave("rabiere")
    token = runner.invoke(args=["users", "token", user.email]).output.strip()
    response = client.get(f"/api/v1/waves/{wave.id}/export", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_facilitator_of_sanitas_gets_403_on_rabiere_waves(client, auth, make_user, make_wave):
    rabiere_wave = make_wave("rabiere")
    sanitas_wave = make_wave("sanitas")
    auth.login(make_user("facilitator", ("sanitas",)))
    base = "/animation/enquetes/vagues"
    for url in (f"{base}/{rabiere_wave.id}", f"{base}/{rabiere_wave.id}/export.wide"):
        assert client.get(url).status_code == 403
    for url in (f"{base}/{rabiere_wave.id}/fermer", f"{base}/{rabiere_wave.id}/suivante"):
        assert client.post(url).status_code == 403
    assert client.get(f"{base}/{sanitas_wave.id}").status_code == 200


def test_commune_facilitator_reaches_its_quartiers(client, auth, make_user, make_wave):
    wave = make_wave("sanitas")
    auth.login(make_user("facilitator", ("tours",)))
    assert client.get(f"/animation/enquetes/vagues/{wave.id}").status_code == 200


def test_evaluator_reads_but_cannot_change(client, auth, make_user, make_wave):
    wave = make_wave("rabiere")
    auth.login(make_user("evaluator", ("metropole",)))
    assert client.get(f"/animation/enquetes/vagues/{wave.id}/export.long").status_code == 200
    assert client.post(f"/animation/enquetes/vagues/{wave.id}/fermer").status_code == 403


def test_admin_only_pages(client, auth, make_user, territories):
    auth.login(make_user("facilitator"))
    assert client.get("/admin/territoires/").status_code == 403
    auth.logout()
    auth.login(make_user("admin", (), email="boss@example.org"))
    assert client.get("/admin/territoires/").status_code == 200
    sanitas = territories["sanitas"]
    response = client.post(f"/admin/territoires/{sanitas.id}", data={"name": "Sanitas", "population": "9100"})
    assert response.status_code == 302
    db.session.refresh(sanitas)
    assert sanitas.population == 9100
    response = client.post(f"/admin/territoires/{sanitas.id}", data={"name": "Sanitas", "population": "-4"})
    assert response.status_code == 200
    db.session.refresh(sanitas)
    assert sanitas.population == 9100


# --- API tokens end: they expire, and can be revoked ------------------------------------


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_token_has_a_name_and_expires_after_90_days_by_default(runner, make_user):
    user = make_user("facilitator")
    assert runner.invoke(args=["users", "token", user.email]).exit_code == 0
    assert runner.invoke(args=["users", "token", user.email, "--name", "tableau de bord", "--days", "7"]).exit_code == 0
    default, short = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    assert default.name == "export" and short.name == "tableau de bord"
    assert as_utc(default.expires_at) - as_utc(default.created_at) == timedelta(days=90)
    assert as_utc(short.expires_at) - as_utc(short.created_at) == timedelta(days=7)
    assert runner.invoke(args=["users", "token", user.email, "--days", "0"]).exit_code != 0


def test_the_token_lifetime_is_a_setting(app, runner, make_user):
    app.config["API_TOKEN_DAYS"] = 30  # VOIX_API_TOKEN_DAYS=30, or instance/config.py
    user = make_user("facilitator")
    assert runner.invoke(args=["users", "token", user.email]).exit_code == 0
    token = db.session.scalar(select(ApiToken))
    assert as_utc(token.expires_at) - as_utc(token.created_at) == timedelta(days=30)


def test_a_revoked_token_is_refused_at_once_in_the_users_language(runner, client, make_user, make_wave):
    user = make_user("facilitator", ("rabiere",))
    wave = make_wave("rabiere")
    token = runner.invoke(args=["users", "token", user.email, "--name", "R script"]).output.strip()
    url = f"/api/v1/waves/{wave.id}/export"
    assert client.get(url, headers=bearer(token)).status_code == 200

    listing = runner.invoke(args=["users", "tokens", user.email]).output.splitlines()
    token_id, name, created, expires, last_used, state = listing[1].split("\t")
    assert name == "R script" and state == "works" and last_used != "-" and expires > created
    revoked = runner.invoke(args=["users", "revoke-token", token_id])
    assert revoked.exit_code == 0, revoked.output

    refused = client.get(url, headers={**bearer(token), "Accept-Language": "fr"})
    assert refused.status_code == 401
    assert refused.json["message"] == "Ce jeton d'API est inconnu, expiré ou révoqué. Demandez-en un nouveau."
    assert client.get(url, headers={**bearer(token), "Accept-Language": "en"}).json["message"].startswith(
        "This API token is unknown, expired or revoked.")
    assert runner.invoke(args=["users", "tokens", user.email]).output.splitlines()[1].split("\t")[-1].startswith("revoked")
    assert runner.invoke(args=["users", "revoke-token", "9999"]).exit_code != 0


def test_an_expired_token_is_refused(runner, client, make_user, make_wave):
    user = make_user("facilitator", ("rabiere",))
    wave = make_wave("rabiere")
    token = runner.invoke(args=["users", "token", user.email, "--days", "1"]).output.strip()
    db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get(f"/api/v1/waves/{wave.id}/export", headers={**bearer(token), "Accept-Language": "ar"})
    assert response.status_code == 401 and response.json["error"] == 401
    assert "رمز" in response.json["message"]
    assert runner.invoke(args=["users", "tokens", user.email]).output.splitlines()[1].endswith("\texpired")


def test_last_use_is_written_at_most_once_an_hour(runner, client, make_user, make_wave):
    user = make_user("facilitator", ("rabiere",))
    wave = make_wave("rabiere")
    token = runner.invoke(args=["users", "token", user.email]).output.strip()
    url = f"/api/v1/waves/{wave.id}/export"
    client.get(url, headers=bearer(token))
    first = as_utc(db.session.scalar(select(ApiToken.last_used_at)))
    client.get(url, headers=bearer(token))
    db.session.rollback()
    assert as_utc(db.session.scalar(select(ApiToken.last_used_at))) == first
    db.session.execute(update(ApiToken).values(last_used_at=first - timedelta(hours=2)))
    db.session.commit()
    client.get(url, headers=bearer(token))
    db.session.rollback()
    assert as_utc(db.session.scalar(select(ApiToken.last_used_at))) > first


def test_tokens_made_before_the_upgrade_expire_90_days_after_it(app, make_user):
    from tests.test_migrations import migrate_down_and_up_again

    user = make_user("facilitator")
    db.session.execute(text("INSERT INTO api_token (user_id, name, token_hash, created_at, expires_at) "
                            "VALUES (:user, 'old', :hash, :created, :created)"),
                       dict(user=user.id, hash="0" * 64, created=utcnow() - timedelta(days=400)))
    migrate_down_and_up_again(app, "0012")
    expires = as_utc(db.session.scalar(select(ApiToken.expires_at)))
    assert abs(expires - (utcnow() + timedelta(days=90))) < timedelta(minutes=5)
