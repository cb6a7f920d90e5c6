"""A resident answers the demo survey on a kiosk, in Arabic, with touch only.

Drives Debian's chromium with Playwright; skipped when either is missing.
"""
import os
import shutil
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from surveys import operations as ops
from surveys.models import Response, WaveStatus
from tests.conftest import count_rows, make_app, residents_today
from voix.demo import QUESTIONS
from voix.extensions import db
from voix.kiosk.device import device_token
from voix.kiosk.models import Kiosk

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = playwright.expect
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


def staff_sign_in(page, base, email, password, language="fr"):
    """Sign a staff account in through the sign-in page, in `language`."""
    page.goto(f"{base}/connexion?lang={language}")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.fixture
def browser():
    """A headless Debian chromium for one test (tests that open their own contexts)."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()



@contextmanager
def live_server(app):
    """`app` served on a free local port by a threaded werkzeug server, for a browser: yields
    its base URL; then the server stops and the app's database connections are closed."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def kiosk_site(app, database_url, territories, request):
    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    config = getattr(request, "param", {})
    questionnaire = ops.create_questionnaire({"fr": "Vivre dans mon quartier", "ar": "العيش في حيّي"}, territories["sanitas"])
    db.session.flush()
    for fields in QUESTIONS:
        ops.save_question(questionnaire.latest_version, **fields)
    from datetime import timedelta

    wave = ops.create_wave(questionnaire, territories["sanitas"], residents_today(), residents_today() + timedelta(days=9))
    wave.status = WaveStatus.open
    kiosk = Kiosk(place="EPN du Sanitas", territory=territories["sanitas"])
    db.session.add(kiosk)
    db.session.commit()
    server_app = make_app(database_url, **config)
    with server_app.app_context():
        token = device_token(kiosk)
    with live_server(server_app) as url:
        yield {"url": url, "token": token, "wave": wave}


@pytest.fixture
def tablet(kiosk_site):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True, is_mobile=True)
        context.add_cookies([{"name": "voix_kiosk", "value": kiosk_site["token"], "url": kiosk_site["url"]}])
        page = context.new_page()
        yield page
        browser.close()


def visible_step(page):
    return page.locator(".step:visible")


def assert_touch_targets(page):
    for target in page.locator(".step:visible label.choice, .step-nav button:visible, .kiosk-header a").all():
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (target.inner_text(), box)


def test_resident_answers_in_arabic_by_touch_and_leaves_nothing_behind(kiosk_site, tablet):
    page = tablet
    page.goto(kiosk_site["url"] + "/kiosk/")
    with page.expect_navigation():
        page.tap("a[hreflang=ar].big-button")
    assert page.get_attribute("html", "dir") == "rtl"
    with page.expect_navigation():
        page.tap("text=العيش في حيّي")
    expect(page.locator(".progress-text")).to_contain_text("السؤال 1")  # waits for the script

    answers = {"satisfaction": "4", "priorite": "jeunes", "contact_mairie": "yes", "contact_facile": "5"}
    for step in range(20):
        code = visible_step(page).get_attribute("data-code")
        assert_touch_targets(page)
        if code in answers:
            page.tap(f'.step:visible input[value="{answers[code]}"] >> xpath=..')
        elif code == "services":
            page.tap('.step:visible input[value="caf"] >> xpath=..')
            page.tap('.step:visible input[value="epn"] >> xpath=..')
        elif code == "securite":
            page.tap('.step:visible input[value="dk"] >> xpath=..')
        if page.locator("button.send").is_visible():
            break
        page.tap("button.next")
    else:
        pytest.fail("never reached the last step")
    page.tap("button.send")
    page.wait_for_url("**/kiosk/merci")
    assert page.get_attribute("html", "dir") == "rtl"  # thanked in Arabic; the next person starts afresh

    response = db.session.scalar(db.select(Response))
    assert response.language == "ar" and response.channel.value == "kiosk"
    stored = {a.question.code: a.value for a in response.answers}
    assert stored == {"satisfaction": 4, "securite": "dk", "services": ["caf", "epn"], "contact_mairie": True,
                      "contact_facile": 5, "priorite": "jeunes"}

    page.go_back()  # what the next resident could try
    page.wait_for_load_state()
    assert page.locator("input:checked").count() == 0
    assert "merci" not in page.url or page.locator("input:checked").count() == 0
    assert count_rows(Response) == 1


def test_required_question_blocks_next_with_a_message(kiosk_site, tablet):
    page = tablet
    page.goto(f"{kiosk_site['url']}/kiosk/enquete/{kiosk_site['wave'].id}")
    page.tap("button.next")
    error = page.locator(".step:visible .error")
    assert error.inner_text() != "" and visible_step(page).get_attribute("data-code") == "satisfaction"


