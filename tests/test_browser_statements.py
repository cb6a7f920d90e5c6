"""Statements from residents, end to end in a real chromium: a resident proposes one on a
phone (390 px, French) and on a kiosk (1024x768 touch, Arabic); in strict moderation they
wait; a moderator accepts them; other residents vote on them, one per screen, with
read-aloud. Each screen fits its width and passes axe.

VOIX_SCREENSHOTS=<folder> keeps a screenshot of every checked screen.
"""
import os
import uuid

import pytest

from deliberation import operations as ops
from deliberation.models import (
    HeldReason,
    Moderation,
    Origin,
    Statement,
    StatementModeration,
    StatementReport,
    StatementVote,
)
from tests.conftest import count_rows, make_app
from tests.test_browser import browser, live_server, staff_sign_in  # noqa: F401 (fixture)
from tests.test_responsive import CHROMIUM, RECORD_SPEECH, Walk, phone
from voix.extensions import db
from voix.kiosk.device import device_token
from voix.kiosk.models import Kiosk

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install chromium)"),
]
PASSWORD = "correct horse battery"
EXISTING = "Le square est propre le matin"


@pytest.fixture
def site(app, database_url, territories, make_user):
    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run once, on SQLite")
    c = ops.create_consultation({"fr": "Le square", "ar": "الحديقة"}, territories["sanitas"],
                                statement_moderation=StatementModeration.strict)
    ops.advance_phase(c)  # voting: statements are written and voted on
    db.session.add(Statement(consultation_id=c.id, text=EXISTING, moderation=Moderation.accepted, language="fr"))
    kiosk = Kiosk(place="EPN du Sanitas", territory=territories["sanitas"])
    db.session.add(kiosk)
    moderator = make_user("moderator")
    db.session.commit()
    server_app = make_app(database_url)
    with server_app.app_context():
        token = device_token(kiosk)
    with live_server(server_app) as url:
        yield {"url": url, "kiosk": token, "consultation": c,
           "moderator": moderator.email}


def tablet(browser, site):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True, is_mobile=True,
                                  bypass_csp=True)
    context.add_cookies([{"name": "voix_kiosk", "value": site["kiosk"], "url": site["url"]}])
    return context


def check(walk, page, name):
    walk.check(page, name)
    assert not walk.problems, walk.problems


