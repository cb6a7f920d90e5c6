"""Kinds of error read on blind4.jsonl (issue 16, session 12), in sentences of our own.

`tests/fixtures/discourse/blind4.jsonl` was written by a helper blind to the code, with the
stance told through events, and scored once before being read (fixture README). The
sentences below are constructed in residents' register for each kind of error fixed; none
is a line of that file. Each failed on the code before session 12 (b436f50).
"""
import pytest

from insights import Analyzer


@pytest.fixture(scope="module")
def an():
    return Analyzer()


def stance(an, text, code):
    return an.analyze(text).by_code[code].stance


# --- words the lexicons misread in residents' texts ---------------------------------------

@pytest.mark.parametrize("text, code, expected", [
    # the river is not "expensive"
    ("Les animatrices ont fait un pique-nique au bord du Cher avec les petits, ils ont adoré", "centre_social", "positive"),
    # a warning opens a notice, it is no praise
    ("Attention la ligne de tram s'arrête à la gare ce week-end", "metropole", "neutral"),
    # a discourse adverb and hot water are no praise of the gardien
    ("Honnêtement le gardien dit qu'il peut rien faire pour l'eau chaude", "bailleur", "negative"),
    # a school track is no praise
    ("Ma fille a été orientée en pro contre son avis, le lycée a rien voulu entendre", "ecole", "negative"),
    # a pension drawn at the post office is no praise
    ("Ma voisine passe à la Poste toucher sa retraite le 8 du mois", "poste", "neutral"),
])
def test_words_that_only_describe(an, text, code, expected):
    assert stance(an, text, code) == expected


@pytest.mark.parametrize("text, code", [
    ("J'ai fait la demande à la CPAM, c'était simple, tout en ligne", "sante"),
    ("La CAF a recalculé mes droits sans que j'aie rien à faire, nickel", "caf"),
    ("The teacher at the school helped my son with his French, very kind", "ecole"),
])
def test_a_service_that_went_smoothly_is_praise(an, text, code):
    assert stance(an, text, code) == "positive"


@pytest.mark.parametrize("text, code", [
    ("J'ai demandé pour le chauffage, le gardien m'a répondu « c'est pas moi qui décide »", "bailleur"),
    ("Aux urgences on nous dit toujours « ce soir peut-être »", "sante"),
    ("La mairie nous avait promis un city stade pour l'été dernier", "mairie"),
    ("Le facteur dit qu'il a sonné alors que j'étais chez moi, la Poste me renvoie le colis", "poste"),
    ("Quand tu appelles la police pour des voitures qui brûlent et qu'on te dit de rappeler demain, tu te poses des questions", "police"),
    ("À la préfecture on m'a renvoyé chez moi parce qu'il manquait une photocopie", "prefecture"),
])
def test_blame_told_through_what_was_said_or_done(an, text, code):
    assert stance(an, text, code) == "negative"


# --- a reservation after thanks: the thanks stay sincere --------------------------------------

@pytest.mark.parametrize("text, code", [
    ("Merci au centre social pour la sortie à la mer, dommage que les places soient parties en une heure", "centre_social"),
    ("Merci à la PMI pour le suivi du petit. Seul bémol, deux mois pour avoir un rendez-vous avec la pédiatre", "departement"),
])
def test_thanks_with_a_reservation_are_not_irony(an, text, code):
    a = an.analyze(text)
    assert a.by_code[code].stance == "positive"
    assert not a.by_code[code].irony


def test_praise_is_not_made_ironic_by_the_next_sentence_opened_by_mais(an):
    a = an.analyze("La mission locale m'a financé le code, c'est cool. Mais le tram le dimanche c'est une blague.")
    assert a.targets == {"france_travail": "positive", "metropole": "negative"}


# --- notices and questions to neighbours judge nobody --------------------------------------

@pytest.mark.parametrize("text, code", [
    ("Pour info la mairie annexe a fermé, pour les papiers il faut aller à l'hôtel de ville", "mairie"),
    ("Le centre social sera fermé lundi, prévoyez de récupérer les enfants à 16h", "centre_social"),
    ("J'ai eu une lettre de la CAF, je comprends rien, quelqu'un peut m'expliquer ?", "caf"),
    ("La médiathèque et le bureau de poste seront fermés pour travaux jusqu'au 15 mars", "poste"),
])
def test_notices_and_questions_to_neighbours_are_neutral(an, text, code):
    assert stance(an, text, code) == "neutral"


def test_a_weekday_taken_away_is_still_a_loss(an):
    # a guard, not a fix: blind1, blind2 and heldout_a label this kind negative, so the
    # scheduled-closure rule takes no weekday as a date
    assert stance(an, "Le centre social a fermé le samedi, les ados traînent dehors", "centre_social") == "negative"


# --- acts: a good idea that exists, a new statement after a request ------------------------

def test_a_good_idea_that_exists_is_praise(an):
    assert stance(an, "Le tram jusqu'à 2h le samedi, c'est une très bonne idée", "metropole") == "positive"


def test_a_statement_after_a_request_is_read(an):
    text = "Plus de navette pour la piscine, maintenant les gamins prennent le tram, et ça marche très bien"
    assert stance(an, text, "metropole") == "positive"


# --- "Mais" opening a sentence ----------------------------------------------------------------

def test_a_sentence_opened_by_mais_judges_the_same_institution(an):
    text = "Le collège a accueilli mon fils. Mais le laisser seul à la cantine sans surveillant, c'est inadmissible."
    assert stance(an, text, "ecole") == "negative"
