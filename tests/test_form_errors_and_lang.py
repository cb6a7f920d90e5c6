"""What axe cannot see (issue 11, item 6): form errors tied to their fields, content in
another language than the page marked with its lang, focus and a spoken confirmation after
a vote. SQLite and PostgreSQL."""
import re
import uuid

from sqlalchemy import func, select

from deliberation import operations as ops
from deliberation.models import Comment, Idea, Origin, Support
from tests.test_kiosk_trust import consultation  # noqa: F401 (fixture)
from voix.extensions import db


def tag(html: str, element_id: str) -> str:
    return re.search(r'<[a-z]+[^>]*\bid="%s"[^>]*>' % re.escape(element_id), html).group(0)


def ideas_in(consultation) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Idea).where(Idea.consultation_id == consultation.id))


def test_a_refused_idea_points_at_each_field_in_error(client, territories):
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    db.session.commit()
    page = client.post(f"/consultations/{c.id}/proposer?lang=en", data={"title": " ", "body": "", "theme": "x" * 61})
    html = page.text
    assert page.status_code == 200 and ideas_in(c) == 0
    title, body, theme = tag(html, "title"), tag(html, "body"), tag(html, "theme")
    assert 'aria-invalid="true"' in title and 'aria-describedby="title-error"' in title
    assert 'aria-invalid="true"' in body and 'aria-describedby="body-hint body-error"' in body  # the hint still read
    assert 'aria-invalid="true"' in theme and 'aria-describedby="theme-error"' in theme
    assert "An idea needs a title and a description." in tag(html, "title-error") + html.split('id="title-error"')[1][:80]
    assert html.count("An idea needs a title and a description.") == 3  # once at the top, once per field
    assert "Keep the theme under 60 characters." in html.split('id="theme-error"')[1][:80]

    fine = client.post(f"/consultations/{c.id}/proposer?lang=en", data={"title": "Des bancs", "body": "À l'ombre"})
    assert ideas_in(c) == 1 and fine.status_code == 302
    again = client.get(f"/consultations/{c.id}/proposer?lang=en").text
    assert 'aria-invalid' not in again and 'aria-describedby="body-hint"' in tag(again, "body")


def test_the_api_says_an_idea_error_once(client, territories):
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    db.session.commit()
    token = client.post(f"/api/v1/consultations/{c.id}/participants", json={}).json["token"]
    refused = client.post(f"/api/v1/consultations/{c.id}/ideas?lang=en", json={"token": token, "title": "", "body": ""})
    assert refused.status_code == 422 and refused.json["message"] == "An idea needs a title and a description."


def test_a_refused_comment_comes_back_in_its_form_tied_to_its_field(client, consultation):
    idea = db.session.scalar(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id))
    vote_uuid = str(uuid.uuid4())
    page = client.post(f"/consultations/idees/{idea.id}/commentaires?lang=en",
                       data={"body": "   ", "position": "for", "uuid": vote_uuid})
    assert page.status_code == 422
    field = tag(page.text, "comment-new")
    assert 'aria-invalid="true"' in field and 'aria-describedby="comment-new-error"' in field
    assert "A comment has between 1 and 2000 characters." in page.text.split('id="comment-new-error"')[1][:120]
    assert f'name="uuid" value="{vote_uuid}"' in page.text  # sent again, it is still the same comment
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0

    top = ops.add_comment(idea, ops.new_participant(consultation, Origin.personal), "Oui", ops.Position.for_,
                          uuid=str(uuid.uuid4()))[0]
    db.session.commit()
    reply = client.post(f"/consultations/idees/{idea.id}/commentaires?lang=en",
                        data={"body": "x" * 2001, "parent": top.id, "uuid": str(uuid.uuid4())})
    assert reply.status_code == 422
    assert 'aria-invalid="true"' in tag(reply.text, f"comment-{top.id}") and "<details open>" in reply.text
    assert "x" * 2001 in reply.text  # the resident's text is not lost
    assert 'aria-invalid' not in tag(reply.text, "comment-new")


def test_ideas_in_another_language_carry_their_lang_on_the_ranking_and_results(client, consultation):
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id)).all()
    me = ops.new_participant(consultation, Origin.personal)
    ops.vote_pairwise(ideas[0], ideas[1], me, uuid=str(uuid.uuid4()), origin=Origin.personal)
    ops.support_idea(ideas[0], me, uuid=str(uuid.uuid4()), origin=Origin.personal)
    db.session.commit()
    page = client.get(f"/consultations/{consultation.id}?lang=ar").text
    ranking = page.split('id="ranking-caption"')[1]
    assert '<th scope="row" dir="auto" lang="fr">Des bancs</th>' in ranking
    assert '<th scope="row" dir="auto">Des bancs</th>' in client.get(f"/consultations/{consultation.id}?lang=fr").text
    results = client.get("/resultats/sanitas?lang=ar").text
    assert re.search(r'<a href="/consultations/idees/%d" dir="auto" lang="fr">Des bancs</a>' % ideas[0].id, results)


def test_focus_returns_to_the_supported_idea_with_a_spoken_confirmation(client, consultation):
    idea = db.session.scalar(select(Idea).where(Idea.consultation_id == consultation.id).order_by(Idea.id))
    client.post(f"/consultations/idees/{idea.id}/soutien?lang=en", data={"uuid": str(uuid.uuid4()), "back": "list"})
    page = client.get(f"/consultations/{consultation.id}?lang=en").text
    button = re.search(r'<button[^>]*aria-describedby="support-done-%d"[^>]*>' % idea.id, page).group(0)
    assert "autofocus" in button and 'aria-pressed="true"' in button
    assert re.search(r'id="support-done-%d" role="status">Your support is counted.' % idea.id, page)
    assert "support-done" not in client.get(f"/consultations/{consultation.id}?lang=en").text  # said once
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Support)) == 1
