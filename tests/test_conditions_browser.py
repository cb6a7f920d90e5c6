"""Display conditions in the browser: the shared table of cases run on the real
voix/static/js/conditions.js, and questions shown and hidden live on a phone.

Drives Debian's chromium with Playwright; skipped when either is missing."""

import pytest

from surveys.models import Response
from tests.conftest import make_app
from tests.test_browser import (  # noqa: F401 (skips without a browser)
    CHROMIUM,
    CHROMIUM_ARGS,
    live_server,
    playwright,
    pytestmark,
)
from tests.test_conditions import CASES, clean_form, table_questions
from voix.extensions import db

expect = playwright.expect

QUESTIONS = [
    dict(code="seul", type="yes_no", text={"fr": "Vivez-vous seul ?"}, required=True),
    dict(code="personnes", type="number", text={"fr": "Combien d'autres personnes ?"}, required=True,
         condition={"op": "=", "question": "seul", "value": False}),
    dict(code="enfants", type="number", text={"fr": "Combien d'enfants ?"}, required=True,
         condition={"op": ">", "question": "personnes", "value": 0}),
    dict(code="services", type="multiple_choice", text={"fr": "Quels services ?"},
         options=[{"code": "caf", "label": {"fr": "CAF"}}, {"code": "poste", "label": {"fr": "Poste"}}]),
    dict(code="attente", type="agreement", text={"fr": "L'attente est longue ?"},
         condition={"op": "or", "args": [{"op": "selected", "question": "services", "value": "caf"},
                                         {"op": ">=", "question": "enfants", "value": 3}]}),
    dict(code="fin", type="short_text", text={"fr": "Un mot ?"}),
]


@pytest.fixture
def site(app, database_url, make_wave):
    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    wave = make_wave(questions=QUESTIONS)
    server_app = make_app(database_url)
    with live_server(server_app) as url:
        yield {"url": url, "wave": wave}


@pytest.fixture
def phone(site):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True).new_page()
        yield page
        browser.close()


def test_shared_table_in_the_browser(site, phone):
    """Each case: the form's fields read as the server reads them, then the same verdict."""
    phone.goto(f"{site['url']}/enquete/{site['wave'].id}")
    questions = table_questions()
    types = {code: q.type.value for code, q in questions.items()}
    results = phone.evaluate("""([cases, types]) => cases.map(function (c) {
        var answers = {};
        Object.keys(c.form).forEach(function (code) {
          var value = window.voixConditions.read(types[code], c.form[code]);
          if (value !== null) answers[code] = value;
        });
        return {answers: answers, shown: window.voixConditions.evaluate(c.condition, answers)};
      })""", [CASES, types])
    for case, result in zip(CASES, results, strict=True):
        # Lists compared as sets: the server puts them in its canonical order, conditions never use it.
        assert unordered(result["answers"]) == unordered(clean_form(questions, case["form"])), case["name"]
        assert result["shown"] is case["shown"], case["name"]


def unordered(answers):
    return {code: sorted(value) if isinstance(value, list) else value for code, value in answers.items()}


def visible_code(page):
    return page.locator(".step:visible").get_attribute("data-code")


