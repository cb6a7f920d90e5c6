"""Display conditions: a small expression tree in JSON, checked, evaluated and said in words.

A condition is data, never code: it is evaluated by walking the tree below (here on the
server, in voix/static/js/conditions.js in the browser: the two follow the same rules,
checked by one table of cases, tests/fixtures/surveys/condition_cases.json).

    {"op": "and", "args": [node, ...]}       every one holds
    {"op": "or", "args": [node, ...]}        at least one holds
    {"op": "not", "args": [node]}            it does not hold
    {"op": "answered", "question": "q3"}     q3 has an answer
    {"op": "=", "question": "q3", "value": v}     also != < <= > >=
    {"op": "selected", "question": "q4", "value": "bus"}   a multiple choice includes bus
    {"op": "=", "question": "q3", "row": "bus", "value": "4"}   one row of a matrix (or one
                                             item of several numbers or texts), tested as
                                             a single choice (multiple choice, number, text)

Values are stored as the answers are (surveys/answers.py): an option code, true/false for
yes/no, a number, an ISO date, a scale level (1-5 or "dk"). A question that was not
answered, or was hidden, has no value: every comparison with it is false, except `!=`,
which is the opposite of `=` (as in XLSForm and LimeSurvey: "not 'yes'" holds when
nothing was said).
"""
from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from voix.i18n import available_languages

from .models import WITH_ROWS, QuestionType

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
OPERATORS = (*COMPARISONS, "selected", "answered")
MAX_NODES = 60  # far more than any real questionnaire needs; bounds the work of a hostile tree
MAX_DEPTH = 10

# What each type of question can be tested with.
SCALES = {QuestionType.agreement, QuestionType.smiley, QuestionType.number, QuestionType.date}
ALLOWED = {
    QuestionType.single_choice: {"=", "!=", "<", "<=", ">", ">="},  # order: numeric codes only
    QuestionType.multiple_choice: {"selected"},
    QuestionType.ranking: {"selected"},
    QuestionType.yes_no: {"=", "!="},
    QuestionType.agreement: set(COMPARISONS),
    QuestionType.smiley: set(COMPARISONS),
    QuestionType.number: set(COMPARISONS),
    QuestionType.date: set(COMPARISONS),
    # Order on text: a number typed as text (LimeSurvey's `num > 10` on a short text).
    QuestionType.short_text: set(COMPARISONS),
    QuestionType.long_text: set(COMPARISONS),
}
# A row of a matrix, or an item of several numbers or texts, is tested as this type.
ROW_TYPES = {
    QuestionType.matrix_single: QuestionType.single_choice,
    QuestionType.matrix_multiple: QuestionType.multiple_choice,
    QuestionType.multiple_number: QuestionType.number,
    QuestionType.multiple_short_text: QuestionType.short_text,
}


class ConditionError(ValueError):
    """A condition that cannot be kept; the message is for the facilitator."""


# --- Evaluation ----------------------------------------------------------------------------