def test_residents_propose_a_moderator_accepts_others_vote(site, browser):
    c = site["consultation"]
    existing_id = db.session.scalar(db.select(Statement.id).where(Statement.text == EXISTING))
    statements_url = f"{site['url']}/consultations/{c.id}/affirmations"

    # 1. A phone, in French: the similar-statement step, then the statement waits (strict).
    page = phone(browser, 390).new_page()
    page.goto(statements_url + "?lang=fr")
    walk = Walk(390, "fr")
    check(walk, page, "statements, first screen")
    page.fill("#statement-new", "Le square est propre le soir aussi")
    with page.expect_navigation():
        page.tap("#proposer button[type=submit]")
    assert page.locator("#proposer li").inner_text() == EXISTING  # the close statement, before adding
    assert count_rows(Statement) == 1
    check(walk, page, "similar statements")
    with page.expect_navigation():
        page.tap("#proposer button[type=submit]")  # "Ajouter la mienne quand même"
    assert "quand un modérateur l'aura lue" in page.locator(".flash-success").inner_text()
    check(walk, page, "statement sent, waiting")
    db.session.rollback()  # end the test's read: the server wrote since
    french = db.session.scalar(db.select(Statement).where(Statement.text == "Le square est propre le soir aussi"))
    assert french.held_reason is HeldReason.premoderation and french.language == "fr"
    page.context.close()

    # 2. A kiosk, in Arabic, by touch.
    page = tablet(browser, site).new_page()
    page.goto(statements_url + "?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    walk = Walk(1024, "ar")
    page.fill("#statement-new", "نحتاج إلى مقاعد في الظل")
    with page.expect_navigation():
        page.tap("#proposer button[type=submit]")
    assert page.locator(".flash-success").count() == 1
    check(walk, page, "kiosk statement sent")
    db.session.rollback()
    arabic = db.session.scalar(db.select(Statement).where(Statement.language == "ar"))
    assert arabic.text == "نحتاج إلى مقاعد في الظل" and not arabic.is_shown
    for target in page.locator("main .big-button, main button").all():
        box = target.bounding_box()
        if box:
            assert box["height"] >= 44, (target.inner_text(), box)
    page.context.close()

    # 3. Others do not see them yet; a moderator accepts both.
    page = phone(browser, 390).new_page()
    page.goto(statements_url + "?lang=fr")
    assert "propre le soir" not in page.content()
    page.context.close()
    page = browser.new_context(viewport={"width": 1024, "height": 768}, bypass_csp=True).new_page()
    staff_sign_in(page, site["url"], site["moderator"], PASSWORD, "fr")
    page.goto(f"{site['url']}/animation/consultations/{c.id}/affirmations?lang=fr")
    walk = Walk(1024, "fr")
    check(walk, page, "staff statements, two waiting")
    for statement in (french, arabic):
        with page.expect_navigation():
            page.click(f"#waiting-{statement.id} button[value=accepted]")
        assert page.locator("#decision").is_visible() and page.locator("#decision button").inner_text() == "Annuler"
    check(walk, page, "staff statements, accepted with undo")
    db.session.rollback()
    assert french.is_shown and arabic.is_shown
    page.context.close()

    # 4. Another resident, on the kiosk in Arabic, votes on all three, one per screen, and
    # hears the statement read aloud in its own language.
    context = tablet(browser, site)
    context.add_init_script(RECORD_SPEECH)  # the browser's voices, replaced by a recorder
    page = context.new_page()
    page.goto(statements_url + "?lang=ar")
    walk = Walk(1024, "ar")
    seen = []
    for value in ("1", "-1", "0"):
        seen.append(page.locator("#statement-text").inner_text())
        if seen[-1] == arabic.text:
            page.tap("button.speak")
            spoken = page.evaluate("window.speechSynthesis.spoken")
            assert spoken[0] == [arabic.text, "ar"] and [lang for _, lang in spoken] == ["ar"] * 4
            check(walk, page, "kiosk vote on the Arabic statement")
        if seen[-1] == EXISTING:
            page.tap("button.speak")
            assert page.evaluate("window.speechSynthesis.spoken")[0] == [EXISTING, "fr"]  # French on an Arabic page
        with page.expect_navigation():
            page.tap(f"button[name=value][value='{value}']")
    assert set(seen) == {EXISTING, french.text, arabic.text}
    check(walk, page, "kiosk, every statement answered")
    with page.expect_navigation():
        page.tap(f"a.big-button[href='/consultations/{c.id}']")  # nothing left: back to the consultation
    context.close()

    # 5. And another, on a phone in French, agrees with the Arabic resident's statement.
    page = phone(browser, 390).new_page()
    page.goto(statements_url + "?lang=fr")
    walk = Walk(390, "fr")
    check(walk, page, "phone vote")
    for _ in range(3):
        with page.expect_navigation():
            page.tap("button[name=value][value='1']")
    page.context.close()
    db.session.rollback()
    votes = db.session.execute(db.select(StatementVote.statement_id, StatementVote.value)).all()
    # Oldest first: the kiosk agreed, disagreed, passed; the phone agreed with all three.
    assert sorted(votes) == sorted([(existing_id, 1), (french.id, -1), (arabic.id, 0),
                                    (existing_id, 1), (french.id, 1), (arabic.id, 1)])


def test_open_mode_shows_at_once_and_i_am_done_leaves(site, browser):
    c = site["consultation"]
    c.statement_moderation = StatementModeration.open
    db.session.commit()
    page = phone(browser, 320).new_page()
    page.goto(f"{site['url']}/consultations/{c.id}/affirmations?lang=ar")
    walk = Walk(320, "ar")
    page.fill("#statement-new", "الحديقة نظيفة في الصباح")
    with page.expect_navigation():
        page.tap("#proposer button[type=submit]")
    check(walk, page, "open mode, published")
    db.session.rollback()
    assert db.session.scalar(db.select(Statement).where(Statement.language == "ar")).is_shown
    page.locator("details.report-statement summary").tap()
    check(walk, page, "report form open")
    page.fill("#report-reason", "خارج الموضوع")
    with page.expect_navigation():
        page.tap("details.report-statement button[type=submit]")
    check(walk, page, "reported, next statement")
    db.session.rollback()
    assert count_rows(StatementReport) == 1
    with page.expect_navigation():
        page.tap(f"main .actions a[href='/consultations/{c.id}']")  # "J'ai fini" / "انتهيت"
    assert page.url.endswith(f"/consultations/{c.id}")
    page.context.close()

    # The staff screen fits a phone too, with the reported statement.
    page = phone(browser, 320).new_page()
    staff_sign_in(page, site["url"], site["moderator"], PASSWORD, "ar")
    page.goto(f"{site['url']}/animation/consultations/{c.id}/affirmations?lang=ar")
    check(Walk(320, "ar"), page, "staff statements on a phone")


# Issue 15's first "Done when", in each language: statements proposed on a phone and on a
# kiosk, strict moderation, others vote on them (through the page, and 20 more people
# through the models to reach the clustering threshold), and both are in the opinion map.
PROPOSED = {
    "fr": {"phone": "Il faut des fontaines d'eau potable", "kiosk": "Des lampadaires dans les allées la nuit"},
    "ar": {"phone": "نريد نافورة ماء للشرب", "kiosk": "يجب إنارة ممرات الحديقة في الليل"},
}
CAMP_A = ["Il faut plus de bancs", "Des jeux pour les petits"]
CAMP_B = ["Il faut fermer le square à 20 h", "Plus de caméras"]


def phone_844(browser):
    """The brief's phone: 390 x 844, touch."""
    return browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                               bypass_csp=True)


