"""Question types: how each one's answer is read, checked and shown.

Values are JSON: an option code, a list of codes, a number, true/false, an ISO date
or text. Form posts arrive as strings and are converted first, so the kiosk page,
the personal-device page and the JSON API share one validation.
"""
from datetime import date

from flask_babel import lazy_gettext as _l

from voix.privacy import clean_text

from .conditions import evaluate
from .models import MATRIX_TYPES, WITH_ROWS, Question, QuestionType

AGREEMENT_LEVELS = [1, 2, 3, 4, 5]
DONT_KNOW = "dk"
SMILEY_LEVELS = [1, 2, 3, 4, 5]
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000

# Labels of fixed scales belong to the interface, hence to the translation catalogues.
AGREEMENT_LABELS = {
    1: _l("Strongly disagree"),
    2: _l("Disagree"),
    3: _l("Neither agree nor disagree"),
    4: _l("Agree"),
    5: _l("Strongly agree"),
    DONT_KNOW: _l("I don't know"),
}
SMILEY_LABELS = {
    1: _l("Very unhappy"),
    2: _l("Unhappy"),
    3: _l("Neither happy nor unhappy"),
    4: _l("Happy"),
    5: _l("Very happy"),
}


class InvalidAnswer(ValueError):
    pass


def _choice(question, raw):
    if raw not in question.option_codes:
        raise InvalidAnswer(_l("Choose one of the proposed answers."))
    return raw


def _distinct_options(question, raw, message) -> list:
    values = raw if isinstance(raw, list) else [raw]
    if any(v not in question.option_codes for v in values) or len(set(values)) != len(values):
        raise InvalidAnswer(message)
    return values


def _choices(question, raw):
    values = _distinct_options(question, raw, _l("Choose among the proposed answers."))
    limit = question.settings.get("max_choices")
    if limit and len(values) > limit:
        raise InvalidAnswer(_l("Choose at most %(n)s answers.", n=limit))
    return [code for code in question.option_codes if code in values]  # canonical order


def _ranking(question, raw):
    """A list of option codes, best first; a form sends {option: rank} instead."""
    if isinstance(raw, dict):
        try:
            ranks = {option: int(rank) for option, rank in raw.items()}
        except (TypeError, ValueError):
            raise InvalidAnswer(_l("Rank the proposed answers, each once.")) from None
        if len(set(ranks.values())) != len(ranks) or any(rank < 1 for rank in ranks.values()):
            raise InvalidAnswer(_l("Give each rank to one answer only."))
        raw = sorted(ranks, key=ranks.get)
    return _distinct_options(question, raw, _l("Rank the proposed answers, each once."))


def _scale(levels, extra=()):
    def parse(question, raw):
        if raw in extra:
            return raw
        try:
            value = int(raw) if not isinstance(raw, float) else None
        except (TypeError, ValueError):
            value = None
        if value not in levels or isinstance(raw, bool):
            raise InvalidAnswer(_l("Choose one of the proposed answers."))
        return value

    return parse


def _yes_no(question, raw):
    if isinstance(raw, bool):
        return raw
    if raw in ("yes", "true", "1"):
        return True
    if raw in ("no", "false", "0"):
        return False
    raise InvalidAnswer(_l("Answer yes or no."))


def _number(question, raw):
    if isinstance(raw, bool):
        raise InvalidAnswer(_l("Enter a number."))
    try:
        value = float(str(raw).replace(",", ".").strip())
    except ValueError:
        raise InvalidAnswer(_l("Enter a number.")) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidAnswer(_l("Enter a number."))
    low, high = question.settings.get("min"), question.settings.get("max")
    if low is not None and value < low:
        raise InvalidAnswer(_l("Enter a number of at least %(n)s.", n=low))
    if high is not None and value > high:
        raise InvalidAnswer(_l("Enter a number of at most %(n)s.", n=high))
    return int(value) if value.is_integer() else value


def _date(question, raw):
    try:
        return date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise InvalidAnswer(_l("Enter a date such as 2026-03-21.")) from None


def _text(limit):
    def parse(question, raw):
        if not isinstance(raw, str):
            raise InvalidAnswer(_l("Enter some text."))
        if len(raw.strip()) > limit:
            raise InvalidAnswer(_l("Keep it under %(n)s characters.", n=limit))
        # Personal data never reaches the database: scrub before storing.
        return clean_text(raw)

    return parse


