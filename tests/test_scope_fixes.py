"""Scope holes found in review (issue 13, "Scope everywhere"), each with the test that
showed it: comments of a hidden idea, and the supervised layer an evaluator of one
quartier could switch for every quartier."""
import uuid

import pytest
from sqlalchemy import select

from deliberation import operations as ops
from deliberation.models import Comment, CommentReport, Origin, Position
from tests.conftest import count_rows
from voix.extensions import db


def new_uuid():
    return str(uuid.uuid4())


@pytest.fixture
def hidden_idea(territories, make_user):
    """An idea with one comment, then hidden by a moderator; the carrier's token is kept."""
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    carrier = ops.new_participant(c, Origin.personal)
    idea = ops.propose_idea(c, carrier, title="Des bancs", body="Des bancs à l'ombre du square")
    other = ops.propose_idea(c, carrier, title="Un terrain", body="Un terrain de foot pour les jeunes")
    db.session.commit()
    ops.add_comment(idea, carrier, "Un commentaire ancien", Position.for_, uuid=new_uuid())
    ops.hide(idea, make_user("moderator", ("tours",), email="mod-tours@example.org"), "Propos insultants")
    db.session.commit()
    return idea, other, carrier.token


def _comment_of(idea):
    return db.session.scalar(select(Comment).where(Comment.idea_id == idea.id))


def test_api_hides_the_comments_of_a_hidden_idea(client, hidden_idea):
    idea, other, token = hidden_idea
    assert client.get(f"/api/v1/ideas/{other.id}/comments").status_code == 200
    assert client.get(f"/api/v1/ideas/{idea.id}/comments").status_code == 404
    sent = client.post(f"/api/v1/ideas/{idea.id}/comments",
                       json={"uuid": new_uuid(), "token": token, "body": "Encore un", "position": "for"})
    assert sent.status_code == 404
    assert count_rows(Comment) == 1
    reported = client.post(f"/api/v1/comments/{_comment_of(idea).id}/reports", json={"token": token})
    assert reported.status_code == 404 and count_rows(CommentReport) == 0


def test_moderators_still_read_the_debate_of_a_hidden_idea(client, auth, make_user, hidden_idea):
    idea, _other, _token = hidden_idea
    auth.login(make_user("moderator", ("rabiere",), email="mod-rabiere@example.org"))
    assert client.get(f"/api/v1/ideas/{idea.id}/comments").status_code == 404
    auth.logout()
    auth.login(make_user("moderator", ("sanitas",)))  # inside Tours, like the moderator who hid it
    listed = client.get(f"/api/v1/ideas/{idea.id}/comments")
    assert listed.status_code == 200 and listed.get_json()["comments"][0]["body"] == "Un commentaire ancien"
    assert "Un commentaire ancien" in client.get(f"/consultations/idees/{idea.id}").text


def test_html_form_refuses_comments_on_a_hidden_idea(client, hidden_idea):
    idea, other, _token = hidden_idea
    assert client.post(f"/consultations/idees/{other.id}/commentaires",
                       data={"body": "Oui", "position": "for", "uuid": new_uuid()}).status_code == 302
    refused = client.post(f"/consultations/idees/{idea.id}/commentaires",
                          data={"body": "Encore un", "position": "for", "uuid": new_uuid()})
    assert refused.status_code == 404
    assert count_rows(Comment) == 2  # the one from before, and the one on the visible idea
    assert client.post(f"/consultations/commentaires/{_comment_of(idea).id}/signaler").status_code == 404
    assert count_rows(CommentReport) == 0


def test_the_carrier_sees_the_reason_but_neither_the_comments_nor_a_form(client, hidden_idea):
    idea, _other, token = hidden_idea
    with client.session_transaction() as session:
        session["participation"] = {str(idea.consultation_id): token}
    page = client.get(f"/consultations/idees/{idea.id}?lang=en")
    assert page.status_code == 200 and "Propos insultants" in page.text
    assert "Un commentaire ancien" not in page.text
    assert "/commentaires" not in page.text


