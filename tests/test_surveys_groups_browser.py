"""The question editor's part field in a real browser, with the keyboard only: reached by
Tab, chosen with the arrow keys, saved with Enter; a refusal is said beside the field and
read by axe as a described, invalid field (fr and ar).

Drives Debian's chromium with Playwright; skipped when either is missing."""
import pytest

from surveys import operations as ops
from tests.conftest import make_app
from tests.test_browser import (  # noqa: F401 (skips without a browser)
    CHROMIUM,
    CHROMIUM_ARGS,
    live_server,
    playwright,
    pytestmark,
    staff_sign_in,
)
from tests.test_responsive import Walk
from tests.test_surveys_groups import HOUSEHOLD, MORE_THAN_ONE
from voix.extensions import db

expect = playwright.expect
PASSWORD = "correct horse battery"


@pytest.fixture
def site(app, database_url, make_wave, make_user):
    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    wave = make_wave(questions=[dict(code="premier", type="short_text", text={"fr": "Avant tout ?"}), *HOUSEHOLD],
                     status=ops.WaveStatus.draft)
    ops.save_group(wave.version, code="foyer", title={"fr": "Les autres membres du foyer", "ar": "أفراد الأسرة"},
                   members=["age_autre", "lien"], condition=MORE_THAN_ONE)
    db.session.commit()
    make_user("facilitator", ("sanitas",), email="fac@example.org")
    with live_server(make_app(database_url)) as url:
        yield {"url": url, "wave": wave}


def tab_to(page, selector, limit=60):
    """Press Tab until `selector` has the focus (as a keyboard user reaches it)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is never reached with Tab")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_facilitator_chooses_a_part_with_the_keyboard(site, language):
    wave, walk = site["wave"], Walk(1024, language)
    questions = {q.code: q.id for q in wave.version.questions}
    base = f"{site['url']}/animation/enquetes/{wave.questionnaire_id}"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1024, "height": 768}, bypass_csp=True)  # for axe
        staff_sign_in(page, site["url"], "fac@example.org", PASSWORD, language)
        # 'fin' joins the part: Tab to the field, arrow down to the part, Tab to Save, Enter.
        page.goto(f"{base}/questions/{questions['fin']}?lang={language}")
        page.focus("#code")
        tab_to(page, "#group")
        page.keyboard.press("ArrowDown")
        expect(page.locator("#group")).to_have_value("foyer")
        tab_to(page, "button[type=submit].primary")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        row = page.locator("tbody tr", has=page.locator("code", has_text="fin"))
        expect(row).to_contain_text("أفراد الأسرة" if language == "ar" else "Les autres membres du foyer")
        walk.check(page, "questionnaire with a question's part")
        # 'premier' cannot join it: the part reads 'personnes', asked after 'premier'.
        page.goto(f"{base}/questions/{questions['premier']}?lang={language}")
        page.focus("#code")
        tab_to(page, "#group")
        page.keyboard.press("ArrowDown")
        tab_to(page, "button[type=submit].primary")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#group")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#group-error")).to_contain_text("personnes")
        assert "group-error" in page.get_attribute("#group", "aria-describedby")
        walk.check(page, "question editor with a refused part")
        browser.close()
    assert not walk.problems, walk.problems
    db.session.rollback()  # a new transaction: see what the server wrote
    assert {q.code: q.group_code for q in wave.version.questions} == {
        "premier": None, "personnes": None, "age_autre": "foyer", "lien": "foyer", "note": None, "fin": "foyer"}
