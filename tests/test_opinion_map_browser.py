"""The opinion map in a real browser: fits 320 px, axe finds nothing, in fr, ar and en,
before and after the visitor voted ("where you are"), and on paper (print CSS).

Uses the demo data served by tests/test_responsive.py's fixtures (40 people in two camps
voted on the demo consultation's statements).
"""
import os

import pytest

from tests.test_responsive import CHROMIUM, Walk, browser, demo_site, phone  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.mark.parametrize(("language", "width"), [("fr", 320), ("ar", 320), ("en", 320), ("ar", 390)])
def test_the_opinion_map_fits_a_phone_and_passes_axe(demo_site, browser, language, width):  # noqa: F811
    base, c = demo_site["url"], demo_site["consultation"]
    walk = Walk(width, language)
    context = phone(browser, width)
    page = context.new_page()
    page.goto(f"{base}/consultations/{c}/carte-des-opinions?lang={language}")
    assert page.locator("svg.om-svg use").count() >= 10  # the map is drawn
    assert page.locator("#om-table-caption").count() == 1
    walk.check(page, "opinion map")

    # The visitor votes on every statement (one per screen), then finds themself on the map.
    page.goto(f"{base}/consultations/{c}/affirmations?lang={language}")
    for _ in range(20):
        buttons = page.locator("form.statement-vote button[value='1']")
        if not buttons.count():
            break
        with page.expect_navigation():
            buttons.click()
    walk.check(page, "statements, all answered")
    with page.expect_navigation():
        page.locator(f"a[href$='/consultations/{c}/carte-des-opinions']").click()
    assert page.locator(".where-you-are").count() == 1
    assert page.locator("svg.om-svg circle[stroke-width='3']").count() == 1  # the visitor's mark, circled
    walk.check(page, "opinion map, where you are")
    box = page.locator("svg.om-svg").bounding_box()
    assert box["width"] <= width and box["height"] > 100
    context.close()
    assert not walk.problems, "\n".join(walk.problems)


def test_the_opinion_map_prints(demo_site, browser):  # noqa: F811
    base, c = demo_site["url"], demo_site["consultation"]
    context = phone(browser, 800)
    page = context.new_page()
    page.goto(f"{base}/consultations/{c}/carte-des-opinions?lang=fr")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".back-link").is_visible()
    assert page.locator("svg.om-svg").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('svg.om-svg')).printColorAdjust") == "exact"
    context.close()
