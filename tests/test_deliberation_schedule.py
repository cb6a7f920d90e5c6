"""Scheduled opening and closing: read from the clock, set by facilitators, shown to residents."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from babel.dates import format_date
from sqlalchemy import select

from deliberation import operations as ops
from deliberation.models import Consultation, Idea, Origin, Support
from tests.conftest import count_rows
from voix.extensions import db
from voix.models import utcnow


@pytest.fixture
def voting(territories):
    """A Sanitas consultation in its voting phase with two ideas, results hidden until it closes."""
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"], results_hidden=True)
    carrier = ops.new_participant(c, Origin.personal)
    for title in ("Des bancs", "Un terrain de foot"):
        ops.propose_idea(c, carrier, title=title, body=f"{title} pour tous")
    ops.advance_phase(c)
    db.session.commit()
    return c


def reload(consultation) -> Consultation:
    """Read back from the database: SQLite returns naive datetimes, which must still work."""
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Consultation, consultation.id)


def test_nothing_is_accepted_before_the_opening(territories):
    c = ops.create_consultation({"fr": "Bientôt"}, territories["sanitas"])
    ops.set_schedule(c, utcnow() + timedelta(days=2), None)
    c = reload(c)
    assert not c.has_opened and not c.accepts_proposals
    with pytest.raises(ops.DeliberationError, match="pas encore ouverte"):
        ops.propose_idea(c, ops.new_participant(c, Origin.kiosk), title="Des bancs", body="Des bancs")
    ops.set_schedule(c, utcnow() - timedelta(minutes=1), None)
    c = reload(c)
    assert c.accepts_proposals
    ops.propose_idea(c, ops.new_participant(c, Origin.kiosk), title="Des bancs", body="Des bancs")


def test_after_the_closing_date_it_behaves_as_closed(voting):
    resident = ops.new_participant(voting, Origin.kiosk)
    bancs = db.session.scalars(select(Idea).order_by(Idea.id)).first()
    assert ops.support_idea(bancs, resident, uuid=str(uuid.uuid4()), origin=Origin.kiosk)
    assert not voting.shows_results
    ops.set_schedule(voting, None, utcnow() - timedelta(seconds=1))
    c = reload(voting)
    assert c.is_closed and not c.accepts_votes and c.shows_results  # results appear once it closes
    with pytest.raises(ops.DeliberationError, match="Cette consultation est terminée"):
        ops.support_idea(bancs, resident, uuid=str(uuid.uuid4()), origin=Origin.kiosk)
    with pytest.raises(ops.DeliberationError, match="Cette consultation est terminée"):
        ops.withdraw_support(bancs, resident)
    assert count_rows(Support) == 1


def test_the_closing_date_must_follow_the_opening(voting):
    now = utcnow()
    with pytest.raises(ops.DeliberationError, match="après la date d.ouverture"):
        ops.set_schedule(voting, now, now - timedelta(hours=1))
    assert voting.opens_on is None and voting.closes_on is None


def test_residents_see_the_dates_and_cannot_act_before_the_opening(client, territories):
    year = utcnow().year + 1  # in the future, within the time zone tables of pytz (up to 2037)
    c = ops.create_consultation({"fr": "La fête"}, territories["sanitas"])
    ops.set_schedule(c, datetime(year, 3, 1, 8, 0, tzinfo=timezone.utc), datetime(year, 3, 20, 17, 0, tzinfo=timezone.utc))
    db.session.commit()
    page = client.get(f"/consultations/{c.id}?lang=fr").text
    # Shown in Paris time: 09:00 and 18:00 in winter.
    opens, closes = (format_date(date(year, 3, day), "full", locale="fr") for day in (1, 20))
    assert f"Ouvre le {opens} à 09:00." in page and f"Ferme le {closes} à 18:00." in page
    assert "Pas encore ouverte" in page and "/proposer" not in page
    refused = client.post(f"/consultations/{c.id}/proposer?lang=en", data={"title": "Des bancs", "body": "Des bancs"})
    assert refused.status_code == 302
    assert "This consultation is not open yet." in client.get(refused.headers["Location"]).text
    assert count_rows(Idea) == 0


def test_residents_cannot_vote_after_the_closing_and_see_the_results(client, voting):
    ops.set_schedule(voting, None, utcnow() - timedelta(hours=1))
    db.session.commit()
    page = client.get(f"/consultations/{voting.id}?lang=en").text
    assert "Closed since" in page and '<span class="badge">Closed</span>' in page
    assert "0 supports" in page  # hidden results are shown once closed
    assert "/soutien" not in page and "/duel" not in page
    bancs = db.session.scalars(select(Idea).order_by(Idea.id)).first()
    client.post(f"/consultations/idees/{bancs.id}/soutien", data={"uuid": str(uuid.uuid4())})
    assert count_rows(Support) == 0
    assert "This consultation is closed." in client.get(f"/consultations/idees/{bancs.id}?lang=en").text


def test_kiosks_offer_only_consultations_that_are_running(client, auth, make_user, territories, voting):
    later = ops.create_consultation({"fr": "Plus tard"}, territories["sanitas"])
    ops.set_schedule(later, utcnow() + timedelta(days=1), None)
    over = ops.create_consultation({"fr": "Finie"}, territories["sanitas"])
    ops.set_schedule(over, None, utcnow() - timedelta(days=1))
    db.session.commit()
    auth.login(make_user("facilitator", ("sanitas",)))
    client.post("/kiosk/enregistrer", data={"place": "EPN", "territory": territories["sanitas"].id})
    auth.logout()
    welcome = client.get("/kiosk/").text
    assert f"/consultations/{voting.id}" in welcome
    assert f"/consultations/{later.id}\"" not in welcome and f"/consultations/{over.id}\"" not in welcome


def test_facilitators_set_the_dates_in_paris_time(client, auth, make_user, territories):
    year = utcnow().year + 1
    auth.login(make_user("facilitator", ("sanitas",)))
    client.post("/animation/consultations/", data={"title_fr": "Le parc", "territory": territories["sanitas"].id,
                                                   "opens_on": f"{year}-03-01T09:00", "closes_on": f"{year}-07-01T18:30"})
    c = db.session.scalar(select(Consultation))
    assert reload(c).opens_on.replace(tzinfo=timezone.utc) == datetime(year, 3, 1, 8, 0, tzinfo=timezone.utc)
    assert c.closes_on.replace(tzinfo=timezone.utc) == datetime(year, 7, 1, 16, 30, tzinfo=timezone.utc)  # summer time
    page = client.get(f"/animation/consultations/{c.id}").text
    assert f'value="{year}-03-01T09:00"' in page and f'value="{year}-07-01T18:30"' in page

    client.post(f"/animation/consultations/{c.id}/calendrier", data={"opens_on": "", "closes_on": f"{year}-08-01T12:00"})
    c = reload(c)
    assert c.opens_on is None and c.closes_on.replace(tzinfo=timezone.utc) == datetime(year, 8, 1, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("dates, message", [
    ({"opens_on": "demain", "closes_on": ""}, "Enter dates as shown, for example 2027-03-01 09:00."),
    ({"opens_on": "2030-03-02T09:00", "closes_on": "2030-03-01T09:00"}, "The closing date must come after the opening date."),
])
def test_bad_dates_are_explained_and_change_nothing(client, auth, make_user, voting, dates, message):
    auth.login(make_user("facilitator", ("sanitas",)))
    response = client.post(f"/animation/consultations/{voting.id}/calendrier?lang=en", data=dates)
    assert message in client.get(response.headers["Location"].split("#")[0] + "?lang=en").text
    c = reload(voting)
    assert c.opens_on is None and c.closes_on is None
    created = client.post("/animation/consultations/", data={"title_fr": "Autre", "territory": voting.territory_id, **dates})
    assert created.status_code == 302 and count_rows(Consultation) == 1


def test_only_facilitators_of_the_territory_set_the_dates(client, auth, make_user, voting):
    auth.login(make_user("facilitator", ("rabiere",)))
    response = client.post(f"/animation/consultations/{voting.id}/calendrier", data={"closes_on": "2030-01-01T00:00"})
    assert response.status_code == 403 and reload(voting).closes_on is None


def test_the_debate_closes_with_the_consultation(client, voting):
    """Comments are taken from the opening to the closing; a comment sent before the
    closing and re-sent after it (an offline kiosk) is acknowledged, not refused."""
    from deliberation.models import Comment, Position

    resident = ops.new_participant(voting, Origin.kiosk)
    bancs = db.session.scalars(select(Idea).order_by(Idea.id)).first()
    sent = str(uuid.uuid4())
    ops.add_comment(bancs, resident, "Oui, près de l'école", Position.for_, uuid=sent)
    assert 'class="comment-form"' in client.get(f"/consultations/idees/{bancs.id}?lang=fr").text
    ops.set_schedule(voting, None, utcnow() - timedelta(seconds=1))
    c = reload(voting)
    bancs = db.session.get(Idea, bancs.id)
    assert not c.is_running
    with pytest.raises(ops.DeliberationError, match="Cette consultation est terminée"):
        ops.add_comment(bancs, resident, "Trop tard", Position.against, uuid=str(uuid.uuid4()))
    assert ops.add_comment(bancs, resident, "Oui, près de l'école", Position.for_, uuid=sent)[1] is False
    page = client.get(f"/consultations/idees/{bancs.id}?lang=fr").text
    assert 'class="comment-form"' not in page and "Oui, près de l&#39;école" in page
    refused = client.post(f"/api/v1/ideas/{bancs.id}/comments?lang=fr",
                          json={"token": resident.token, "body": "Trop tard", "uuid": str(uuid.uuid4())})
    assert refused.status_code == 422 and refused.get_json()["message"] == "Cette consultation est terminée."
    assert count_rows(Comment) == 1
