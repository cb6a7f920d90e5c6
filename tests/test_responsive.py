"""Every resident page fits a 320 px phone and passes axe-core, in French, Arabic and English.

The demo loader fills a database once for the module (surveys, a consultation in its
voting phase, statements, institutions' answers); a real chromium then walks every page a
resident sees, every question screen of the demo survey included, at 320 and 390 px wide.
On each page: nothing scrolls sideways, and axe-core (vendored in tests/vendor, see its
README) finds no WCAG 2.0/2.1/2.2 A or AA violation.
"""
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.conftest import make_app
from tests.test_browser import staff_sign_in
from voix.demo import QUESTIONS
from voix.extensions import db

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PSEUDONYM, PASSWORD = "Mouette du Sanitas", "le square 2027"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def demo_site(sqlite_template, tmp_path_factory):
    """The demo data served on a local port, plus a kiosk and a resident who carries an idea."""
    from deliberation import residents
    from deliberation.models import Consultation, Idea
    from surveys.models import Wave, WaveStatus
    from voix.kiosk.device import device_token
    from voix.kiosk.models import Kiosk
    from voix.territories.models import Territory

    path = tmp_path_factory.mktemp("responsive") / "voix.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        sanitas = db.session.scalar(sa.select(Territory).where(Territory.slug == "sanitas"))
        wave = db.session.scalar(sa.select(Wave).where(Wave.status == WaveStatus.open, Wave.territory_id == sanitas.id))
        consultation = db.session.scalar(sa.select(Consultation).where(Consultation.territory_id == sanitas.id)
                                         .order_by(Consultation.id))
        assert consultation.accepts_votes  # the demo's current consultation: votes are open
        idea = db.session.scalar(sa.select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id))
        idea.carrier.resident_id = residents.create_account(PSEUDONYM, PASSWORD).id
        # Untranslated content: the last question and one answer exist in French only.
        for question in wave.version.questions:
            if question.code == "commentaire":
                question.text = {"fr": question.text["fr"]}
            if question.code == "priorite":
                question.options = [{**o, "label": {"fr": o["label"]["fr"]}} if o["code"] == "emploi" else o
                                    for o in question.options]
        kiosk = Kiosk(place="EPN du Sanitas", territory=sanitas)
        db.session.add(kiosk)
        db.session.commit()
        site = {"wave": wave.id, "consultation": consultation.id, "idea": idea.id, "token": device_token(kiosk),
                "questionnaire": wave.questionnaire_id}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site["url"] = f"http://127.0.0.1:{server.server_port}"
    yield site
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def phone(browser, width, cookies=()):
    """A phone: its layout viewport widens (and the page zooms out) when a page is too wide."""
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True,
                                  bypass_csp=True)  # lets the test inject axe; the pages keep their policy
    context.add_cookies(list(cookies))
    return context


WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getClientRects().length && !e.closest('.skip-link, .visually-hidden, .table-scroll, [hidden]'))
  .filter(e => { const r = e.getBoundingClientRect(); return r.right > innerWidth + 1 || r.left < -1; })
  .slice(0, 5).map(e => e.outerHTML.slice(0, 100))"""


class Walk:
    """Checks each page it is shown and keeps every problem, to report them all at once."""

    def __init__(self, width, language):
        self.width, self.language, self.problems, self.pages = width, language, [], 0

    def check(self, page, name):
        self.pages += 1
        where = f"{name} ({self.language}, {self.width} px)"
        if os.environ.get("VOIX_SCREENSHOTS"):  # a folder: to look at what was checked
            folder = os.environ["VOIX_SCREENSHOTS"]
            page.screenshot(path=f"{folder}/{self.language}-{self.width}-{self.pages:02}.png", full_page=True)
        assert page.get_attribute("html", "lang") == self.language, where
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > self.width or inner_width > self.width:
            self.problems.append(f"{where} scrolls sideways: {scroll_width} px wide; {page.evaluate(WIDE_ELEMENTS)}")
        if page.evaluate("typeof window.axe") == "undefined":
            page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
            .then(r => r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))""",
                                   WCAG_TAGS)
        self.problems += [f"{where} axe {v}" for v in violations]


def walk_survey(page, walk, start_url):
    """Every question screen of the demo survey, the conditional one included, then the thank-you page."""
    page.goto(start_url)
    page.locator(".progress-text").filter(has_text="1").wait_for()  # the script shows one step at a time
    seen = []
    for _ in range(len(QUESTIONS) + 2):
        step = page.locator(".step:visible")
        code = step.get_attribute("data-code")
        seen.append(code)
        walk.check(page, f"survey question {code}")
        choice = step.locator("label.choice")
        if code == "contact_mairie":
            step.locator("input[value=yes] >> xpath=..").click()  # opens the conditional question
        elif choice.count():
            choice.last.click()
        if page.locator("button.send").is_visible():
            break
        page.locator("button.next").click()
    with page.expect_navigation():
        page.locator("button.send").click()
    walk.check(page, "thank-you page")
    return seen


