"""The optional supervised stance layer trained on evaluators' corrections."""
import json
from pathlib import Path

import pytest

from insights import Analyzer
from insights.evaluate import macro_f1, read_jsonl, split_halves
from insights.lexicon import default_lexicon
from insights.supervised import (
    MARGIN,
    MIN_CORRECTIONS,
    Model,
    compare_with_lexicon,
    passage_features,
    train,
)

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "discourse" / "dev.jsonl"

PLANTED = "guez"  # residents' slang for "bad", which the lexicon does not know

TRAIN_INSTITUTIONS = ["la CAF", "la mairie", "la poste", "le bailleur", "la préfecture",
                      "le centre social", "la police", "France Travail"]
TEMPLATES = {
    "negative": ["{I} c'est guez.", "Franchement {I}, guez.", "{I}, toujours aussi guez.",
                 "Avec {I} c'est guez comme d'hab.", "{I} ne répond jamais.", "{I} c'est nul."],
    "positive": ["{I} est super efficace.", "Merci à {I}, ils sont au top."],
    "neutral": ["Je suis passé à {I} mardi.", "J'ai un rendez-vous avec {I} jeudi."],
}


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def _passages(analyzer, institutions, templates):
    out = []
    for stance, forms in templates.items():
        for form in forms:
            for name in institutions:
                text = form.replace("{I}", name)
                text = text[0].upper() + text[1:]
                code = next(iter(analyzer.analyze(text).targets))
                out.append({"text": text, "institution": code, "stance": stance})
    return out


@pytest.fixture(scope="module")
def planted(analyzer):
    return _passages(analyzer, TRAIN_INSTITUTIONS, TEMPLATES)


def test_features_of_a_passage(analyzer):
    feats, score, label = passage_features(
        "La CAF répond jamais, par contre le centre social est au top", "caf", analyzer)
    assert label == "negative" and score < 0
    assert {"c:<T>_repond", "c:repond_jamais", "neg:repond", "lex=negative"} <= feats
    assert not any("top" in f for f in feats)  # the other institution's clause
    feats, _, label = passage_features("Rien à voir.", "caf", analyzer)
    assert "lex=absent" in feats and label == "neutral"


def test_learns_a_planted_word_and_beats_the_lexicon(analyzer, planted):
    assert default_lexicon().score(PLANTED) is None
    # the lexicon reads the planted passages as neutral
    guez = [p for p in planted if PLANTED in p["text"]]
    assert all(analyzer.analyze(p["text"]).targets[p["institution"]] == "neutral" for p in guez)

    report = compare_with_lexicon(planted, k=5, seed=0, analyzer=analyzer)
    assert report["n"] == len(planted) >= MIN_CORRECTIONS
    assert report["k"] == 5
    assert report["counts"] == {"negative": 48, "neutral": 16, "positive": 16}
    assert report["supervised_macro_f1"] > report["lexicon_macro_f1"] + MARGIN
    assert report["beats_lexicon"] is True

    # held out: institutions and a sentence the training never saw
    model = train(planted, analyzer=analyzer)
    for text, code in [("Le collège, c'est vraiment guez.", "ecole"),
                       ("Le tram c'est guez.", "metropole")]:
        assert analyzer.analyze(text).targets[code] == "neutral"
        assert model.predict(text, code, analyzer) == "negative"
    # and it keeps what the lexicon knows
    assert model.predict("Le collège est super efficace.", "ecole", analyzer) == "positive"
    assert model.predict("Je suis passé au collège lundi.", "ecole", analyzer) == "neutral"


