"""XLSForm (what KoBo, ODK and SurveyCTO read): sheets `survey`, `choices`, `settings`,
in an .xlsx workbook or in pyxform's .csv layout (or a plain CSV of the survey sheet).

Only what our model can hold is imported; groups are flattened, repeats, calculations,
media and complex relevance are left out, each with a note. Matrices come from a group of
`select_one` rows with the appearances `label` / `list-nolabel` (ODK's grid), from
KoboToolbox's `begin_score` and `begin_kobomatrix`; notes become information screens.
See docs/surveys.md.
"""
import csv
import io
import re

from flask_babel import lazy_gettext as _l

from ..models import QuestionType
from .draft import (
    Draft,
    DraftGroup,
    DraftQuestion,
    ImportRefused,
    number,
    our_language,
    strip_parentheses,
    texts,
    translate_condition,
)
from .expressions import Row, Translator
from .files import workbook_sheets

MAX_ROWS = 5000
LANGUAGE_COLUMNS = {"label", "hint", "guidance_hint", "constraint_message", "required_message",
                    "image", "audio", "video", "media", "big-image", "form_title"}
COLUMN_ALIASES = {
    "bind:relevant": "relevant", "relevance": "relevant", "bind:required": "required",
    "bind:constraint": "constraint", "control:appearance": "appearance", "list name": "list_name",
    "bind:calculate": "calculation", "bind:readonly": "read_only", "choice filter": "choice_filter",
    "bind:jr:constraintmsg": "constraint_message", "bind:jr:requiredmsg": "required_message",
}
TYPE_ALIASES = {"string": "text", "int": "integer", "trigger": "acknowledge", "select one": "select_one",
                "select1": "select_one", "select all that apply": "select_multiple",
                "select multiple": "select_multiple", "select_one": "select_one",
                "select_multiple": "select_multiple", "rank": "rank"}
SIMPLE_TYPES = {"integer": QuestionType.number, "decimal": QuestionType.number, "range": QuestionType.number,
                "date": QuestionType.date, "text": QuestionType.short_text}
CHOICE_TYPES = {"select_one": QuestionType.single_choice, "select_multiple": QuestionType.multiple_choice,
                "rank": QuestionType.ranking}
METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
            "audit", "start-geopoint", "background-audio", "imei", "instanceid"}
_SELECT = re.compile(r"^(select_one|select one|select1|select_multiple|select all that apply|select multiple|rank)"
                     r"(?:\s+from)?\s+(\S+)(\s+or[_ ]other|\s+or specify other)?$", re.IGNORECASE)
OUR_SCALES = {"yes_no", "agreement", "smiley"}
TRUE, FALSE = {"yes", "true", "true()", "1"}, {"", "no", "false", "false()", "0"}


def read_xlsform(content: bytes, *, csv_layout=False, language=None) -> Draft:
    return draft_from_sheets(_csv_sheets(content) if csv_layout else _xlsx_sheets(content), language=language)


def draft_from_sheets(sheets: dict, *, source="XLSForm", language=None) -> Draft:
    """{"survey": [{header: text}], "choices": [...], "settings": [...]} -> a draft.

    `language` is the language of the columns that name none (label, hint), when the
    person importing says it; else the form's default_language, else French.
    """
    if not sheets.get("survey"):
        raise ImportRefused(_l("This XLSForm has no survey sheet (with type, name and label columns)."))
    return _Reader(sheets, source, language).draft


# --- Reading the sheets into rows of {header: text} ----------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(header, lines):
    header = [_cell(h) for h in header]
    rows = []
    for line in lines:
        values = [_cell(v) for v in line]
        if any(values):
            rows.append({h: v for h, v in zip(header, values) if h})
        if len(rows) > MAX_ROWS:
            raise ImportRefused(_l("This file has too many rows for a questionnaire."))
    return rows


