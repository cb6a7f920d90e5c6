"""A matrix in the browser: one row per screen on the kiosk (touch), a compact grid on a
wide personal screen, stacked rows on a phone; axe finds nothing; offline, the tablet's
outbox sends the rows as the API takes them.

Drives Debian's chromium with Playwright (harness of tests/test_browser.py). Screenshots
go to VOIX_SCREENSHOTS when it names a folder.
"""
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys import operations as ops
from surveys.models import QuestionType, Response, WaveStatus
from tests.conftest import count_rows, make_app, residents_today
from tests.test_browser import CHROMIUM, browser, live_server, playwright  # noqa: F401 (fixture)
from tests.test_responsive import AXE, WCAG_TAGS
from tests.test_surveys_matrix import QUESTIONS
from voix.extensions import db
from voix.kiosk.device import device_token
from voix.kiosk.models import Kiosk

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")]
expect = playwright.expect


@pytest.fixture
def site(app, database_url, territories):
    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    questionnaire = ops.create_questionnaire({"fr": "Les services du quartier", "ar": "خدمات الحي"},
                                             territories["sanitas"], ask_about_you=False)
    db.session.flush()
    for fields in QUESTIONS:
        ops.save_question(questionnaire.latest_version, **{**fields, "type": QuestionType(fields["type"])})
    wave = ops.create_wave(questionnaire, territories["sanitas"], residents_today(), residents_today() + timedelta(days=9))
    wave.status = WaveStatus.open
    kiosk = Kiosk(place="EPN du Sanitas", territory=territories["sanitas"])
    db.session.add(kiosk)
    db.session.commit()
    server_app = make_app(database_url)
    with server_app.app_context():
        token = device_token(kiosk)
    with live_server(server_app) as url:
        yield {"url": url, "token": token, "wave": wave}


def tablet(browser, site):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True, locale="fr-FR",
                                  bypass_csp=True)  # lets the test inject axe
    context.add_cookies([{"name": "voix_kiosk", "value": site["token"], "url": site["url"]}])
    return context.new_page()


def shot(page, name):
    folder = os.environ.get("VOIX_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/matrix-{name}.png", full_page=True)


