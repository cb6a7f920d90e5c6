"""LimeSurvey survey structure files (.lss): XML tables of rows.

LimeSurvey 2 writes each text in the row itself, one row per language (`questions`,
`answers`, `groups` with a `language` field); LimeSurvey 3 and later keep one row per
item and put the texts in `*_l10ns` tables. Both are read into the same `Draft`.
"""
import re
from collections import defaultdict

from flask_babel import lazy_gettext as _l

from ..models import ITEMS_TYPES, QuestionType
from .draft import (
    Draft,
    DraftGroup,
    DraftQuestion,
    ImportRefused,
    number,
    plain_text,
    texts,
    translate_condition,
)
from .expressions import Row, Translator
from .files import parse_xml

# LimeSurvey's one-letter question types we can hold.
WITH_ANSWERS = {"L": QuestionType.single_choice, "!": QuestionType.single_choice,
                "O": QuestionType.single_choice, "R": QuestionType.ranking}
WITH_SUBQUESTIONS = {"M": QuestionType.multiple_choice, "P": QuestionType.multiple_choice}
PLAIN = {"Y": QuestionType.yes_no, "N": QuestionType.number, "D": QuestionType.date,
         "S": QuestionType.short_text, "T": QuestionType.long_text, "U": QuestionType.long_text,
         # LimeSurvey's "5 point choice" shows the digits 1 to 5, nothing more: a labelled
         # choice, not our smiley faces, which would say "very unhappy ... very happy".
         "5": QuestionType.single_choice}
FIVE_POINTS = [str(point) for point in range(1, 6)]
# Arrays: rows (subquestions) sharing a scale. F and H take theirs from the answers (H
# shows it by column: the same data), A, B, C and E have a fixed one, 1 has two (two
# matrices here). ':' and ';' are grids of numbers or texts: one item per row and column.
MATRICES = {"F": QuestionType.matrix_single, "H": QuestionType.matrix_single, "A": QuestionType.matrix_single,
            "B": QuestionType.matrix_single, "C": QuestionType.matrix_single, "E": QuestionType.matrix_single,
            "1": QuestionType.matrix_single, ":": QuestionType.multiple_number, ";": QuestionType.multiple_short_text,
            "K": QuestionType.multiple_number, "Q": QuestionType.multiple_short_text}
INFORMATION = {"X": QuestionType.information}
# The fixed scales' labels, as LimeSurvey shows them; A and B show digits only.
FIXED_SCALES = {
    "A": [(str(point), None) for point in range(1, 6)],
    "B": [(str(point), None) for point in range(1, 11)],
    "C": [("Y", {"fr": "Oui", "en": "Yes", "ar": "نعم"}), ("U", {"fr": "Incertain", "en": "Uncertain", "ar": "غير متأكد"}),
          ("N", {"fr": "Non", "en": "No", "ar": "لا"})],
    "E": [("I", {"fr": "Augmente", "en": "Increase", "ar": "يزداد"}),
          ("S", {"fr": "Reste pareil", "en": "Same", "ar": "يبقى كما هو"}),
          ("D", {"fr": "Diminue", "en": "Decrease", "ar": "ينقص"})],
}
TRIVIAL_RELEVANCE = {"", "1", "true"}


def read_limesurvey(content: bytes) -> Draft:
    root = parse_xml(content)
    if root.tag != "document" or (root.findtext("LimeSurveyDocType") or "").strip() != "Survey":
        raise ImportRefused(_l("This file is not a LimeSurvey survey (.lss) we can read."))
    return _Reader(root).draft


