"""A resident answers, on a phone, a questionnaire written in Turkish and Portuguese: the
texts in Turkish (lang="tr"), the buttons in French (no Turkish catalogue), the switch
never sends, the response stores `tr`. Debian's chromium driven by Playwright."""
from datetime import timedelta
from pathlib import Path

import pytest

from surveys import operations as ops
from surveys.interchange import import_questionnaire
from surveys.models import Response, WaveStatus
from tests.conftest import count_rows, make_app, residents_today
from tests.test_browser import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    live_server,
    playwright,
    pytestmark,
)
from voix.extensions import db

expect = playwright.expect
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "surveys" / "quartier_tr_pt.csv"
SHOTS = Path(__file__).resolve().parent.parent / "instance" / "screenshots"


@pytest.fixture
def turkish_site(app, database_url, territories):
    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    result = import_questionnaire(FIXTURE.name, FIXTURE.read_bytes(), territories["sanitas"])
    wave = ops.create_wave(result.questionnaire, territories["sanitas"], residents_today(), residents_today() + timedelta(days=9))
    wave.status = WaveStatus.open
    db.session.commit()
    server_app = make_app(database_url)
    with live_server(server_app) as url:
        yield {"url": url, "wave": wave}


@pytest.mark.parametrize("width", [390, 320])
def test_a_resident_answers_in_turkish_on_a_phone(turkish_site, width):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 800}, has_touch=True, is_mobile=True)
        page.goto(f"{turkish_site['url']}/enquete/{turkish_site['wave'].id}?lang=fr")
        with page.expect_navigation():
            page.tap(".language-switch button[hreflang=tr]")
        assert page.get_attribute("html", "lang") == "fr"  # the chrome: French, and marked so
        legend = page.locator(".step:visible legend span[lang=tr]")
        expect(legend).to_have_text("Otobüse biniyor musunuz?")
        expect(page.locator(".language-switch button[hreflang=tr]")).to_have_attribute("aria-current", "true")
        expect(page.locator("button.next")).to_have_text("Suivant")
        page.tap('.step:visible input[value="oui"] >> xpath=..')
        with page.expect_navigation():  # a switch to Portuguese and back: nothing sent, nothing lost
            page.tap(".language-switch button[hreflang=pt]")
        expect(page.locator(".step:visible legend span[lang=pt]")).to_have_text("Apanha o autocarro?")
        with page.expect_navigation():
            page.tap(".language-switch button[hreflang=tr]")
        assert page.locator('input[name="q-transport"][value="oui"]').is_checked()
        assert count_rows(Response) == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"survey-turkish-{width}.png"), full_page=True)
        page.tap("button.next")
        expect(page.locator(".step:visible legend span[lang=tr]")).to_have_text("Neden?")
        page.fill(".step:visible input[type=text]", "pahalı")
        page.tap("button.next")
        page.fill(".step:visible input[type=number]", "34")
        while page.locator("button.next").is_visible():  # past "about you" (optional)
            page.tap("button.next")
        page.tap("button.send")
        page.wait_for_url("**/enquete/merci")
        browser.close()
    db.session.rollback()  # read what the server stored, not this session's earlier snapshot
    assert count_rows(Response) == 1
    response = db.session.scalar(db.select(Response))
    assert response.language == "tr"
    assert {a.question.code: a.value for a in response.answers} == {"transport": "oui", "pourquoi": "pahalı",
                                                                    "age": 34}
