"""Three residents answer on a kiosk whose network is down; one reload happens offline;
the network returns and exactly their three responses are stored, once each.

Drives Debian's chromium with Playwright (harness of tests/test_browser.py). A service
worker needs a secure context: http://127.0.0.1 is one.
"""
import time

import pytest
from sqlalchemy import select

from surveys.models import Response
from tests.conftest import count_rows
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, kiosk_site, playwright  # noqa: F401 (fixture)
from voix.extensions import db
from voix.kiosk.models import Kiosk

pytestmark = pytest.mark.browser

RESIDENTS = [
    {"lang": "fr", "satisfaction": "5", "priorite": "jeunes", "commentaire": "Plus de bancs au square"},
    {"lang": "ar", "satisfaction": "1", "priorite": "proprete", "commentaire": "الشارع متسخ"},
    {"lang": "en", "satisfaction": "3", "priorite": "jeunes", "commentaire": "More buses at night"},
]


@pytest.fixture
def tablet(kiosk_site):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
        context.add_cookies([{"name": "voix_kiosk", "value": kiosk_site["token"], "url": kiosk_site["url"]}])
        page = context.new_page()
        yield page
        browser.close()


def wait_for_empty_outbox(page, seconds):
    """Poll from Python: the page's CSP (rightly) forbids the string evaluation wait_for_function uses."""
    deadline = time.monotonic() + seconds
    while page.evaluate("voixOutbox.all()"):
        if time.monotonic() > deadline:
            pytest.fail(f"the outbox still holds {page.evaluate('voixOutbox.all()')}")
        time.sleep(0.2)


def answer_survey(page, resident):
    """Walk the steps, checking that nothing of a previous resident is there."""
    page.wait_for_selector(".progress-text:not(:empty)")
    assert page.locator("input:checked").count() == 0
    for _ in range(20):
        step = page.locator(".step:visible")
        code = step.get_attribute("data-code")
        text = step.locator("textarea")
        if text.count():
            assert text.input_value() == ""
        if code in ("satisfaction", "priorite"):
            page.tap(f'.step:visible input[value="{resident[code]}"] >> xpath=..')
        elif code == "commentaire":
            text.fill(resident["commentaire"])
        if page.locator("button.send").is_visible():
            return
        page.tap("button.next")
    pytest.fail("never reached the last step")


def test_three_residents_answer_offline_and_are_sent_once_when_the_network_returns(kiosk_site, tablet):
    page, url, wave = tablet, kiosk_site["url"], kiosk_site["wave"]
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)  # the pages are cached
    page.context.set_offline(True)

    for number, resident in enumerate(RESIDENTS):
        page.goto(f"{url}/kiosk/?lang={resident['lang']}")
        assert page.get_attribute("html", "lang") == resident["lang"]  # the cached start page
        with page.expect_navigation():
            page.tap(f'a[href$="/kiosk/enquete/{wave.id}"]')
        if number == 1:
            page.reload()  # offline: the kiosk shows again, not the browser's error page
            assert page.locator("form.survey").count() == 1
            assert page.get_attribute("html", "lang") == "ar"
        answer_survey(page, resident)
        page.tap("button.send")
        page.wait_for_url("**/kiosk/hors-ligne?saved=1*")
        saved = page.locator(".offline-saved")
        saved.wait_for(state="visible")
        page.screenshot(path=f"/tmp/offline/kiosk-saved-{resident['lang']}.png")
        assert page.get_attribute("html", "lang") == resident["lang"]
        with page.expect_navigation():
            page.tap(".offline-saved a.big-button")  # back to the start for the next person
        assert page.get_attribute("html", "lang") == "fr"
        assert count_rows(Response) == 0

    waiting = page.evaluate("voixOutbox.all()")
    assert len(waiting) == 3 and {e["state"] for e in waiting} == {"waiting"}
    assert len({e["uuid"] for e in waiting}) == 3  # each resident got a response of their own
    page.screenshot(path="/tmp/offline/kiosk-offline-start.png")

    page.context.set_offline(False)
    wait_for_empty_outbox(page, seconds=30)
    assert count_rows(Response) == 3
    stored = db.session.scalars(select(Response).order_by(Response.submitted_at)).all()
    given = [{a.question.code: a.value for a in response.answers} for response in stored]
    expected = [{"satisfaction": int(r["satisfaction"]), "priorite": r["priorite"], "commentaire": r["commentaire"]}
                for r in RESIDENTS]
    assert given == expected
    assert [r.language for r in stored] == ["fr", "ar", "en"]
    assert {r.channel.value for r in stored} == {"kiosk"}

    page.evaluate("voixOutbox.flush()")  # a second flush sends nothing again
    assert count_rows(Response) == 3
    db.session.rollback()
    kiosk = db.session.scalar(select(Kiosk))
    assert kiosk.last_contact_at is not None and kiosk.outbox_waiting == 0


def test_online_sending_is_unchanged(kiosk_site, tablet):
    page, url, wave = tablet, kiosk_site["url"], kiosk_site["wave"]
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    page.goto(f"{url}/kiosk/enquete/{wave.id}")
    answer_survey(page, RESIDENTS[0])
    page.tap("button.send")
    page.wait_for_url("**/kiosk/merci")
    assert count_rows(Response) == 1
    wait_for_empty_outbox(page, seconds=5)
    assert count_rows(Response) == 1