@pytest.mark.parametrize(("language", "width"), [("fr", 320), ("fr", 390), ("ar", 320), ("ar", 390), ("en", 320)])
def test_every_resident_page_fits_a_phone_and_passes_axe(demo_site, browser, width, language):
    site, walk = demo_site, Walk(width, language)
    base, c = demo_site["url"], demo_site["consultation"]
    context = phone(browser, width)
    page = context.new_page()
    for name, path in [("home", "/"), ("consultation", f"/consultations/{c}"),
                       ("idea", f"/consultations/idees/{site['idea']}"), ("pairwise", f"/consultations/{c}/duel"),
                       ("statements", f"/consultations/{c}/affirmations"),
                       ("question to an institution", f"/consultations/{c}/questions"),
                       ("results", "/resultats/"), ("results of a quartier", "/resultats/sanitas"),
                       ("sign-up", "/habitants/compte"), ("sign-in", "/habitants/connexion")]:
        page.goto(f"{base}{path}?lang={language}")
        walk.check(page, name)
    page.fill("#pseudonym", PSEUDONYM)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.goto(f"{base}/habitants/mes-idees?lang={language}")
    assert page.locator("main article").count() >= 1  # the idea the resident carries
    walk.check(page, "my ideas")
    seen = walk_survey(page, walk, f"{base}/enquete/{site['wave']}?lang={language}")
    assert seen == [q["code"] for q in QUESTIONS] + ["about-you"]  # the optional "about you" screen ends it
    page.goto(f"{base}/enquete/hors-ligne?lang={language}")  # what a phone shows without network
    walk.check(page, "phone offline screen")
    page.goto(f"{base}/enquete/hors-ligne?saved=1&lang={language}")  # nothing waits: "sent"
    page.locator(".offline-sent.flash").wait_for()
    walk.check(page, "phone offline screen, answers sent")
    context.close()

    kiosk = phone(browser, width, [{"name": "voix_kiosk", "value": site["token"], "url": base}])
    page = kiosk.new_page()
    page.goto(f"{base}/kiosk/?lang={language}")
    walk.check(page, "kiosk start")
    page.goto(f"{base}/kiosk/enquete/{site['wave']}?lang={language}")
    page.locator(".progress-text").filter(has_text="1").wait_for()
    walk.check(page, "kiosk survey, first question")
    page.goto(f"{base}/kiosk/hors-ligne?saved=1&lang={language}")
    page.locator(".offline-saved").wait_for()
    walk.check(page, "kiosk offline screen, answers saved")
    kiosk.close()

    assert walk.pages >= 23
    assert not walk.problems, "\n".join(walk.problems)


