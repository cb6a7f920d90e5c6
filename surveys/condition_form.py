"""The builder's display-condition editor: a few lines of "question, test, value", joined
by "all" or "any", that a facilitator fills in without writing an expression.

A condition this form cannot show line by line (an imported one with brackets inside,
say) is kept as it is unless the facilitator chooses to replace it; it is shown in words.
"""
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from .conditions import OP_LABELS, ConditionError, normalize
from .models import WITH_ROWS

LINES = 4
MODES = {
    "always": _l("always"),
    "all": _l("only if all of these are true"),
    "any": _l("only if at least one of these is true"),
    "none": _l("unless one of these is true"),
}
KEEP = "keep"
ROW_SEPARATOR = "/"  # "services/bus": the row bus of the matrix services (codes have no "/")
TESTS = OP_LABELS
NEGATED = {"not_selected": "selected", "not_answered": "answered"}
NO_VALUE = {"answered", "not_answered"}


class ConditionLine(Form):
    question = SelectField(_l("Question"), choices=[], validate_choice=False)
    test = SelectField(_l("Comparison"), choices=[SelectChoice(op, label) for op, label in TESTS.items()], default="=")
    value = StringField(_l("Value"), validators=[Optional(), Length(max=200)],
                        description=_l("An option (its code or its label), a number, a date (2026-03-21), yes or no"))


class ConditionFields:
    """Mixed into the question form (surveys/forms.py)."""

    condition_mode = SelectField(_l("Show this question"), choices=[SelectChoice(k, v) for k, v in MODES.items()],
                                 default="always")
    condition_lines = FieldList(FormField(ConditionLine), min_entries=LINES, max_entries=LINES)


def offer_questions(form, earlier, current=None):
    """The questions a condition may read: those before this one. Also says whether the
    stored condition can be kept as it is."""
    # Question texts are typed by facilitators, in any script: each option takes its own direction.
    choices = [SelectChoice("", "—")]
    for q in earlier:
        choices.append(SelectChoice(q.code, f"{q.code} — {q.display_text()[:60]}", render_kw={"dir": "auto"}))
        # Each row of a matrix (each item of several numbers or texts) can be tested on its own.
        choices += [SelectChoice(f"{q.code}{ROW_SEPARATOR}{row['code']}",
                                 f"{q.code} — {q.row_label(row['code'])[:60]}", render_kw={"dir": "auto"})
                    for row in (q.rows or []) if q.type in WITH_ROWS]
    for line in form.condition_lines:
        line.form.question.choices = choices
    if current is not None:
        form.condition_mode.choices = [SelectChoice(KEEP, _l("as it is now (see above)")),
                                       *form.condition_mode.choices]


def fill(form, tree) -> bool:
    """Put a stored tree into the lines; False when it does not fit them (mode "keep")."""
    mode, leaves = _flat(tree)
    if mode is None or len(leaves) > LINES:
        form.condition_mode.data = KEEP
        return False
    form.condition_mode.data = mode
    for line, leaf in zip(form.condition_lines, leaves):
        test, node = leaf
        line.form.question.data = node["question"] + (f"{ROW_SEPARATOR}{node['row']}" if "row" in node else "")
        line.form.test.data = test
        value = node.get("value", "")
        line.form.value.data = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else str(value)
    return True


def _flat(tree):
    if not tree:
        return "always", []
    if tree["op"] == "not" and tree["args"][0]["op"] not in ("and", "not"):
        inner = tree["args"][0]
        leaves = [_leaf(arg) for arg in (inner["args"] if inner["op"] == "or" else [inner])]
        return ("none", leaves) if all(leaves) else (None, [])
    top = tree
    if top["op"] in ("and", "or"):
        leaves = [_leaf(arg) for arg in top["args"]]
        mode = "all" if top["op"] == "and" else "any"
    else:
        leaves, mode = [_leaf(top)], "all"
    if any(leaf is None for leaf in leaves):
        return None, []
    return mode, leaves


def _leaf(node):
    if node["op"] == "not":
        inner = node["args"][0]
        if inner["op"] in ("selected", "answered"):
            return "not_" + inner["op"], inner
        return None
    if node["op"] in ("and", "or"):
        return None
    return node["op"], node


def read(form, earlier: dict, stored):
    """The checked tree the form says; ConditionError (shown on the form) if a line is wrong."""
    mode = form.condition_mode.data
    if mode == KEEP:
        return stored
    if mode not in MODES or mode == "always":
        return None
    nodes = []
    for line in form.condition_lines:
        code, test, value = line.form.question.data, line.form.test.data, (line.form.value.data or "").strip()
        if not code:
            continue
        if test not in TESTS:
            raise ConditionError(_l("Choose a test for each line."))
        if test not in NO_VALUE and not value:
            raise ConditionError(_l("Give the value the condition compares %(code)s with.", code=code))
        question, _separator, row = code.partition(ROW_SEPARATOR)
        node = {"op": NEGATED.get(test, test), "question": question, **({"row": row} if row else {})}
        if test not in NO_VALUE:
            node["value"] = value
        nodes.append({"op": "not", "args": [node]} if test in NEGATED else node)
    if not nodes:
        raise ConditionError(_l("Choose at least one question for the condition, or show the question always."))
    joined = nodes[0] if len(nodes) == 1 else {"op": "and" if mode == "all" else "or", "args": nodes}
    if mode == "none":
        joined = {"op": "not", "args": [{"op": "or", "args": nodes}]}
    return normalize(joined, earlier)