def test_operations_refuse_a_comment_on_a_hidden_idea(hidden_idea):
    idea, _other, token = hidden_idea
    carrier = ops.participant_by_token(idea.consultation, token)
    with pytest.raises(ops.DeliberationError):
        ops.add_comment(idea, carrier, "Encore un", Position.neutral, uuid=new_uuid())


# --- The supervised layer applies to every quartier: admins train and switch it ----------


@pytest.fixture
def analysed(make_wave):
    """Analysed answers in two quartiers (Sanitas and Rabière)."""
    from insights.store import analyze_pending
    from surveys.models import Channel
    from surveys.submission import load_target, submit_response

    for quartier in ("sanitas", "rabiere"):
        wave = make_wave(territory=quartier, questions=[dict(code="avis", type="long_text", text={"fr": "Avis ?"})])
        for text in ("La CAF ne répond jamais.", "Merci à la mairie pour la fête."):
            submit_response(load_target(wave.id), {"avis": text}, uuid=new_uuid(), channel=Channel.api,
                            language="fr", about={"quartier": quartier})
    analyze_pending()
    db.session.commit()


def _layer(enabled):
    from insights.models import SupervisedLayer

    layer = SupervisedLayer(n_corrections=40, lexicon_macro_f1=0.5, supervised_macro_f1=0.7, beats_lexicon=True,
                            enabled=enabled, model={})
    db.session.add(layer)
    db.session.commit()
    return layer


def test_an_evaluator_of_one_quartier_cannot_wipe_every_analysis(client, auth, make_user, analysed):
    from insights.models import SupervisedLayer, TextAnalysis

    before = count_rows(TextAnalysis)
    assert before >= 4
    layer_id = _layer(enabled=True).id
    auth.login(make_user("evaluator", ("sanitas",)))
    page = client.get("/evaluation/discours/verifier/")
    assert page.status_code == 200 and "/couche/" not in page.text and "/entrainer" not in page.text
    assert client.post("/evaluation/discours/verifier/entrainer").status_code == 403
    for action in ("desactiver", "activer"):
        assert client.post(f"/evaluation/discours/verifier/couche/{layer_id}/{action}").status_code == 403
    assert count_rows(TextAnalysis) == before and count_rows(SupervisedLayer) == 1
    assert db.session.get(SupervisedLayer, layer_id).enabled


def test_an_admin_trains_and_switches_the_layer(client, auth, make_user, analysed):
    from insights.models import STALE_VERSION, SupervisedLayer, TextAnalysis

    layer_id = _layer(enabled=False).id
    auth.login(make_user("admin", ()))
    assert "/couche/" in client.get("/evaluation/discours/verifier/").text
    assert client.post("/evaluation/discours/verifier/entrainer").status_code == 302
    assert count_rows(SupervisedLayer) == 2
    assert client.post(f"/evaluation/discours/verifier/couche/{layer_id}/activer").status_code == 302
    assert db.session.get(SupervisedLayer, layer_id).enabled
    # Analysed again later, in place: kept (with their corrections) and marked stale meanwhile.
    assert count_rows(TextAnalysis) == 4
    assert set(db.session.scalars(select(TextAnalysis.analyzer_version))) == {STALE_VERSION}


def test_agreement_counts_the_corrections_of_ones_own_quartiers(client, auth, make_user, analysed):
    from insights.models import TextAnalysis
    from voix.territories.models import territory_by_slug

    rabiere = territory_by_slug("rabiere").id
    auth.login(make_user("evaluator", ("rabiere",)))
    for analysis in db.session.scalars(select(TextAnalysis).where(TextAnalysis.quartier_id == rabiere)):
        corrected = client.post(f"/evaluation/discours/verifier/{analysis.id}/0", data={"verdict": "negative"})
        assert corrected.status_code == 303
    auth.logout()
    auth.login(make_user("evaluator", ("sanitas",)))
    rows = client.get("/evaluation/discours/verifier/accord.csv").data.decode("utf-8-sig").splitlines()
    assert rows[1:] == [] or all(",0," in row for row in rows[1:]), rows


