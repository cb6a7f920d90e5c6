"""Placeholders as a reader sees them: an idea with a scrubbed name on an Arabic phone page."""
from tests.test_browser import (  # noqa: F401 (fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    kiosk_site,
    playwright,
    pytestmark,
)
from voix.extensions import db


def test_an_arabic_reader_sees_arabic_placeholders_in_a_french_idea(kiosk_site, tmp_path):
    from deliberation import operations as ops
    from deliberation.models import Origin

    c = ops.create_consultation({"fr": "Le square", "ar": "الحديقة"}, kiosk_site["wave"].territory)
    resident = ops.new_participant(c, Origin.personal)
    idea = ops.propose_idea(c, resident, title="Des bancs à l'ombre",
                            body="Mon voisin Karim Haddad et moi voulons des bancs. Appelez le 06 12 34 56 78.")
    db.session.commit()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True).new_page()
        page.goto(f"{kiosk_site['url']}/consultations/idees/{idea.id}?lang=ar")
        assert page.get_attribute("html", "dir") == "rtl"
        body = page.locator("body").inner_text()
        assert "Mon voisin [اسم] et moi" in body and "Appelez le [هاتف]" in body
        assert "[nom]" not in body and "Karim" not in body
        page.screenshot(path=str(tmp_path / "idea-ar-390.png"), full_page=True)
        browser.close()
