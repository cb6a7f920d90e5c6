"""Kinds of error read on blind3.jsonl (issue 16, session 12), in sentences of our own.

`tests/fixtures/discourse/blind3.jsonl` (kiosk answers, platform comments, stories, reported
speech) was written by a helper blind to the code and scored blind three times before being
read (fixture README). The sentences below are constructed in residents' register for each
kind of error fixed; none is a line of that file. Each fails on the code before this work
(dd48542) but the guards, which say what must not change.
"""
import pytest

from tests.conftest import stance


# --- words that describe, not judge ---------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    # a school type says where a child is
    ("Mon aîné est au lycée professionnel, la petite au CE2", "ecole"),
    # rounds, a hall booked, a thing to throw away: facts
    ("Les policiers font des rondes dans le parc le soir", "police"),
    ("La mairie m'a dit que la salle était complète pour juin", "mairie"),
    ("J'ai un matelas à jeter, la métropole passe quand pour les encombrants", "metropole"),
    # opening hours are no wait
    ("L'écrivain public de la mairie reçoit le mardi de 9h à 12h", "mairie"),
])
def test_words_that_only_describe(an, text, code):
    assert stance(an, text, code) == "neutral"


@pytest.mark.parametrize("text, code", [
    ("Merci à la maîtresse de CP qui a cru en mon fils", "ecole"),
])
def test_praise_the_lexicons_missed(an, text, code):
    assert stance(an, text, code) == "positive"


def test_unbelievable_work_is_praise_in_a_long_story(an):
    # a long text reads without the general lexicons' weak words: "incroyable" needs its phrase
    text = ("On est arrivés dans le quartier il y a douze ans avec trois enfants et pas un mot de "
            "français. Au début on connaissait personne, on sortait pas beaucoup, les hivers étaient "
            "longs et on avait peur de tout. Ma voisine m'a parlé des ateliers du mercredi et j'y suis "
            "allée un peu par hasard avec les petits. Les animatrices du centre social font un travail "
            "incroyable avec les familles comme nous, le mercredi et pendant les vacances.")
    assert stance(an, text, "centre_social") == "positive"


# --- what the resident pays, and questions that complain ------------------------------------

@pytest.mark.parametrize("text, code", [
    ("Le bailleur augmente les charges tous les ans", "bailleur"),
    ("Avec la CAF les APL baissent à chaque trimestre", "caf"),
    ("Comment ça se fait que la CAF demande des papiers déjà envoyés ?", "caf"),
])
def test_costs_up_aid_down_and_why_questions_blame(an, text, code):
    assert stance(an, text, code) == "negative"


# --- passing the buck, told in the past ------------------------------------------------------

def test_bodies_that_passed_the_buck(an):
    a = an.analyze("Pour le banc du square, la mairie et le bailleur se renvoyaient la balle tout l'hiver")
    assert a.by_code["mairie"].stance == "negative"
    assert a.by_code["bailleur"].stance == "negative"


# --- ironic thanks for what was missing -------------------------------------------------------

def test_thanks_for_what_was_missing_after_blame_is_irony(an):
    text = "J'ai écrit trois fois au bailleur, jamais de réponse. Merci pour l'écoute."
    assert stance(an, text, "bailleur") == "negative"


def test_thanks_for_the_welcome_after_praise_stay_sincere(an):  # guard
    text = "La conseillère de la CAF a tout réglé en une fois. Merci pour l'accueil."
    assert stance(an, text, "caf") == "positive"


# --- negation in spoken French ---------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    # the verb before "jamais" is denied, not the problem after "pour"
    ("Le gardien répond jamais pour les pannes de lumière", "bailleur"),
    # a cause opens its own negation: the suspension stands
    ("France Travail m'a coupé pcq jai pas vu le courrier", "france_travail"),
])
def test_negation_scope(an, text, code):
    assert stance(an, text, code) == "negative"


# --- questions about opening, lists of needs, impatient wishes -------------------------------

def test_asking_whether_a_place_reopens_is_information(an):
    assert stance(an, "La mairie annexe est fermée définitivement ou elle va rouvrir ?", "mairie") == "neutral"


def test_asking_why_it_is_still_closed_complains(an):  # guard
    assert stance(an, "Pourquoi la mairie annexe est encore fermée ?", "mairie") == "negative"


def test_a_list_of_what_the_quartier_lacks_is_needs(an):
    assert stance(an, "Ce qui manque ici : une pharmacie, un distributeur, une agence CAF.", "caf") == "neutral"


def test_enfin_in_a_wish_is_impatience(an):
    assert stance(an, "Le bailleur pourrait enfin changer la porte du hall", "bailleur") == "negative"


def test_without_them_and_a_conditional_is_praise(an):
    text = "Le centre social a repris mon dossier de retraite. Sans eux je sais pas où j'en serais."
    assert stance(an, text, "centre_social") == "positive"


# --- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("Le facteur de notre rue laisse les colis chez la voisine quand on est absents", "poste"),
    ("France Travaille m'a encore convoquée pour rien", "france_travail"),
])
def test_names_residents_write(an, text, code):
    assert code in an.analyze(text).by_code
