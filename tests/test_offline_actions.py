"""Supports, votes, comments and questions given on a kiosk whose network is down go into
the same outbox as surveys, and are sent once each through the idempotent API when the
network returns (docs/kiosk.md, "Offline use").
"""
import time
import uuid

import pytest
from sqlalchemy import func, select

from deliberation import operations as ops
from deliberation.models import Comment, Idea, Origin, PairwiseVote, Participant, Support
from tests.conftest import count_rows, residents_today


def rows(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))
from tests.test_kiosk import register_kiosk
from tests.test_kiosk_trust import consultation  # noqa: F401 (fixture)
from voix.extensions import db


def test_a_participant_asked_again_with_the_same_uuid_is_the_same(client, consultation):
    key = str(uuid.uuid4())
    url = f"/api/v1/consultations/{consultation.id}/participants"
    first = client.post(url, json={"uuid": key})
    again = client.post(url, json={"uuid": key})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["token"] == again.json["token"]
    assert rows(Participant, Participant.client_uuid == key) == 1
    assert client.post(url, json={}).status_code == 201  # without a uuid: a new one each time
    assert client.post(url, json={"uuid": "not-a-uuid"}).status_code == 422
    other = ops.create_consultation({"fr": "Ailleurs"}, consultation.territory)
    db.session.commit()
    refused = client.post(f"/api/v1/consultations/{other.id}/participants", json={"uuid": key})
    assert refused.status_code == 422  # never someone else's participant
    assert rows(Participant, Participant.client_uuid == key) == 1


def test_a_comment_sent_through_the_api_keeps_its_language(client, consultation):
    idea = db.session.scalar(select(Idea).where(Idea.consultation_id == consultation.id))
    token = client.post(f"/api/v1/consultations/{consultation.id}/participants", json={}).json["token"]
    body = {"token": token, "uuid": str(uuid.uuid4()), "body": "Bonne idée", "position": "for", "language": "ar"}
    assert client.post(f"/api/v1/ideas/{idea.id}/comments", json=body).status_code == 201
    assert client.post(f"/api/v1/ideas/{idea.id}/comments", json=body).status_code == 200
    assert db.session.scalar(select(Comment.language).where(Comment.uuid == body["uuid"])) == "ar"


def test_a_kiosk_keeps_the_consultations_pages_and_they_hold_nobody(client, auth, make_user, territories,
                                                                   consultation):
    register_kiosk(client, auth, make_user, territories["sanitas"])
    pages = client.get("/kiosk/hors-ligne/pages").json["pages"]
    idea = db.session.scalar(select(Idea).where(Idea.consultation_id == consultation.id))
    for path in (f"/consultations/{consultation.id}", f"/consultations/idees/{idea.id}",
                 f"/consultations/{consultation.id}/duel", f"/consultations/{consultation.id}/affirmations",
                 f"/consultations/{consultation.id}/questions"):
        assert {f"{path}?lang={lang}" for lang in ("fr", "en", "ar")} <= set(pages), path
    # A resident supports an idea; the page the service worker fetches meanwhile shows nothing of it.
    page = client.get(f"/consultations/{consultation.id}").text
    vote_uuid = page.split('name="uuid" value="')[1].split('"')[0]
    client.post(f"/consultations/idees/{idea.id}/soutien", data={"uuid": vote_uuid, "back": "list"})
    assert 'aria-pressed="true"' in client.get(f"/consultations/{consultation.id}").text
    kept = client.get(f"/consultations/{consultation.id}?lang=ar", headers={"X-Voix-Precache": "1"}).text
    assert 'aria-pressed="true"' not in kept and "flash-success" not in kept
    assert 'aria-pressed="true"' in client.get(f"/consultations/{consultation.id}").text  # still theirs


def kiosk_participants(consultation) -> set:
    """The participants of the consultation other than the ideas' carrier (the fixture's)."""
    db.session.rollback()
    carrier = db.session.scalar(select(Idea.carrier_id).where(Idea.consultation_id == consultation.id))
    return set(db.session.scalars(select(Participant.id).where(Participant.consultation_id == consultation.id,
                                                               Participant.id != carrier)))