def _xlsx_sheets(content):
    sheets = {}
    for title, rows in workbook_sheets(content).items():
        name = title.strip().lower()
        if name in ("survey", "choices", "settings") and name not in sheets:
            lines = iter(rows)
            header = next((row for row in lines if any(_cell(v) for v in row)), ())
            sheets[name] = _rows(header, lines)
    return sheets


def _csv_sheets(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(_l("This CSV file is not in UTF-8: save it again as CSV UTF-8.")) from None
    lines = [line for line in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in line)]
    if not lines:
        return {}
    if lines[0][0].strip().lower() not in ("survey", "choices", "settings"):
        return {"survey": _rows(lines[0], lines[1:])}  # a plain CSV of the survey sheet alone
    sheets, name, header, body = {}, None, None, []
    for line in lines + [["end"]]:
        if line[0].strip():  # pyxform's layout: a sheet name alone, then its header, indented by one cell
            if name in ("survey", "choices", "settings") and header is not None:
                sheets.setdefault(name, _rows(header, body))
            name, header, body = line[0].strip().lower(), None, []
        elif header is None:
            header = line[1:]
        else:
            body.append(line[1:])
    return sheets


def _column(header):
    """'label::Français (fr)' -> ('label', 'Français (fr)'); 'bind:relevant' -> ('relevant', None)."""
    base, tag = header, None
    if "::" in header:
        base, _, tag = header.partition("::")
    elif ":" in header and header.split(":", 1)[0].strip().lower() in LANGUAGE_COLUMNS:
        base, _, tag = header.partition(":")
    base = base.strip().lower()
    return COLUMN_ALIASES.get(base, base), (tag.strip() or None) if tag else None


class _Row:
    def __init__(self, raw, unqualified):
        self.plain, self.localized = {}, {}
        for header, value in raw.items():
            base, tag = _column(header)
            if base in LANGUAGE_COLUMNS:
                if value:
                    self.localized.setdefault(base, {})[tag or unqualified] = value
            elif value:
                self.plain[base] = value

    def get(self, key) -> str:
        return self.plain.get(key, "")

    def texts(self, key) -> dict:
        return texts(self.localized.get(key, {}))


# --- From rows to a draft --------------------------------------------------------------