def propose(page, url, text):
    page.goto(url)
    page.fill("#statement-new", text)
    with page.expect_navigation():
        page.tap("#proposer button[type=submit]")
    if not page.locator(".flash-success").count():  # close statements were shown first: add it anyway
        assert page.locator("#proposer li").count(), page.content()
        with page.expect_navigation():
            page.tap("#proposer button[type=submit]")
    assert page.locator(".flash-success").count() == 1, page.content()


def vote_on_every_statement(page, url, opinion, walk, name):
    """One statement per screen: agree, disagree or pass as ``opinion`` says; returns the
    texts seen, in order."""
    page.goto(url)
    seen = []
    while page.locator("#statement-text").count():
        text = page.locator("#statement-text").inner_text()
        seen.append(text)
        if len(seen) == 1:
            walk.check(page, name)
        with page.expect_navigation():
            page.tap(f"button[name=value][value='{opinion.get(text, 0)}']")
        assert len(seen) < 20, seen
    return seen


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_statements_from_a_phone_and_a_kiosk_reach_the_opinion_map(site, browser, language):
    c = site["consultation"]
    for text in CAMP_A + CAMP_B:
        db.session.add(Statement(consultation_id=c.id, text=text, moderation=Moderation.accepted, language="fr"))
    db.session.commit()
    url = f"{site['url']}/consultations/{c.id}/affirmations?lang={language}"
    map_url = f"{site['url']}/consultations/{c.id}/carte-des-opinions?lang={language}"
    texts = PROPOSED[language]

    # 1. Proposed on a phone and on a kiosk; strict moderation holds both.
    context = phone_844(browser)
    propose(context.new_page(), url, texts["phone"])
    context.close()
    context = tablet(browser, site)
    propose(context.new_page(), url, texts["kiosk"])
    context.close()
    db.session.rollback()
    proposed = {where: db.session.scalar(db.select(Statement).where(Statement.text == text))
                for where, text in texts.items()}
    assert all(s.held_reason is HeldReason.premoderation and not s.is_shown for s in proposed.values())
    assert {s.language for s in proposed.values()} == {language}

    # 2. A moderator accepts them.
    page = browser.new_context(viewport={"width": 1024, "height": 768}, bypass_csp=True).new_page()
    staff_sign_in(page, site["url"], site["moderator"], PASSWORD, "fr")
    page.goto(f"{site['url']}/animation/consultations/{c.id}/affirmations?lang=fr")
    for statement in proposed.values():
        with page.expect_navigation():
            page.click(f"#waiting-{statement.id} button[value=accepted]")
    page.context.close()
    db.session.rollback()
    assert all(s.is_shown for s in proposed.values())

    # 3. Twenty people in two camps (12 and 8) voted through the models: every one agrees
    # with the phone's statement (consensus), the kiosk's splits the camps (representative).
    statements = {s.text: s for s in db.session.scalars(db.select(Statement).where(Statement.consultation_id == c.id))}
    modelled = []
    for i in range(20):
        camp_a = i < 12
        person = ops.new_participant(c, Origin.personal)
        modelled.append(person.id)
        opinion = {EXISTING: 1, texts["phone"]: 1, texts["kiosk"]: 1 if camp_a else -1,
                   **{t: 1 if camp_a else -1 for t in CAMP_A}, **{t: -1 if camp_a else 1 for t in CAMP_B}}
        if i % 3 == 0:  # some pass on one statement: people of a camp are not all on one point
            opinion[sorted(opinion)[i % len(opinion)]] = 0
        for text, value in opinion.items():
            ops.vote_on_statement(statements[text], person, value, uuid=str(uuid.uuid4()), origin=Origin.personal)
    db.session.commit()
    camp_a_opinion = {EXISTING: "1", texts["phone"]: "1", texts["kiosk"]: "1",
                      **{t: "1" for t in CAMP_A}, **{t: "-1" for t in CAMP_B}}

    # 4. Two residents vote through the pages, one per screen: on a kiosk, then on a phone.
    context = tablet(browser, site)
    seen = vote_on_every_statement(context.new_page(), url, camp_a_opinion, Walk(1024, language), "kiosk vote")
    assert set(seen) == set(statements)
    context.close()
    context = phone_844(browser)
    page = context.new_page()
    walk = Walk(390, language)
    assert set(vote_on_every_statement(page, url, camp_a_opinion, walk, "phone vote")) == set(statements)
    db.session.rollback()
    # Each proposed statement got one vote from the kiosk and one from the phone.
    ui_votes = db.session.execute(db.select(StatementVote.statement_id, StatementVote.origin, StatementVote.value)
                                  .where(StatementVote.statement_id.in_([s.id for s in proposed.values()]),
                                         StatementVote.participant_id.not_in(modelled))).all()
    assert sorted((sid, origin.value, value) for sid, origin, value in ui_votes) == sorted(
        (s.id, origin, 1) for s in proposed.values() for origin in ("kiosk", "personal"))

    # 5. The opinion map, once clustered, has both statements; the phone voter is on it.
    with page.expect_navigation():
        page.locator(f"a[href$='/consultations/{c.id}/carte-des-opinions']").first.tap()
    assert page.locator("svg.om-svg use").count() >= 20
    section = page.locator("section.opinion-map").inner_text()
    assert texts["phone"] in page.locator("section.opinion-map ul.om-statements").first.inner_text()  # consensus
    assert texts["kiosk"] in section
    assert page.locator(".where-you-are strong").count() == 1  # "Where you are:", placed
    assert page.locator("svg.om-svg circle[stroke-width='3']").count() == 1
    walk.check(page, "opinion map with the proposed statements")
    context.close()
    for width in (320,):
        context = phone(browser, width)
        page = context.new_page()
        page.goto(map_url)
        narrow = Walk(width, language)
        narrow.check(page, "opinion map")
        assert page.locator("svg.om-svg").bounding_box()["width"] <= width
        context.close()
        walk.problems += narrow.problems
    context = tablet(browser, site)
    page = context.new_page()
    page.goto(map_url)
    kiosk_walk = Walk(1024, language)
    kiosk_walk.check(page, "opinion map on the kiosk")
    assert texts["kiosk"] in page.locator("section.opinion-map").inner_text()
    context.close()
    assert not walk.problems + kiosk_walk.problems, "\n".join(walk.problems + kiosk_walk.problems)