def test_online_then_offline_on_a_kiosk_is_one_participant_and_the_reset_starts_another(
        client, auth, make_user, territories, consultation):
    from deliberation.models import Statement, StatementVote

    register_kiosk(client, auth, make_user, territories["sanitas"])
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    statement = db.session.scalar(select(Statement).where(Statement.consultation_id == consultation.id))
    api = f"/api/v1/consultations/{consultation.id}/participants"
    # Online: a support through the page, whose form names the resident as outbox.js does.
    key = str(uuid.uuid4())
    client.post(f"/consultations/idees/{ideas[0].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": key})
    assert rows(Support) == 1
    # Then offline: the outbox, once sent, asks for the participant under the same key.
    asked = client.post(api, json={"uuid": key})
    assert asked.status_code == 200  # already there: the one who supported online
    vote = {"token": asked.json["token"], "uuid": str(uuid.uuid4()), "value": 1}
    assert client.post(f"/api/v1/statements/{statement.id}/votes", json=vote).status_code == 201
    assert len(kiosk_participants(consultation)) == 1

    # The idle reset: the next resident (a new key) is another participant, offline first then online.
    client.get("/kiosk/reinitialiser")
    other = str(uuid.uuid4())
    token = client.post(api, json={"uuid": other}).json["token"]
    support = {"token": token, "uuid": str(uuid.uuid4())}
    assert client.post(f"/api/v1/ideas/{ideas[1].id}/supports", json=support).status_code == 201
    client.post(f"/consultations/{consultation.id}/affirmations",
                data={"statement": statement.id, "value": -1, "uuid": str(uuid.uuid4()), "outbox_resident": other})
    assert rows(StatementVote) == 2
    assert len(kiosk_participants(consultation)) == 2
    second = db.session.scalar(select(Participant).where(Participant.client_uuid == other))
    assert {v.participant_id for v in db.session.scalars(select(StatementVote))} == (
        kiosk_participants(consultation))
    assert second.token == token  # the page's session now acts as the outbox's participant
    # Without a kiosk, the field is ignored: a personal phone never names anyone this way.
    assert client.get("/kiosk/reinitialiser")
    client.delete_cookie("voix_kiosk")
    client.post(f"/consultations/idees/{ideas[1].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": other})
    assert len(kiosk_participants(consultation)) == 3


def contributors_this_month(consultation) -> int:
    """The indicators' count of distinct contributors of the consultation's quartier, this month."""

    from insights.indicators.measure import measure
    from insights.indicators.scope import Period, Scope

    db.session.rollback()
    today = residents_today()
    return measure(Scope.of(consultation.territory, Period(today.replace(day=1), today)))["contributors"].value


def test_a_signed_in_resident_online_then_offline_on_a_kiosk_is_one_participant(
        client, auth, make_user, territories, consultation):
    """A signed-in resident supports online (the form names them as outbox.js does), then
    votes and comments offline: the outbox sends these later under the same name only, the
    sign-in maybe over by then. One participant, the account's; one more contributor."""
    from deliberation.models import ResidentAccount, Statement, StatementVote
    from tests.test_deliberation_residents import sign_up

    register_kiosk(client, auth, make_user, territories["sanitas"])
    assert contributors_this_month(consultation) == 1  # the ideas' carrier
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    statement = db.session.scalar(select(Statement).where(Statement.consultation_id == consultation.id))
    sign_up(client)
    key = str(uuid.uuid4())
    client.post(f"/consultations/idees/{ideas[0].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": key})
    assert rows(Support) == 1
    client.get("/kiosk/reinitialiser")  # the idle reset ends the sign-in before the network returns
    asked = client.post(f"/api/v1/consultations/{consultation.id}/participants", json={"uuid": key})
    assert asked.status_code == 200  # already there: the account that supported online
    vote = {"token": asked.json["token"], "uuid": str(uuid.uuid4()), "value": 1}
    assert client.post(f"/api/v1/statements/{statement.id}/votes", json=vote).status_code == 201
    comment = {"token": asked.json["token"], "uuid": str(uuid.uuid4()), "body": "Et des fontaines",
               "position": "for", "language": "fr"}
    assert client.post(f"/api/v1/ideas/{ideas[1].id}/comments", json=comment).status_code == 201
    assert len(kiosk_participants(consultation)) == 1
    account = db.session.scalar(select(ResidentAccount.id))
    assert set(db.session.scalars(select(Participant.resident_id).join(StatementVote))) == {account}
    assert contributors_this_month(consultation) == 2