class _Reader:
    def __init__(self, sheets, source, language):
        self.sheets = sheets
        settings = sheets.get("settings", [{}])[0] if sheets.get("settings") else {}
        headers = {h for sheet in sheets.values() for row in sheet for h in row}
        explicit_french = any(our_language(_column(h)[1]) == "fr" for h in headers if _column(h)[1])
        default = next((v for h, v in settings.items() if _column(h)[0] == "default_language" and v), None)
        # Columns without a language are in the form's default language; without one named,
        # they are taken as French (this platform's language), and the user is told.
        self.unqualified = language or default or ("default" if explicit_french else "fr")
        self.draft = Draft(source=source, default_language=self.unqualified)
        guessed = not (language or default or explicit_french)
        if guessed and any(_column(h)[0] in ("label", "hint") and not _column(h)[1] for h in headers):
            self.draft.note("", _l("Columns without a language (label, hint) were read as French."))
        self.choices = self._choices()
        settings_row = _Row(settings, self.unqualified)
        self.draft.title = settings_row.texts("form_title") or texts({self.unqualified: settings_row.get("form_id")})
        self.groups, self.repeats, self.metadata = [], [], []
        self.part_keys = {}  # a part of our own export (`voix_part`) -> its DraftGroup's key
        # The names of a matrix's rows in the file -> (matrix, Row(row)): a condition on one
        # row (${services_bus}) is a condition on that row of the matrix.
        self.row_names = {}
        self.translate = Translator(lambda reference: self.row_names.get(reference, (reference, None)))
        self._walk()
        if self.groups:
            self.draft.note("", _l("Groups are not imported; their questions were kept, in order: %(names)s",
                                   names=", ".join(self.groups)))
        if self.metadata:
            self.draft.note("", _l("Metadata fields are not imported: %(names)s", names=", ".join(self.metadata)))

    def _choices(self):
        lists = {}
        for raw in self.sheets.get("choices", []):
            row = _Row(raw, self.unqualified)
            list_name, name = row.get("list_name"), row.get("name")
            if list_name and name:
                lists.setdefault(list_name, []).append((name, row.texts("label") or {self.unqualified: name}))
        return lists

    def _walk(self):
        stack = []  # open groups and repeats: (kind, name, condition or None)
        rows = [_Row(raw, self.unqualified) for raw in self.sheets["survey"]]
        index = 0
        while index < len(rows):
            row = rows[index]
            kind, name = _kind(row), row.get("name")
            index += 1
            if kind in MATRIX_BLOCKS or (kind == "begin group" and _is_grid(rows, index)):
                end = _block_end(rows, index)
                inside = rows[index:end]
                index = end + 1
                if any(frame[0] == "begin repeat" for frame in stack):
                    self.repeats[-1][1].append(name)
                else:
                    self._matrix(kind, row, inside, [frame for frame in reversed(stack) if frame[3]])
                continue
            if kind in ("begin group", "begin repeat"):
                stack.append(self._open(kind, name or row.texts("label").get(self.unqualified, "?"), row))
            elif kind in ("end group", "end repeat"):
                if stack:
                    stack.pop()
            elif any(frame[0] == "begin repeat" for frame in stack):
                self.repeats[-1][1].append(name)
            elif kind or name:
                self._question(row, name, [frame for frame in reversed(stack) if frame[3]])
        for repeat, inside in self.repeats:
            self.draft.note(repeat, _l("repeats are not imported, nor the questions inside: %(names)s",
                                       names=", ".join(n for n in inside if n) or "—"))

    def _matrix(self, kind, row, inside, group_conditions):
        """A matrix block: a grid group, a KoboToolbox score or matrix."""
        name = row.get("name") or _slug(row.texts("label").get(self.unqualified)) or "matrix"
        if kind == "begin kobomatrix" or (kind == "begin matrix" and row.get("kobo--matrix_list")):
            self._kobo_matrix(row, name, inside, group_conditions)
            return
        if kind == "begin score":
            list_name = row.get("kobo--score-choices")
            lines = [line for line in inside if _kind(line) == "score row"]
            question_type = QuestionType.matrix_single
        else:  # a group of select_one rows sharing a list: one labels the columns, the others are rows
            lines = [line for line in inside if "list-nolabel" in line.get("appearance").lower()] or [
                line for line in inside if _SELECT.match(" ".join(line.get("type").split()))
                and line.get("appearance").lower() != "label"]
            if not lines:
                self.draft.note(name, _l("a matrix without rows is not imported."))
                return
            select = _SELECT.match(" ".join(lines[0].get("type").split()))
            list_name = select.group(2)
            question_type = (QuestionType.matrix_multiple if "multiple" in select.group(1).lower()
                             or "all" in select.group(1).lower() else QuestionType.matrix_single)
        if list_name not in self.choices:
            self.draft.note(name, _l("not imported: its list of choices %(list)s is not in the choices sheet.",
                                     list=list_name or "—"))
            return
        text = row.texts("label") or next((line.texts("label") for line in inside
                                           if line.get("appearance").lower() == "label" and line.texts("label")), {})
        # A row's code: its name in the file, or the code our export kept in `voix_row`.
        codes = [line.get("voix_row") or line.get("name") or f"row_{number}" for number, line in enumerate(lines, 1)]
        question = DraftQuestion(name=name, type=question_type, text=text, help=row.texts("hint"),
                                 options=list(self.choices[list_name]),
                                 rows=[(code, line.texts("label") or {self.unqualified: code})
                                       for code, line in zip(codes, lines)])
        self.row_names.update({line.get("name"): (name, Row(code)) for code, line in zip(codes, lines)
                               if line.get("name")})
        question.required = any(line.get("required").strip().lower().lstrip("=") in TRUE for line in [row, *lines])
        self._condition(row, question, group_conditions)
        for line in lines:
            if line.get("relevant"):
                self.draft.note(line.get("name") or name, _l("a condition on one row of a matrix is not imported: "
                                                             "%(expression)s", expression=line.get("relevant")))
        if not any(line.get("voix_row") for line in lines):  # our own export needs no word
            self.draft.note(name, _l("imported as one matrix of %(n)s rows.", n=len(lines)))
        self.draft.questions.append(question)

    def _kobo_matrix(self, row, name, inside, group_conditions):
        """KoboToolbox's matrix: rows from a list, each column a question asked of every row,
        so each column becomes one question with the matrix's rows."""
        list_name = row.get("kobo--matrix_list")
        if list_name not in self.choices:
            self.draft.note(name, _l("not imported: its list of choices %(list)s is not in the choices sheet.",
                                     list=list_name or "—"))
            return
        rows = list(self.choices[list_name])
        columns = {column.get("name") for column in inside if column.get("name")}
        # A cell: KoboToolbox names it MATRIX_ROW_COLUMN; our export, COLUMN_ROW. All are
        # known before any column's condition is read: one may name a cell of another column.
        for column_name in columns:
            for code, _label in rows:
                self.row_names[f"{name}_{code}_{column_name}"] = (column_name, Row(code))
                self.row_names[f"{column_name}_{code}"] = (column_name, Row(code))
        for column in inside:
            raw_type = " ".join(column.get("type").split())
            column_name = column.get("name")
            select = _SELECT.match(raw_type)
            base = TYPE_ALIASES.get(raw_type.lower(), raw_type.lower())
            if select and select.group(2) in self.choices:
                multiple = TYPE_ALIASES[select.group(1).lower()] == "select_multiple"
                question_type = QuestionType.matrix_multiple if multiple else QuestionType.matrix_single
                options = list(self.choices[select.group(2)])
            elif base in ("integer", "decimal"):
                question_type, options = QuestionType.multiple_number, []
            elif base == "text":
                question_type, options = QuestionType.multiple_short_text, []
            else:
                self.draft.note(column_name or name, _l("a column of a matrix of type %(type)s has no equivalent "
                                                        "here: not imported.", type=raw_type or "—"))
                continue
            question = DraftQuestion(name=column_name or f"{name}_column", type=question_type,
                                     text=column.texts("label"), help=column.texts("hint"), options=options,
                                     rows=rows)
            self._required(column, question)
            self._condition(row, question, group_conditions)
            self._column_condition(column, question, columns)
            limits = _limits(column.get("constraint")) if column.get("constraint") and \
                question_type is QuestionType.multiple_number else None
            if limits is not None:
                question.settings = limits
            elif column.get("constraint"):
                self.draft.note(question.name, _l("a condition or check on the cells of a matrix is not imported: "
                                                  "%(expression)s", expression=column.get("constraint")))
            self.draft.questions.append(question)
        if not all(column.get("voix_type") for column in inside):  # our own export needs no word
            self.draft.note(name, _l("a KoboToolbox matrix: each of its columns was imported as a question with the "
                                     "matrix's rows."))

    def _column_condition(self, column, question, columns):
        """A column's `relevant` in a KoboToolbox matrix. Naming only questions outside the
        matrix, or cells by their whole name (${MATRIX_ROW_COLUMN}, our ${COLUMN_ROW}), it is
        the same for every row: the column's condition here (a cell: a row condition). Naming
        another column alone (${COLUMN}), KoboToolbox reads it as that column's cell in the
        same row, so each row has its own condition: a question here has one condition for
        all its rows, so that one is said and not imported."""
        expression = column.get("relevant")
        if not expression or expression.strip().lower() in TRUE:
            return
        if columns & set(_REFERENCE.findall(expression)):
            self.draft.note_condition(question.name, expression, _l(
                "it names another column of the KoboToolbox matrix, read in the same row: each row would have its "
                "own condition, and a question here has one for all its rows"))
            return
        part = translate_condition(self.draft, question.name, expression, self.translate)
        if part is not None:
            question.conditions.append(part)

    def _open(self, kind, name, row):
        """A frame of the walk: (kind, name, condition, key of its part). A group with a
        condition becomes a part (DraftGroup); the others are only listed in a note. Our own
        export names its part in `voix_part` (with or without a condition): the groups of
        one part, split by other questions, make that one part again."""
        condition, key = None, None
        ours = row.get("voix_part") if kind == "begin group" else ""
        if ours in self.part_keys:
            group = next(g for g in self.draft.groups if g.key == self.part_keys[ours])
            return kind, name, group.condition, group.key
        if kind == "begin repeat":
            self.repeats.append((name, []))
        else:
            if row.get("relevant") and row.get("relevant").strip().lower() not in TRUE:
                condition = translate_condition(self.draft, name, row.get("relevant"), self.translate)
            if condition is None and not ours:
                self.groups.append(name)
            else:
                key = f"{ours or name}#{len(self.draft.groups)}"
                self.draft.groups.append(DraftGroup(key=key, name=ours or name, condition=condition,
                                                    title=row.texts("label") or {self.unqualified: name}))
                if ours:
                    self.part_keys[ours] = key
        return kind, name, condition, key

    def _question(self, row, name, group_conditions):
        raw_type = " ".join(row.get("type").split())
        if not name:
            self.draft.note(raw_type or "?", _l("a row without a name was not imported."))
            return
        question_type, options = self._type(row, name, raw_type)
        if question_type is None:
            return
        if question_type is QuestionType.information and not row.texts("label"):
            self.draft.note(name, _l("a note without text (an image or a sound only) is not imported."))
            return
        question = DraftQuestion(name=name, type=question_type, text=row.texts("label"), help=row.texts("hint"),
                                 options=options)
        if row.get("voix_type") in OUR_SCALES and question_type is QuestionType.single_choice:
            # Written by our own export (xlsform_export.py): a scale of ours, as a list of its points.
            question.type, question.options = QuestionType(row.get("voix_type")), []
        self._required(row, question)
        self._condition(row, question, group_conditions)
        self._limits(row, question, raw_type.lower())
        if question_type is QuestionType.short_text and "multiline" in row.get("appearance").lower():
            question.type = QuestionType.long_text
        for column, message in (("choice_filter", _l("its choice filter is not imported.")),
                                ("default", _l("its default answer is not imported.")),
                                ("calculation", _l("its calculation is not imported."))):
            if row.get(column):
                self.draft.note(name, message)
        if any("${" in text for text in question.text.values()):
            self.draft.note(name, _l("its text shows other answers (${...}), which we cannot do: edit the text."))
        self.draft.questions.append(question)

    def _type(self, row, name, raw_type):
        lowered = raw_type.lower()
        select = _SELECT.match(raw_type)
        if select:
            kind = TYPE_ALIASES[select.group(1).lower()]
            list_name = select.group(2)
            if select.group(3):
                self.draft.note(name, _l("the free-text \"other\" answer is not imported."))
            if list_name not in self.choices:
                self.draft.note(name, _l("not imported: its list of choices %(list)s is not in the choices sheet.",
                                         list=list_name))
                return None, []
            return CHOICE_TYPES[kind], list(self.choices[list_name])
        base = TYPE_ALIASES.get(lowered, lowered)
        if base in SIMPLE_TYPES:
            return SIMPLE_TYPES[base], []
        if base in METADATA or base.startswith("uri:"):
            self.metadata.append(name)
        elif base == "note":
            return QuestionType.information, []
        elif base in ("calculate", "hidden"):
            self.draft.note(name, _l("calculations are not imported."))
        else:
            self.draft.note(name, _l("the type %(type)s has no equivalent here: not imported.", type=raw_type or "—"))
        return None, []

    def _required(self, row, question):
        value = row.get("required").strip().lower().lstrip("=")
        if value in TRUE:
            question.required = True
        elif value not in FALSE:
            self.draft.note(question.name, _l("its condition for being required is not imported: it is optional."))

    def _condition(self, row, question, group_conditions):
        """Its innermost conditioned group is its part (whose condition it takes as a
        member); the conditions of the groups around that one (outermost first), then its
        own, are its own condition: all must hold."""
        if group_conditions:
            question.group = group_conditions[0][3]
        parts = [frame[2] for frame in reversed(group_conditions[1:]) if frame[2] is not None]
        expression = row.get("relevant")
        if expression and expression.strip().lower() not in TRUE:
            parts.append(translate_condition(self.draft, question.name, expression, self.translate))
        question.conditions = [part for part in parts if part is not None]

    def _limits(self, row, question, raw_type):
        settings = {}
        if raw_type == "range":
            parameters = dict(re.findall(r"(\w+)\s*=\s*(-?[\d.]+)", row.get("parameters")))
            settings = {"min": number(parameters.get("start", "1")), "max": number(parameters.get("end", "10"))}
        constraint = row.get("constraint")
        if constraint:
            limits = _limits(constraint) if question.type is QuestionType.number else (
                _most_choices(constraint) if question.type is QuestionType.multiple_choice else None)
            if limits is None:
                self.draft.note(question.name, _l("its answer check is not imported: %(expression)s",
                                                  expression=constraint))
            else:
                settings.update(limits)
        question.settings = {key: value for key, value in settings.items() if value is not None}


