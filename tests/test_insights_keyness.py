"""Weighted log-odds (Fightin' Words) and changed words on constructed texts with known
answers: a planted word is the top riser, an equally frequent word is not significant,
stopwords and institution names never come out, examples come from the right period."""
import math

import pytest

from insights.gazetteer import Gazetteer, alias_tokens
from insights.keyness import STOPWORDS, changed_words, weighted_log_odds
from insights.tokenize import fold

FILLERS = ["le loyer augmente", "les charges sont lourdes", "le chauffage marche mal",
           "les voisins sont sympas", "le parking est plein", "la cour est sale"]


def period_a():
    texts = []
    for k in range(40):
        texts.append(f"Le bailleur a perdu mon dossier. Chez nous {FILLERS[k % 6]}.")
        if k % 4 == 0:
            texts.append("La mairie organise une fête au square, super ambiance.")
        if k % 5 == 0:
            texts.append("Le gardien était souriant et le hall toujours propre.")
    return texts


PLANTED = ["L'ascenseur de Tours Habitat est encore bloqué.",
           "Tours Habitat laisse l'ascenseur en rade depuis des semaines.",
           "Le bailleur ne répare pas l'ascenseur, on monte à pied."]


def period_b():
    texts = []
    for k in range(40):
        texts.append(f"Le bailleur a perdu mon dossier. Chez nous {FILLERS[k % 6]}.")
        if k < 30:
            texts.append(PLANTED[k % 3])
        if k % 2 == 0:
            texts.append("La CAF et la mairie ne répondent pas non plus.")
    return texts


@pytest.fixture(scope="module")
def result():
    return changed_words(period_a(), period_b(), top=1000, examples=2)


def find(words, word):
    return next((w for w in words if w["word"] == word), None)


# -- the estimator ------------------------------------------------------------------------
def test_weighted_log_odds_formula():
    a = {"x": 10, "y": 30, "z": 0}
    b = {"x": 20, "y": 20, "z": 10}
    out = weighted_log_odds(a, b, prior_scale=50)
    # combined counts 30, 50, 10 -> alpha = 50 * (30, 50, 10) / 90
    al = 50 * 10 / 90
    na, nb, a0 = 40, 50, 50
    delta = (math.log((10 + al) / (nb + a0 - 10 - al)) - math.log((0 + al) / (na + a0 - 0 - al)))
    var = 1 / (10 + al) + 1 / (0 + al)
    assert out["z"]["delta"] == pytest.approx(delta)
    assert out["z"]["variance"] == pytest.approx(var)
    assert out["z"]["z"] == pytest.approx(delta / math.sqrt(var))
    assert out["z"]["prior"] == pytest.approx(al)
    assert out["y"]["z"] < 0 < out["x"]["z"]
    # default alpha_0 is a tenth of the combined size
    default = weighted_log_odds(a, b)
    assert sum(v["prior"] for v in default.values()) == pytest.approx(9.0)


def test_planted_word_rises_and_equal_word_does_not():
    base = {f"w{i}": 40 for i in range(50)}
    a = dict(base, equal=25, planted=0)
    b = dict(base, equal=25, planted=30)
    out = weighted_log_odds(a, b)
    top = max(out, key=lambda w: out[w]["z"])
    assert top == "planted" and out["planted"]["z"] > 1.96
    assert abs(out["equal"]["z"]) < 1.96
    # symmetric: swapping the periods flips the sign
    back = weighted_log_odds(b, a)
    assert back["planted"]["z"] == pytest.approx(-out["planted"]["z"])


def test_explicit_reference_prior():
    a = {"x": 5, "y": 5}
    b = {"x": 5, "y": 5, "new": 4}
    out = weighted_log_odds(a, b, prior={"x": 1000, "y": 1000}, prior_scale=100)
    assert out["new"]["prior"] == pytest.approx(0.01)
    assert out["x"]["prior"] == pytest.approx(50)