def test_a_signed_in_resident_offline_then_online_joins_the_outbox_participant(
        client, auth, make_user, territories, consultation):
    """Offline first (sent when the network returns, under the outbox's name), then online
    signed in: the outbox's participant becomes the account's, as a sign-in links a visit."""
    from deliberation.models import ResidentAccount, Statement, StatementVote
    from tests.test_deliberation_residents import sign_up

    register_kiosk(client, auth, make_user, territories["sanitas"])
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    statement = db.session.scalar(select(Statement).where(Statement.consultation_id == consultation.id))
    sign_up(client)
    key = str(uuid.uuid4())
    token = client.post(f"/api/v1/consultations/{consultation.id}/participants", json={"uuid": key}).json["token"]
    vote = {"token": token, "uuid": str(uuid.uuid4()), "value": -1}
    assert client.post(f"/api/v1/statements/{statement.id}/votes", json=vote).status_code == 201
    client.post(f"/consultations/idees/{ideas[0].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": key})
    assert rows(Support) == 1 and len(kiosk_participants(consultation)) == 1
    account = db.session.scalar(select(ResidentAccount.id))
    assert db.session.scalar(select(Participant.resident_id).join(StatementVote)) == account
    # The outbox's old token no longer acts for the account; its name still does (entries still waiting).
    replay = {"token": token, "uuid": str(uuid.uuid4())}
    assert client.post(f"/api/v1/ideas/{ideas[1].id}/supports", json=replay).status_code != 201
    assert client.post(f"/api/v1/consultations/{consultation.id}/participants", json={"uuid": key}).status_code == 200
    assert contributors_this_month(consultation) == 2


def test_what_an_earlier_visits_tablet_still_holds_joins_the_account(
        client, auth, make_user, territories, consultation):
    """A signed-in resident acts on a kiosk (the outbox names them), leaves with a vote still
    waiting there, then comes back another day (a new outbox name). When the first tablet
    finally sends, the vote is the account's: one participant, counted once."""
    from deliberation.models import EarlierOutboxName, ResidentAccount, Statement, StatementVote
    from tests.test_deliberation_residents import sign_in, sign_up

    register_kiosk(client, auth, make_user, territories["sanitas"])
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    statement = db.session.scalar(select(Statement).where(Statement.consultation_id == consultation.id))
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    sign_up(client)
    client.post(f"/consultations/idees/{ideas[0].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": first})
    client.get("/kiosk/reinitialiser")
    sign_in(client)  # another visit, another outbox name
    client.post(f"/consultations/idees/{ideas[1].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": second})
    client.get("/kiosk/reinitialiser")
    assert db.session.scalar(select(EarlierOutboxName.client_uuid)) == first
    asked = client.post(f"/api/v1/consultations/{consultation.id}/participants", json={"uuid": first})
    assert asked.status_code == 200  # not a new participant
    vote = {"token": asked.json["token"], "uuid": str(uuid.uuid4()), "value": 1}
    assert client.post(f"/api/v1/statements/{statement.id}/votes", json=vote).status_code == 201
    account = db.session.scalar(select(ResidentAccount.id))
    assert db.session.scalar(select(Participant.resident_id).join(StatementVote)) == account
    assert len(kiosk_participants(consultation)) == 1
    assert contributors_this_month(consultation) == 2  # the ideas' carrier and this resident


def test_a_signed_in_resident_never_takes_another_accounts_outbox_name(
        client, auth, make_user, territories, consultation):
    from deliberation.models import ResidentAccount
    from tests.test_deliberation_residents import sign_up

    register_kiosk(client, auth, make_user, territories["sanitas"])
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    key = str(uuid.uuid4())
    sign_up(client, pseudonym="Oiseau du Sanitas")
    client.post(f"/consultations/idees/{ideas[0].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": key})
    client.post("/habitants/deconnexion")
    sign_up(client, pseudonym="Merle des Fontaines")
    client.post(f"/consultations/idees/{ideas[1].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": key})
    db.session.rollback()
    supporters = dict(db.session.execute(select(Support.idea_id, ResidentAccount.pseudonym).join(
        Participant, Participant.id == Support.participant_id).join(ResidentAccount)).all())
    assert supporters == {ideas[0].id: "Oiseau du Sanitas", ideas[1].id: "Merle des Fontaines"}
    assert db.session.scalar(select(func.count()).select_from(ResidentAccount)) == 2
    assert contributors_this_month(consultation) == 3