def test_an_offline_reload_of_an_uncached_page_shows_the_offline_kiosk(kiosk_site, tablet):
    page, url = tablet, kiosk_site["url"]
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    page.context.set_offline(True)
    page.goto(url + "/kiosk/appareils")  # never cached
    assert page.locator(".offline-notice").is_visible()
    page.screenshot(path="/tmp/offline/kiosk-offline-shell.png")


def test_a_refused_response_stays_on_the_tablet_and_is_reported(kiosk_site, tablet):
    """A tablet whose clock ran ahead: the server refuses (422); the entry is kept, marked
    refused with the reason, never sent again as if new, and staff are told."""
    page, url, wave = tablet, kiosk_site["url"], kiosk_site["wave"]
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    page.evaluate("""([wave]) => new Promise((resolve) => {
      const open = indexedDB.open("voix-outbox", 1);
      open.onsuccess = () => {
        const tx = open.result.transaction("entries", "readwrite");
        tx.objectStore("entries").put({uuid: crypto.randomUUID(), wave: wave, language: "fr", state: "waiting",
          answers: {satisfaction: "4", priorite: "jeunes"}, about: {}, panel_code: null, saved_at: Date.now(),
          answered_at: new Date(Date.now() + 3600 * 1000).toISOString()});
        tx.oncomplete = () => { open.result.close(); resolve(); };
      };
    })""", [wave.id])
    assert page.evaluate("voixOutbox.flush()") is True
    kept = page.evaluate("voixOutbox.all()")
    assert len(kept) == 1 and kept[0]["state"] == "refused" and kept[0]["status"] == 422
    assert "horloge" in kept[0]["reason"]  # the server's reason, in French for staff
    assert count_rows(Response) == 0
    db.session.rollback()
    kiosk = db.session.scalar(select(Kiosk))
    assert kiosk.outbox_refused == 1 and "horloge" in kiosk.outbox_refusals[0]["reason"]


def test_a_language_switch_offline_keeps_the_answers_and_the_question(kiosk_site, tablet):
    """The network is down: the survey in the new language comes from the tablet, with the
    answers given so far and on the same question; nothing is sent until "Send"."""
    page, url, wave = tablet, kiosk_site["url"], kiosk_site["wave"]
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    page.context.set_offline(True)
    page.goto(f"{url}/kiosk/enquete/{wave.id}?lang=fr")
    page.wait_for_selector(".progress-text:not(:empty)")
    page.tap('.step:visible input[value="4"] >> xpath=..')
    page.tap("button.next")
    while page.locator(".step:visible").get_attribute("data-code") != "priorite":
        page.tap("button.next")
    page.tap('.step:visible input[value="jeunes"] >> xpath=..')

    for language, heading in (("ar", "السؤال"), ("en", "Question")):
        with page.expect_navigation():
            page.tap(f".language-switch button[hreflang={language}]")
        assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == (
            language, "rtl" if language == "ar" else "ltr")
        page.wait_for_selector(".progress-text:not(:empty)")
        assert heading in page.inner_text(".progress-text")
        assert page.locator(".step:visible").get_attribute("data-code") == "priorite"  # the same question
        assert page.locator('input[name="q-priorite"][value="jeunes"]').is_checked()
        assert page.locator('input[name="q-satisfaction"][value="4"]').is_checked()
        assert count_rows(Response) == 0
    page.screenshot(path="/tmp/offline/kiosk-offline-switch-en.png")
    while not page.locator("button.send").is_visible():
        page.tap("button.next")
    page.tap("button.send")
    page.wait_for_url("**/kiosk/hors-ligne?saved=1*")
    assert page.get_attribute("html", "lang") == "en"

    page.goto(f"{url}/kiosk/enquete/{wave.id}?lang=fr")  # the next resident, on the same survey
    page.wait_for_selector(".progress-text:not(:empty)")
    assert page.locator("input:checked").count() == 0  # nothing of the previous one

    page.context.set_offline(False)
    wait_for_empty_outbox(page, seconds=30)
    assert count_rows(Response) == 1
    response = db.session.scalar(select(Response))
    given = {a.question.code: a.value for a in response.answers}
    assert given["satisfaction"] == 4 and given["priorite"] == "jeunes" and response.language == "en"


def test_a_phone_without_its_worker_keeps_the_answers_in_the_page(kiosk_site):
    """A phone whose service worker is not ready (or blocked): no outbox then (nothing could
    show the phone's "saved" screen offline). "Send" without network sends nothing and loses
    nothing; sent again once back online, the response is stored once. With its worker, see
    tests/test_offline_phone_browser.py."""
    url, wave = kiosk_site["url"], kiosk_site["wave"]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A phone whose worker is not there (yet): the answers stay in the page.
        page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                service_workers="block")
        page.goto(f"{url}/enquete/{wave.id}?lang=ar")
        answer_survey(page, RESIDENTS[1])
        page.context.set_offline(True)
        page.tap("button.send")
        message = page.locator(".no-network")
        message.wait_for(state="visible")
        assert "/enquete/" in page.url and page.get_attribute("html", "lang") == "ar"
        assert page.evaluate("document.activeElement.classList.contains('no-network')")
        assert page.locator("textarea[name=q-commentaire]").input_value() == RESIDENTS[1]["commentaire"]
        page.screenshot(path="/tmp/offline/phone-no-network.png")
        assert count_rows(Response) == 0
        page.context.set_offline(False)
        with page.expect_navigation():
            page.tap("button.send")
        page.wait_for_url("**/enquete/merci")
        browser.close()
    assert count_rows(Response) == 1
    response = db.session.scalar(select(Response))
    assert {a.question.code: a.value for a in response.answers}["commentaire"] == RESIDENTS[1]["commentaire"]