def test_questions_show_and_hide_live_and_hidden_answers_are_not_kept(site, phone):
    page = phone
    page.goto(f"{site['url']}/enquete/{site['wave'].id}")
    expect(page.locator(".progress-text")).to_contain_text("1")
    page.tap('.step:visible input[value="no"] >> xpath=..')
    page.tap("button.next")
    assert visible_code(page) == "personnes"
    page.fill(".step:visible input", "2")
    page.tap("button.next")
    assert visible_code(page) == "enfants"
    page.fill(".step:visible input", "3")
    page.tap("button.next")
    assert visible_code(page) == "services"
    page.tap("button.next")
    assert visible_code(page) == "attente"  # 3 children: shown without the CAF
    page.tap("button.back")
    page.tap("button.back")
    page.fill(".step:visible input", "1")
    page.tap("button.next")
    page.tap("button.next")
    assert visible_code(page) == "fin"  # 1 child, no CAF: skipped
    page.tap("button.back")
    page.tap('.step:visible input[value="caf"] >> xpath=..')
    page.tap("button.next")
    assert visible_code(page) == "attente"
    page.tap('.step:visible input[value="2"] >> xpath=..')
    # Back to the start: living alone hides the next two, and "attente" stays for the CAF.
    for _ in range(4):
        page.tap("button.back")
    assert visible_code(page) == "seul"
    page.tap('.step:visible input[value="yes"] >> xpath=..')
    page.tap("button.next")
    assert visible_code(page) == "services"
    expect(page.locator(".progress-text")).to_contain_text("2")
    page.tap("button.next")
    page.tap("button.next")
    assert visible_code(page) == "fin"
    page.tap("button.next")  # the optional "about you"
    page.tap("button.send")
    page.wait_for_url("**/merci**")
    db.session.rollback()  # a fresh read: the server wrote from another connection
    response = db.session.scalar(db.select(Response))
    assert {a.question.code: a.value for a in response.answers} == {"seul": True, "services": ["caf"], "attente": 2}


@pytest.fixture
def household_site(app, database_url, make_wave):
    from surveys import operations as ops
    from tests.test_surveys_groups import HOUSEHOLD, MORE_THAN_ONE

    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    wave = make_wave(questions=HOUSEHOLD)
    ops.save_group(wave.version, code="foyer", title={"fr": "Les autres membres du foyer"},
                   members=["age_autre", "lien", "note"], condition=MORE_THAN_ONE)
    db.session.commit()
    with live_server(make_app(database_url)) as url:
        yield {"url": url, "wave": wave}


def test_a_part_is_skipped_as_a_whole_and_nothing_of_it_is_sent(household_site):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True).new_page()
        page.goto(f"{household_site['url']}/enquete/{household_site['wave'].id}")
        page.fill(".step:visible input", "2")
        page.tap("button.next")
        assert visible_code(page) == "age_autre"  # two people: the part is asked, under its title
        expect(page.locator(".step:visible .step-part")).to_have_text("Les autres membres du foyer")
        page.tap("button.next")
        expect(page.locator(".step:visible .error")).not_to_be_empty()  # required inside the part
        page.fill(".step:visible input", "40")
        page.locator(".step:visible input").blur()  # the message goes on change: tap where the button then is
        page.tap("button.next")
        assert visible_code(page) == "lien"
        page.tap('.step:visible input[value="enfant"] >> xpath=..')
        page.tap("button.next")
        assert visible_code(page) == "note"  # the part's information screen too
        for _ in range(3):
            page.tap("button.back")
        page.fill(".step:visible input", "1")  # alone after all: the whole part goes
        page.tap("button.next")
        assert visible_code(page) == "fin"
        page.tap("button.next")  # the optional "about you"
        page.tap("button.send")
        page.wait_for_url("**/merci**")
        browser.close()
    db.session.rollback()
    response = db.session.scalar(db.select(Response))
    assert {a.question.code: a.value for a in response.answers} == {"personnes": 1}


def test_a_question_follows_one_row_of_a_matrix(app, database_url, make_wave):
    from tests.test_conditions_rows import QUESTIONS as ROW_QUESTIONS

    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    wave = make_wave(questions=ROW_QUESTIONS[:3])
    with live_server(make_app(database_url)) as url, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True).new_page()
        page.goto(f"{url}/enquete/{wave.id}")
        page.tap('.step:visible fieldset[data-row="poste"] input[value="4"] >> xpath=..')
        page.tap("button.next")
        page.tap("button.next")
        assert visible_code(page) != "pourquoi_bus"  # "Très bien" for the post office, not the bus
        page.tap("button.back")
        page.tap("button.back")
        page.tap('.step:visible fieldset[data-row="bus"] input[value="4"] >> xpath=..')
        page.tap("button.next")
        page.tap("button.next")
        assert visible_code(page) == "pourquoi_bus"
        browser.close()
