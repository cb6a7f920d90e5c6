"""Kinds of error read on blind1.jsonl (issue 16, session 11), in sentences of our own.

`tests/fixtures/discourse/blind1.jsonl` was written by a helper blind to the code and
scored once before being read (fixture README). The sentences below are constructed in
residents' register for each kind of error fixed; none is a line of that file.
"""
from pathlib import Path

import pytest

from insights.evaluate import evaluate_file
from tests.conftest import stance

BLIND1 = Path(__file__).parent / "fixtures" / "discourse" / "blind1.jsonl"


def acts(an, text):
    return {m.code: m.act for m in an.analyze(text).mentions}


# --- a proposal verb needs the writer as its subject; "je souhaite signaler" is no request ---

@pytest.mark.parametrize("text, code", [
    ("La maison de quartier propose des sorties pour les ados, c'est génial", "centre_social"),
    ("Elle m'a proposé un rendez-vous dans la semaine à la CAF, super efficace", "caf"),
    ("J'ai envoyé un recommandé au bailleur, toujours aucune réponse", "bailleur"),
])
def test_third_person_or_homograph_is_not_a_request(an, text, code):
    assert acts(an, text)[code] != "request"


@pytest.mark.parametrize("text, code", [
    ("Je propose que la mairie ouvre le samedi", "mairie"),
    ("nous proposons un bus de nuit le week-end", "metropole"),
    ("Je vous recommande d'ouvrir une permanence CAF au centre social", "caf"),
])
def test_first_person_proposal_is_a_request(an, text, code):
    assert acts(an, text)[code] == "request"


@pytest.mark.parametrize("text, code, expected", [
    ("Je voudrais remercier la PMI pour son accompagnement", "departement", "positive"),
    ("Je souhaite vous signaler que le bailleur ne répond plus à nos courriers", "bailleur", "negative"),
])
def test_a_wish_to_say_introduces_what_is_said(an, text, code, expected):
    assert stance(an, text, code) == expected


# --- a time of day is not a wait -----------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("Rendez-vous à la CAF mardi 14h pour mon dossier", "caf"),
    ("La permanence de l'assistante sociale est à 9h30 à la maison de quartier", "departement"),
    ("Le bureau de poste ouvre jusqu'à 17h le samedi", "poste"),
])
def test_time_of_day_is_neutral(an, text, code):
    assert stance(an, text, code) == "neutral"


@pytest.mark.parametrize("text, code", [
    ("3h d'attente à la préfecture pour un papier", "prefecture"),
    ("ça fait 2h qu'on attend aux urgences", "sante"),
    ("Le bus met 40 min pour faire trois arrêts", "metropole"),
])
def test_a_wait_is_still_a_complaint(an, text, code):
    assert stance(an, text, code) == "negative"


# --- residents' words for effort, trust, excuses and being left to cope ---------------------

@pytest.mark.parametrize("text, code, expected", [
    ("La maîtresse fait beaucoup d'efforts avec mon fils", "ecole", "positive"),
    ("Le gardien fait aucun effort pour les encombrants", "bailleur", "negative"),
    ("L'assistante sociale s'est battue pour qu'on garde l'appartement", "departement", "positive"),
    ("Les urgences m'ont renvoyée chez moi deux fois. Plus confiance.", "sante", "negative"),
    ("La salle du centre social est fermée depuis l'hiver, ce n'est plus acceptable", "centre_social", "negative"),
    ("J'ai demandé un banc à la mairie, ils disent qu'il y a pas de budget", "mairie", "negative"),
    ("La CPAM m'a dit de me débrouiller avec ma mutuelle", "sante", "negative"),
    ("Le gymnase du collège tombe en ruine", "ecole", "negative"),
])
def test_effort_trust_and_excuses(an, text, code, expected):
    assert stance(an, text, code) == expected


def test_an_expert_sent_is_not_praise(an):
    # a job title, not a quality ("expert" is praise in the general lexicons)
    assert stance(an, "Le bailleur a envoyé un expert mardi pour le chauffage", "bailleur") == "neutral"


# --- names with a slip at a word's end; waste collection and the housing agency in context ---