def is_empty(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


def evaluate(node, answers: dict) -> bool:
    """Whether the condition holds for these clean answers ({code: value}); no condition: True."""
    if not node:
        return True
    op = node["op"]
    if op == "and":
        return all(evaluate(arg, answers) for arg in node["args"])
    if op == "or":
        return any(evaluate(arg, answers) for arg in node["args"])
    if op == "not":
        return not evaluate(node["args"][0], answers)
    given = answers.get(node["question"])
    if "row" in node:  # a matrix's answer is {row: value}: the row's value is tested
        given = given.get(node["row"]) if isinstance(given, dict) else None
    if op == "answered":
        return not is_empty(given)
    if op == "!=":
        return not _equal(given, node["value"])
    if is_empty(given):
        return False
    if op == "selected":
        return isinstance(given, list) and node["value"] in given
    if op == "=":
        return _equal(given, node["value"])
    return _compare(op, given, node["value"])


def _equal(given, expected) -> bool:
    if is_empty(given):
        return False
    if isinstance(given, bool) or isinstance(expected, bool):
        return given is expected
    if isinstance(given, (int, float)) and isinstance(expected, (int, float)):
        return given == expected
    return str(given).strip() == str(expected).strip()


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _compare(op, given, expected) -> bool:
    left, right = _number(given), _number(expected)
    if left is None or right is None:  # dates are ISO strings: their order is the text's order
        if not (isinstance(given, str) and isinstance(expected, str)) or _number(given) is not None:
            return False
        left, right = given, expected
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


# --- Reading and checking ------------------------------------------------------------------


def from_legacy(condition: dict, source_type: QuestionType | None):
    """The single condition of migration 0018 and before: {"question": q[, "equals": v]}."""
    if "equals" not in condition:
        return {"op": "answered", "question": condition["question"]}
    op = "selected" if source_type in (QuestionType.multiple_choice, QuestionType.ranking) else "="
    return {"op": op, "question": condition["question"], "value": condition["equals"]}


def normalize(condition, earlier: dict):
    """A checked tree, values read like answers ("yes" -> true, "4" -> 4); ConditionError otherwise.

    `earlier` maps the codes of the questions before this one to their Question (or any
    object with code, type, options and settings)."""
    if not condition:
        return None
    if not isinstance(condition, dict):
        raise ConditionError(_l("This display condition cannot be read."))
    if "op" not in condition and "question" in condition:
        source = earlier.get(condition.get("question"))
        condition = from_legacy(condition, getattr(source, "type", None))
    counter = [0]
    tree = _check(condition, earlier, counter, 0)
    return simplify(tree)


def _check(node, earlier, counter, depth):
    counter[0] += 1
    if counter[0] > MAX_NODES or depth > MAX_DEPTH:
        raise ConditionError(_l("This display condition is too long: split it or simplify it."))
    if not isinstance(node, dict) or node.get("op") not in ("and", "or", "not", *OPERATORS):
        raise ConditionError(_l("This display condition cannot be read."))
    op = node["op"]
    if op in ("and", "or", "not"):
        args = node.get("args")
        if not isinstance(args, list) or not args or (op == "not" and len(args) != 1):
            raise ConditionError(_l("This display condition cannot be read."))
        return {"op": op, "args": [_check(arg, earlier, counter, depth + 1) for arg in args]}
    code = node.get("question")
    source = earlier.get(code) if isinstance(code, str) else None
    if source is None:
        raise ConditionError(_l("A question can only depend on an earlier question."))
    row = {"row": node["row"]} if "row" in node else {}
    if row:
        if source.type not in WITH_ROWS or node["row"] not in [r["code"] for r in source.rows or []]:
            raise ConditionError(_l("The condition must name one of the rows of %(code)s.", code=code))
        source = row_as_question(source)
    if op == "answered":
        return {"op": "answered", "question": code, **row}
    if op not in ALLOWED.get(source.type, set()):
        raise ConditionError(_l("The test “%(op)s” cannot be used on the question %(code)s.",
                                op=op_words(op), code=code))
    return {"op": op, "question": code, **row, "value": _value(source, op, node.get("value"))}


def row_as_question(question):
    """One row of a matrix (or item) as the question it is tested as: same options and limits."""
    return SimpleNamespace(code=question.code, type=ROW_TYPES[question.type], options=question.options,
                           settings=question.settings or {})


def _value(source, op, raw):
    # Late import: answers.py needs nothing from here, and operations imports both.
    from .answers import PARSERS, InvalidAnswer

    if raw is None or isinstance(raw, (dict, list)) or (isinstance(raw, str) and not raw.strip()):
        raise ConditionError(_l("Give the value the condition compares %(code)s with.", code=source.code))
    kind = source.type
    if kind in (QuestionType.multiple_choice, QuestionType.ranking, QuestionType.single_choice):
        if kind is QuestionType.single_choice and op not in ("=", "!="):  # numeric codes, compared as numbers
            if _number_value(raw) is None:
                raise ConditionError(_l("Compare the answer to this question with a number."))
            return _number_value(raw)
        code = option_code(source, raw)
        if code is not None:
            return code
        raise ConditionError(_l("The condition must name one of that question's options."))
    if kind in (QuestionType.short_text, QuestionType.long_text):
        if op not in ("=", "!="):
            if _number_value(raw) is None:
                raise ConditionError(_l("Compare the answer to this question with a number."))
            return _number_value(raw)
        return str(raw).strip()
    if kind is QuestionType.yes_no:
        value = yes_no_value(raw)
        if value is None:
            raise ConditionError(_l("The condition must name one of that question's options."))
        return value
    if kind is QuestionType.agreement and op not in ("=", "!=") and str(raw).strip().lower() == "dk":
        raise ConditionError(_l("“I don't know” has no order: test it with “is equal to” or “is different from”."))
    try:
        if kind is QuestionType.number:  # a condition may compare with a value outside the answer's limits
            value = _number_value(raw)
            if value is None:
                raise InvalidAnswer()
            return value
        return PARSERS[kind](source, raw if not isinstance(raw, float) or not raw.is_integer() else int(raw))
    except InvalidAnswer:
        raise ConditionError(_l("The condition must name one of that question's options.")) from None


def _number_value(raw):
    value = _number(raw)
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if float(value).is_integer() else value


YES_WORDS = {"yes", "true", "1", "y", "oui", "o", "نعم"}
NO_WORDS = {"no", "false", "0", "n", "non", "لا"}


def yes_no_value(raw):
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    return True if word in YES_WORDS else False if word in NO_WORDS else None


def option_code(source, raw):
    """The option's code from its code or its label in any language (a facilitator may type either)."""
    text = str(raw).strip()
    codes = [option["code"] for option in source.options]
    if text in codes:
        return text
    if text.lower() in codes:
        return text.lower()
    for option in source.options:
        if any(text.casefold() == str(label).strip().casefold() for label in (option.get("label") or {}).values()):
            return option["code"]
    return None


def simplify(node):
    """One-element and/or collapse; nested and-in-and flatten: the same meaning, fewer words."""
    if node["op"] in ("and", "or"):
        args = []
        for arg in map(simplify, node["args"]):
            args.extend(arg["args"] if arg["op"] == node["op"] else [arg])
        return args[0] if len(args) == 1 else {"op": node["op"], "args": args}
    if node["op"] == "not":
        inner = simplify(node["args"][0])
        return inner["args"][0] if inner["op"] == "not" else {"op": "not", "args": [inner]}
    return node


def references(node) -> set[str]:
    """The question codes a condition reads."""
    if not node:
        return set()
    if node["op"] in ("and", "or", "not"):
        return set().union(*(references(arg) for arg in node["args"]))
    return {node["question"]}


def all_of(*nodes):
    """The conjunction of several conditions (None ones left out), e.g. a group's and a question's."""
    kept = [node for node in nodes if node]
    if not kept:
        return None
    return simplify({"op": "and", "args": kept}) if len(kept) > 1 else kept[0]


# --- In words --------------------------------------------------------------------------------

# The tests as the builder offers them (surveys/condition_form.py) and as errors name them.
OP_LABELS = {
    "=": _l("is equal to"), "!=": _l("is different from"), "<": _l("is less than"), "<=": _l("is at most"),
    ">": _l("is more than"), ">=": _l("is at least"), "selected": _l("includes"),
    "not_selected": _l("does not include"), "answered": _l("is answered"), "not_answered": _l("is not answered"),
}
# Whole phrases, so that each language puts the words in its own order.
PHRASES = {
    "=": _l("%(question)s is “%(value)s”"),
    "!=": _l("%(question)s is not “%(value)s”"),
    "<": _l("%(question)s is less than %(value)s"),
    "<=": _l("%(question)s is at most %(value)s"),
    ">": _l("%(question)s is more than %(value)s"),
    ">=": _l("%(question)s is at least %(value)s"),
    "selected": _l("%(question)s includes “%(value)s”"),
    "not_selected": _l("%(question)s does not include “%(value)s”"),
    "answered": _l("%(question)s is answered"),
    "not_answered": _l("%(question)s is not answered"),
}


def op_words(op) -> str:
    return str(OP_LABELS.get(op, op))


def describe(node, by_code: dict, language: str | None = None) -> str:
    """'Shown if transport is “Le bus” and age is at least 18', in `language` (else the current one)."""
    if not node:
        return ""
    if language is None:
        return _("Shown if %(condition)s", condition=_words(node, by_code, None, top=True))
    # The words around the options come from a catalogue: a language without one (Turkish)
    # gets French ones, as its pages do; the options' labels are in `language` itself.
    with force_locale(language if language in available_languages() else "fr"):
        return _("Shown if %(condition)s", condition=_words(node, by_code, language, top=True))


def _words(node, by_code, language, top=False) -> str:
    op = node["op"]
    if op in ("and", "or"):
        joiner = _(" and ") if op == "and" else _(" or ")
        text = joiner.join(_words(arg, by_code, language) for arg in node["args"])
        return text if top else f"({text})"
    if op == "not":
        inner = node["args"][0]
        if inner["op"] in ("answered", "selected"):
            return _phrase("not_" + inner["op"], inner, by_code, language)
        if inner["op"] in ("=", "!="):  # the same meaning (see evaluate), said more simply
            return _phrase("!=" if inner["op"] == "=" else "=", inner, by_code, language)
        return _("not %(condition)s", condition=_words(inner, by_code, language))
    return _phrase(op, node, by_code, language)


def _phrase(key, node, by_code, language) -> str:
    value = _value_words(node, by_code, language) if "value" in node else ""
    question = node["question"]
    if "row" in node:
        source = by_code.get(question)
        label = source.row_label(node["row"], language) if hasattr(source, "row_label") else node["row"]
        question = _("%(question)s (row “%(row)s”)", question=question, row=label)
    return str(PHRASES[key]) % {"question": question, "value": value}


def _value_words(node, by_code, language) -> str:
    from .answers import display_value

    source = by_code.get(node["question"])
    value = node["value"]
    if "row" in node and source is not None and source.type in WITH_ROWS:
        if source.type in (QuestionType.matrix_single, QuestionType.matrix_multiple) and value in source.option_codes:
            return source.option_label(value, language)
        return str(value)
    if source is None or (source.type is QuestionType.single_choice and value not in source.option_codes):
        return str(value)
    if source.type in (QuestionType.multiple_choice, QuestionType.ranking):
        return source.option_label(value, language)
    try:
        return display_value(source, value, language) or str(value)
    except (KeyError, TypeError, ValueError):
        return str(value)
