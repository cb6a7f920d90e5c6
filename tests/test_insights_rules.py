"""Stance rules on constructed sentences: negation, intensifiers, irony, contrast, waiting
times, attribution. Exact expected stances; no dev text is reused here."""
import pytest

from insights import Analyzer
from insights.lexicon import default_lexicon


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def stances(analyzer, text):
    return analyzer.analyze(text).targets


def score(analyzer, text, code):
    return analyzer.analyze(text).by_code[code].score


# --- negation --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("La mairie ne répond jamais à nos courriers.", {"mairie": "negative"}),
    ("la mairie repond pas", {"mairie": "negative"}),                  # "pas" alone, no accent
    ("Le gardien n'est pas gentil.", {"bailleur": "negative"}),         # negated positive
    ("Les agents de la CAF ne sont pas très aimables.", {"caf": "negative"}),  # intensifier dropped
    ("Personne ne rappelle à la préfecture.", {"prefecture": "negative"}),
    ("Plus personne ne passe du centre social.", {"centre_social": "negative"}),  # chained negators
    ("Le bus passe jamais le dimanche.", {"metropole": "negative"}),    # service verb negated
    ("Les badges du bailleur marchent déjà plus.", {"bailleur": "negative"}),  # "plus" after a service verb
    ("on a écrit au maire, toujours aucune nouvelle", {"mairie": "negative"}),
    ("Aucun problème avec la CAF cette année.", {"caf": "positive"}),   # negated negative
    ("Le lycée de ma fille est pas mauvais.", {"ecole": "positive"}),   # shift, not flip
])
def test_negation(analyzer, text, expected):
    assert stances(analyzer, text) == expected


def test_shift_not_flip(analyzer):
    # "pas mauvais" is only mildly positive; "bon" is clearly positive
    assert 0 < score(analyzer, "Le collège est pas mauvais.", "ecole") < score(analyzer, "Le collège est bon.", "ecole")
    # lexicalised pairs beat the general rule
    assert stances(analyzer, "Le nouveau bureau de poste c'est pas terrible.") == {"poste": "negative"}
    assert stances(analyzer, "Pas mal la nouvelle ligne de tram.") == {"metropole": "positive"}


def test_negation_scope_ends_at_punctuation_and_mais(analyzer):
    text = "La CAF n'a jamais répondu, mais le centre social est génial."
    assert stances(analyzer, text) == {"caf": "negative", "centre_social": "positive"}
    text = "Pas de réponse de la mairie. Le gardien est gentil."
    assert stances(analyzer, text) == {"mairie": "negative", "bailleur": "positive"}


# --- intensifiers ------------------------------------------------------------------------------
def test_intensifiers_and_diminishers(analyzer):
    plain = score(analyzer, "Le gardien est gentil.", "bailleur")
    very = score(analyzer, "Le gardien est très gentil.", "bailleur")
    really_very = score(analyzer, "Le gardien est vraiment très gentil.", "bailleur")
    bit = score(analyzer, "Le gardien est un peu gentil.", "bailleur")
    assert bit < plain < very
    assert really_very >= very
    assert score(analyzer, "Le bus est trop lent.", "metropole") < score(analyzer, "Le bus est lent.", "metropole") < 0


# --- irony -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, code", [
    ("Super, encore 3 mois d'attente pour un rendez-vous à la préfecture.", "prefecture"),
    ("Bravo la préfecture, 4 mois pour un rendez-vous.", "prefecture"),
    ("Merci la mairie, la piscine est fermée tout l'été.", "mairie"),
    ("Merci pour rien la CAF.", "caf"),
    ("Trop bien, la Poste ferme à 16h maintenant.", "poste"),
    ("Les bus sont supprimés le dimanche. Génial.", "metropole"),
])
def test_irony_is_flagged_and_negative(analyzer, text, code):
    a = analyzer.analyze(text)
    assert a.by_code[code].stance == "negative"
    assert a.by_code[code].irony is True
    assert a.irony is True


