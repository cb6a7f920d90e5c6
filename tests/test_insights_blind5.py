"""Kinds of error read on blind5.jsonl (issue 16, session 12), in sentences of our own.

`tests/fixtures/discourse/blind5.jsonl` (an ordinary mix of resident voices) was written by
a helper blind to the code and scored blind before being read (fixture README). The
sentences below are constructed in residents' register for each kind of error fixed; none
is a line of that file. Each fails on the code before this work (e4e07f3) but the guards,
which say what must not change.
"""
import json
from pathlib import Path

import pytest

from insights.gazetteer import DATA, Gazetteer
from insights.tokenize import SMS, TOKEN_RE, normalize
from tests.conftest import stance

FIXTURES = Path(__file__).parent / "fixtures" / "discourse"


def codes(text):
    return Gazetteer.default().codes_in(text)


# --- names residents use that the gazetteer lacked --------------------------------------------

@pytest.mark.parametrize("text", [
    "La ville a enlevé les bancs de la place sans prévenir personne",
    "Bravo la ville, trois mois pour reboucher un trou",
    "Merci à la ville pour les nouvelles poubelles du square",
    "Le bailleur dit que c'est à la ville de tailler les haies",
    "La ville ne répond jamais aux courriers des locataires",
    "La ville pourrait mettre un éclairage dans l'allée",
])
def test_la_ville_as_an_actor_is_the_mairie(text):
    assert "mairie" in codes(text)


@pytest.mark.parametrize("text", [
    # the town as a place, or as what it looks like: no institution
    "Je travaille à l'autre bout de la ville, une heure de trajet",
    "La ville est belle au printemps depuis les bords de Loire",
    "La ville a beaucoup changé depuis mon enfance",
    "On est allés en ville samedi avec les enfants",
])
def test_la_ville_as_a_place_is_no_mention(text):
    assert "mairie" not in codes(text)


def test_ville_de_tours_still_found_after_la():
    assert codes("J'ai écrit à la ville de Tours pour le parc") == ["mairie"]


@pytest.mark.parametrize("text, code", [
    ("Les élus avaient promis des bancs dans le parc, toujours rien", "mairie"),
    ("Les camions poubelles ne sont pas passés depuis lundi", "metropole"),
    ("Il manque un bac jaune dans notre cour depuis le déménagement", "metropole"),
    ("The health centre on our street is always full", "sante"),
])
def test_general_names_residents_use(text, code):
    assert code in codes(text)


def test_national_elus_still_need_a_local_word():
    # guard: the national "élus" stay out with nothing local in the text
    assert "mairie" not in codes("Les élus votent des lois qu'ils ne respectent pas")


def test_second_token_filter_changes_no_match():
    """The gazetteer's candidate filter by second token (a speed-up) finds exactly what the
    full candidate list finds, on every labelled text."""
    fast = Gazetteer.default()
    slow = Gazetteer.from_json(DATA)
    slow._by_second = {}
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = row.get("text") or row.get("context")
            if not isinstance(text, str):
                continue
            toks, spans = [], []
            for m in TOKEN_RE.finditer(normalize(text)):
                toks.append(SMS.get(m.group(), m.group()))
                spans.append(m.span())
            assert fast.find(toks, spans, text) == slow.find(toks, spans, text), text



# --- durations told as speed --------------------------------------------------------------------

@pytest.mark.parametrize("text, code, expected", [
    # a time compared with the one it replaces
    ("Avec la nouvelle ligne de bus je mets 20 min pour aller au lycée au lieu de 50", "metropole", "positive"),
    # guard: a longer time than before stays a wait
    ("La CAF met 2 mois pour un dossier au lieu de 15 jours avant", "caf", "negative"),
    # a sentence saying it went fast: the duration is the speed ("merci" stays sincere)
    ("Merci la mairie, c'est allé vite : 8 jours pour ma carte d'identité", "mairie", "positive"),
])
def test_durations_compared_or_said_fast(an, text, code, expected):
    assert stance(an, text, code) == expected


def test_a_wait_after_a_contrast_stays_a_wait(an):
    # guard: "rapide" on one side of "mais" does not make the other side's wait fast
    assert stance(an, "Le tram est rapide, mais 40 min d'attente à la station le dimanche",
                  "metropole") != "positive"


# --- blame told without a judgement word --------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    # unequal treatment
    ("La métropole balaie dans les beaux quartiers tous les jours, chez nous une fois par mois", "metropole"),
    # exasperated questions
    ("La police municipale m'envoie au commissariat. C'est le rôle de qui alors ?", "police"),
    ("Le collège a changé l'emploi du temps de mon fils trois fois ce mois-ci, c'est quoi le délire", "ecole"),
    # a reproach in the past conditional
    ("La poste a déménagé le bureau, ils auraient pu afficher un mot sur la porte", "poste"),
    # exasperation, in English
    ("The tram takes forever on Sundays", "metropole"),
])
def test_blame_without_a_judgement_word(an, text, code):
    assert stance(an, text, code) == "negative"


# --- praise of a courtesy, of a difference seen, thanks to a person ----------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("Les chauffeurs du bus 5 disent bonjour à tout le monde", "metropole"),
    ("Depuis que la mission locale suit mon fils, on a vu la différence", "france_travail"),
])
def test_praise_without_a_praise_word(an, text, code):
    assert stance(an, text, code) == "positive"


def test_thanks_to_him_after_blame_is_sincere(an):
    text = ("Le collège a fermé à midi sans prévenir personne. C'est le gardien qui a gardé les "
            "enfants dans sa loge, merci à lui.")
    assert stance(an, text, "bailleur") == "positive"


def test_no_greeting_is_no_praise(an):
    # guard: the courtesy denied is not read as one done
    assert stance(an, "La gardienne ne dit même pas bonjour", "bailleur") != "positive"


# --- sarcasm about priorities, the writer's own reading -------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("Bravo la mairie, une belle fontaine toute neuve, pendant que les radiateurs de l'école sont en panne depuis l'hiver", "mairie"),
    ("Super la métropole, une jolie piste cyclable pendant que le bus 12 ne passe plus le dimanche", "metropole"),
])
def test_praise_beside_what_is_neglected_meanwhile_is_sarcasm(an, text, code):
    assert stance(an, text, code) == "negative"


def test_meanwhile_without_neglect_stays_praise(an):
    # guard: "pendant que" with nothing neglected is only time
    assert stance(an, "Merci aux éboueurs qui ont ramassé les sacs pendant que tout le monde dormait",
                  "metropole") == "positive"


def test_not_understanding_ones_papers_is_no_blame(an):
    assert stance(an, "J'ai des formulaires de la CAF à remplir et je ne comprends pas tout.",
                  "caf") == "neutral"


def test_not_understanding_why_stays_a_complaint(an):
    # guard
    assert stance(an, "Je comprends pas pourquoi la CAF a coupé mes APL", "caf") == "negative"
