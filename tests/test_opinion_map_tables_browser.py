"""The opinion map's tables stay readable on a phone: no word is split across two lines,
nothing scrolls sideways (neither the page nor a table inside its box), axe finds nothing;
for residents and for staff (the page with the numbers), in French, Arabic (RTL) and
English, at 320 and 390 px, on a 1024 px tablet and on paper.

Below 40em each row of a table is shown as a card (its header above, each cell after its
column's name); the markup stays a <table> with its <caption> and <th scope>, so screen
readers keep reading a table. Three camps of residents voted through the models, so the
map has three groups and a meta statement ("About the participants") table with a column
per group.

VOIX_SCREENSHOTS=<folder> keeps a screenshot of every checked screen.
"""
import os
import uuid

import pytest

from deliberation import operations as ops
from deliberation.models import Moderation, Origin, Statement
from tests.conftest import make_app
from tests.test_browser import browser, live_server, staff_sign_in  # noqa: F401 (fixture)
from tests.test_responsive import CHROMIUM, Walk, phone
from voix.extensions import db

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install chromium)"),
]
PASSWORD = "correct horse battery"
# Long words on purpose: they are the ones a squeezed column used to cut ("Gro / upe").
CAMPS = {
    "a": ["Il faut davantage d'aménagements intergénérationnels dans le square",
          "Des jeux pour les petits près des bancs", "Le terrain multisports doit rester ouvert le soir"],
    "b": ["Il faut fermer le square à 20 h", "Plus de caméras de vidéoprotection",
          "Les rassemblements nocturnes dérangent les riverains"],
    "c": ["يجب إنارة ممرات الحديقة في الليل", "Une association de locataires devrait gérer le local",
          "Les permanences administratives doivent revenir au quartier"],
}
META = ["J'habite le quartier depuis plus de dix ans", "لدي أطفال في المدرسة الابتدائية"]
SIZES = {"a": 12, "b": 10, "c": 8}

# Each word of each text node in the opinion map's tables (and their cells): a word whose
# characters sit on more than one line was split. A cell whose content is wider than the
# cell, or a table wider than its box, would scroll or be cut.
SPLIT_WORDS = r"""() => {
  const problems = [];
  const cells = [...document.querySelectorAll('.opinion-map table caption, .opinion-map table th, .opinion-map table td')];
  for (const cell of cells) {
    if (!cell.getClientRects().length) continue;
    const head = cell.closest('thead');  // visually hidden on a phone: screen readers only
    if (head && head.getBoundingClientRect().width <= 1) continue;
    if (cell.scrollWidth > cell.clientWidth + 1)
      problems.push(`cell wider than itself (${cell.scrollWidth} > ${cell.clientWidth}): ${cell.textContent.trim()}`);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      for (const match of node.data.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        if (lines.size > 1) problems.push(`"${match[0]}" split over ${lines.size} lines in: ${cell.textContent.trim()}`);
      }
    }
  }
  for (const box of document.querySelectorAll('.opinion-map .table-scroll, .opinion-map table')) {
    if (box.scrollWidth > box.clientWidth + 1)
      problems.push(`${box.className || box.tagName} scrolls sideways: ${box.scrollWidth} > ${box.clientWidth}`);
    const r = box.getBoundingClientRect();
    if (r.right > innerWidth + 1 || r.left < -1) problems.push(`${box.className || box.tagName} leaves the screen`);
  }
  return problems;
}"""


@pytest.fixture
def site(app, database_url, territories, make_user):
    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    c = ops.create_consultation({"fr": "Le square", "ar": "الحديقة", "en": "The square"}, territories["sanitas"])
    ops.advance_phase(c)  # voting
    statements = {}
    for texts in CAMPS.values():
        for text in texts:
            statements[text] = Statement(consultation_id=c.id, text=text, moderation=Moderation.accepted,
                                         language="ar" if text[0] > "\u0600" else "fr")
    for text in META:
        statements[text] = Statement(consultation_id=c.id, text=text, moderation=Moderation.accepted,
                                     language="ar" if text[0] > "\u0600" else "fr", is_meta=True)
    db.session.add_all(statements.values())
    db.session.flush()
    i = 0
    for camp, size in SIZES.items():
        for _ in range(size):
            i += 1
            person = ops.new_participant(c, Origin.personal)
            for statement_camp, texts in CAMPS.items():
                for n, text in enumerate(texts):
                    value = 1 if statement_camp == camp else -1
                    if (i + n) % 5 == 0:  # some pass: people of a camp are not all on one point
                        value = 0
                    ops.vote_on_statement(statements[text], person, value, uuid=str(uuid.uuid4()),
                                          origin=Origin.personal)
            for n, text in enumerate(META):
                ops.vote_on_statement(statements[text], person, 1 if (i + n) % 3 else -1, uuid=str(uuid.uuid4()),
                                      origin=Origin.personal)
    facilitator = make_user("facilitator")
    db.session.commit()
    with live_server(make_app(database_url)) as url:
        yield {"url": url, "consultation": c.id, "staff": facilitator.email}


