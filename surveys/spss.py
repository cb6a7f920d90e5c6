"""SPSS .sav export of a wave: one row per response, with variable and value labels.

What an evaluator opens in SPSS, PSPP, R (haven) or Stata without a codebook:
- choices are numbers with value labels (1 = the first option of the version), so that
  SPSS can tabulate them; the numbering is stable because a code's options never change;
- a multiple choice becomes one 0/1 variable per option, a ranking one rank per option;
- a matrix becomes one variable per row (`code_row`, labelled "question : row") with the
  options as value labels, ordinal (a matrix's rows share a rating scale); a matrix with
  several answers per row one 0/1 variable per row and option; a multiple number or short
  text question one variable per item; an information screen none;
- agreement "I don't know" is 9, declared as a user-missing value;
- variable labels are the question texts (French by default), value labels the options;
  the response columns (wave, channel, quartier...) have labels too;
- measurement levels: nominal for choices, yes/no and text, ordinal for smiley and
  agreement scales and ranks, scale for numbers and dates;
- numeric formats fit the values: codes are F1.0 (F2.0 past 9 options), numbers F<n>.0
  when every value is whole, else two decimals.
Written by pyreadstat, which needs a pandas DataFrame and a file path.
"""
import math
import re
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

import pandas
import pyreadstat
from flask_babel import force_locale
from flask_babel import gettext as _

from .answers import AGREEMENT_LABELS, AGREEMENT_LEVELS, DONT_KNOW, SMILEY_LABELS, SMILEY_LEVELS
from .exports import RESPONSE_COLUMNS, _base_row, _quartier_slugs, _responses
from .models import QuestionType, Wave

DONT_KNOW_VALUE = 9
NAME_MAX = 64  # bytes, SPSS's limit for a variable name
RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
NUMERIC_METADATA = {"wave_id", "wave_number", "version"}
METADATA_MEASURES = {"wave_number": "ordinal", "version": "ordinal", "submitted_at": "scale"}  # others: nominal


def metadata_labels() -> dict[str, str]:
    """Variable labels of the response columns, in the current language."""
    return {
        "response_uuid": _("Response identifier"), "wave_id": _("Wave identifier"),
        "wave_number": _("Wave number"), "version": _("Questionnaire version"),
        "submitted_at": _("Submitted at (UTC)"), "channel": _("Channel (kiosk or personal device)"),
        "language": _("Language of the answers"), "gender": _("Gender"),
        "gender_description": _("Gender, in the respondent's words"), "age_bracket": _("Age bracket"),
        "quartier": _("Neighbourhood"), "invited_by_code": _("Invited by (invitation code)"),
        "invitation_code": _("Invitation code of this response"), "panel_code": _("Panel card code"),
    }


def sav_bytes(wave: Wave, language: str = "fr") -> bytes:
    with force_locale(language):
        table = _Table(wave, language)
    frame = pandas.DataFrame({name: table.series(name) for name in table.names})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.sav"
        pyreadstat.write_sav(
            frame, path, file_label=_clip_bytes(wave.questionnaire.display_title(language), 64),
            column_labels=table.labels, variable_value_labels=table.value_labels,
            missing_ranges=table.missing, variable_measure=table.measures, variable_format=table.formats,
        )
        return path.read_bytes()