@pytest.mark.parametrize("kiosk_site", [{"KIOSK_IDLE_SECONDS": 1, "KIOSK_WARNING_SECONDS": 2}], indirect=True)
def test_idle_warning_extends_with_one_tap_then_resets(kiosk_site, tablet):
    page = tablet
    page.goto(f"{kiosk_site['url']}/kiosk/enquete/{kiosk_site['wave'].id}")
    page.tap('.step:visible input[value="3"] >> xpath=..')
    dialog = page.locator(".idle-warning")
    dialog.wait_for(state="visible", timeout=5000)
    page.tap("button.stay")
    assert dialog.is_hidden()
    assert page.locator("input:checked").count() == 1  # the answer is still there
    page.wait_for_url("**/kiosk/", timeout=10000)  # no tap this time: erased and back to the start
    assert count_rows(Response) == 0


@pytest.fixture
def consultation_on_kiosk(kiosk_site, territories):
    from deliberation import operations as deliberation
    from deliberation.models import Origin

    c = deliberation.create_consultation({"fr": "Le square", "ar": "الحديقة"}, territories["sanitas"])
    carrier = deliberation.new_participant(c, Origin.personal)
    for title in ("Des bancs à l'ombre", "Un terrain de foot", "Une fresque"):
        deliberation.propose_idea(c, carrier, title=title, body=f"{title} pour tout le monde")
    db.session.commit()
    return c


def test_resident_proposes_supports_and_compares_in_arabic_by_touch(kiosk_site, tablet, consultation_on_kiosk):
    from deliberation import operations as deliberation
    from deliberation.models import Idea, PairwiseVote, Support

    page, c = tablet, consultation_on_kiosk
    page.goto(kiosk_site["url"] + "/kiosk/")
    with page.expect_navigation():
        page.tap("a[hreflang=ar].big-button")
    with page.expect_navigation():
        page.tap("text=الحديقة")
    assert page.get_attribute("html", "dir") == "rtl"
    with page.expect_navigation():
        page.tap(f"a[href$='/consultations/{c.id}/proposer']")
    page.fill("#title", "ملعب للأطفال")  # the tablet's on-screen keyboard
    page.fill("#body", "ملعب صغير قرب المدرسة للأطفال")
    page.tap("main button[type=submit]")
    page.wait_for_url("**/consultations/idees/*")
    assert count_rows(Idea) == 4
    idea = db.session.scalar(db.select(Idea).order_by(Idea.id.desc()))
    assert idea.language == "ar" and idea.title == "ملعب للأطفال"

    db.session.refresh(c)
    deliberation.advance_phase(c)  # a facilitator opens the votes
    db.session.commit()
    page.goto(f"{kiosk_site['url']}/consultations/{c.id}")
    with page.expect_navigation():
        page.tap("form:has(input[name=back][value=list]) button >> nth=0")
    assert count_rows(Support) == 1
    for _ in range(3):
        page.goto(f"{kiosk_site['url']}/consultations/{c.id}/duel")
        for target in page.locator(".duel-choice").all():
            box = target.bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44
        with page.expect_navigation():
            page.tap(".duel-choice >> nth=0")
    assert count_rows(PairwiseVote) == 3
    supporters = db.session.scalars(db.select(Support.participant_id)).all()
    assert len(set(supporters)) == 1


@pytest.fixture
def institutions_to_ask(consultation_on_kiosk, territories):
    from voix.institutions.models import Institution, InstitutionCode

    db.session.add_all([
        Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"]),
        Institution(code=InstitutionCode.bailleur, name="Tours Habitat", territory=territories["tours"]),
    ])
    db.session.commit()
    return consultation_on_kiosk


