"""Shared tablets you can trust: the language switch never sends nor loses, the resident's
language lasts to the thank-you page, and every kiosk screen forgets the previous person.

Drives Debian's chromium with Playwright (see tests/test_browser.py for the harness).
"""
import pytest

from surveys.models import Response
from tests.conftest import count_rows
from tests.test_browser import (  # noqa: F401 (fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    consultation_on_kiosk,
    kiosk_site,
    playwright,
    pytestmark,
    tablet,
    visible_step,
)
from voix.extensions import db

expect = playwright.expect

# What a resident gives at each step of the demo survey (voix/demo.py QUESTIONS): every
# question is answered, so that the conditional one (contact_facile) shows too.
ANSWERS = {"satisfaction": ["4"], "securite": ["dk"], "services": ["caf", "epn"], "contact_mairie": ["yes"],
           "contact_facile": ["5"], "priorite": ["jeunes"]}
COMMENT = "Plus de bancs au square"
STEPS = ["satisfaction", "securite", "services", "contact_mairie", "contact_facile", "priorite", "commentaire"]
TITLE = {"fr": "Vivre dans mon quartier", "ar": "العيش في حيّي", "en": "Vivre dans mon quartier"}
FIRST_QUESTION = {"fr": "Dans l'ensemble", "ar": "بشكل عام", "en": "Overall, how do you feel"}
STEP_TEXT = {"fr": "Question", "ar": "السؤال", "en": "Question"}


def answer_step(page, code):
    if code == "commentaire":
        page.fill(".step:visible textarea", COMMENT)
    for value in ANSWERS.get(code, []):
        page.tap(f'.step:visible input[value="{value}"] >> xpath=..')


def assert_answers_kept(page, given):
    for code in given:
        if code == "commentaire":
            assert page.locator("textarea[name=q-commentaire]").input_value() == COMMENT
        for value in ANSWERS.get(code, []):
            assert page.locator(f'input[name="q-{code}"][value="{value}"]').is_checked(), (code, value)


def switch_language(page, language, on_step):
    with page.expect_navigation():
        page.tap(f".language-switch button[hreflang={language}]")
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    expect(page.locator(".progress-text")).to_contain_text(STEP_TEXT[language])  # the script ran again
    assert visible_step(page).get_attribute("data-code") == on_step, "the switch must keep the current question"
    assert page.locator(".error:visible").count() == 0, "a switch shows no validation error"
    assert page.locator(".flash-error").count() == 0
    assert count_rows(Response) == 0, "a language switch never sends the answers"


@pytest.mark.parametrize("source, target", [("fr", "ar"), ("ar", "en"), ("en", "fr")])
def test_switching_language_at_every_question_keeps_everything_and_sends_nothing(kiosk_site, tablet, source, target):
    tablet.goto(f"{kiosk_site['url']}/kiosk/enquete/{kiosk_site['wave'].id}?lang={source}")
    switch_at_every_question(tablet, source, target)
    tablet.wait_for_url("**/kiosk/merci")
    assert_stored_once(source)


def test_switching_language_on_a_personal_device_keeps_everything_and_sends_nothing(kiosk_site):
    # A resident's own tablet: at 390 px the smiley row is the 320-px stylesheet's business.
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 768, "height": 1024}, has_touch=True, is_mobile=True)
        page.goto(f"{kiosk_site['url']}/enquete/{kiosk_site['wave'].id}?lang=fr")
        switch_at_every_question(page, "fr", "ar")
        page.wait_for_url("**/enquete/merci")
        browser.close()
    assert_stored_once("fr")


def switch_at_every_question(page, source, target):
    expect(page.locator(".progress-text")).to_contain_text(STEP_TEXT[source])
    # Before answering the first (required) question: no "required" message blocks the switch.
    switch_language(page, target, "satisfaction")
    expect(page.locator(".step:visible legend")).to_contain_text(FIRST_QUESTION[target])
    switch_language(page, source, "satisfaction")

    given = []
    for code in STEPS:
        assert visible_step(page).get_attribute("data-code") == code
        answer_step(page, code)
        given.append(code)
        switch_language(page, target, code)
        assert_answers_kept(page, given)
        switch_language(page, source, code)
        assert_answers_kept(page, given)
        if code != STEPS[-1]:
            page.tap("button.next")

    while page.locator("button.next").is_visible():  # past "about you" (optional)
        page.tap("button.next")
    page.tap("button.send")  # now, and only now, the answers are stored, all of them