class _Table:
    """Columns of values by variable name, and what SPSS should know about each variable."""

    def __init__(self, wave, language):
        self.names, self.values, self.kinds = [], {}, {}
        self.labels, self.value_labels, self.missing, self.measures, self.formats = {}, {}, {}, {}, {}
        self._taken = set()
        labels = metadata_labels()
        for column in RESPONSE_COLUMNS:
            kind = "number" if column in NUMERIC_METADATA else "datetime" if column == "submitted_at" else "text"
            self._add(column, kind, labels[column], measure=METADATA_MEASURES.get(column, "nominal"))
        self.questions = [(question, self._variables(question, language)) for question in wave.version.questions]
        slugs = _quartier_slugs()
        for response in _responses(wave):
            for column, value in zip(RESPONSE_COLUMNS, _base_row(wave, response, slugs)):
                self.values[column].append(_metadata_value(column, value, response))
            by_question = {a.question_id: a.value for a in response.answers}
            for question, variables in self.questions:
                for name, value in _question_values(question, by_question.get(question.id), variables).items():
                    self.values[name].append(value)
        for name in self.names:
            if self.kinds[name] == "number":
                self.formats[name] = _numeric_format(self.values[name] + list(self.value_labels.get(name, {})))

    def _add(self, wanted, kind, label=None, value_labels=None, measure=None):
        name = self._name(wanted)
        self.names.append(name)
        self.values[name], self.kinds[name] = [], kind
        if label:
            self.labels[name] = label
        if value_labels:
            self.value_labels[name] = value_labels
        if measure:
            self.measures[name] = measure
        if kind == "date":
            self.formats[name] = "DATE11"
        return name

    def _name(self, wanted) -> str:
        """A valid, unique SPSS name: letters, digits and _, starting with a letter, 64 bytes at most."""
        name = re.sub(r"[^A-Za-z0-9_]", "_", wanted)
        if not name[:1].isalpha() or name.lower() in RESERVED:
            name = f"q_{name}"
        name, n = name[:NAME_MAX], 1
        while name.lower() in self._taken:  # SPSS names ignore case
            n += 1
            name = f"{name[:NAME_MAX - len(str(n)) - 1]}_{n}"
        self._taken.add(name.lower())
        return name

    def _variables(self, question, language):
        """{option code or None: variable name} for this question's variables."""
        text = question.display_text(language)
        kind = question.type
        options = [(o["code"], question.option_label(o["code"], language)) for o in question.options]
        if kind is QuestionType.multiple_choice:
            chosen = {0.0: _("not chosen"), 1.0: _("chosen")}
            return {code: self._add(f"{question.code}_{code}", "number", f"{text} : {label}", chosen, "nominal")
                    for code, label in options}
        if kind in (QuestionType.matrix_single, QuestionType.matrix_multiple,
                    QuestionType.multiple_number, QuestionType.multiple_short_text):
            return self._row_variables(question, text, options, language)
        if kind is QuestionType.information:
            return {}
        if kind is QuestionType.ranking:
            return {code: self._add(f"{question.code}_{code}", "number", f"{text} : {label}", None, "ordinal")
                    for code, label in options}
        if kind is QuestionType.single_choice:
            labels = {float(i): label for i, (_code, label) in enumerate(options, start=1)}
            return {None: self._add(question.code, "number", text, labels, "nominal")}
        if kind is QuestionType.agreement:
            labels = {float(level): str(AGREEMENT_LABELS[level]) for level in AGREEMENT_LEVELS}
            labels[float(DONT_KNOW_VALUE)] = str(AGREEMENT_LABELS[DONT_KNOW])
            name = self._add(question.code, "number", text, labels, "ordinal")
            self.missing[name] = [float(DONT_KNOW_VALUE)]
            return {None: name}
        if kind is QuestionType.smiley:
            labels = {float(level): str(SMILEY_LABELS[level]) for level in SMILEY_LEVELS}
            return {None: self._add(question.code, "number", text, labels, "ordinal")}
        if kind is QuestionType.yes_no:
            return {None: self._add(question.code, "number", text, {1.0: _("Yes"), 0.0: _("No")}, "nominal")}
        if kind is QuestionType.number:
            return {None: self._add(question.code, "number", text, None, "scale")}
        if kind is QuestionType.date:
            return {None: self._add(question.code, "date", text, None, "scale")}
        return {None: self._add(question.code, "text", text, None, "nominal")}

    def _row_variables(self, question, text, options, language):
        """{row code or (row, option): variable name} for a question with rows or items."""
        kind, variables = question.type, {}
        for row in question.row_codes:
            label = f"{text} : {question.row_label(row, language)}"
            wanted = f"{question.code}_{row}"
            if kind is QuestionType.matrix_single:
                labels = {float(i): option for i, (_code, option) in enumerate(options, start=1)}
                variables[row] = self._add(wanted, "number", label, labels, "ordinal")
            elif kind is QuestionType.matrix_multiple:
                chosen = {0.0: _("not chosen"), 1.0: _("chosen")}
                for code, option in options:
                    variables[(row, code)] = self._add(f"{wanted}_{code}", "number", f"{label} : {option}",
                                                       chosen, "nominal")
            elif kind is QuestionType.multiple_number:
                variables[row] = self._add(wanted, "number", label, None, "scale")
            else:
                variables[row] = self._add(wanted, "text", label, None, "nominal")
        return variables

    def series(self, name):
        values, kind = self.values[name], self.kinds[name]
        if kind == "number":
            return pandas.Series(values, dtype="float64")
        if kind in ("date", "datetime"):
            # Microseconds: pyreadstat 1.3 misreads datetime64[s] columns.
            return pandas.Series(values, dtype="datetime64[us]")
        return pandas.Series(values, dtype=object).fillna("").astype(str)


