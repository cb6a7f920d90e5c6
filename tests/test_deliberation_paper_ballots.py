"""Paper ballots: N supports per idea typed in by a facilitator of the territory, each from
a new participant of origin "paper"; a form sent twice is counted once."""
import re
import threading
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from deliberation import operations as ops
from deliberation import paper_ballots
from deliberation.models import Idea, Origin, PaperBallot, Participant, Support, Visibility
from tests.conftest import Auth, count_rows, make_app
from voix.extensions import db


@pytest.fixture
def voting(territories):
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    carrier = ops.new_participant(c, Origin.personal)
    for title in ("Des bancs", "Un terrain de foot", "Une fresque"):
        ops.propose_idea(c, carrier, title=title, body=f"{title} pour tous")
    ops.advance_phase(c)
    db.session.commit()
    return c


def ideas_of(consultation):
    return db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()


def paper_supports() -> Counter:
    db.session.rollback()
    return Counter(dict(db.session.execute(select(Support.idea_id, func.count()).where(Support.origin == Origin.paper)
                                           .group_by(Support.idea_id)).all()))


def form_of(page: str) -> dict:
    return {"uuid": re.search(r'name="uuid" value="([^"]+)"', page).group(1)}


def test_a_paper_session_is_typed_in_once_even_if_sent_twice(client, auth, make_user, voting):
    bancs, foot, fresque = ideas_of(voting)
    auth.login(make_user("facilitator", ("sanitas",)))
    page = client.get(f"/animation/consultations/{voting.id}/bulletins-papier?lang=en").text
    data = {**form_of(page), "label": "Fête du Sanitas, 12 juin", f"idea-{bancs.id}": "7", f"idea-{foot.id}": "3",
            f"idea-{fresque.id}": ""}
    first = client.post(f"/animation/consultations/{voting.id}/bulletins-papier?lang=en", data=data)
    assert first.status_code == 303
    assert "10 paper supports are recorded." in client.get(first.headers["Location"]).text
    again = client.post(f"/animation/consultations/{voting.id}/bulletins-papier?lang=en", data=data)  # double submit
    assert "already recorded" in client.get(again.headers["Location"]).text
    assert paper_supports() == {bancs.id: 7, foot.id: 3}
    assert ops.support_counts(voting) == {bancs.id: 7, foot.id: 3}
    # each support is a new participant of origin paper, traceable to its ballot
    ballot = db.session.scalar(select(PaperBallot))
    assert (ballot.supports, ballot.label) == (10, "Fête du Sanitas, 12 juin")
    paper_people = db.session.scalars(select(Participant).where(Participant.origin == Origin.paper)).all()
    assert len(paper_people) == 10 and all(p.external_id.startswith(f"paper:{ballot.id}:") for p in paper_people)
    assert "Fête du Sanitas, 12 juin" in client.get(f"/animation/consultations/{voting.id}/bulletins-papier").text


def test_two_sessions_add_up(voting, make_user):
    bancs, foot, _fresque = ideas_of(voting)
    facilitator = make_user("facilitator", ("sanitas",))
    assert paper_ballots.record_paper_ballot(voting, {bancs.id: 2}, uuid=str(uuid.uuid4()), recorded_by=facilitator) == 2
    assert paper_ballots.record_paper_ballot(voting, {bancs.id: 1, foot.id: 4}, uuid=str(uuid.uuid4())) == 5
    assert paper_supports() == {bancs.id: 3, foot.id: 4}


@pytest.mark.parametrize("typed, message", [
    ({"first": "-2"}, "Enter a whole number between 0 and 2000 for each idea."),
    ({"first": "trois"}, "Enter a whole number between 0 and 2000 for each idea."),
    ({"first": "2.5"}, "Enter a whole number between 0 and 2000 for each idea."),
    ({"first": "2001"}, "Enter a whole number between 0 and 2000 for each idea."),
    ({"first": "0"}, "The ballot has no support: type at least one number."),
    ({"first": "2", "hidden": "3"}, "This ballot names an idea that is not open to support."),
    ({"first": "2", "idea-x": "3"}, "This ballot names an idea that is not open to support."),
])
def test_bad_numbers_are_explained_and_record_nothing(client, auth, make_user, voting, typed, message):
    bancs, _foot, fresque = ideas_of(voting)
    fresque.visibility = Visibility.hidden
    db.session.commit()
    auth.login(make_user("facilitator", ("sanitas",)))
    names = {"first": f"idea-{bancs.id}", "hidden": f"idea-{fresque.id}", "idea-x": "idea-x"}
    data = {"uuid": str(uuid.uuid4()), **{names[k]: v for k, v in typed.items()}}
    response = client.post(f"/animation/consultations/{voting.id}/bulletins-papier?lang=en", data=data)
    assert response.status_code == 200 and message in response.text
    assert f'value="{data["uuid"]}"' in response.text  # the corrected form will still count once
    assert count_rows(PaperBallot) == 0 and count_rows(Support) == 0
    assert count_rows(Participant) == 1  # the carrier only


def test_only_facilitators_of_the_territory_and_only_while_votes_are_open(client, auth, make_user, voting):
    bancs = ideas_of(voting)[0]
    url = f"/animation/consultations/{voting.id}/bulletins-papier"
    data = {"uuid": str(uuid.uuid4()), f"idea-{bancs.id}": "5"}
    auth.login(make_user("facilitator", ("rabiere",)))
    assert client.get(url).status_code == 403 and client.post(url, data=data).status_code == 403
    auth.logout()
    auth.login(make_user("moderator", ("sanitas",)))
    assert client.post(url, data=data).status_code == 403
    auth.logout()
    ops.advance_phase(voting)  # institutions answering: votes are closed
    db.session.commit()
    auth.login(make_user("facilitator", ("sanitas",)))
    assert "Paper supports can be typed in while votes are open." in client.get(url + "?lang=en").text
    assert "Votes are closed in this consultation." in client.post(url + "?lang=en", data=data).text
    assert count_rows(Support) == 0


def test_the_same_form_sent_at_once_from_several_tabs_counts_once(database_url, app, make_user, voting):
    bancs, foot, _fresque = ideas_of(voting)
    facilitator = make_user("facilitator", ("sanitas",))
    db.session.commit()  # the threads' requests must not wait for this test's transaction
    data = {"uuid": str(uuid.uuid4()), f"idea-{bancs.id}": "6", f"idea-{foot.id}": "4"}
    url = f"/animation/consultations/{voting.id}/bulletins-papier"
    server = make_app(database_url)
    tabs = [server.test_client() for _ in range(3)]
    for tab in tabs:
        Auth(tab).login(facilitator)
    start, statuses = threading.Barrier(len(tabs)), []

    def send(tab):
        start.wait()
        statuses.append(tab.post(url, data=data).status_code)

    threads = [threading.Thread(target=send, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with server.app_context():
        db.engine.dispose()
    assert statuses == [303, 303, 303]
    assert count_rows(PaperBallot) == 1 and paper_supports() == {bancs.id: 6, foot.id: 4}
