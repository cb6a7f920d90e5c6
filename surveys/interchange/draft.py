"""The neutral shape every importer produces, before anything touches the database.

An importer reads a file into a `Draft`: questions named and typed as in our model, but
with the file's own names (not yet our codes) and texts keyed by the file's language
tags ("fr", "English (en)", "de", "default"...). `build.build_questionnaire` then applies
our rules (codes, languages, conditions) in one place for every format.
"""
import html
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from voix.languages import language_code

from ..models import QuestionType
from .expressions import Untranslatable


@dataclass(frozen=True)
class Note:
    """Something of the file that was not imported as it was, said to the user.

    `subject` is the name in the file (a question, a group) or "" for the whole file;
    `message` is a lazy translated string, rendered in the reader's language.
    """

    subject: str
    message: object
    # The expression as written in the file, when the note is about a display condition
    # (the import's report lists those apart: conditions_not_imported).
    expression: str | None = None

    def __str__(self):
        return f"{self.subject} — {self.message}" if self.subject else str(self.message)


@dataclass
class DraftQuestion:
    name: str  # as in the file; becomes our code after `build.code_for`
    type: QuestionType
    text: dict  # {language tag: text}
    help: dict = field(default_factory=dict)
    required: bool = False
    options: list = field(default_factory=list)  # [(name in the file, {language tag: label})]
    # A matrix's rows or a multiple question's items, written like options.
    rows: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    # Its own display condition and those of its groups: all must hold.
    conditions: list = field(default_factory=list)  # [ConditionPart]
    # The file's question it comes from, when one became several here (a grid's rows, a
    # dual scale's second matrix): a question of the file counts once. "": its own name.
    source: str = ""
    # The key of its group in the file (Draft.groups) when that group became a part here.
    group: str = ""


@dataclass
class DraftGroup:
    """A group of the file with a display condition, or a part of our own export: it becomes
    a part of the questionnaire (its condition shows or skips all its questions, and stays
    editable as the part's)."""

    key: str  # what the draft's questions name in `group`
    name: str  # its name in the file, for codes and notes
    title: dict  # {language tag: text}
    condition: "ConditionPart | None"  # None: a part of our own export without a condition


@dataclass(frozen=True)
class ConditionPart:
    """One display condition of the file, translated (expressions.py) but with the file's names."""

    source: str  # the question or group that carries it in the file
    expression: str  # as written there, for the report
    tree: dict


@dataclass
class Draft:
    source: str  # "XLSForm", "LimeSurvey": for messages
    title: dict = field(default_factory=dict)
    description: dict = field(default_factory=dict)
    questions: list = field(default_factory=list)
    groups: list = field(default_factory=list)  # [DraftGroup]
    notes: list = field(default_factory=list)
    default_language: str | None = None  # the tag whose texts stand in for missing French

    def note(self, subject, message):
        self.notes.append(Note(str(subject or ""), message))

    def note_condition(self, subject, expression, reason):
        self.notes.append(Note(str(subject or ""), _l("display condition not imported (%(reason)s): %(expression)s",
                                                      reason=reason, expression=expression), expression=expression))


def translate_condition(draft, source, expression, translate) -> "ConditionPart | None":
    """The expression as a condition part, or None with a note that says why and quotes it."""
    try:
        return ConditionPart(str(source), expression, translate(expression))
    except Untranslatable as reason:
        draft.note_condition(source, expression, reason)
        return None


class ImportRefused(ValueError):
    """The file cannot be imported at all; nothing was changed. The message is for the user."""

    def __init__(self, message, notes=()):
        super().__init__(message)
        self.message = message
        self.notes = list(notes)

    def __str__(self):
        return str(self.message)


# --- Texts ---------------------------------------------------------------------------

_BREAKS = re.compile(r"<\s*(br\s*/?|/p|/div|/li|/tr|/h[1-6])\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")


def plain_text(value) -> str:
    """Questionnaire texts are plain text here: HTML from other tools becomes readable text."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text:
        text = _TAGS.sub("", _BREAKS.sub("\n", text))
    text = html.unescape(text).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def texts(mapping: dict) -> dict:
    """{tag: plain text} without the empty ones."""
    cleaned = {tag: plain_text(value) for tag, value in mapping.items()}
    return {tag: value for tag, value in cleaned.items() if value}


def number(text):
    """'12' -> 12, '2.5' -> 2.5, anything else -> None."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return int(value) if value.is_integer() else value


def strip_parentheses(expression: str) -> str:
    """'((a == b))' -> 'a == b', but '(a) or (b)' stays as it is."""
    expression = expression.strip()
    while expression.startswith("(") and expression.endswith(")") and _balanced(expression[1:-1]):
        expression = expression[1:-1].strip()
    return expression


def _balanced(text) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


# --- Languages -----------------------------------------------------------------------

# Any language is kept (voix/languages.py reads codes and names with babel's CLDR data);
# the readers call it under this name.
our_language = language_code