def _per_row(parse_one, message):
    """A parser for {row or item code: value}: each value read by `parse_one`, empty ones left
    out, unknown rows refused; the rows come back in the question's order."""
    def parse(question, raw):
        if not isinstance(raw, dict):
            raise InvalidAnswer(message)
        codes = question.row_codes
        if any(code not in codes for code in raw):
            raise InvalidAnswer(message)
        clean = {}
        for code in codes:
            if code in raw and not is_empty(raw[code]):
                clean[code] = parse_one(question, raw[code])
        return clean

    return parse


def _matrix_choices(question, raw):
    values = _distinct_options(question, raw, _l("Choose among the proposed answers in each row."))
    return [code for code in question.option_codes if code in values]


PARSERS = {
    QuestionType.single_choice: _choice,
    QuestionType.multiple_choice: _choices,
    QuestionType.ranking: _ranking,
    QuestionType.agreement: _scale(AGREEMENT_LEVELS, extra=(DONT_KNOW,)),
    QuestionType.smiley: _scale(SMILEY_LEVELS),
    QuestionType.yes_no: _yes_no,
    QuestionType.number: _number,
    QuestionType.date: _date,
    QuestionType.short_text: _text(SHORT_TEXT_MAX),
    QuestionType.long_text: _text(LONG_TEXT_MAX),
    QuestionType.matrix_single: _per_row(_choice, _l("Choose one of the proposed answers in each row.")),
    QuestionType.matrix_multiple: _per_row(_matrix_choices, _l("Choose among the proposed answers in each row.")),
    QuestionType.multiple_number: _per_row(_number, _l("Enter a number in each field.")),
    QuestionType.multiple_short_text: _per_row(_text(SHORT_TEXT_MAX), _l("Enter some text in each field.")),
}


def is_empty(raw) -> bool:
    if isinstance(raw, dict):  # a matrix or multiple question: empty when every row is
        return all(_is_empty_value(value) for value in raw.values())
    return _is_empty_value(raw)


def _is_empty_value(raw) -> bool:
    # Not recursive: a row's value nested deeper is not empty, and is refused by its parser.
    if isinstance(raw, str):
        return not raw.strip()
    return raw is None or raw == [] or raw == {}


def missing_rows(question, value) -> list[str]:
    """A required matrix or multiple question needs every row or item answered."""
    if question.type not in WITH_ROWS:
        return []
    return [code for code in question.row_codes if code not in (value or {})]


def is_shown(question: Question, answers: dict, by_code: dict[str, Question] | None = None) -> bool:
    """Whether a question's display condition, and its part's, hold, given the clean answers
    so far (surveys/conditions.py; a hidden question's answer is not among them)."""
    return evaluate(question.shown_if, answers)


def clean_answers(questions: list[Question], raw_answers: dict) -> tuple[dict, dict]:
    """Check raw answers against the questions, in order.

    Returns (clean values by code, error messages by code). Answers to hidden questions
    and to unknown codes are dropped, never stored.
    """
    clean, errors = {}, {}
    for question in questions:
        if question.type is QuestionType.information or not is_shown(question, clean):
            continue  # an information screen has nothing to answer; a hidden question is not asked
        raw = raw_answers.get(question.code)
        if is_empty(raw):
            if question.required:
                errors[question.code] = str(_l("This question needs an answer."))
            continue
        try:
            clean[question.code] = PARSERS[question.type](question, raw)
        except InvalidAnswer as error:
            errors[question.code] = str(error.args[0])
            continue
        if question.required and missing_rows(question, clean[question.code]):
            errors[question.code] = str(_l("Answer every row of this question."))
    return clean, errors


def display_value(question: Question, value, language=None) -> str:
    """An answer as a person reads it (exports, previews)."""
    if value is None:
        return ""
    kind = question.type
    if kind in (QuestionType.single_choice,):
        return question.option_label(value, language)
    if kind in (QuestionType.multiple_choice, QuestionType.ranking):
        return " | ".join(question.option_label(code, language) for code in value)
    if kind is QuestionType.agreement:
        return str(AGREEMENT_LABELS[value])
    if kind is QuestionType.smiley:
        return str(SMILEY_LABELS[value])
    if kind is QuestionType.yes_no:
        return str(_l("Yes") if value else _l("No"))
    if kind in WITH_ROWS:
        return " | ".join(f"{question.row_label(code, language)}: {row_display(question, value[code], language)}"
                          for code in question.row_codes if code in value)
    return str(value)


def row_display(question: Question, value, language=None) -> str:
    """One row's or item's answer as a person reads it."""
    if question.type in MATRIX_TYPES:
        codes = value if isinstance(value, list) else [value]
        return " | ".join(question.option_label(code, language) for code in codes)
    return str(value)