def signed_in(browser, site, width):
    context = phone(browser, width) if width < 1024 else browser.new_context(
        viewport={"width": 1024, "height": 768}, has_touch=True, is_mobile=True, bypass_csp=True)
    page = context.new_page()
    staff_sign_in(page, site["url"], site["staff"], PASSWORD, "fr")
    return context, page


def check_tables(page, walk, name):
    walk.check(page, name)
    assert page.locator(".opinion-map table").count() == 2  # the groups, and the meta statements
    assert page.locator(".opinion-map table caption").count() == 2
    groups = page.locator(".om-legend li").count()
    assert groups >= 3
    assert page.locator(".opinion-map table thead th").count() == 3 + 1 + groups  # a column per group
    walk.problems += [f"{name} ({walk.language}, {walk.width} px): {p}" for p in page.evaluate(SPLIT_WORDS)]
    if os.environ.get("VOIX_SCREENSHOTS"):  # the tables alone, to look at them
        for n, table in enumerate(page.locator(".opinion-map .table-scroll").all()):
            table.screenshot(path=f"{os.environ['VOIX_SCREENSHOTS']}/{walk.language}-{walk.width}-{walk.pages:02}-table{n}.png")


WIDTHS = [("fr", 320), ("ar", 320), ("en", 320), ("fr", 390), ("ar", 390), ("ar", 700), ("fr", 1024), ("ar", 1024)]


@pytest.mark.parametrize(("language", "width"), WIDTHS)
def test_the_opinion_map_tables_split_no_word_and_scroll_nowhere(site, browser, language, width):
    walk = Walk(width, language)
    context, page = signed_in(browser, site, width)
    page.goto(f"{site['url']}/consultations/{site['consultation']}/carte-des-opinions?lang={language}")
    check_tables(page, walk, "resident opinion map")
    page.goto(f"{site['url']}/animation/consultations/{site['consultation']}?lang={language}")
    check_tables(page, walk, "staff opinion map")
    # A row shown as a card still says which column each figure belongs to.
    people = page.locator(".opinion-map table").first.locator("tbody td.number").first
    label = page.evaluate("e => getComputedStyle(e, '::before').content", people.element_handle())
    header = page.locator(".opinion-map table").first.locator("thead th").nth(2).inner_text()
    if (header in label) != (width < 640):
        walk.problems.append(f"staff opinion map ({language}, {width} px): the 'People' cell's label is {label}")
    context.close()
    assert not walk.problems, "\n".join(walk.problems)


def test_the_opinion_map_tables_keep_their_table_semantics_as_cards(site, browser):
    """At 320 px the rows look like cards, yet the accessibility tree still has a table
    named by its caption, with column and row headers and cells."""
    context = phone(browser, 320)
    page = context.new_page()
    page.goto(f"{site['url']}/consultations/{site['consultation']}/carte-des-opinions?lang=fr")
    assert page.evaluate("getComputedStyle(document.querySelector('.opinion-map tbody tr')).display") == "block"
    cdp = context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    roles = [n.get("role", {}).get("value") for n in nodes if not n.get("ignored")]
    names = {n.get("name", {}).get("value") for n in nodes if n.get("role", {}).get("value") == "table"}
    assert roles.count("table") == 2, roles
    assert {"Les groupes de la carte", "Part des personnes d'accord, par groupe"} <= names, names
    groups = page.locator(".om-legend li").count()
    assert roles.count("columnheader") == 3 + 1 + groups and roles.count("rowheader") == groups + 2, roles
    assert roles.count("cell") == groups * 2 + 2 * groups, roles
    context.close()


def test_the_opinion_map_tables_print_whole(site, browser):
    context = phone(browser, 800)
    page = context.new_page()
    page.goto(f"{site['url']}/consultations/{site['consultation']}/carte-des-opinions?lang=ar")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 700, "height": 1000})  # an A4 page's printable width
    assert page.evaluate("getComputedStyle(document.querySelector('.opinion-map tbody tr')).display") == "table-row"
    assert page.evaluate(SPLIT_WORDS) == []
    context.close()