# --- Ids typed in forms and JSON bodies: unknown, never a database error -------------------


def test_malformed_ids_in_bodies_are_unknown_not_errors(client, auth, make_user, hidden_idea):
    _idea, other, token = hidden_idea
    c = other.consultation_id
    for winner in (None, "abc", 2**40, True):
        sent = client.post(f"/api/v1/consultations/{c}/pairwise",
                           json={"uuid": new_uuid(), "token": token, "winner": winner, "loser": other.id})
        assert sent.status_code == 422, (winner, sent.text)
    reply = {"uuid": new_uuid(), "token": token, "body": "Oui", "position": "for", "parent": 2**40}
    assert client.post(f"/api/v1/ideas/{other.id}/comments", json=reply).status_code == 422
    assert client.post(f"/consultations/idees/{other.id}/commentaires",
                       data={"body": "Oui", "parent": "abc", "uuid": new_uuid()}).status_code == 302
    auth.login(make_user("admin", ()))
    assert client.post("/animation/consultations/", data={"title_fr": "Sans lieu"}).status_code == 400
    assert client.post("/animation/consultations/", data={"title_fr": "Loin", "territory": 2**40}).status_code == 400
    assert client.post("/admin/institutions/nouvelle", data={"name": "CAF", "code": "caf"}).status_code == 302


def test_evaluators_are_not_shown_the_texts_of_a_hidden_idea_nor_its_comments(client, auth, make_user, hidden_idea):
    from insights.models import Correction, TextAnalysis
    from insights.store import analyze_pending

    idea, other, _token = hidden_idea
    analyze_pending()
    db.session.commit()
    mention = [{"institution": "mairie", "stance": "negative", "irony": False}]
    # Every analysis names an institution, so that each would be offered for checking.
    for analysis in db.session.scalars(select(TextAnalysis)):
        analysis.mentions = mention
    db.session.commit()
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    page = client.get("/evaluation/discours/verifier/").text
    assert "Un terrain de foot" in page  # the visible idea is there to check
    assert "Des bancs" not in page and "Un commentaire ancien" not in page
    hidden_analysis = db.session.scalar(select(TextAnalysis).where(TextAnalysis.source == "idea",
                                                                   TextAnalysis.source_id == idea.id))
    client.post(f"/evaluation/discours/verifier/{hidden_analysis.id}/0", data={"verdict": "negative"})
    assert count_rows(Correction) == 0


def test_institutions_neither_see_nor_answer_a_hidden_idea(client, auth, make_user, hidden_idea, territories):
    from deliberation.models import OfficialAnswer
    from voix.institutions.models import Institution, InstitutionCode

    idea, other, _token = hidden_idea
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    db.session.add(mairie)
    speaker = make_user("institution", (), email="mairie@example.org")
    speaker.institution = mairie
    db.session.commit()
    auth.login(speaker)
    page = client.get(f"/animation/consultations/{idea.consultation_id}")
    assert page.status_code == 200 and "Un terrain" in page.text and "Des bancs" not in page.text
    answer = {"status": "under_study", "text": "Nous étudions."}
    assert client.post(f"/animation/consultations/idees/{idea.id}/reponse", data=answer).status_code == 404
    assert client.post(f"/animation/consultations/idees/{other.id}/reponse", data=answer).status_code == 302
    assert count_rows(OfficialAnswer) == 1
    auth.logout()
    auth.login(make_user("moderator", ("sanitas",)))  # moderators still see it, to restore it
    assert "Des bancs" in client.get(f"/animation/consultations/{idea.consultation_id}").text