def codes(an, text):
    return [m.code for m in an.analyze(text).mentions]


@pytest.mark.parametrize("text, code", [
    ("J'ai appelé Tour Habitat trois fois pour la fuite", "bailleur"),
    ("rdv a pole emploie demain matin", "france_travail"),
    ("l'assistante social de la MDS m'a rappelée", "departement"),
    ("Les arrets de bus sont sales", "metropole"),
    ("la collecte passe plus le mardi, les poubelles débordent", "metropole"),
    ("Les collecteurs de déchets sont passés tôt ce matin", "metropole"),
    ("On a appelé l'agence pour le chauffage, personne est venu", "bailleur"),
])
def test_slips_and_names_in_context_are_found(an, text, code):
    assert code in codes(an, text)


@pytest.mark.parametrize("text, code", [
    ("La collecte de jouets pour Noël a bien marché", "metropole"),
    ("Je suis allée à l'agence France Travail pour mon inscription", "bailleur"),
    ("L'agence immobilière nous a trouvé un appartement", "bailleur"),
    ("La porte du hall est encore cassée", "poste"),
])
def test_no_name_out_of_context(an, text, code):
    assert code not in codes(an, text)


def test_a_typo_of_an_alias_word_still_found_when_a_variant_starts_with_it(an):
    # "maires" is a typo of "mairies" and also opens the slip "maires adjoint"
    assert codes(an, "les maires des petites communes font ce qu'ils peuvent") == ["mairie"]


def test_a_collection_point_or_a_food_drive_is_no_service(an):
    assert "metropole" not in codes(an, "je dépose mes sacs au point de collecte du village")
    assert "metropole" not in codes(an, "la collecte alimentaire du samedi, on trie des sacs de pâtes")


# --- an emoji closes what it comments; descriptive words of formal letters --------------------

def test_an_emoji_then_a_capital_starts_a_new_sentence(an):
    a = an.analyze("Mairie: papiers faits en 10 minutes 😊 La poste: 1h de queue 😡")
    assert a.targets == {"mairie": "positive", "poste": "negative"}


def test_a_formal_complaint_reads_as_one(an):
    text = ("Madame, Monsieur, malgré nos courriers recommandés au bailleur, la fuite du 3e "
            "n'est toujours pas réparée. Les personnes vivant au rez-de-chaussée ont de l'eau "
            "dans la cuisine. Ce n'est plus acceptable.")
    a = an.analyze(text)
    assert a.targets == {"bailleur": "negative"}
    assert a.tone == "negative"


def test_blind1_aggregate_stays_where_session_11_left_it():
    """blind1 after session 11: detection 0.992, stance 0.901, tone 0.889 (0.972 / 0.787 /
    0.811 when scored blind); a margin of 0.02 for later rules."""
    rep = evaluate_file(BLIND1)
    assert rep["n"] == 110
    assert rep["target_detection"]["f1"] >= 0.97
    assert rep["target_stance"]["macro_f1"] >= 0.88
    assert rep["doc_polarity"]["macro_f1"] >= 0.87


# --- kinds read on blind2 (session 11, after blind1's work): mistreatment told by a simile,
# being sent away, what is still missing, not knowing, "l'office" in a text about housing ---

@pytest.mark.parametrize("text, code, expected", [
    ("À la préfecture on nous traite comme du bétail, trois heures debout", "prefecture", "negative"),
    ("Au commissariat ils m'ont parlé comme à des chiens", "police", "negative"),
    ("Je suis allée trois fois à la CAF, à chaque fois revenez demain", "caf", "negative"),
    ("France Travail m'a inscrit en janvier, toujours pas de formation", "france_travail", "negative"),
    ("Je sais pas si ça passe par la mission locale ou par la mairie", "france_travail", "neutral"),
    ("jsp si la mairie répond le samedi", "mairie", "neutral"),
    ("Les charges augmentent et l'office ne fait rien pour les escaliers", "bailleur", "negative"),
])
def test_blind2_kinds(an, text, code, expected):
    assert stance(an, text, code) == expected


def test_the_tourist_office_is_no_landlord(an):
    assert "bailleur" not in an.analyze("L'office de tourisme a de jolies brochures sur le château").by_code