def test_a_visit_that_acted_before_signing_in_joins_the_accounts_earlier_participant(
        client, auth, make_user, territories, consultation):
    """The account took part on an earlier day. Today, at the kiosk, the resident supports and
    votes anonymously, then signs in: what the visit did joins the account's participant (the
    newer statement vote wins, a support given twice counts once), and what the outbox still
    holds, sent under the visit's name, goes to the account too. One person, one participant."""
    from deliberation.models import ResidentAccount, Statement, StatementVote
    from tests.test_deliberation_residents import sign_in, sign_up

    register_kiosk(client, auth, make_user, territories["sanitas"])
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    statement = db.session.scalar(select(Statement).where(Statement.consultation_id == consultation.id))
    sign_up(client)  # an earlier visit, signed in: a support and a vote against
    client.post(f"/consultations/idees/{ideas[0].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": str(uuid.uuid4())})
    client.post(f"/consultations/{consultation.id}/affirmations",
                data={"statement": statement.id, "value": -1, "uuid": str(uuid.uuid4()),
                      "outbox_resident": str(uuid.uuid4())})
    client.get("/kiosk/reinitialiser")
    assert len(kiosk_participants(consultation)) == 1

    key = str(uuid.uuid4())  # today's visit, anonymous first
    for idea in ideas:
        client.post(f"/consultations/idees/{idea.id}/soutien",
                    data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": key})
    client.post(f"/consultations/{consultation.id}/affirmations",
                data={"statement": statement.id, "value": 1, "uuid": str(uuid.uuid4()), "outbox_resident": key})
    assert len(kiosk_participants(consultation)) == 2 and contributors_this_month(consultation) == 3
    sign_in(client)
    db.session.rollback()
    account = db.session.scalar(select(ResidentAccount.id))
    mine = db.session.scalar(select(Participant).where(Participant.resident_id == account))
    acting = {pid for pid in kiosk_participants(consultation)
              if db.session.scalar(select(func.count()).select_from(Support).where(Support.participant_id == pid))}
    assert acting == {mine.id} and mine.client_uuid == key
    assert sorted(db.session.scalars(select(Support.idea_id).where(Support.participant_id == mine.id))) == [
        idea.id for idea in ideas]  # the first idea, supported on both days, once
    assert [(v.participant_id, v.value) for v in db.session.scalars(select(StatementVote))] == [(mine.id, 1)]
    assert contributors_this_month(consultation) == 2
    # Sent later from the outbox under the visit's name: the account's participant.
    asked = client.post(f"/api/v1/consultations/{consultation.id}/participants", json={"uuid": key})
    assert asked.status_code == 200 and asked.json["token"] == mine.token
    comment = {"token": asked.json["token"], "uuid": str(uuid.uuid4()), "body": "Oui", "position": "for"}
    assert client.post(f"/api/v1/ideas/{ideas[1].id}/comments", json=comment).status_code == 201
    assert contributors_this_month(consultation) == 2


def test_offline_first_then_signed_in_joins_the_accounts_earlier_participant_within_the_cap(
        client, auth, make_user, territories, consultation):
    """The account supports one idea on an earlier day; the cap is one support. Today the
    outbox sends, under the visit's name, a support of the other idea and a vote; then the
    resident acts online, signed in: the visit joins the account; its support past the cap
    is not kept."""
    from deliberation.models import ResidentAccount, Statement, StatementVote
    from tests.test_deliberation_residents import sign_in, sign_up

    register_kiosk(client, auth, make_user, territories["sanitas"])
    consultation.support_cap = 1
    db.session.commit()
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    statement = db.session.scalar(select(Statement).where(Statement.consultation_id == consultation.id))
    sign_up(client)
    client.post(f"/consultations/idees/{ideas[0].id}/soutien", data={"uuid": str(uuid.uuid4()), "back": "list"})
    client.get("/kiosk/reinitialiser")

    sign_in(client)  # today, signed in, but the network falls at once
    key = str(uuid.uuid4())
    token = client.post(f"/api/v1/consultations/{consultation.id}/participants", json={"uuid": key}).json["token"]
    assert client.post(f"/api/v1/ideas/{ideas[1].id}/supports",
                       json={"token": token, "uuid": str(uuid.uuid4())}).status_code == 201
    assert client.post(f"/api/v1/statements/{statement.id}/votes",
                       json={"token": token, "uuid": str(uuid.uuid4()), "value": 0}).status_code == 201
    assert contributors_this_month(consultation) == 3
    client.get(f"/consultations/{consultation.id}")  # a page: nothing happens
    assert contributors_this_month(consultation) == 3
    client.post(f"/consultations/idees/{ideas[0].id}/soutien",
                data={"uuid": str(uuid.uuid4()), "back": "list", "outbox_resident": key})
    db.session.rollback()
    mine = db.session.scalar(select(Participant).where(
        Participant.resident_id == db.session.scalar(select(ResidentAccount.id))))
    assert list(db.session.scalars(select(Support.idea_id))) == [ideas[0].id]  # one support: the cap
    assert db.session.scalar(select(StatementVote.participant_id)) == mine.id
    assert contributors_this_month(consultation) == 2


def test_folding_a_visit_moves_every_act_once(app, consultation):
    """operations.fold_into, table by table: everything the visit did becomes the account's;
    what both did once (a report of the same comment, the same text) is kept once."""
    from deliberation.models import CommentReport, Position, ResidentAccount, TextReport

    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    account = ResidentAccount(pseudonym="Oiseau", password_hash="x")
    db.session.add(account)
    mine = ops.new_participant(consultation, Origin.kiosk, resident=account)
    visit = ops.new_participant(consultation, Origin.kiosk, client_uuid=str(uuid.uuid4()), gender="woman")
    comment = Comment(uuid=str(uuid.uuid4()), idea_id=ideas[0].id, participant_id=mine.id, body="Oui",
                      position=Position.neutral)
    db.session.add(comment)
    db.session.flush()
    own_idea = ideas[1]
    own_idea.carrier_id = visit.id  # the visit carries an idea
    for who in (mine, visit):
        db.session.add_all([CommentReport(comment_id=comment.id, participant_id=who.id),
                            TextReport(kind="idea", item_id=ideas[1].id, consultation_id=consultation.id,
                                       participant_id=who.id)])
    db.session.add_all([
        Comment(uuid=str(uuid.uuid4()), idea_id=ideas[1].id, participant_id=visit.id, body="Non", position=Position.neutral),
        PairwiseVote(uuid=str(uuid.uuid4()), consultation_id=consultation.id, participant_id=visit.id,
                     winner_id=ideas[0].id, loser_id=ideas[1].id, origin=Origin.kiosk)])
    db.session.commit()
    key = visit.client_uuid

    ops.fold_into(visit, mine)
    db.session.commit()
    for model, column, _once in ops._ACTS:
        assert rows(model, getattr(model, column) == visit.id) == 0, model.__name__
    assert rows(Comment, Comment.participant_id == mine.id) == 2 and rows(PairwiseVote) == 1
    assert db.session.get(Idea, own_idea.id).carrier_id == mine.id
    assert rows(CommentReport) == 1 and rows(TextReport) == 1
    mine = db.session.get(Participant, mine.id)
    assert (mine.client_uuid, mine.gender) == (key, "woman")
    assert db.session.get(Participant, visit.id).client_uuid is None


# --- In a browser ------------------------------------------------------------------------

browser = pytest.importorskip("tests.test_browser", reason="Playwright is not installed")
kiosk_site, playwright = browser.kiosk_site, browser.playwright


@pytest.fixture
def tablet(kiosk_site, consultation):  # noqa: F811 (the consultation exists before the pages are cached)
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
        context.add_cookies([{"name": "voix_kiosk", "value": kiosk_site["token"], "url": kiosk_site["url"]}])
        yield context.new_page()
        chromium.close()


def wait_for_empty_outbox(page, seconds):
    deadline = time.monotonic() + seconds
    while page.evaluate("voixOutbox.all()"):
        if time.monotonic() > deadline:
            pytest.fail(f"the outbox still holds {page.evaluate('voixOutbox.all()')}")
        time.sleep(0.2)


def focused(page) -> str:
    return page.evaluate("document.activeElement.outerHTML")


@pytest.mark.browser
@pytest.mark.skipif(not browser.os.path.exists(browser.CHROMIUM), reason="Debian's chromium is not installed")
def support_online(page, url, consultation, idea):
    """Support `idea` from the consultation's page and wait for the server's page."""
    page.goto(f"{url}/consultations/{consultation.id}")
    with page.expect_navigation():
        page.locator(f'form[data-idea="{idea.id}"] button[type=submit]').tap()


def vote_for_a_statement_offline(page, url, consultation):
    """Agree with the first statement while the tablet is offline: the vote waits in the outbox."""
    page.goto(f"{url}/consultations/{consultation.id}/affirmations")
    page.tap("button[name=value][value='1']")
    browser.expect(page.locator(".outbox-kept")).to_be_visible()


def test_a_support_a_comment_and_a_pairwise_vote_given_offline_are_stored_once(kiosk_site, tablet, consultation):
    page, url = tablet, kiosk_site["url"]
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    page.context.set_offline(True)

    # A support, from the consultation's page (kept on the tablet), in Arabic.
    page.goto(f"{url}/consultations/{consultation.id}?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    button = page.locator(f'form[data-idea="{ideas[0].id}"] button[type=submit]')
    button.tap()
    kept = page.locator(".outbox-kept")
    browser.expect(kept).to_contain_text("الجهاز اللوحي")  # said in the page's language
    assert f'aria-describedby="{kept.get_attribute("id")}"' in focused(page)  # focus back on the supported idea
    assert button.get_attribute("aria-pressed") == "true"
    page.screenshot(path="/tmp/offline/kiosk-support-kept.png")

    # A comment, from an idea's page.
    page.goto(f"{url}/consultations/idees/{ideas[1].id}?lang=fr")
    page.fill("#comment-new", "Avec des arbres aussi")
    page.tap(".comment-form:not(details .comment-form) button[type=submit]")
    browser.expect(page.locator(".outbox-kept")).to_contain_text("Votre commentaire est gardé")
    assert page.input_value("#comment-new") == ""
    assert "outbox-kept" in focused(page)

    # A "which do you prefer?" vote.
    page.goto(f"{url}/consultations/{consultation.id}/duel?lang=fr")
    page.locator(".duel-choice").first.tap()
    browser.expect(page.locator(".outbox-kept")).to_contain_text("Votre vote est gardé")
    assert "outbox-kept" in focused(page)
    page.screenshot(path="/tmp/offline/kiosk-pairwise-kept.png")

    waiting = page.evaluate("voixOutbox.all()")
    assert sorted(e["kind"] for e in waiting) == ["comment", "pairwise", "support"]
    assert {e["state"] for e in waiting} == {"waiting"} and len({e["resident"] for e in waiting}) == 1
    assert count_rows(Support) == 0 and count_rows(PairwiseVote) == 0

    page.context.set_offline(False)
    wait_for_empty_outbox(page, seconds=30)
    db.session.rollback()
    assert count_rows(Support) == 1 and count_rows(PairwiseVote) == 1
    comment = db.session.scalar(select(Comment).where(Comment.body == "Avec des arbres aussi"))
    assert comment is not None and comment.idea_id == ideas[1].id and comment.language == "fr"
    support = db.session.scalar(select(Support))
    vote = db.session.scalar(select(PairwiseVote))
    # One resident, one participant, counted as a kiosk's.
    assert support.participant_id == vote.participant_id == comment.participant_id
    assert support.idea_id == ideas[0].id and {support.origin, vote.origin} == {Origin.kiosk}

    page.evaluate("voixOutbox.flush()")  # nothing is sent twice
    db.session.rollback()
    assert count_rows(Support) == 1 and count_rows(PairwiseVote) == 1
    assert rows(Comment, Comment.body == "Avec des arbres aussi") == 1


@pytest.mark.browser
@pytest.mark.skipif(not browser.os.path.exists(browser.CHROMIUM), reason="Debian's chromium is not installed")
def test_a_support_given_online_goes_as_before(kiosk_site, tablet, consultation):
    page, url = tablet, kiosk_site["url"]
    idea = db.session.scalar(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id))
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    support_online(page, url, consultation, idea)
    assert page.locator(".outbox-kept").count() == 0
    db.session.rollback()
    assert count_rows(Support) == 1
    assert page.locator(f'form[data-idea="{idea.id}"] button[aria-pressed=true]').count() == 1
    wait_for_empty_outbox(page, seconds=5)  # the copy put aside is dropped once the server answered


def test_staff_see_which_consultation_a_refused_vote_belongs_to(client, auth, make_user, territories):
    register_kiosk(client, auth, make_user, territories["sanitas"])
    refusals = [{"uuid": str(uuid.uuid4()), "kind": "support", "consultation": 4, "answered_at": "2026-12-01T10:00:00Z",
                 "status": 422, "reason": "Votes are closed in this consultation."},
                {"uuid": str(uuid.uuid4()), "wave": 7, "answered_at": "2026-12-01T11:00:00Z", "status": 422,
                 "reason": "check the clock"},
                {"uuid": str(uuid.uuid4()), "kind": "proposal", "consultation": 4, "answered_at": "2026-12-01T12:00:00Z",
                 "status": 422, "reason": "Statements are closed in this consultation."}]
    assert client.post("/kiosk/etat", json={"waiting": 0, "refused": 3, "refusals": refusals}).status_code == 200
    auth.login(make_user("facilitator", ("sanitas",), email="other@voix.example"))
    screen = client.get("/kiosk/appareils?lang=en").text
    # the server's reason is isolated (<bdi>): it may be in the resident's language
    assert "Consultation 4, a support given 2026-12-01T10:00:00Z: <bdi>Votes are closed" in screen
    assert "Wave 7, answered 2026-12-01T11:00:00Z: <bdi>check the clock</bdi>" in screen
    assert "Consultation 4, a statement proposed 2026-12-01T12:00:00Z: <bdi>Statements are closed" in screen


@pytest.mark.browser
@pytest.mark.skipif(not browser.os.path.exists(browser.CHROMIUM), reason="Debian's chromium is not installed")
def test_a_statement_vote_and_a_question_given_offline_are_stored_once(kiosk_site, tablet, consultation):
    from deliberation.models import InstitutionQuestion, StatementVote

    page, url = tablet, kiosk_site["url"]
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    page.context.set_offline(True)

    page.goto(f"{url}/consultations/{consultation.id}/affirmations?lang=en")
    page.tap("button[name=value][value='-1']")
    browser.expect(page.locator(".outbox-kept")).to_contain_text("Your vote is kept on this tablet")
    assert page.locator(".statement-vote button:enabled").count() == 0  # no second vote on a kept one

    page.goto(f"{url}/consultations/{consultation.id}/questions?lang=en")
    page.tap("label.choice >> nth=0")
    page.fill("#text", "When will the square be cleaned?")
    page.tap("form[data-outbox=question] button[type=submit]")
    browser.expect(page.locator(".outbox-kept")).to_contain_text("Your question is kept on this tablet")
    assert page.locator("form[data-outbox=question]").is_hidden()

    assert sorted(e["kind"] for e in page.evaluate("voixOutbox.all()")) == ["question", "statement"]
    page.context.set_offline(False)
    wait_for_empty_outbox(page, seconds=30)
    assert rows(StatementVote) == 1 and rows(InstitutionQuestion) == 1
    vote = db.session.scalar(select(StatementVote))
    question = db.session.scalar(select(InstitutionQuestion))
    assert vote.value == -1 and vote.origin is Origin.kiosk
    assert question.text == "When will the square be cleaned?" and question.language == "en"
    assert vote.participant_id == question.asker_id


def propose_offline(page, url, consultation, text, language):
    page.goto(f"{url}/consultations/{consultation.id}/affirmations?lang={language}")
    page.fill("#statement-new", text)
    page.tap("form[data-outbox=proposal] button[type=submit]")


@pytest.mark.browser
@pytest.mark.skipif(not browser.os.path.exists(browser.CHROMIUM), reason="Debian's chromium is not installed")
def test_a_statement_proposed_offline_is_kept_hidden_from_the_next_resident_and_stored_once(kiosk_site, tablet,
                                                                                            consultation):
    from deliberation.models import Statement

    page, url = tablet, kiosk_site["url"]
    text = "الحديقة تحتاج إلى إنارة في الليل"
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    page.context.set_offline(True)

    propose_offline(page, url, consultation, text, "ar")
    kept = page.locator(".outbox-kept")
    browser.expect(kept).to_contain_text("عبارتك محفوظة على هذا الجهاز اللوحي")  # in the page's language
    assert page.input_value("#statement-new") == "" and "outbox-kept" in focused(page)
    page.screenshot(path="/tmp/offline/kiosk-statement-kept.png")
    waiting = page.evaluate("voixOutbox.all()")
    assert [(e["kind"], e["text"], e["language"], e["state"]) for e in waiting] == [("proposal", text, "ar", "waiting")]

    # The next resident, still offline: nothing of it on the start screen or the statements page.
    page.goto(url + "/kiosk/reinitialiser")
    assert text not in page.content()
    page.goto(f"{url}/consultations/{consultation.id}/affirmations?lang=fr")
    assert text not in page.content() and page.input_value("#statement-new") == ""
    assert page.locator(".outbox-kept").count() == 0
    assert rows(Statement, Statement.text == text) == 0

    page.context.set_offline(False)
    wait_for_empty_outbox(page, seconds=30)
    db.session.rollback()
    stored = db.session.scalar(select(Statement).where(Statement.text == text))
    assert stored is not None and stored.uuid == waiting[0]["uuid"] and stored.language == "ar"
    assert db.session.get(Participant, stored.author_id).client_uuid == waiting[0]["resident"]
    page.evaluate("voixOutbox.flush()")  # never twice
    assert rows(Statement, Statement.text == text) == 1


@pytest.mark.browser
@pytest.mark.skipif(not browser.os.path.exists(browser.CHROMIUM), reason="Debian's chromium is not installed")
def test_a_statement_refused_when_it_arrives_stays_on_the_tablet_and_is_reported(kiosk_site, tablet, consultation):
    """Statements closed while the tablet was offline: the proposal is refused, never lost:
    kept on the tablet, marked refused with the reason, and reported for the Kiosks screen."""
    from deliberation.models import Statement
    from voix.kiosk.models import Kiosk

    page, url = tablet, kiosk_site["url"]
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    page.context.set_offline(True)
    propose_offline(page, url, consultation, "Le square ferme trop tôt", "fr")
    browser.expect(page.locator(".outbox-kept")).to_contain_text("Votre affirmation est gardée")
    consultation.proposals_open = consultation.votes_open = False  # closed meanwhile
    db.session.commit()

    page.context.set_offline(False)
    assert page.evaluate("voixOutbox.flush()") is True
    kept = page.evaluate("voixOutbox.all()")
    assert len(kept) == 1 and kept[0]["state"] == "refused" and kept[0]["kind"] == "proposal"
    assert rows(Statement, Statement.text == "Le square ferme trop tôt") == 0
    db.session.rollback()
    kiosk = db.session.scalar(select(Kiosk))
    assert kiosk.outbox_refused == 1
    refusal = kiosk.outbox_refusals[0]
    assert refusal["kind"] == "proposal" and refusal["consultation"] == str(consultation.id)
    assert "closed" in refusal["reason"] or "fermé" in refusal["reason"]


@pytest.mark.browser
@pytest.mark.skipif(not browser.os.path.exists(browser.CHROMIUM), reason="Debian's chromium is not installed")
def test_a_resident_who_acts_online_then_offline_is_one_participant(kiosk_site, tablet, consultation):
    """One visit at the tablet: a support online, the network falls, a statement vote and a
    comment offline, the network returns: one participant. After the idle reset, the next
    resident is another one."""
    from deliberation.models import StatementVote

    page, url = tablet, kiosk_site["url"]
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    support_online(page, url, consultation, ideas[0])
    assert rows(Support) == 1

    page.context.set_offline(True)
    vote_for_a_statement_offline(page, url, consultation)
    page.goto(f"{url}/consultations/idees/{ideas[1].id}")
    page.fill("#comment-new", "Oui, et des fontaines")
    page.tap(".comment-form:not(details .comment-form) button[type=submit]")
    browser.expect(page.locator(".outbox-kept")).to_be_visible()
    page.context.set_offline(False)
    wait_for_empty_outbox(page, seconds=30)
    assert rows(StatementVote) == 1 and rows(Comment, Comment.body == "Oui, et des fontaines") == 1
    assert len(kiosk_participants(consultation)) == 1  # online and offline: one resident, one participant

    page.goto(url + "/kiosk/reinitialiser")  # the idle reset, as the warning does it
    support_online(page, url, consultation, ideas[1])
    assert rows(Support) == 2
    assert len(kiosk_participants(consultation)) == 2  # the next person is someone else


@pytest.mark.browser
@pytest.mark.skipif(not browser.os.path.exists(browser.CHROMIUM), reason="Debian's chromium is not installed")
def test_a_signed_in_resident_who_acts_online_then_offline_is_one_participant(kiosk_site, tablet, consultation):
    """The same visit with an account: signed in on the kiosk, a support online, a statement
    vote offline, the network returns: one participant, the account's."""
    from deliberation.models import ResidentAccount, StatementVote

    page, url = tablet, kiosk_site["url"]
    idea = db.session.scalar(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id))
    page.goto(url + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=15000)
    page.goto(url + "/habitants/compte")
    page.fill("#pseudonym", "Oiseau du Sanitas")
    page.fill("#password", "le square 2027")
    page.fill("#confirm", "le square 2027")
    with page.expect_navigation():
        page.tap("form.narrow button[type=submit]")
    support_online(page, url, consultation, idea)
    assert rows(Support) == 1

    page.context.set_offline(True)
    vote_for_a_statement_offline(page, url, consultation)
    page.context.set_offline(False)
    wait_for_empty_outbox(page, seconds=30)
    assert rows(StatementVote) == 1
    assert len(kiosk_participants(consultation)) == 1  # signed in, online and offline: one participant
    account = db.session.scalar(select(ResidentAccount.id))
    assert set(db.session.scalars(select(Participant.resident_id).join(StatementVote))) == {account}
