"""A resident answers a survey on their own phone (390x844) and loses the network on
"Send": the answers are saved on the phone, a reload offline shows the phone's pages (never
the browser's error page), and when the network returns exactly one response is stored,
with the answers given, as a personal one.

Drives Debian's chromium with Playwright (harness of tests/test_browser.py).
"""
import pytest
from sqlalchemy import select

from surveys.models import Channel, Response
from tests.conftest import count_rows
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, kiosk_site, playwright  # noqa: F401 (fixture)
from tests.test_offline_browser import RESIDENTS, answer_survey, wait_for_empty_outbox
from voix.extensions import db

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def phone(kiosk_site):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_context(**PHONE).new_page()
        browser.close()


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_phone_offline_on_send_keeps_the_answers_and_sends_them_once(kiosk_site, phone):
    page, url, wave = phone, kiosk_site["url"], kiosk_site["wave"]
    resident = RESIDENTS[1]  # in Arabic
    page.goto(f"{url}/enquete/{wave.id}?lang=ar")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)  # this survey is kept on the phone
    answer_survey(page, resident)
    page.context.set_offline(True)
    page.tap("button.send")
    page.wait_for_url("**/enquete/hors-ligne?saved=1*")
    saved = page.locator(".offline-saved")
    saved.wait_for(state="visible")
    assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == ("ar", "rtl")
    assert "محفوظة على هذا الهاتف" in saved.inner_text()  # "saved on this phone", in Arabic
    assert page.evaluate("document.activeElement.tagName") == "H1" and fits(page)
    page.screenshot(path="/tmp/offline/phone-saved-ar.png")
    kept = page.evaluate("voixOutbox.all()")
    assert len(kept) == 1 and kept[0]["state"] == "waiting" and kept[0]["channel"] == "personal"
    assert kept[0]["answers"]["commentaire"] == resident["commentaire"]

    page.reload()  # offline: the phone's own screen again, not the browser's error page
    saved.wait_for(state="visible")
    assert page.locator(".online-only").is_hidden()  # the home page is out of the phone's reach offline
    assert page.get_attribute("html", "lang") == "ar"
    page.goto(f"{url}/enquete/{wave.id}?lang=ar")  # the survey itself, offline: kept, blank
    page.wait_for_selector(".progress-text:not(:empty)")
    assert page.locator("input:checked").count() == 0 and fits(page)
    page.goto(f"{url}/enquete/hors-ligne?saved=1&lang=ar")
    saved.wait_for(state="visible")
    assert count_rows(Response) == 0

    page.context.set_offline(False)
    wait_for_empty_outbox(page, seconds=30)
    page.locator(".offline-sent").filter(has_text="تم إرسال").wait_for()  # "sent", in Arabic
    assert saved.is_hidden()
    invitation = page.locator(".offline-invitation")
    invitation.wait_for()  # the code the server gave back, as the thank-you page shows it
    page.screenshot(path="/tmp/offline/phone-sent-ar.png")
    page.evaluate("voixOutbox.flush()")  # a second sending stores nothing again
    assert count_rows(Response) == 1
    response = db.session.scalar(select(Response))
    given = {a.question.code: a.value for a in response.answers}
    assert given == {"satisfaction": int(resident["satisfaction"]), "priorite": resident["priorite"],
                     "commentaire": resident["commentaire"]}
    assert response.channel is Channel.personal and response.language == "ar"
    assert invitation.locator(".code").inner_text() == response.invitation_code
    assert page.locator(".offline-panel-card").is_hidden()  # not a panel survey: no card


def test_a_phone_shows_what_the_server_refused_and_lets_the_resident_delete_it(kiosk_site, phone):
    """A phone whose clock ran ahead: the refusal is kept on the phone, its reason shown to
    the resident in their language, never sent again as new; they may delete it."""
    page, url, wave = phone, kiosk_site["url"], kiosk_site["wave"]
    page.goto(f"{url}/enquete/hors-ligne?saved=1&lang=en")
    page.wait_for_function("() => window.voixOutbox")
    page.evaluate("""([wave]) => new Promise((resolve) => {
      const open = indexedDB.open("voix-outbox", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("entries", {keyPath: "uuid"});
      open.onsuccess = () => {
        const tx = open.result.transaction("entries", "readwrite");
        tx.objectStore("entries").put({uuid: crypto.randomUUID(), wave: wave, language: "en", state: "waiting",
          channel: "personal", answers: {satisfaction: "4", priorite: "jeunes"}, about: {}, panel_code: null,
          saved_at: Date.now(), answered_at: new Date(Date.now() + 3600 * 1000).toISOString()});
        tx.oncomplete = () => { open.result.close(); resolve(); };
      };
    })""", [wave.id])
    assert page.evaluate("voixOutbox.flush()") is True
    refused = page.locator(".offline-refused")
    page.reload()
    refused.wait_for(state="visible")
    assert "clock" in refused.inner_text()  # the server's reason, in the resident's language
    assert count_rows(Response) == 0
    refused.locator("button.delete-refused").tap()
    refused.wait_for(state="hidden")
    assert page.evaluate("voixOutbox.all()") == []