def assert_stored_once(source):
    assert count_rows(Response) == 1
    response = db.session.scalar(db.select(Response))
    assert response.language == source
    stored = {a.question.code: a.value for a in response.answers}
    assert stored == {"satisfaction": 4, "securite": "dk", "services": ["caf", "epn"], "contact_mairie": True,
                      "contact_facile": 5, "priorite": "jeunes", "commentaire": COMMENT}


@pytest.fixture
def tablet_without_javascript(kiosk_site):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True, is_mobile=True,
                                      java_script_enabled=False)
        context.add_cookies([{"name": "voix_kiosk", "value": kiosk_site["token"], "url": kiosk_site["url"]}])
        yield context.new_page()
        browser.close()


def test_switching_language_without_javascript_keeps_everything_and_sends_nothing(kiosk_site, tablet_without_javascript):
    page = tablet_without_javascript
    page.goto(f"{kiosk_site['url']}/kiosk/enquete/{kiosk_site['wave'].id}?lang=fr")
    given = []
    for code, (source, target) in zip(STEPS, [("fr", "ar"), ("ar", "en"), ("en", "fr")] * 3):
        assert page.get_attribute("html", "lang") == source
        # Without the script the form is one long page: every question is on it.
        if code == "commentaire":
            page.fill("textarea[name=q-commentaire]", COMMENT)
        for value in ANSWERS.get(code, []):
            page.check(f'input[name="q-{code}"][value="{value}"]')
        given.append(code)
        with page.expect_navigation():
            page.click(f".language-switch button[hreflang={target}]")
        assert page.get_attribute("html", "lang") == target
        assert page.get_attribute("html", "dir") == ("rtl" if target == "ar" else "ltr")
        assert page.locator(".error:not(:empty)").count() == 0 and page.locator(".flash-error").count() == 0
        assert_answers_kept(page, given)
        assert count_rows(Response) == 0
    with page.expect_navigation():
        page.click("button.send")
    assert count_rows(Response) == 1
    assert len(db.session.scalar(db.select(Response)).answers) == len(STEPS)


def test_the_thank_you_page_of_an_arabic_survey_stays_arabic_long_enough(kiosk_site, tablet):
    page = tablet
    kiosk_site["wave"].questionnaire.panel = True  # the tallest thank-you page: panel card and invitation
    db.session.commit()
    page.goto(f"{kiosk_site['url']}/kiosk/?lang=ar")
    with page.expect_navigation():
        page.tap(f"text={TITLE['ar']}")
    for code in STEPS:
        if visible_step(page).get_attribute("data-code") == "panel-card":
            page.tap("button.next")
        answer_step(page, code)
        page.tap("button.next")
    while page.locator("button.next").is_visible():
        page.tap("button.next")
    page.tap("button.send")
    page.wait_for_url("**/kiosk/merci*")
    assert page.get_attribute("html", "lang") == "ar" and page.get_attribute("html", "dir") == "rtl"
    expect(page.locator("h1")).to_contain_text("شكر")
    expect(page.locator(".panel-card")).to_be_visible()
    assert "Keep this code" not in page.locator(".panel-card").inner_text()
    assert int(page.locator(".kiosk-thanks").get_attribute("data-seconds")) >= 20
    stay = page.locator("button.stay-here")
    expect(stay).to_be_visible()
    box = stay.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 768, f"'stay' is below the fold: {box}"
    page.screenshot(path="/tmp/kiosk-thanks-ar.png")
    page.wait_for_timeout(2000)
    assert "/kiosk/merci" in page.url  # still there: the resident has time to read and copy the code
    with page.expect_navigation():
        page.tap(".kiosk-thanks a.big-button")  # back to the start: in the tablet's language for the next person
    assert page.get_attribute("html", "lang") != "ar"