def test_does_not_claim_to_beat_a_lexicon_the_humans_agree_with(analyzer):
    texts = [form.replace("{I}", name) for forms in TEMPLATES.values() for form in forms
             for name in TRAIN_INSTITUTIONS]
    texts += ["La CAF répond jamais, par contre le centre social est au top.",
              "Super, encore 3 mois d'attente pour la préfecture.",
              "La mairie a refait le parc, c'est bien.",
              "Le bailleur est pas mauvais."]
    passages = []
    for text in texts:
        for code, stance in analyzer.analyze(text).targets.items():
            passages.append({"text": text, "institution": code, "stance": stance})
    report = compare_with_lexicon(passages, analyzer=analyzer)
    assert report["n"] >= MIN_CORRECTIONS
    assert report["lexicon_macro_f1"] == 1.0
    assert report["beats_lexicon"] is False
    assert "not more than" in report["reason"]


def test_too_few_corrections(analyzer, planted):
    few = planted[:MIN_CORRECTIONS - 1]
    report = compare_with_lexicon(few, analyzer=analyzer)
    assert report["beats_lexicon"] is False
    assert report["n"] == MIN_CORRECTIONS - 1
    assert report["lexicon_macro_f1"] is None and report["supervised_macro_f1"] is None
    assert str(MIN_CORRECTIONS) in report["reason"]
    # passages without a usable human stance do not count
    junk = [{"text": "La CAF c'est guez.", "institution": "caf", "stance": None}] * 50
    assert compare_with_lexicon(junk, analyzer=analyzer)["n"] == 0


def test_json_round_trip_predicts_the_same(analyzer, planted):
    model = train(planted, analyzer=analyzer)
    data = json.loads(json.dumps(model.to_json()))
    again = Model.from_json(data)
    assert Model.from_json(json.dumps(data)).vocabulary == model.vocabulary
    probes = [(p["text"], p["institution"]) for p in planted[::3]] + [
        ("Le collège, c'est vraiment guez.", "ecole"),
        ("La CAF répond jamais, par contre le centre social est au top", "centre_social"),
        ("Rien à voir avec une institution.", "caf")]
    for text, code in probes:
        assert again.predict(text, code, analyzer) == model.predict(text, code, analyzer)
        assert again.predict_proba(text, code, analyzer) == model.predict_proba(text, code, analyzer)
    assert again.targets("La CAF c'est guez, la poste est au top", analyzer) == {
        "caf": "negative", "poste": "positive"}
    with pytest.raises(ValueError):
        Model.from_json({})


def test_training_is_deterministic(analyzer, planted):
    assert train(planted, analyzer=analyzer).to_json() == train(planted, analyzer=analyzer).to_json()
    a = compare_with_lexicon(planted, seed=3, analyzer=analyzer)
    assert a == compare_with_lexicon(planted, seed=3, analyzer=analyzer)


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} is absent (a fresh clone has no ../shared/data)")
def test_dev_gold_stances_report(analyzer, capsys):
    """Train on the gold stances of dev half A, score half B; a report, not a threshold."""
    rows = read_jsonl(DEV)
    half_a, half_b = split_halves(rows)

    def passages(rs):
        return [{"text": r["text"], "institution": t["institution"], "stance": t["polarity"]}
                for r in rs for t in r.get("targets", [])]

    train_p, test_p = passages(half_a), passages(half_b)
    model = train(train_p, analyzer=analyzer)
    gold = [p["stance"] for p in test_p]
    sup = [model.predict(p["text"], p["institution"], analyzer) for p in test_p]
    lex = [analyzer.analyze(p["text"]).targets.get(p["institution"], "neutral") for p in test_p]
    cv = compare_with_lexicon(train_p + test_p, analyzer=analyzer)
    with capsys.disabled():
        print(f"\n[dev] train A ({len(train_p)}) -> B ({len(test_p)}): macro-F1 supervised "
              f"{macro_f1(gold, sup):.3f}, lexicon {macro_f1(gold, lex):.3f}; 5-fold on all "
              f"{cv['n']}: supervised {cv['supervised_macro_f1']}, lexicon {cv['lexicon_macro_f1']}, "
              f"beats_lexicon={cv['beats_lexicon']}")
    assert 0.0 <= macro_f1(gold, sup) <= 1.0
    assert isinstance(cv["beats_lexicon"], bool)