def test_online_the_phone_worker_changes_nothing(kiosk_site, phone):
    """With the worker ready, an online "Send" goes as before: one response, the thank-you
    page in the resident's language (the pages the worker keeps never touch their session),
    nothing left in the outbox."""
    page, url, wave = phone, kiosk_site["url"], kiosk_site["wave"]
    page.goto(f"{url}/enquete/{wave.id}?lang=ar")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/enquete/sw.js")
    answer_survey(page, RESIDENTS[1])
    with page.expect_navigation():
        page.tap("button.send")
    page.wait_for_url("**/enquete/merci")
    assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == ("ar", "rtl")
    assert count_rows(Response) == 1
    page.goto(f"{url}/enquete/hors-ligne?lang=ar")
    wait_for_empty_outbox(page, seconds=5)
    assert count_rows(Response) == 1


KEPT = """() => caches.keys().then(names => caches.open(names.find(n => n.startsWith("voix-phone-"))))
  .then(cache => Promise.all([cache.match("/__voix-phone-surveys").then(r => r.json()),
                              cache.keys().then(keys => keys.map(k => new URL(k.url)).map(u => u.pathname + u.search))]))"""


def test_a_phone_keeps_the_last_three_surveys_it_opened_and_fetches_them_rarely(kiosk_site, phone, make_wave):
    page, url, first = phone, kiosk_site["url"], kiosk_site["wave"]
    others = [make_wave() for _ in range(3)]
    page.goto(f"{url}/enquete/{first.id}?lang=fr")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    kept, keys = page.evaluate(KEPT)
    assert [item["path"] for item in kept] == [f"/enquete/{first.id}"]
    assert {f"/enquete/{first.id}?lang={code}" for code in ("fr", "en", "ar")} <= set(keys)
    page.reload()  # a second visit soon after: nothing fetched again
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    assert page.evaluate(KEPT)[0] == kept

    for wave in others:
        page.goto(f"{url}/enquete/{wave.id}?lang=fr")
        page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    kept, keys = page.evaluate(KEPT)
    assert [item["path"] for item in kept] == [f"/enquete/{wave.id}" for wave in others]
    assert not any(key.startswith(f"/enquete/{first.id}?") for key in keys)  # the oldest one left the phone
    assert not any("/kiosk/" in key for key in keys)  # nothing of a kiosk, no list of waves


READ_OUTBOX = """() => new Promise((resolve) => {
  const open = indexedDB.open("voix-outbox", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("entries", {keyPath: "uuid"});
  open.onsuccess = () => {
    const get = open.result.transaction("entries").objectStore("entries").getAll();
    get.onsuccess = () => { open.result.close(); resolve(get.result); };
  };
})"""


def test_the_codes_of_a_response_sent_with_the_page_closed_are_shown_once_on_the_next_survey_page(
        kiosk_site, phone):
    """Answers wait on the phone; its worker sends them while no page of the site is open (as
    Background Sync does): the next time the resident opens the survey, the page shows the
    invitation code the server gave back, once; the phone keeps no answer meanwhile."""
    import time

    page, url, wave = phone, kiosk_site["url"], kiosk_site["wave"]
    page.goto(f"{url}/enquete/{wave.id}?lang=en")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    assert page.locator(".phone-sent").is_hidden()
    page.evaluate("""([wave]) => new Promise((resolve) => {
      const open = indexedDB.open("voix-outbox", 1);
      open.onsuccess = () => {
        const tx = open.result.transaction("entries", "readwrite");
        tx.objectStore("entries").put({uuid: crypto.randomUUID(), wave: wave, language: "en", state: "waiting",
          channel: "personal", answers: {satisfaction: "4", priorite: "jeunes", commentaire: "Des bancs"},
          about: {}, panel_code: null, saved_at: Date.now(), answered_at: new Date().toISOString()});
        tx.oncomplete = () => { open.result.close(); resolve(); };
      };
    })""", [wave.id])
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush'})")
    page.goto(url + "/")  # out of the worker's scope: no survey page is open any more
    deadline = time.monotonic() + 30
    while count_rows(Response) == 0:
        assert time.monotonic() < deadline, "the worker sent nothing"
        time.sleep(0.2)
    response = db.session.scalar(select(Response))
    kept = page.evaluate(READ_OUTBOX)
    assert [(e["state"], e["invitation_code"], "answers" in e) for e in kept] == [
        ("sent", response.invitation_code, False)]  # the codes wait, not the answers

    page.goto(f"{url}/enquete/{wave.id}?lang=en")
    shown = page.locator(".phone-sent")
    shown.wait_for(state="visible")
    assert shown.locator(".phone-sent-invitation:not([hidden]) .code").all_inner_texts() == [response.invitation_code]
    assert shown.locator(".phone-sent-panel").is_hidden() and fits(page)
    page.wait_for_function("() => voixOutbox.all().then((entries) => entries.length === 0)")
    page.reload()  # shown once
    page.wait_for_selector(".progress-text:not(:empty)")
    page.wait_for_timeout(1500)  # the phone's page looks at its outbox a second after loading
    assert shown.is_hidden() and count_rows(Response) == 1
