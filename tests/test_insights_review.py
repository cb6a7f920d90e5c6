"""Evaluators check the machine's passages; agreement and the optional supervised layer."""
import uuid

from sqlalchemy import select

from insights.models import Correction, SupervisedLayer, TextAnalysis
from insights.store import analyze_pending
from surveys.models import Channel
from surveys.submission import load_target, submit_response
from tests.conftest import count_rows
from voix.extensions import db


def fill(make_wave, texts):
    wave = make_wave(questions=[dict(code="avis", type="long_text", text={"fr": "Votre avis ?"})])
    for text in texts:
        submit_response(load_target(wave.id), {"avis": text}, uuid=str(uuid.uuid4()), channel=Channel.api,
                        language="fr", about={"quartier": "sanitas"})
    analyze_pending()


def test_one_tap_corrections_and_agreement(client, auth, make_user, make_wave):
    fill(make_wave, ["La CAF ne répond jamais.", "Merci à la mairie pour la fête.", "La police passe, bof."])
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    page = client.get("/evaluation/discours/verifier/?lang=en")
    assert page.status_code == 200 and page.text.count('name="verdict" value="none"') == 3
    for analysis in db.session.scalars(select(TextAnalysis)):
        mention = analysis.mentions[0]
        verdict = mention["stance"] if mention["institution"] != "police" else "negative"
        url = f"/evaluation/discours/verifier/{analysis.id}/0"
        assert client.post(url, data={"verdict": verdict}).status_code == 303
        client.post(url, data={"verdict": "positive"})  # a second tap on the same passage changes nothing
    assert count_rows(Correction) == 3
    police = db.session.scalar(select(Correction).where(Correction.institution == "police"))
    assert police.human_stance == "negative" and "bof" in police.text
    page = client.get("/evaluation/discours/verifier/?lang=en")
    assert "Nothing left to check" in page.text and "3 passages checked" in page.text
    assert client.post(f"/evaluation/discours/verifier/{police.analysis_id}/5", data={"verdict": "neutral"}).status_code == 404


def test_the_layer_stays_off_when_it_does_not_beat_the_lexicon(client, auth, make_user, make_wave):
    fill(make_wave, ["La CAF ne répond jamais."] * 3)
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    for analysis in db.session.scalars(select(TextAnalysis)):
        client.post(f"/evaluation/discours/verifier/{analysis.id}/0", data={"verdict": "negative"})
    auth.logout()
    auth.login(make_user("admin", ()))  # the layer serves every quartier: admins train and switch it
    client.post("/evaluation/discours/verifier/entrainer")
    layer = db.session.scalar(select(SupervisedLayer))
    assert layer.n_corrections == 3 and layer.beats_lexicon is False and layer.enabled is False
    assert client.post(f"/evaluation/discours/verifier/couche/{layer.id}/activer").status_code == 409


def test_only_evaluators_of_the_quartier_check_passages(client, auth, make_user, make_wave):
    fill(make_wave, ["La CAF ne répond jamais."])
    analysis = db.session.scalar(select(TextAnalysis))
    auth.login(make_user("facilitator", ("sanitas",)))
    assert client.get("/evaluation/discours/verifier/").status_code == 403
    auth.logout()
    auth.login(make_user("evaluator", ("rabiere",), email="eval-rabiere@example.org"))
    assert client.post(f"/evaluation/discours/verifier/{analysis.id}/0", data={"verdict": "neutral"}).status_code == 404
    assert count_rows(Correction) == 0


def test_agreement_table_downloads_as_csv(client, auth, make_user, make_wave):
    fill(make_wave, ["La CAF ne répond jamais."])
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    analysis = db.session.scalar(select(TextAnalysis))
    client.post(f"/evaluation/discours/verifier/{analysis.id}/0", data={"verdict": "negative"})
    rows = client.get("/evaluation/discours/verifier/accord.csv").data.decode("utf-8-sig").splitlines()
    assert rows[0] == "institution,passages,institution_right,same_stance,kappa,fewer_than_10"
    assert rows[1].startswith("caf,1,1.0,1.0,") and rows[1].endswith(",1")


def test_corrections_survive_every_reanalysis(client, auth, make_user, make_wave, territories, monkeypatch):
    """A new institution name, a layer switched and a new analyzer version all have the
    texts analysed again: the analyses are redone in place and the corrections stay."""
    import insights.store

    fill(make_wave, ["La CAF ne répond jamais.", "Merci à la mairie pour la fête."])
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    ids = sorted(db.session.scalars(select(TextAnalysis.id)))
    for analysis_id in ids:
        assert client.post(f"/evaluation/discours/verifier/{analysis_id}/0", data={"verdict": "neutral"}).status_code == 303
    auth.logout()
    auth.login(make_user("admin", ()))
    assert client.post("/admin/institutions/nouvelle", data={
        "name": "Les Toits de Loire", "code": "bailleur", "territory": territories["tours"].id}).status_code == 302
    layer = SupervisedLayer(n_corrections=2, beats_lexicon=False, model={})
    db.session.add(layer)
    db.session.commit()
    assert client.post(f"/evaluation/discours/verifier/couche/{layer.id}/desactiver").status_code == 302
    assert count_rows(Correction) == 2 and sorted(db.session.scalars(select(TextAnalysis.id))) == ids
    assert analyze_pending() == 2
    monkeypatch.setattr(insights.store, "ANALYZER_VERSION", insights.store.ANALYZER_VERSION + 1)  # a new pipeline
    assert analyze_pending() == 2 and analyze_pending() == 0
    assert count_rows(TextAnalysis) == 2 and sorted(db.session.scalars(select(TextAnalysis.id))) == ids
    assert {c.analysis_id for c in db.session.scalars(select(Correction))} == set(ids)
    assert {c.human_stance for c in db.session.scalars(select(Correction))} == {"neutral"}