@pytest.mark.parametrize("kiosk_site", [{"KIOSK_IDLE_SECONDS": 1, "KIOSK_WARNING_SECONDS": 1}], indirect=True)
def test_an_idle_kiosk_on_a_consultation_forgets_the_previous_persons_support(kiosk_site, tablet, consultation_on_kiosk):
    from deliberation import operations as deliberation
    from deliberation.models import Support

    c = consultation_on_kiosk
    deliberation.advance_phase(c)  # votes open
    db.session.commit()
    page = tablet
    page.goto(f"{kiosk_site['url']}/consultations/{c.id}?lang=ar")
    with page.expect_navigation():
        page.tap("form:has(input[name=back][value=list]) button >> nth=0")
    assert count_rows(Support) == 1
    expect(page.locator("button[aria-pressed=true]")).to_have_count(1)  # the resident sees their support
    # The resident walks away: a warning, then the start, in French, with nothing left behind.
    page.locator(".idle-warning").wait_for(state="visible", timeout=5000)
    assert page.get_attribute("html", "lang") == "ar"
    page.wait_for_url("**/kiosk/", timeout=10000)
    assert page.get_attribute("html", "lang") != "ar"  # the tablet's own language again
    page.goto(f"{kiosk_site['url']}/consultations/{c.id}")
    expect(page.locator("button[aria-pressed=true]")).to_have_count(0)
    assert count_rows(Support) == 1


@pytest.mark.parametrize("kiosk_site", [{"KIOSK_IDLE_SECONDS": 1, "KIOSK_WARNING_SECONDS": 1}], indirect=True)
@pytest.mark.parametrize("page_path", ["/consultations/{c}/duel", "/consultations/{c}/questions", "/consultations/idees/{idea}"])
def test_every_kiosk_screen_returns_to_the_start_when_idle(kiosk_site, tablet, consultation_on_kiosk, page_path):
    from deliberation.models import Idea

    c = consultation_on_kiosk
    idea = db.session.scalar(db.select(Idea).where(Idea.consultation_id == c.id))
    page = tablet
    page.goto(kiosk_site["url"] + page_path.format(c=c.id, idea=idea.id))
    page.wait_for_url("**/kiosk/", timeout=10000)


def relative_luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background):
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS = """element => {
  const rgb = value => value.match(/[\\d.]+/g).slice(0, 4).map(Number);
  let node = element, background = null;
  while (node && node.nodeType === 1) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { background = colour.slice(0, 3); break; }
    node = node.parentElement;
  }
  return {text: rgb(getComputedStyle(element).color).slice(0, 3), background: background || [255, 255, 255]};
}"""


def test_staff_on_a_kiosk_see_a_readable_notice_and_can_sign_out(kiosk_site, tablet, make_user):
    make_user("facilitator", ("sanitas",), email="anim@example.org")
    page = tablet
    page.goto(kiosk_site["url"] + "/connexion?lang=fr")
    page.fill("input[name=email]", "anim@example.org")
    page.fill("input[name=password]", "correct horse battery")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    for path in ("/kiosk/", f"/kiosk/enquete/{kiosk_site['wave'].id}"):
        page.goto(kiosk_site["url"] + path)
        notice = page.locator(".staff-notice")
        expect(notice).to_be_visible()
        colours = notice.locator("p").evaluate(COLOURS)
        assert contrast(colours["text"], colours["background"]) >= 4.5, colours
        expect(notice.locator("button")).to_be_visible()
    page.screenshot(path="/tmp/kiosk-staff.png")
    with page.expect_navigation():
        page.tap(".staff-notice button")
    assert page.url.endswith("/kiosk/")
    expect(page.locator(".staff-notice")).to_have_count(0)
    assert page.context.request.get(kiosk_site["url"] + "/kiosk/appareils", max_redirects=0).status == 302
