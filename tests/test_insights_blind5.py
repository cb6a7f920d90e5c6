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

from insights import Analyzer
from insights.gazetteer import DATA, Gazetteer
from insights.tokenize import SMS, TOKEN_RE, normalize

FIXTURES = Path(__file__).parent / "fixtures" / "discourse"


@pytest.fixture(scope="module")
def an():
    return Analyzer()


def stance(an, text, code):
    return an.analyze(text).by_code[code].stance


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