# --- Matrix blocks ---------------------------------------------------------------------

_REFERENCE = re.compile(r"\$\{\s*([^}\s]+)\s*\}")  # ${name} in an expression

MATRIX_BLOCKS = ("begin score", "begin kobomatrix", "begin matrix")


def _kind(row) -> str:
    """'begin_group' -> 'begin group', 'score__row' -> 'score row'."""
    return re.sub(r"[\s_]+", " ", row.get("type")).strip().lower()


def _block_end(rows, start) -> int:
    """The index of the `end ...` row closing the block opened just before `start`."""
    depth = 1
    for index in range(start, len(rows)):
        kind = _kind(rows[index])
        if kind.startswith("begin "):
            depth += 1
        elif kind.startswith("end "):
            depth -= 1
            if depth == 0:
                return index
    return len(rows)


def _is_grid(rows, start) -> bool:
    """A group whose rows are all selects from one list with the appearance `label` or
    `list-nolabel` (at least one): ODK's way of drawing a matrix."""
    inside = rows[start:_block_end(rows, start)]
    lists, rows_seen = set(), 0
    for row in inside:
        select = _SELECT.match(" ".join(row.get("type").split()))
        appearance = row.get("appearance").lower()
        if not select or not ({"label", "list-nolabel"} & set(appearance.split())):
            return False
        lists.add(select.group(2))
        rows_seen += "list-nolabel" in appearance
    return rows_seen > 0 and len(lists) == 1


def _slug(text) -> str:
    return re.sub(r"\W+", "_", str(text or "")).strip("_")[:40]


# --- Expressions ---------------------------------------------------------------------------

# ${name} is the question of that name; the builder says when it was not imported.
_BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")


def _most_choices(constraint: str) -> dict | None:
    """`count-selected(.) <= 3` -> {"max_choices": 3}."""
    match = re.fullmatch(r"count-selected\(\s*\.\s*\)\s*<=\s*(\d+)", strip_parentheses(constraint))
    return {"max_choices": int(match.group(1))} if match else None


def _limits(constraint: str) -> dict | None:
    """`. >= 0 and . <= 120` -> {"min": 0, "max": 120}; other checks -> None."""
    limits = {}
    for part in re.split(r"\s+and\s+", strip_parentheses(constraint)):
        match = _BOUND.match(strip_parentheses(part))
        if not match:
            return None
        limits["min" if match.group(1) == ">=" else "max"] = number(match.group(2))
    return limits

