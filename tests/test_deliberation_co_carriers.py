"""Co-carriers: residents carry an idea with its carrier, once each; facilitators may remove one."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from deliberation import operations as ops
from deliberation.models import Idea, IdeaCoCarrier, Origin, Visibility
from tests.conftest import count_rows, serving
from voix.extensions import db
from voix.models import utcnow


@pytest.fixture
def idea(territories):
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    idea = ops.propose_idea(c, ops.new_participant(c, Origin.kiosk), title="Des bancs", body="Des bancs à l'ombre")
    db.session.commit()
    return idea


def co_carry(client, idea, **data):
    return client.post(f"/consultations/idees/{idea.id}/co-porter?lang=en", data=data)


def test_a_resident_carries_an_idea_once_and_can_step_back(client, idea):
    page = client.get(f"/consultations/idees/{idea.id}?lang=en").text
    assert "Carried by a resident" in page and "Co-carriers: 0" in page and "Carry this idea with them" in page
    co_carry(client, idea)
    co_carry(client, idea)  # a double tap
    assert count_rows(IdeaCoCarrier) == 1
    page = client.get(f"/consultations/idees/{idea.id}?lang=en").text
    assert "Co-carriers: 1" in page and "You carry this idea with them." in page
    with serving(client.application.config["SQLALCHEMY_DATABASE_URI"]) as neighbour:
        co_carry(neighbour, idea)
        assert "Co-carriers: 2" in neighbour.get(f"/consultations/idees/{idea.id}?lang=en").text
    co_carry(client, idea, withdraw="1")
    assert count_rows(IdeaCoCarrier) == 1


def test_the_carrier_is_not_a_co_carrier(idea):
    with pytest.raises(ops.DeliberationError):
        ops.co_carry(idea, idea.carrier)
    assert count_rows(IdeaCoCarrier) == 0


def test_the_carrier_sees_that_they_carry_it(client, territories):
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    db.session.commit()
    client.post(f"/consultations/{c.id}/proposer", data={"title": "Des bancs", "body": "Des bancs", "confirmed": "1"})
    mine = db.session.scalar(select(Idea))
    page = client.get(f"/consultations/idees/{mine.id}?lang=en").text
    assert "You carry this idea." in page and "Carry this idea with them" not in page
    assert "You already carry this idea." in client.get(co_carry(client, mine).headers["Location"]).text
    assert count_rows(IdeaCoCarrier) == 0


def test_no_co_carrying_once_closed_or_hidden_or_from_another_consultation(idea, territories):
    other = ops.create_consultation({"fr": "Autre"}, territories["sanitas"])
    with pytest.raises(ops.DeliberationError):
        ops.co_carry(idea, ops.new_participant(other, Origin.kiosk))
    resident = ops.new_participant(idea.consultation, Origin.kiosk)
    idea.visibility = Visibility.hidden
    with pytest.raises(ops.DeliberationError):
        ops.co_carry(idea, resident)
    idea.visibility = Visibility.visible
    ops.set_schedule(idea.consultation, None, utcnow() - timedelta(minutes=1))
    with pytest.raises(ops.DeliberationError):
        ops.co_carry(idea, resident)
    assert count_rows(IdeaCoCarrier) == 0


def test_facilitators_of_the_territory_remove_a_co_carrier(client, auth, make_user, idea):
    co_carry(client, idea)
    co = db.session.scalar(select(IdeaCoCarrier))
    url = f"/animation/consultations/idees/{idea.id}/co-porteurs/{co.participant_id}/retirer"
    auth.login(make_user("facilitator", ("rabiere",)))
    assert client.post(url).status_code == 403
    auth.logout()
    auth.login(make_user("facilitator", ("sanitas",)))
    page = client.get(f"/animation/consultations/{idea.consultation_id}?lang=en").text
    assert f"Anonymous participant no. {co.participant_id}" in page and re.search(r'co-porteurs/\d+/retirer', page)
    assert client.post(url).status_code == 302
    assert count_rows(IdeaCoCarrier) == 0
