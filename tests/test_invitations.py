"""Personal invitations: a code and a QR code to pass on, remembered when a neighbour follows it."""
from sqlalchemy import select

from deliberation import operations as ops
from deliberation.models import Idea, Origin, Participant
from surveys.models import Response
from test_kiosk import form_fields, register_kiosk
from voix.extensions import db
from voix.invitations import normalize_code



def submit_survey(client, wave, **fields):
    page = client.get(f"/enquete/{wave.id}")
    return client.post(f"/enquete/{wave.id}", data={"q-mood": "4", **form_fields(page.text), **fields})


def test_codes_are_read_as_people_type_them():
    assert normalize_code(" 7kq2-m9xa ") == "7KQ2M9XA"
    assert normalize_code("06 12 34 56 78") is None  # a phone number is not a code
    assert normalize_code("OIL10000") is None  # look-alike letters are not in the alphabet


def test_the_thanks_page_gives_a_code_and_its_qr_code(client, make_wave):
    wave = make_wave()
    sent = submit_survey(client, wave)
    assert sent.status_code == 303, sent.text
    thanks = client.get(sent.headers["Location"])
    code = db.session.scalar(select(Response.invitation_code))
    assert code in thanks.text
    assert "<svg" in thanks.text and "<title>" in thanks.text  # the QR code has a text alternative


def test_a_neighbour_who_follows_the_link_is_counted_as_invited(client, make_wave):
    wave = make_wave()
    submit_survey(client, wave)
    inviter = db.session.scalar(select(Response.invitation_code))
    with client.session_transaction() as session:
        session.clear()  # another person, another phone
    welcome = client.get(f"/invitation/{inviter.lower()}", follow_redirects=True)
    assert "Un voisin vous a invité" in welcome.text
    page = client.get(f"/enquete/{wave.id}")
    assert f'value="{inviter}"' in page.text  # the "who invited you" field is filled in
    client.post(f"/enquete/{wave.id}", data={"q-mood": "3", "about-invited_by": inviter, **form_fields(page.text)})
    invited = db.session.scalar(select(Response).where(Response.invitation_code != inviter))
    assert invited.invited_by_code == inviter


def test_an_invalid_invitation_link_changes_nothing(client):
    page = client.get("/invitation/not-a-code", follow_redirects=True)
    assert page.status_code == 200 and "pas valide" in page.text
    with client.session_transaction() as session:
        assert "invited_by" not in session


def test_a_consultation_participant_keeps_who_invited_them_and_can_invite_in_turn(client, territories):
    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    inviter = ops.new_participant(consultation, Origin.personal)
    db.session.commit()
    client.get(f"/invitation/{inviter.invitation_code}")
    page = client.get(f"/consultations/{consultation.id}/proposer")
    assert f'value="{inviter.invitation_code}"' in page.text
    client.post(f"/consultations/{consultation.id}/proposer", data={
        "title": "Des bancs", "body": "Des bancs à l'ombre", "confirmed": "1", "about-gender": "woman",
        "about-age_bracket": "18_25", "about-quartier": "europe", "about-invited_by": inviter.invitation_code})
    carrier = db.session.get(Participant, db.session.scalar(select(Idea.carrier_id)))
    assert carrier.invited_by_code == inviter.invitation_code
    assert (carrier.gender, carrier.age_bracket, carrier.quartier_id) == ("woman", "18_25", territories["europe"].id)
    page = client.get(f"/consultations/{consultation.id}")
    assert carrier.invitation_code in page.text and "<svg" in page.text


def test_a_wrong_about_you_answer_publishes_nothing(client, territories):
    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    db.session.commit()
    page = client.post(f"/consultations/{consultation.id}/proposer", data={
        "title": "Des bancs", "body": "Des bancs", "confirmed": "1", "about-age_bracket": "ancient"})
    assert page.status_code == 200 and "Choisissez une des réponses proposées." in page.text
    assert db.session.scalar(select(Idea.id)) is None


def test_the_kiosk_forgets_the_invitation_with_the_resident(client, auth, make_user, make_wave, territories):
    make_wave()
    register_kiosk(client, auth, make_user, territories["sanitas"])
    client.get("/invitation/7KQ2M9XA")
    client.get("/kiosk/reinitialiser")
    with client.session_transaction() as session:
        assert "invited_by" not in session


def test_saying_later_who_invited_you_moves_everyone_you_invited_down_the_chain(territories):
    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    first = ops.new_participant(consultation, Origin.personal)  # came on their own
    middle = ops.new_participant(consultation, Origin.personal)  # has not said yet
    invited = ops.new_participant(consultation, Origin.personal, invited_by_code=middle.invitation_code)
    last = ops.new_participant(consultation, Origin.personal, invited_by_code=invited.invitation_code)
    db.session.commit()
    assert [p.invitation_depth for p in (first, middle, invited, last)] == [0, 0, 1, 2]
    ops.describe_participant(middle, invited_by_code=first.invitation_code)
    db.session.commit()
    db.session.expire_all()
    assert [p.invitation_depth for p in (first, middle, invited, last)] == [0, 1, 2, 3]
    ops.describe_participant(middle, invited_by_code=last.invitation_code)  # said once: a second answer changes nothing
    db.session.commit()
    assert (middle.invited_by_code, middle.invitation_depth) == (first.invitation_code, 1)