# -- changed words over texts -------------------------------------------------------------
def test_planted_word_is_top_riser(result):
    top = result["rising"][0]
    assert top["word"] == "ascenseur"
    assert top["z"] > result["rising"][1]["z"]
    assert top["count_a"] == 0 and top["count_b"] == 30
    assert top["z"] > 1.96 and top["significant"]


def test_equally_frequent_word_is_not_significant(result):
    words = result["rising"] + result["falling"]
    dossier = find(words, "dossier")
    assert dossier is not None and dossier["count_a"] == dossier["count_b"] == 40
    assert abs(dossier["z"]) < 1.96
    loyer = find(words, "loyer")
    assert abs(loyer["z"]) < 1.96


def test_falling_words(result):
    falling = [w["word"] for w in result["falling"] if w["significant"]]
    assert "square" in falling or "souriant" in falling
    assert all(w["z"] < 0 for w in result["falling"])
    assert all(w["z"] > 0 for w in result["rising"])
    zs = [w["z"] for w in result["rising"]]
    assert zs == sorted(zs, reverse=True)


def test_no_stopwords_nor_institution_names(result):
    gaz = Gazetteer.default()
    alias_words = {t for names in gaz.aliases.values() for n in names for t in alias_tokens(n)}
    words = result["rising"] + result["falling"]
    assert words
    for w in words:
        folded = fold(w["word"])
        assert folded not in STOPWORDS
        assert folded not in {"caf", "mairie", "bailleur", "gardien", "tours", "habitat"}
        assert folded not in alias_words
    # "pas", "le", "est" are everywhere in B: stopwords, never reported
    assert not {"pas", "les", "est", "des", "nous"} & {fold(w["word"]) for w in words}


def test_examples_come_from_the_right_period(result):
    a_text = " ".join(period_a())
    b_text = " ".join(period_b())
    rising = result["rising"][0]
    assert len(rising["examples"]) == 2
    for ex in rising["examples"]:
        assert ex in b_text and ex not in a_text
        assert "ascenseur" in ex.lower()
    for w in result["falling"]:
        for ex in w["examples"]:
            assert ex in a_text
    for w in result["rising"]:
        for ex in w["examples"]:
            assert ex in b_text


def test_institution_scope_counts_only_sentences_about_it():
    a = ["Le bailleur est lent. La piscine municipale est fermée."] * 10
    b = ["Le bailleur est lent, les fuites durent. La piscine municipale est fermée."] * 10
    res = changed_words(a, b, institution="bailleur", top=50)
    words = {w["word"] for w in res["rising"] + res["falling"]}
    assert "fuites" in words
    assert "piscine" not in words and "fermée" not in words
    whole = changed_words(a, b, institution="bailleur", top=50, scope="text")
    assert "piscine" in {w["word"] for w in whole["rising"] + whole["falling"]}
    # texts that do not name the institution are left out
    res = changed_words(a + ["La CAF est lente."] * 5, b, institution="bailleur")
    assert res["n_texts_a"] == 10
    with pytest.raises(ValueError):
        changed_words(a, b, institution="banque")


def test_surface_form_and_min_count():
    a = ["Rien sur la sécurité ici."] * 3 + ["Le parc est calme."] * 10
    b = ["La sécurité du parc est un souci."] * 8 + ["la securite !"] * 2 + ["Le parc est calme."] * 10
    res = changed_words(a, b, top=50, min_count=3)
    words = {w["word"]: w for w in res["rising"] + res["falling"]}
    assert "sécurité" in words and "securite" not in words     # accents as mostly written
    assert words["sécurité"]["count_b"] == 10
    assert "souci" in words
    res = changed_words(a, b, top=50, min_count=9)
    assert "souci" not in {w["word"] for w in res["rising"] + res["falling"]}


def test_empty_input():
    res = changed_words([], [None, ""])
    assert res["rising"] == [] and res["falling"] == []