def test_resident_asks_an_institution_in_arabic_by_touch(kiosk_site, tablet, institutions_to_ask):
    from deliberation.models import InstitutionQuestion

    page, c = tablet, institutions_to_ask
    page.goto(f"{kiosk_site['url']}/consultations/{c.id}?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    with page.expect_navigation():
        page.tap(f"a[href$='/consultations/{c.id}/questions']")
    targets = [*page.locator("main label.choice").all(), page.locator("main button[type=submit]")]
    for target in targets:
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (target.inner_text(), box)
    page.tap("text=Tours Habitat")
    page.fill("#text", "متى سيتم إصلاح المصعد في البرج ب؟")
    with page.expect_navigation():
        page.tap("main button[type=submit]")
    assert count_rows(InstitutionQuestion) == 0  # first the resident checks what will be published
    for target in page.locator("main button").all():
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (target.inner_text(), box)
    sent_form = {name: page.locator(f"main input[name={name}]").input_value()
                 for name in ("csrf_token", "uuid", "institution", "text", "quartier")}
    with page.expect_navigation():
        page.tap("main button[name=confirmed]")
    # The same confirmation sent again (a second tap that got through, a retry): still one question.
    resent = page.request.post(f"{kiosk_site['url']}/consultations/{c.id}/questions",
                               form={**sent_form, "confirmed": "1"}, max_redirects=0)
    assert resent.status == 303
    assert count_rows(InstitutionQuestion) == 1
    question = db.session.scalar(db.select(InstitutionQuestion))
    assert question.language == "ar" and question.institution.name == "Tours Habitat"
    expect(page.locator("section:has(#questions)")).to_contain_text("متى سيتم إصلاح المصعد")


def tab_to(page, selector, most=30):
    """Press Tab until the element is focused: it must be reachable with the keyboard."""
    target = page.locator(selector)
    for _ in range(most):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_resident_asks_an_institution_with_the_keyboard_alone(kiosk_site, institutions_to_ask):
    from deliberation.models import InstitutionQuestion

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{kiosk_site['url']}/consultations/{institutions_to_ask.id}/questions?lang=fr")
        page.locator("main a").first.focus()  # the link back to the consultation
        page.keyboard.press("Tab")  # into the institutions: the first radio button
        expect(page.locator("input[name=institution]").first).to_be_focused()
        page.keyboard.press("ArrowDown")  # the second institution
        page.keyboard.press("Tab")
        expect(page.locator("#text")).to_be_focused()
        page.keyboard.type("Quand le hall sera-t-il repeint ?")
        tab_to(page, "main button[type=submit]")  # "Suivant : vérifier ma question"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Vérifiez votre question")
        tab_to(page, "main button[name=confirmed]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("main")).to_contain_text("Merci ! Votre question est envoyée")
        browser.close()
    db.session.rollback()  # a fresh snapshot (SQLite)
    question = db.session.scalar(db.select(InstitutionQuestion))
    assert question is not None and question.institution.name == "Tours Habitat"
    assert question.text == "Quand le hall sera-t-il repeint ?"


@pytest.mark.parametrize("kiosk_site", [{"KIOSK_IDLE_SECONDS": 2, "KIOSK_WARNING_SECONDS": 2}], indirect=True)
def test_a_resident_signed_in_on_a_kiosk_is_signed_out_when_the_tablet_is_left_idle(kiosk_site, tablet):
    from deliberation.models import ResidentSession

    page = tablet
    page.goto(kiosk_site["url"] + "/habitants/compte?lang=fr")
    page.fill("#pseudonym", "Oiseau du Sanitas")
    page.fill("#password", "le square 2027")
    page.fill("#confirm", "le square 2027")
    with page.expect_navigation():
        page.tap("main button[type=submit]")
    sign_out = page.locator(".kiosk-header button.sign-out")
    expect(sign_out).to_contain_text("Oiseau du Sanitas")
    for target in [sign_out, *page.locator(".kiosk-header a").all()]:
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (target.inner_text(), box)
    assert count_rows(ResidentSession) == 1

    page.locator(".resident-idle").wait_for(state="visible", timeout=5000)
    expect(page.locator(".resident-idle .stay")).to_be_focused()
    page.tap(".resident-idle .stay")  # one tap keeps the resident signed in
    assert page.locator(".resident-idle").is_hidden() and count_rows(ResidentSession) == 1
    page.wait_for_url("**/kiosk/", timeout=15000)  # no tap this time: signed out, back to the start
    assert count_rows(ResidentSession) == 0
    assert page.locator(".kiosk-header button.sign-out").count() == 0


@pytest.fixture
def evaluator_site(app, database_url, territories, make_user):
    """The indicator dashboard served to a real browser, with an evaluator account."""
    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    make_user("evaluator", ("metropole",), email="eva@example.org")
    server_app = make_app(database_url)
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with server_app.app_context():
        db.engine.dispose()


def test_the_indicator_report_prints_without_the_screen_furniture(evaluator_site):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="fr-FR")
        page.goto(evaluator_site + "/connexion")
        page.fill("input[name=email]", "eva@example.org")
        page.fill("input[name=password]", "correct horse battery")
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(evaluator_site + "/evaluation/indicateurs/")
        print_button = page.get_by_role("button", name="Imprimer le rapport (A4)")
        expect(print_button).to_be_visible()  # shown once its script runs
        expect(page.locator("form.no-print")).to_be_visible()
        expect(page.locator("#contributors svg text.value").first).to_have_text("< 10")  # labelled, not only coloured
        page.emulate_media(media="print")
        expect(page.locator("form.no-print")).to_be_hidden()
        expect(print_button).to_be_hidden()
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator("#contributors")).to_be_visible()
        expect(page.locator(".print-only")).to_be_visible()
        assert page.pdf(format="A4")[:4] == b"%PDF"
        browser.close()
