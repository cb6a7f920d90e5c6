from sqlalchemy import select

from surveys.models import Response, Wave, WaveStatus
from tests.conftest import Auth, count_rows
from voix.demo import STAFF
from voix.extensions import db


def test_demo_loads_every_screen(app, runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for email, _name, role, _scope in STAFF:
        assert f"{email}" in result.output and f"demo-{role.value}" in result.output
    waves = db.session.scalars(select(Wave).order_by(Wave.id)).all()
    assert [w.status for w in waves].count(WaveStatus.closed) == 3
    assert [w.status for w in waves].count(WaveStatus.open) == 2
    assert count_rows(Response) >= 120
    commented = [a.value for r in db.session.scalars(select(Response)) for a in r.answers if a.question.code == "commentaire"]
    assert any("CAF" in text for text in commented)
    assert not any("06 12 34 56 78" in text or "Mme Durand" in text for text in commented)  # scrubbed

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already has data" in again.output

    auth = Auth(client)
    for email, _name, role, _scope in STAFF:
        client.post("/connexion", data={"email": email, "password": f"demo-{role.value}"})
        pages = ["/", "/animation/enquetes/", "/kiosk/appareils", "/admin/territoires/"]
        pages += [f"/animation/enquetes/vagues/{w.id}" for w in waves] + [f"/animation/enquetes/{waves[0].questionnaire_id}"]
        for url in pages:
            assert client.get(url).status_code in (200, 302, 403), (email, url)
        auth.logout()
    assert "Vivre dans mon quartier" in client.get("/").text
