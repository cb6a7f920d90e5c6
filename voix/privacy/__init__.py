"""Strip personal data from residents' free text before it is stored.

Answers are read later by staff and analysed as corpora, so identifying details must
never reach the database. Three layers (docs/privacy.md):

1. `rules`: regular expressions for what follows a pattern (e-mails, phones, addresses,
   ids, dates of birth, plates, handles, civility + name);
2. `names`: cues ("ma fille Meryem", "je m'appelle ..."), then spaCy's French NER, run
   only on texts that still hold a capitalised word that is neither French nor protected;
3. `health`: a named person's condition ("ma voisine est diabétique").

`analyse()` also says when it is *unsure* (a capitalised unknown word left, a long number
left): callers that publish a text hold it for a moderator then.
The result is idempotent: ``scrub(scrub(t)) == scrub(t)``.
"""
import re
from dataclasses import dataclass, field

from . import health, names
from .rules import (  # noqa: F401  (public names)
    ACCOUNT, ADDRESS, BIRTH_DATE, EMAIL, HEALTH, NAME, NUMBER, PHONE, PLACEHOLDERS,
)
from .rules import scrub as scrub_rules
from .rules import where_someone_lives, without_control_characters

_LONG_DIGITS = re.compile(r"\d(?:[\s.-]?\d){4,}")


@dataclass
class Scrubbed:
    text: str
    unsure: list = field(default_factory=list)  # what looked personal but was left


def _before_model(text):
    """The text after the rules and the cues, and the words of the names the cues found."""
    text = scrub_rules(text)
    spans = names.cue_spans(text)
    return names.replace_spans(text, spans), names.name_words(text, spans)


def _after_model(text, cue_names, ents, english=None, in_english=None):
    spans, unsure = names.model_spans(text, ents, english, in_english=in_english) if ents is not None else ([], [])
    model_names = names.name_words(text, spans, runs_only=True)
    text = names.echoes(names.coordinated(names.replace_spans(text, spans)), cue_names, model_names)
    text = where_someone_lives(text)
    text = health.scrub(text)
    unsure += [w for w in names.leftover_unsure(text) if w not in unsure]
    unsure += [m.group() for m in _LONG_DIGITS.finditer(text)]
    return Scrubbed(text, unsure)


def _batch_english(texts):
    """For texts too short to say their language ("Awesome!", "Poop."), that of the batch
    they came with (a Pol.is conversation): English when at least 3 of its texts say so and
    more than 2 in 3 of those that say anything. None: each text on its own."""
    if len(texts) < 3:
        return None
    said = [lang for lang in map(names.language, texts) if lang]
    if said.count("en") >= 3 and said.count("en") * 3 > len(said) * 2:
        return True
    return None


def analyse_many(texts):
    """Scrub several texts; the NER model sees only those that need it, in one batch."""
    staged, cue_names = zip(*map(_before_model, texts)) if texts else ((), ())
    english = _batch_english(texts)  # for texts that do not say their language
    # The gate reads the text as it will be after coordination ("[nom] et Samira" becomes
    # "[nom] et [nom]" anyway); the model, when it runs, still reads the text before.
    ents = [None] * len(staged)
    # Which sentences are English: read once per text, for the rules' decision and for
    # model_spans after them (each used to read the whole text again).
    readers = [None] * len(staged)
    todo = []
    for i, t in enumerate(staged):
        if names.needs_model(names.coordinated(t)):
            readers[i] = names.english_at(t, english)
            # Unknown names inside sentences ("le gardien, Karim Haddad, ..."): scrubbed
            # whatever the model says, so it is not asked.
            ents[i] = names.decided_without_model(t, english, in_english=readers[i])
            if ents[i] is None:
                todo.append(i)
    if todo:
        for i, found in zip(todo, _entities_in_windows([staged[i] for i in todo])):
            ents[i] = found
    return [_after_model(t, n, e, english, r) for t, n, e, r in zip(staged, cue_names, ents, readers)]


def _entities_in_windows(texts):
    """The model's entities of each text, read only in the sentences that woke it
    (`names.model_windows`), in one batch, with offsets in the whole text."""
    from .ner import entities

    windows = [names.model_windows(text) for text in texts]
    # Names in capitals are recased first: the model finds "Jean Dupont", not "JEAN DUPONT".
    found = iter(entities([names.recased(text[start:end]) for text, spans in zip(texts, windows) for start, end in spans]))
    return [[(start + s, start + e, label) for start, _ in spans for s, e, label in next(found)]
            for spans in windows]


def warm_up():
    """Load the model and the word lists now (at start-up) rather than on a first answer."""
    from . import lexicons
    from .ner import nlp

    nlp()
    lexicons.french_word("quartier")
    lexicons.protected_phrases()
    lexicons.first_name("Karim")
    lexicons.place("Tours")
    health.scrub("Ma mère a une sciatique.")  # its list of illnesses and medicines


def analyse(text: str) -> Scrubbed:
    return analyse_many([text])[0]


def scrub(text: str) -> str:
    """Return ``text`` with personal data replaced by placeholders (see PLACEHOLDERS)."""
    return analyse(text).text


def clean_text(text: str) -> str:
    """Free text as residents typed it, made safe to store: control characters removed
    (NUL breaks PostgreSQL, others break XLSX exports) and personal data scrubbed."""
    return scrub(without_control_characters(text).strip())


def clean_and_check(text: str) -> Scrubbed:
    """`clean_text` plus what the scrubber was unsure about (to hold a public text)."""
    return analyse(without_control_characters(text).strip())


def clean_many(texts) -> list:
    """`clean_and_check` for many texts at once (imports): the model sees them in batches."""
    texts = [without_control_characters(t).strip() for t in texts]
    return [s for start in range(0, len(texts), 64) for s in analyse_many(texts[start:start + 64])]


def clean_display_name(text: str) -> str:
    """A first name or pseudonym a resident chooses to be known by (committee volunteers):
    the name is the point of the field and stays, but contact details, ids, handles, a
    civility + surname or a date of birth typed into it are scrubbed (the pattern layer)."""
    return scrub_rules(without_control_characters(text).strip())