def tab_until(page, predicate, most=40):
    """Press Tab until `predicate` (JavaScript, given the focused element) holds."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"(element => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"the Tab key never reached an element where {predicate}")


INK = "rgb(27, 27, 31)"  # --ink: the dark ring that makes the yellow focus ring 3:1 on white


def test_focus_rings_are_dark_and_yellow_and_never_hidden_by_the_sticky_bar(demo_site, browser):
    base = demo_site["url"]
    kiosk = phone(browser, 1024, [{"name": "voix_kiosk", "value": demo_site["token"], "url": base}])
    page = kiosk.new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{base}/kiosk/?lang=fr")
    tab_until(page, "element.matches('.kiosk-languages .selected')")  # the language already chosen
    assert INK in page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    page.goto(f"{base}/kiosk/enquete/{demo_site['wave']}?lang=fr")
    page.locator(".progress-text").filter(has_text="1").wait_for()
    tab_until(page, "element.name === 'q-satisfaction'")  # a smiley: its radio button is hidden, its label shows the focus
    ring = page.evaluate("getComputedStyle(document.activeElement.closest('label')).boxShadow")
    assert INK in ring, ring
    kiosk.close()

    # A phone held upright, on a question with five answers: Tab never lands under the bar.
    context = phone(browser, 320)
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 480})
    page.goto(f"{base}/enquete/{demo_site['wave']}?lang=ar")
    page.locator(".step:visible label.choice").last.click()
    page.locator("button.next").click()
    page.locator("button.next").click()
    assert page.locator(".step:visible").get_attribute("data-code") == "services"
    page.locator(".step:visible legend").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('label').getBoundingClientRect().bottom")
        bar = page.evaluate("document.querySelector('.step-nav').getBoundingClientRect().top")
        assert focused <= bar + 1, (focused, bar)
    context.close()


def test_back_arrow_points_backwards_and_resident_links_are_big_enough(demo_site, browser):
    base, c = demo_site["url"], demo_site["consultation"]
    kiosk = phone(browser, 1024, [{"name": "voix_kiosk", "value": demo_site["token"], "url": base}])
    page = kiosk.new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    for language, transform in (("fr", "none"), ("ar", "matrix(-1, 0, 0, 1, 0, 0)")):
        page.goto(f"{base}/consultations/idees/{demo_site['idea']}?lang={language}")
        arrow = page.locator(".back-link .back-arrow")
        assert arrow.get_attribute("aria-hidden") == "true"
        assert arrow.evaluate("element => getComputedStyle(element).transform") == transform
    page.goto(f"{base}/consultations/idees/{demo_site['idea']}?lang=fr")
    targets = [page.locator(".back-link a"), *page.locator("main details > summary").all()]
    assert len(targets) >= 2
    for target in targets:
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (target.inner_text(), box)
    page.goto(f"{base}/consultations/{c}?lang=fr")
    titles = page.locator("main .card h3 a").all()
    assert titles
    for target in titles:
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (target.inner_text(), box)
    kiosk.close()


def wait_for_focus_on_a_support_button(page):
    """autofocus lands a moment after "load" (later on a loaded machine): wait for it, up
    to 5 s, rather than read document.activeElement too early. Never landing still fails."""
    page.wait_for_function("document.activeElement && document.activeElement.hasAttribute('aria-pressed')",
                           timeout=5000)


def test_after_a_vote_the_focus_comes_back_and_the_vote_is_confirmed_in_words(demo_site, browser):
    base, c = demo_site["url"], demo_site["consultation"]
    context = phone(browser, 390)
    page = context.new_page()
    page.goto(f"{base}/consultations/{c}?lang=fr")
    idea = page.locator("main article.card").nth(1)
    title = idea.locator("h3").inner_text()
    with page.expect_navigation():
        idea.locator("button[aria-pressed=false]").click()
    wait_for_focus_on_a_support_button(page)
    focused = page.evaluate("""() => { const b = document.activeElement;
        const status = document.getElementById(b.getAttribute('aria-describedby'));
        return [b.getAttribute('aria-pressed'), b.textContent, status?.textContent, status?.getAttribute('role')]; }""")
    assert focused[0] == "true" and title in focused[1], focused  # the same idea's button, now pressed
    assert focused[2:] == ["Votre soutien est compté.", "status"], focused
    with page.expect_navigation():
        page.keyboard.press("Enter")  # withdrawn, and said so
    wait_for_focus_on_a_support_button(page)
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "false"
    assert page.evaluate("document.getElementById(document.activeElement.getAttribute('aria-describedby')).textContent") \
        == "Votre soutien est retiré."

    page.goto(f"{base}/consultations/{c}/duel?lang=fr")
    assert page.locator("#vote-done").count() == 0  # nothing to confirm before a vote
    with page.expect_navigation():
        page.locator(".duel-choice").first.click()
    playwright.expect(page.locator("main h1")).to_be_focused()  # autofocus comes a moment after "load"
    assert page.evaluate("document.activeElement.tagName") == "H1"
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == "vote-done"
    assert page.locator("#vote-done[role=status]").inner_text() == "Votre choix est compté. Voici une autre paire."

    page.goto(f"{base}/consultations/{c}/affirmations?lang=fr")
    with page.expect_navigation():
        page.locator("button[name=value][value='1']").click()
    playwright.expect(page.locator("main h1")).to_be_focused()  # autofocus comes a moment after "load"
    assert page.evaluate("document.activeElement.tagName") == "H1"
    assert page.locator("#vote-done[role=status]").inner_text() == "Votre avis est compté."
    context.close()


def test_content_in_another_language_than_the_page_says_which(demo_site, browser):
    base, c = demo_site["url"], demo_site["consultation"]
    context = phone(browser, 390)
    page = context.new_page()
    page.goto(f"{base}/enquete/{demo_site['wave']}?lang=ar")
    assert page.locator("#step-commentaire legend span[lang=fr]").inner_text().startswith("Voulez-vous dire")
    french_only = page.locator("#step-priorite label.choice span[lang]")
    assert french_only.count() == 1 and french_only.get_attribute("lang") == "fr"
    assert french_only.inner_text() == "L'emploi"
    assert page.locator("#step-satisfaction [lang]").count() == 0  # translated: the page's language
    page.goto(f"{base}/enquete/{demo_site['wave']}?lang=fr")
    assert page.locator("main [lang]").count() == 0

    page.goto(f"{base}/consultations/{c}?lang=ar")
    titles = page.locator("main article.card h3 a")
    assert titles.count() >= 2
    assert {titles.nth(i).get_attribute("lang") for i in range(titles.count())} == {"fr"}  # the demo's ideas are French
    page.goto(f"{base}/consultations/idees/{demo_site['idea']}?lang=ar")
    assert page.locator("h1").get_attribute("lang") == "fr" and page.locator(".idea-body").get_attribute("lang") == "fr"
    dates = page.locator(".official-answer .hint bdi, .comment .hint bdi").all_inner_texts()
    assert len(dates) >= 2, dates  # the demo idea has an institution's answer and comments
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", d) for d in dates), dates  # Babel's Arabic dates, isolated
    page.goto(f"{base}/consultations/idees/{demo_site['idea']}?lang=fr")
    assert page.locator("h1").get_attribute("lang") is None
    context.close()


RECORD_SPEECH = """Object.defineProperty(window, 'speechSynthesis', {value: {
    spoken: [], cancel() { this.spoken.length = 0; }, speak(u) { this.spoken.push([u.text, u.lang]); }}});"""


def test_read_aloud_says_each_answer_once_in_its_own_language(demo_site, browser):
    context = phone(browser, 390)
    context.add_init_script(RECORD_SPEECH)  # the browser's voices, replaced by a recorder
    page = context.new_page()
    page.goto(f"{demo_site['url']}/enquete/{demo_site['wave']}?lang=ar")
    page.locator(".step:visible label.choice").first.click()
    for _ in range(4):  # safety, services, town hall (no answer: its follow-up stays hidden)
        page.locator("button.next").click()
    assert page.locator(".step:visible").get_attribute("data-code") == "priorite"
    page.locator("button.speak").click()
    spoken = page.evaluate("window.speechSynthesis.spoken")
    assert spoken[0][0].startswith("ما هو الأهم") and spoken[0][1] == "ar"
    assert spoken[1:] == [["النظافة", "ar"], ["أنشطة للشباب", "ar"], ["السكن", "ar"], ["النقل", "ar"],
                          ["L'emploi", "fr"]]  # not translated: read in French
    context.close()


def test_form_errors_are_tied_to_their_fields(client):
    """A screen reader on a field in error hears the error: aria-invalid and aria-describedby."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inputs, self.texts, self.open_ids = {}, {}, []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("type") != "hidden":
                self.inputs[attrs["id"]] = attrs
            self.open_ids.append(attrs.get("id"))

        def handle_endtag(self, tag):
            if self.open_ids:
                self.open_ids.pop()

        def handle_data(self, data):
            for element_id in filter(None, self.open_ids):
                self.texts[element_id] = self.texts.get(element_id, "") + data

    page = client.post("/habitants/compte?lang=fr", data={"pseudonym": "", "password": "court", "confirm": "autre"})
    assert page.status_code == 200
    parsed = Fields()
    parsed.feed(page.text)
    wrong = {name: attrs for name, attrs in parsed.inputs.items() if attrs.get("aria-invalid") == "true"}
    assert set(wrong) == {"pseudonym", "password", "confirm"}
    expected = {"pseudonym": "Choisissez un pseudonyme.", "password": "Un mot de passe a au moins 8 caractères.",
                "confirm": "Les deux mots de passe sont différents."}
    for name, attrs in wrong.items():
        described = [parsed.texts.get(i, "").strip() for i in attrs["aria-describedby"].split()]
        assert expected[name] in described, (name, described)
    assert page.text.count('id="password-error"') == 1


STAFF_PAGES = ["/animation/enquetes/", "/animation/enquetes/{questionnaire}",
               "/animation/enquetes/{questionnaire}/questions/nouvelle",
               "/animation/enquetes/vagues/{wave}", "/animation/consultations/", "/animation/consultations/{consultation}",
               "/evaluation/discours/", "/evaluation/discours/verifier/", "/evaluation/indicateurs/",
               "/kiosk/appareils", "/admin/territoires/", "/admin/institutions/"]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_staff_pages_fit_a_phone_too(demo_site, browser, language):
    """Lower stakes than the residents' pages, but the survey builder and the tables must not push the page sideways."""
    base = demo_site["url"]
    context = phone(browser, 320)
    page = context.new_page()
    staff_sign_in(page, base, "admin@voix.example", "demo-admin", language)
    problems = []
    for path in STAFF_PAGES:
        response = page.goto(base + path.format(**demo_site) + f"?lang={language}")
        assert response.status == 200, path
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if max(width) > 320:
            problems.append(f"{path} ({language}): {width[0]} px wide; {page.evaluate(WIDE_ELEMENTS)}")
    context.close()
    assert not problems, "\n".join(problems)