def _metadata_value(column, value, response):
    if column == "submitted_at":
        moment = response.submitted_at
        moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
        return moment.replace(tzinfo=None)  # SPSS has no time zones: UTC, as in the CSV exports
    if column in NUMERIC_METADATA:
        return float(value)
    return "" if value is None else str(value)


def _question_values(question, value, variables) -> dict:
    """{variable name: value} for one answer; unanswered: missing (NaN, NaT or "")."""
    kind = question.type
    missing = math.nan
    if kind is QuestionType.information:
        return {}
    if kind in (QuestionType.matrix_single, QuestionType.matrix_multiple,
                QuestionType.multiple_number, QuestionType.multiple_short_text):
        return _row_values(question, value if isinstance(value, dict) else None, variables)
    if kind is QuestionType.multiple_choice:
        chosen = set(value or [])
        return {name: (float(code in chosen) if value is not None else missing) for code, name in variables.items()}
    if kind is QuestionType.ranking:
        ranks = {code: float(rank) for rank, code in enumerate(value or [], start=1)}
        return {name: ranks.get(code, missing) for code, name in variables.items()}
    name = variables[None]
    if value is None:
        empty = {QuestionType.date: None, QuestionType.short_text: "", QuestionType.long_text: ""}
        return {name: empty.get(kind, missing)}
    if kind is QuestionType.single_choice:
        codes = question.option_codes
        return {name: float(codes.index(value) + 1) if value in codes else missing}
    if kind is QuestionType.agreement:
        return {name: float(DONT_KNOW_VALUE if value == DONT_KNOW else value)}
    if kind in (QuestionType.smiley, QuestionType.number):
        return {name: float(value)}
    if kind is QuestionType.yes_no:
        return {name: float(bool(value))}
    if kind is QuestionType.date:
        return {name: datetime.combine(date.fromisoformat(value), datetime.min.time())}
    return {name: str(value)}


def _row_values(question, value, variables) -> dict:
    kind, values = question.type, {}
    for key, name in variables.items():
        if kind is QuestionType.matrix_multiple:
            row, code = key
            given = None if value is None else value.get(row)
            values[name] = math.nan if given is None else float(code in given)  # a row left empty: missing
            continue
        given = None if value is None else value.get(key)
        if kind is QuestionType.multiple_short_text:
            values[name] = "" if given is None else str(given)
        elif given is None:
            values[name] = math.nan
        elif kind is QuestionType.matrix_single:
            codes = question.option_codes
            values[name] = float(codes.index(given) + 1) if given in codes else math.nan
        else:
            values[name] = float(given)
    return values


def _numeric_format(values) -> str:
    """F<width>.0 when every value is whole (codes, counts), else F<width>.2."""
    present = [v for v in values if v is not None and not math.isnan(v)]
    whole = all(float(v).is_integer() for v in present)
    digits = max([len(str(int(abs(v)))) + (v < 0) for v in present], default=1)
    return f"F{digits}.0" if whole else f"F{digits + 3}.2"


def _clip_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")