def _table(root, name) -> list[dict]:
    element = root.find(name)
    rows = element.find("rows") if element is not None else None
    if rows is None:
        return []
    return [{child.tag: (child.text or "").strip() for child in row} for row in rows.findall("row")]


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class _Reader:
    def __init__(self, root):
        self.root = root
        survey = (_table(root, "surveys") or [{}])[0]
        base = survey.get("language") or (root.findtext("languages/language") or "en").strip()
        self.draft = Draft(source="LimeSurvey", default_language=base)
        self.l10n = bool(root.find("question_l10ns") is not None)  # LimeSurvey 3 and later
        for row in _table(root, "surveys_languagesettings"):
            language = row.get("surveyls_language", base)
            self.draft.title[language] = row.get("surveyls_title", "")
            self.draft.description[language] = row.get("surveyls_description", "")
        self.draft.title, self.draft.description = texts(self.draft.title), texts(self.draft.description)
        self.texts = self._question_texts()
        self.attributes = self._attributes()
        self.children = self._subquestions()
        self.columns = self._subquestions(scale=1)  # the columns of ':' and ';' grids
        self.answers = self._answers()
        self.second_answers = self._answers(scale=1)  # a dual-scale array's second scale
        self.localized_attributes = self._localized_attributes()
        self._groups()
        self._questions()
        self._resolve_conditions()

    # --- Tables ---------------------------------------------------------------------

    def _question_texts(self) -> dict:
        """{qid: {"question": {lang: text}, "help": {lang: text}}} for questions and subquestions."""
        found = defaultdict(lambda: {"question": {}, "help": {}})
        rows = _table(self.root, "question_l10ns") if self.l10n else (
            _table(self.root, "questions") + _table(self.root, "subquestions"))
        for row in rows:
            language = row.get("language") or self.draft.default_language
            found[row.get("qid")]["question"][language] = row.get("question", "")
            found[row.get("qid")]["help"][language] = row.get("help", "")
        return found

    def _attributes(self) -> dict:
        found = defaultdict(dict)
        for row in _table(self.root, "question_attributes"):
            found[row.get("qid")][row.get("attribute")] = row.get("value", "")
        return found

    def _localized_attributes(self) -> dict:
        """{(qid, attribute): {language: text}} for the attributes written per language."""
        found = defaultdict(dict)
        rows = _table(self.root, "question_attributes") + _table(self.root, "question_attribute_l10ns")
        for row in rows:
            if row.get("value"):
                found[(row.get("qid"), row.get("attribute"))][row.get("language") or self.draft.default_language] = \
                    row["value"]
        return found

    def _subquestions(self, scale=0) -> dict:
        """{parent qid: [(order, code, qid)]}, the subquestions of a scale (0: the rows)."""
        found, seen = defaultdict(list), set()
        for row in _table(self.root, "subquestions") + _table(self.root, "questions"):
            parent = row.get("parent_qid", "0")
            if parent in ("", "0") or row.get("qid") in seen or _int(row.get("scale_id")) != scale:
                continue
            seen.add(row.get("qid"))
            found[parent].append((_int(row.get("question_order")), row.get("title", ""), row.get("qid")))
        return {parent: sorted(items) for parent, items in found.items()}

    def _answers(self, scale=0) -> dict:
        """{qid: [(code, {lang: label})]} in LimeSurvey's order, of one scale."""
        labels = defaultdict(dict)  # (qid, code) -> {lang: label}
        order = {}
        by_aid = {}
        for row in _table(self.root, "answers"):
            if _int(row.get("scale_id")) != scale:
                continue
            key = (row.get("qid"), row.get("code", ""))
            order.setdefault(key, _int(row.get("sortorder")))
            if row.get("aid"):
                by_aid[row["aid"]] = key
            if "answer" in row:  # LimeSurvey 2: the text is in the row
                labels[key][row.get("language") or self.draft.default_language] = row["answer"]
        for row in _table(self.root, "answer_l10ns"):
            key = by_aid.get(row.get("aid")) or (row.get("qid"), row.get("code", ""))
            if key in order:
                labels[key][row.get("language") or self.draft.default_language] = row.get("answer", "")
        found = defaultdict(list)
        for (qid, code), _ in sorted(order.items(), key=lambda item: item[1]):
            found[qid].append((code, texts(labels[(qid, code)]) or {self.draft.default_language: code}))
        return found

    def _groups(self):
        self.group_order, conditions, names, titles = {}, {}, {}, defaultdict(dict)
        for row in _table(self.root, "groups") + _table(self.root, "group_l10ns"):
            gid = row.get("gid")
            if "group_order" in row:
                self.group_order.setdefault(gid, _int(row.get("group_order")))
            if row.get("group_name") and (gid not in names or row.get("language") == self.draft.default_language):
                names[gid] = plain_text(row["group_name"])
            if row.get("group_name"):
                titles[gid][row.get("language") or self.draft.default_language] = row["group_name"]
            if (row.get("grelevance") or "").strip().lower() not in TRIVIAL_RELEVANCE:
                conditions[gid] = row["grelevance"]
        if self.group_order:
            self.draft.note("", _l("Question groups (pages) are not imported, except those shown only in some cases "
                                   "(their relevance), which became parts of the questionnaire; every question was "
                                   "kept, in order."))
        # Expressions, resolved with the questions.
        self.group_conditions, self.group_names, self.group_titles = conditions, names, titles

    # --- Questions ------------------------------------------------------------------

    def _rows(self):
        """Main questions, once each (LimeSurvey 2 repeats a row per language), in survey order."""
        rows, seen = [], set()
        for row in _table(self.root, "questions"):
            if row.get("parent_qid", "0") not in ("", "0") or row.get("qid") in seen:
                continue
            seen.add(row.get("qid"))
            rows.append(row)
        return sorted(rows, key=lambda r: (self.group_order.get(r.get("gid"), 0), _int(r.get("gid")),
                                           _int(r.get("question_order"))))

    def _questions(self):
        self.by_name, self.group_of = {}, {}
        for row in self._rows():
            name, kind, qid = row.get("title", ""), row.get("type", ""), row.get("qid")
            question_type = self._type(name, kind)
            if question_type is None:
                continue
            if kind == ":" and self.attributes[qid].get("multiflexible_checkbox") == "1":
                question_type = QuestionType.matrix_multiple  # a grid of boxes to tick
            if self.attributes[qid].get("hidden") == "1":
                self.draft.note(name, _l("hidden questions are not imported."))
                continue
            found = self.texts.get(qid, {"question": {}, "help": {}})
            question = DraftQuestion(name=name, type=question_type, text=texts(found["question"]),
                                     help=texts(found["help"]), required=row.get("mandatory") == "Y")
            question.options = self._options(qid, kind, question.text)
            question.rows = self._rows_of(name, qid, kind)
            question.settings = self._settings(name, qid, kind)
            question.conditions = row.get("relevance", "")  # an expression until resolved below
            self._warn_about(name, kind, row, found["question"])
            if kind in (":", ";") and question_type in ITEMS_TYPES:
                self._grid_rows(question, kind, qid, row)
                continue
            self.by_name[name] = (question, kind, qid)
            self.group_of[name] = row.get("gid")
            self.draft.questions.append(question)
            if kind == "1":
                self._second_scale(question, qid, row)

    def _type(self, name, kind):
        for types in (WITH_ANSWERS, WITH_SUBQUESTIONS, PLAIN, MATRICES, INFORMATION):
            if kind in types:
                return types[kind]
        if kind == "*":
            self.draft.note(name, _l("calculations are not imported."))
        elif kind == "G":
            self.draft.note(name, _l("gender questions are not imported: use the questionnaire's optional "
                                     "\"about you\" questions."))
        else:
            self.draft.note(name, _l("the type %(type)s has no equivalent here: not imported.", type=kind or "—"))
        return None

    def _options(self, qid, kind, question_texts):
        if kind == "5":
            return [(point, {language: point for language in question_texts}) for point in FIVE_POINTS]
        if kind in FIXED_SCALES:
            return [(code, label or {language: code for language in question_texts} or {"fr": code})
                    for code, label in FIXED_SCALES[kind]]
        if kind in ("F", "H", "1"):
            return self.answers.get(qid, [])
        if kind == ":" and self.attributes[qid].get("multiflexible_checkbox") == "1":
            return self._labelled(self.columns.get(qid, []))
        if kind in WITH_ANSWERS:
            return self.answers.get(qid, [])
        if kind in WITH_SUBQUESTIONS:
            return [(code, texts(self.texts[child]["question"]) or {self.draft.default_language: code})
                    for _, code, child in self.children.get(qid, [])]
        return []

    def _labelled(self, children) -> list:
        """[(code, {lang: text})] of subquestions."""
        return [(code, texts(self.texts[child]["question"]) or {self.draft.default_language: code})
                for _, code, child in children]

    def _rows_of(self, name, qid, kind) -> list:
        """A matrix's rows, or a multiple question's items; a grid (':' ';') has one item per
        row and column, labelled "row / column"."""
        if kind not in MATRICES:
            return []
        rows = self._labelled(self.children.get(qid, []))
        attributes = self.attributes[qid]
        if attributes.get("array_filter") or attributes.get("array_filter_exclude"):
            self.draft.note(name, _l("its rows are filtered by the answers to %(question)s in LimeSurvey; here every "
                                     "row is always shown.", question=attributes.get("array_filter")
                                     or attributes.get("array_filter_exclude")))
        return rows

    def _grid_rows(self, grid, kind, qid, row):
        """A grid of numbers (':') or texts (';'): one question per row, NAME_ROW, whose
        items are the grid's columns (its x-scale), each a number or a short text field, so
        a resident answers a row at a time with the columns' own labels. Its condition, its
        being required and its limits go to every row; the cells keep LimeSurvey's names
        (NAME_ROW_COLUMN), so conditions on a cell are imported as conditions on an item."""
        columns = self._labelled(self.columns.get(qid, []))
        attributes = self.attributes[qid]
        if not columns:
            self.draft.note(grid.name, _l("a grid without columns is not imported."))
            return
        for code, label in grid.rows:
            question = DraftQuestion(
                name=f"{grid.name}_{code}", type=grid.type, required=grid.required, help=dict(grid.help),
                text={language: f"{text} — {label.get(language) or next(iter(label.values()), code)}"
                      for language, text in grid.text.items()},
                rows=list(columns), settings=dict(grid.settings), source=grid.name)
            question.conditions = grid.conditions
            self.by_name[question.name] = (question, kind, qid)
            self.group_of[question.name] = row.get("gid")
            self.draft.questions.append(question)
        kept = _l("a grid of %(rows)s rows and %(columns)s columns (%(names)s): imported as one question per row, "
                  "%(first)s..., each with a field per column.", rows=len(grid.rows), columns=len(columns),
                  names=", ".join(code for code, _ in columns), first=f"{grid.name}_{grid.rows[0][0]}"
                  if grid.rows else grid.name)
        self.draft.note(grid.name, kept)
        if kind == ":" and attributes.get("input_boxes") != "1":
            self.draft.note(grid.name, _l("its cells were lists of numbers (from %(low)s to %(high)s, by %(step)s): "
                                          "here each is a number field with those limits.",
                                          low=grid.settings.get("min", 1), high=grid.settings.get("max", 10),
                                          step=attributes.get("multiflexible_step") or 1))

    def _second_scale(self, first, qid, row):
        """A dual-scale array becomes two matrices with the same rows: the second named NAME_2."""
        headers = [self.localized_attributes.get((qid, f"dualscale_header{side}"), {}) for side in "AB"]
        second = DraftQuestion(name=f"{first.name}_2", type=QuestionType.matrix_single, text=dict(first.text),
                               help=dict(first.help), required=first.required, rows=list(first.rows),
                               options=self.second_answers.get(qid, []), source=first.name)
        for question, header in ((first, headers[0]), (second, headers[1])):
            for language, text in texts(header).items():
                if language in question.text:
                    question.text[language] = f"{question.text[language]} ({text})"
        self.draft.note(first.name, _l("a dual-scale array: imported as two matrices, %(first)s and %(second)s, "
                                       "with the same rows.", first=first.name, second=second.name))
        second.condition = row.get("relevance", "")
        self.by_name[second.name] = (second, "1", None)
        self.group_of[second.name] = row.get("gid")
        self.draft.questions.append(second)

    def _settings(self, name, qid, kind):
        attributes, settings = self.attributes[qid], {}
        if kind == ":" and attributes.get("multiflexible_checkbox") != "1":
            low, high = number(attributes.get("multiflexible_min")), number(attributes.get("multiflexible_max"))
            if attributes.get("input_boxes") != "1":  # LimeSurvey's default: a list of 1 to 10
                low, high = 1 if low is None else low, 10 if high is None else high
            settings.update({key: value for key, value in (("min", low), ("max", high)) if value is not None})
        if kind == "K":
            for key in ("min_num_value", "max_num_value", "equals_num_value"):
                if attributes.get(key):
                    self.draft.note(name, _l("its check on the total of the numbers is not imported: %(expression)s",
                                             expression=f"{key} {attributes[key]}"))
        if kind in ("N", "K"):
            for key, attribute in (("min", "min_num_value_n"), ("max", "max_num_value_n")):
                value = number(attributes.get(attribute))
                if value is not None:
                    settings[key] = value
                elif attributes.get(attribute):
                    self.draft.note(name, _l("its answer check is not imported: %(expression)s",
                                             expression=attributes[attribute]))
        if attributes.get("em_validation_q"):
            self.draft.note(name, _l("its answer check is not imported: %(expression)s",
                                     expression=attributes["em_validation_q"]))
        if kind in WITH_SUBQUESTIONS and _int(attributes.get("max_answers")) > 0:
            settings["max_choices"] = _int(attributes["max_answers"])
        return settings

    def _warn_about(self, name, kind, row, question_texts):
        if row.get("other") == "Y":
            self.draft.note(name, _l("the free-text \"other\" answer is not imported."))
        if kind in ("O", "P"):
            self.draft.note(name, _l("the comments beside the answers are not imported."))
        if row.get("mandatory") == "S":
            self.draft.note(name, _l("a soft mandatory question became optional."))
        if any(re.search(r"\{[^}]+\}", text or "") for text in question_texts.values()):
            self.draft.note(name, _l("its text shows other answers ({...}), which we cannot do: edit the text."))

    # --- Relevance -----------------------------------------------------------------

    def _resolve_conditions(self):
        """Relevance expressions, or the old `conditions` table (LimeSurvey 1.9x), -> condition
        parts; a group's condition is a part of each of its questions' conditions."""
        # The file's names (a grid's rows are questions NAME_ROW here: its cells are found by name).
        qid_to_name = {qid: row.get("title", "") for row in self._rows() if (qid := row.get("qid"))}
        translate = Translator(lambda reference: self._target(reference, qid_to_name))
        for gid, expression in self.group_conditions.items():  # a group with a condition: a part
            name = self.group_names.get(gid) or gid
            part = translate_condition(self.draft, name, expression, translate)
            if part is not None:
                self.draft.groups.append(DraftGroup(key=gid, name=name, title=texts(self.group_titles.get(gid, {}))
                                                    or {self.draft.default_language: name}, condition=part))
        parted = {group.key for group in self.draft.groups}
        table = self._condition_rows()
        for question in self.draft.questions:
            expression = (question.conditions or "").strip()
            qid = self.by_name[question.name][2]
            if self.group_of[question.name] in parted:
                question.group = self.group_of[question.name]
            parts = []
            source = question.source or question.name  # a grid's rows share the grid's condition: counted once
            if expression.lower() not in TRIVIAL_RELEVANCE:
                # LimeSurvey 1.92+ writes the relevance from the conditions table: one or the other.
                parts.append(translate_condition(self.draft, source, _unbraced(expression), translate))
            elif qid in table:
                parts.append(self._old_conditions(source, table[qid], translate, qid_to_name))
            question.conditions = [part for part in parts if part is not None]

    def _condition_rows(self) -> dict:
        """{qid: {scenario: {field: [(method, value)]}}} from LimeSurvey 1.9x's conditions table."""
        found = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        for row in _table(self.root, "conditions"):
            found[row.get("qid")][_int(row.get("scenario"), 1)][row.get("cfieldname", "")].append(
                ((row.get("method") or "==").strip(), row.get("value", "")))
        return found

    def _old_conditions(self, name, scenarios, translate, qid_to_name):
        """Scenarios are alternatives (or); in a scenario each field must hold (and), and the
        values listed for one field are alternatives (or), as LimeSurvey 1.9x reads them."""
        words = " or ".join(
            "(" + " and ".join("(" + " or ".join(f"{_field(field, qid_to_name)} {method} {_quoted(value)}" for method, value in tests)
                               + ")" for field, tests in fields.items()) + ")"
            for _, fields in sorted(scenarios.items()))
        if any(method not in OLD_METHODS or value.startswith("@") for fields in scenarios.values()
               for tests in fields.values() for method, value in tests):
            self.draft.note_condition(name, words, _l("comparisons with other answers or with patterns cannot be "
                                                      "imported"))
            return None
        return translate_condition(self.draft, name, words, translate)

    def _target(self, reference, qid_to_name):
        """(question name, option or None) for `name`, `name.NAOK`, `name_sub`, or `123X4X56sub`."""
        reference = re.sub(r"\.(NAOK|code|value)$", "", reference.lstrip("+"))
        sgqa = re.fullmatch(r"\d+X\d+X(\d+)(\w*)", reference)
        if sgqa:
            name = qid_to_name.get(sgqa.group(1))
            if name is None:
                return None
            return self._target(f"{name}_{sgqa.group(2)}" if sgqa.group(2) else name, qid_to_name)
        if reference in self.by_name:
            return reference, None
        for name, (question, kind, qid) in self.by_name.items():
            if not reference.startswith(name + "_"):
                continue
            sub = reference[len(name) + 1:]
            if kind in WITH_SUBQUESTIONS and any(code == sub for _, code, _ in self.children.get(qid, [])):
                return name, sub
            if kind in MATRICES and any(code == sub for code, _ in question.rows):
                return name, Row(sub)  # one row of an array (one item of a multiple numerical...)
        return None


OLD_METHODS = {"==", "!=", "<", "<=", ">", ">="}


def _field(field, qid_to_name) -> str:
    """A 1.9x field (an SGQA name such as 12345X6X78, or 12345X6X78SQ1) as the question's name
    (name_SQ1 for an option), which the parser reads and a facilitator recognises."""
    sgqa = re.fullmatch(r"\+?\d+X\d+X(\d+)(\w*)", field)
    name = qid_to_name.get(sgqa.group(1)) if sgqa else None
    if name is None:
        return "${" + field + "}"
    return f"{name}_{sgqa.group(2)}" if sgqa.group(2) else name


def _quoted(value) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unbraced(expression) -> str:
    """LimeSurvey shows a relevance as {expression}; some files keep the braces."""
    expression = expression.strip()
    return expression[1:-1] if expression.startswith("{") and expression.endswith("}") else expression