@pytest.mark.parametrize("text, expected", [
    ("Merci à la mairie pour la nouvelle aire de jeux.", {"mairie": "positive"}),
    ("Un grand merci à l'assistante sociale de la PMI.", {"departement": "positive"}),
    ("Le commissariat a été super, par contre la préfecture c'est l'enfer.",
     {"police": "positive", "prefecture": "negative"}),
])
def test_sincere_praise_is_not_irony(analyzer, text, expected):
    a = analyzer.analyze(text)
    assert a.targets == expected
    assert not any(t.irony for c, t in a.by_code.items() if expected[c] == "positive")


# --- contrast and attribution -------------------------------------------------------------------
def test_contrast_weights_the_second_clause(analyzer):
    assert stances(analyzer, "Le tram est pratique mais il est souvent en panne.") == {"metropole": "negative"}
    assert stances(analyzer, "La préfecture c'est long, mais les agents sont gentils.") == {"prefecture": "positive"}


def test_each_institution_gets_its_own_clause(analyzer):
    a = analyzer.analyze("Le bailleur a enfin réparé le chauffage, mais la mairie n'a toujours rien fait.")
    assert a.targets == {"bailleur": "positive", "mairie": "negative"}
    assert a.tone == "mixed"


def test_list_of_institutions_shares_the_judgement(analyzer):
    a = analyzer.analyze("La CAF, la préfecture, la mairie : personne ne répond jamais.")
    assert a.targets == {"caf": "negative", "prefecture": "negative", "mairie": "negative"}


def test_pronoun_subject_continues_the_previous_institution(analyzer):
    a = analyzer.analyze("L'assistante sociale est à l'écoute, elle m'a aidée pour le dossier CAF.")
    assert a.targets == {"departement": "positive", "caf": "neutral"}


def test_named_in_passing_is_neutral(analyzer):
    assert stances(analyzer, "Je suis passée à la CAF ce matin pour déposer un papier.") == {"caf": "neutral"}
    a = analyzer.analyze("Le gardien a appelé la police, ils sont arrivés 2h après.")
    assert a.targets == {"bailleur": "neutral", "police": "negative"}


def test_waiting_times(analyzer):
    assert stances(analyzer, "ça fait 6 mois que j'attends une réponse de Tours Habitat") == {"bailleur": "negative"}
    assert stances(analyzer, "La CPAM a refait ma carte vitale en 20 minutes.") == {"sante": "positive"}


def test_wishes_are_not_praise(analyzer):
    assert stances(analyzer, "Ce serait bien que la mairie mette des bancs.") == {"mairie": "neutral"}


def test_document_tone(analyzer):
    assert analyzer.analyze("Je prends le bus tous les matins.").tone == "neutral"
    assert analyzer.analyze("Le centre social est au top, merci à eux !").tone == "positive"
    assert analyzer.analyze("La boulangerie a fermé, c'est nul.").tone == "negative"
    assert analyzer.analyze("La CAF est injoignable mais la PMI est super.").tone == "mixed"


def test_targets_are_not_scored(analyzer):
    # general lexicons give "police", "école", "social" a polarity; ours removes it
    lex = default_lexicon()
    for word in ("police", "école", "social", "sociale", "sécurité"):
        assert lex.score(word) is None
    assert stances(analyzer, "La police et l'école du quartier.") == {"police": "neutral", "ecole": "neutral"}


def test_analysis_api(analyzer):
    text = "La CAF répond jamais, par contre le centre social est au top"
    a = analyzer.analyze(text)
    assert [m.code for m in a.mentions] == ["caf", "centre_social"]
    m = a.mentions[0]
    assert text[m.start:m.end] == m.surface == "CAF"
    assert m.stance == "negative" and m.sentence == 0 and m.irony is False
    d = a.as_dict()
    assert d["tone"] == "mixed"
    assert d["targets"][1] == {"institution": "centre_social", "polarity": "positive",
                               "score": d["targets"][1]["score"], "irony": False}
    assert analyzer.analyze("").targets == {}
    assert analyzer.analyze(None).tone == "neutral"
