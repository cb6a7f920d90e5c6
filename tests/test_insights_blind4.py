"""Kinds of error read on blind4.jsonl (issue 16, session 12), in sentences of our own.

`tests/fixtures/discourse/blind4.jsonl` was written by a helper blind to the code, with the
stance told through events, and scored once before being read (fixture README). The
sentences below are constructed in residents' register for each kind of error fixed; none
is a line of that file. Each failed on the code before session 12 (b436f50).
"""
import pytest

from tests.conftest import stance


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
    ("Le commissariat m'a dit que c'était une affaire de voisinage, franchement je me pose des questions", "police"),
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


# --- before / now: the past told reversed ------------------------------------------------------

@pytest.mark.parametrize("text, code, expected", [
    ("La nouvelle gardienne est passée le jour de mon appel. Avant elle on attendait des mois pour une ampoule.", "bailleur", "positive"),
    ("Il y a trois ans à la mission locale personne rappelait. Maintenant ma conseillère répond.", "france_travail", "positive"),
    ("Les policiers du quartier font du foot avec les jeunes. Ça change des contrôles qui finissaient mal.", "police", "positive"),
])
def test_how_things_were_says_the_opposite_of_now(an, text, code, expected):
    assert stance(an, text, code) == expected


def test_a_time_before_is_not_the_past(an):
    # a guard, not a fix: "avant 9h", "avant de" are no story of the past
    assert stance(an, "La Poste est ouverte avant 9h le samedi, il faut y aller avant de travailler", "poste") == "neutral"


def test_the_problem_a_service_came_for_is_not_blame(an):
    assert stance(an, "Le gardien est venu le soir même pour la fuite, avec le plombier", "bailleur") != "negative"


# --- passing the buck by reported speech --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Pour le trottoir cassé la métropole dit que c'est la mairie, la mairie dit que c'est la métropole",
    "le bailleur dit c la mairie pour les jeux d'enfants, la mairie dit c le bailleur",
])
def test_passing_the_buck_blames_both(an, text):
    targets = an.analyze(text).targets
    assert set(targets.values()) == {"negative"} and len(targets) == 2


# --- praise and blame on the two sides of a contrast make a mixed text --------------------------

@pytest.mark.parametrize("text", [
    "La conseillère de la mission locale est gentille, mais les ateliers c'est toujours pareil, j'apprends rien.",
    "Le médecin de la PMI a été correct. Par contre trois semaines pour un rendez-vous.",
])
def test_both_sides_of_a_contrast_make_a_mixed_tone(an, text):
    assert an.analyze(text).tone == "mixed"