def axe_violations(page) -> list:
    if page.evaluate("typeof window.axe") == "undefined":
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(r => r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))""",
                         WCAG_TAGS)


def visible_rows(page):
    return page.locator(".step:visible .matrix-row:visible")


def tap_choice(page, value):
    page.tap(f'.step:visible .matrix-row:visible input[value="{value}"] >> xpath=..')


def test_kiosk_shows_one_row_per_screen_and_checks_each_required_row(site, browser):
    page = tablet(browser, site)
    page.goto(f"{site['url']}/kiosk/enquete/{site['wave'].id}")
    expect(page.locator(".progress-text")).to_contain_text("1")
    assert page.locator(".step:visible").get_attribute("data-code") == "intro"  # the text to read
    card, text = page.locator(".step:visible").bounding_box(), page.locator(".information-text").bounding_box()
    assert card["y"] + card["height"] >= text["y"] + text["height"]  # the card holds its text
    assert page.locator(".step-nav").bounding_box()["y"] >= card["y"] + card["height"]  # buttons below, not beside
    shot(page, "kiosk-information")
    page.tap("button.next")

    assert page.locator(".step:visible").get_attribute("data-code") == "services"
    assert visible_rows(page).count() == 1 and visible_rows(page).get_attribute("data-row") == "bus"
    expect(visible_rows(page).locator(".matrix-row-count")).to_have_text("Ligne 1 sur 3")
    assert page.locator(".step:visible .matrix-head").is_hidden()  # no grid on the kiosk
    for label in visible_rows(page).locator("label.choice").all():  # big targets, labels shown
        box = label.bounding_box()
        assert box["height"] >= 44 and label.inner_text().strip()
    assert axe_violations(page) == []
    shot(page, "kiosk-row-1")
    page.tap("button.next")  # required: the row needs an answer
    assert visible_rows(page).get_attribute("data-row") == "bus"
    assert page.locator(".step:visible .error").inner_text() != ""
    tap_choice(page, "good")
    page.tap("button.next")
    assert visible_rows(page).get_attribute("data-row") == "mairie"
    assert page.evaluate("document.activeElement.closest('.matrix-row').dataset.row") == "mairie"  # focus follows
    tap_choice(page, "bad")
    page.tap("button.back")
    assert visible_rows(page).get_attribute("data-row") == "bus"
    assert visible_rows(page).locator("input:checked").get_attribute("value") == "good"
    page.tap("button.next")
    page.tap("button.next")
    tap_choice(page, "ok")
    shot(page, "kiosk-row-3")
    page.tap("button.next")

    assert page.locator(".step:visible").get_attribute("data-code") == "moments"  # optional: rows may stay empty
    tap_choice(page, "soir")
    page.tap("button.next")
    page.tap("button.back")  # back from the second row to the first
    assert visible_rows(page).get_attribute("data-row") == "bus"
    page.tap("button.back")  # and into the previous matrix: its last row
    assert visible_rows(page).get_attribute("data-row") == "poste"
    page.tap("button.next")
    page.tap("button.next")
    page.tap("button.next")
    assert page.locator(".step:visible").get_attribute("data-code") == "foyer"
    page.fill("#q-foyer-adultes", "2")
    page.tap("button.next")
    page.fill("#q-lieux-l1", "Le marché")
    shot(page, "kiosk-items")
    assert page.locator("button.send").is_visible()
    page.evaluate("document.querySelector('[name=q-services-mairie]:checked').checked = false")  # a row emptied
    page.tap("button.send")  # refused in the page: back to that matrix, on the empty row
    assert page.locator(".step:visible").get_attribute("data-code") == "services"
    assert visible_rows(page).get_attribute("data-row") == "mairie"
    tap_choice(page, "bad")
    for _ in range(5):  # poste, then the moments' two rows, the household, the places
        page.tap("button.next")
    page.tap("button.send")
    page.wait_for_url("**/kiosk/merci")
    db.session.rollback()  # a fresh snapshot: the server stored it
    response = db.session.scalar(select(Response))
    assert {a.question.code: a.value for a in response.answers} == {
        "services": {"bus": "good", "mairie": "bad", "poste": "ok"}, "moments": {"bus": ["soir"]},
        "foyer": {"adultes": 2}, "lieux": {"l1": "Le marché"}}


def test_wide_screen_shows_a_grid_and_a_phone_stacks_the_rows(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site['url']}/enquete/{site['wave'].id}")
    page.tap = page.click  # no touch here
    page.locator(".progress-text:not(:empty)").wait_for()
    page.click("button.next")
    step = page.locator(".step:visible")
    assert step.get_attribute("data-code") == "services"
    assert step.locator(".matrix-head").is_visible()
    assert visible_rows(page).count() == 3  # every row at once
    for row in visible_rows(page).all():  # a row is one line: its label and its three answers
        tops = {round(box["y"] + box["height"] / 2) for box in
                [row.locator("legend").bounding_box(), *[c.bounding_box() for c in row.locator("label.choice").all()]]}
        assert max(tops) - min(tops) <= 4, tops
        assert row.locator(".matrix-option-label").first.is_visible() is False or \
            row.locator(".matrix-option-label").first.bounding_box()["width"] <= 1  # read, not shown
    heads = step.locator(".matrix-head span").all()[1:]
    first_row = visible_rows(page).first.locator("label.choice").all()
    for head, cell in zip(heads, first_row):  # each column under its head
        head_box, cell_box = head.bounding_box(), cell.bounding_box()
        assert abs((head_box["x"] + head_box["width"] / 2) - (cell_box["x"] + cell_box["width"] / 2)) <= 4
    assert axe_violations(page) == []
    shot(page, "wide-grid")
    context.close()

    for width in (390, 320):
        context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True,
                                      bypass_csp=True)
        page = context.new_page()
        page.goto(f"{site['url']}/enquete/{site['wave'].id}?lang=ar")
        page.locator(".progress-text:not(:empty)").wait_for()
        page.tap("button.next")
        assert page.locator(".step:visible .matrix-head").is_hidden()
        assert visible_rows(page).count() == 3
        choices = visible_rows(page).first.locator("label.choice").all()
        assert choices[0].bounding_box()["y"] < choices[1].bounding_box()["y"]  # stacked
        assert choices[0].locator(".matrix-option-label").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
        shot(page, f"phone-{width}-ar")
        context.close()


def test_offline_kiosk_sends_the_rows_as_the_api_takes_them(site, browser):
    page = tablet(browser, site)
    page.goto(f"{site['url']}/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)  # the pages are cached
    page.context.set_offline(True)
    with page.expect_navigation():
        page.tap(f'a[href$="/kiosk/enquete/{site["wave"].id}"]')
    page.locator(".progress-text:not(:empty)").wait_for()
    page.tap("button.next")
    for value in ("ok", "ok", "good"):
        tap_choice(page, value)
        page.tap("button.next")
    tap_choice(page, "matin")
    for _ in range(3):
        page.tap("button.next")
    page.fill("#q-lieux-l2", "La médiathèque")
    page.tap("button.send")
    page.locator(".offline-saved").wait_for(timeout=10000)
    page.context.set_offline(False)
    deadline = time.monotonic() + 30
    while page.evaluate("voixOutbox.all()"):
        assert time.monotonic() < deadline, page.evaluate("voixOutbox.all()")
        time.sleep(0.2)
    assert count_rows(Response) == 1  # reads afresh
    response = db.session.scalar(select(Response))
    assert {a.question.code: a.value for a in response.answers} == {
        "services": {"bus": "ok", "mairie": "ok", "poste": "good"}, "moments": {"bus": ["matin"]},
        "lieux": {"l2": "La médiathèque"}}
