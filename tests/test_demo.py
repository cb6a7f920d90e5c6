from sqlalchemy import select

from surveys.models import Response, Wave, WaveStatus
from tests.conftest import Auth, count_rows, residents_today
from voix.demo import STAFF
from voix.extensions import db


def test_demo_loads_every_screen(app, runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for email, _name, role, _scope in STAFF:
        assert f"{email}" in result.output and f"demo-{role.value}" in result.output
    waves = db.session.scalars(select(Wave).order_by(Wave.id)).all()
    assert [w.status for w in waves].count(WaveStatus.closed) == 5
    assert [w.status for w in waves].count(WaveStatus.open) == 2
    opened = [w.id for w in waves if w.status is WaveStatus.open]
    assert any(f"Offline: open /enquete/{wave_id} on a phone" in result.output for wave_id in opened)
    assert count_rows(Response) >= 500
    commented = [a.value for r in db.session.scalars(select(Response)) for a in r.answers if a.question.code == "commentaire"]
    assert any("CAF" in text for text in commented)
    assert not any("06 12 34 56 78" in text or "Mme Durand" in text for text in commented)  # scrubbed

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already has data" in again.output

    auth = Auth(client)
    everywhere = ("metropole", "tours", "sanitas", "rabiere")
    pages_by_role = {  # what each role may open (200); every other page of the list is 403
        "admin": {"/admin/territoires/", "/kiosk/appareils", "/animation/enquetes/"},
        "facilitator": {"/kiosk/appareils", "/animation/enquetes/"},
        "evaluator": {"/animation/enquetes/"},
        "moderator": set(),
    }
    for email, _name, role, scope in STAFF:
        login = client.post("/connexion", data={"email": email, "password": f"demo-{role.value}"})
        assert login.status_code == 302 and client.get(login.headers["Location"]).status_code == 200, email
        reach = everywhere if role.value == "admin" or "metropole" in scope else scope
        readable = {w.id for w in waves if w.territory.slug in reach} if role.value != "moderator" else set()
        expected = pages_by_role[role.value] | readable
        for page in ("/admin/territoires/", "/kiosk/appareils", "/animation/enquetes/", *[w.id for w in waves]):
            url = f"/animation/enquetes/vagues/{page}" if isinstance(page, int) else page
            wanted = 200 if page in expected else 403
            assert client.get(url).status_code == wanted, (email, url)
        auth.logout()
    assert "Vivre dans mon quartier" in client.get("/").text


def test_demo_exercises_every_indicator_over_five_periods(app, runner):
    from datetime import timedelta

    from insights.indicators import Period, indicator_report
    from test_indicators import figures
    from voix.territories.models import territory_by_slug

    assert runner.invoke(args=["demo"]).exit_code == 0
    today = residents_today()
    with app.test_request_context():
        metropole = indicator_report(territory_by_slug("metropole"), Period(today - timedelta(days=364), today), 5)
        sanitas = indicator_report(territory_by_slug("sanitas"), Period(today - timedelta(days=364), today), 5)
    for item in metropole["indicators"]:
        assert all(not entry["suppressed"] and entry["value"] is not None for entry in item["series"]), item["id"]
    for report in (metropole, sanitas):
        shown = [f for f in figures(report) if f.get("count_of") == "people" and not f["suppressed"]]
        assert all(f["count"] >= 10 for f in shown)
