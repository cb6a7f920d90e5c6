"""Exports of a wave's responses: CSV wide (one row per response), CSV long (one row per
response x question), XLSX (both sheets, the questions and their comparability, and the
codebook), the codebook alone as CSV, and SPSS .sav (surveys/spss.py).

Rows hold typed values (numbers, dates, date-times, text): the XLSX keeps those types, the
CSV writes them as text and, unless asked for raw text, protects would-be formulas.
Responses are read from the database in batches; the file itself is built in memory.
"""
from datetime import date, datetime, timezone

from flask import Response as HttpResponse
from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voix.audit import record_read
from voix.downloads import XLSX, attachment, csv_bytes, xlsx_bytes
from voix.languages import ordered_languages
from voix.extensions import db
from voix.territories.models import Territory

from .answers import AGREEMENT_LABELS, AGREEMENT_LEVELS, DONT_KNOW, SMILEY_LABELS, SMILEY_LEVELS
from .answers import display_value, row_display
from .models import WITH_ROWS, Question, Questionnaire, QuestionType, Response, Wave
from .conditions import describe
from .operations import questionnaire_comparability

FORMATS = ("wide", "long", "xlsx", "sav", "codebook")
RESPONSE_COLUMNS = ["response_uuid", "wave_id", "wave_number", "version", "submitted_at", "channel",
                    "language", "gender", "gender_description", "age_bracket", "quartier", "invited_by_code",
                    "invitation_code", "panel_code"]
LONG_COLUMNS = ["response_uuid", "wave_id", "wave_number", "version", "question_code", "row_code", "question_type",
                "comparable_across_waves", "value", "label"]


def _responses(wave: Wave, batch=500):
    statement = (select(Response).where(Response.wave_id == wave.id).order_by(Response.id)
                 .options(selectinload(Response.answers)).execution_options(yield_per=batch))
    yield from db.session.scalars(statement)


def _quartier_slugs() -> dict[int, str]:
    return dict(db.session.execute(select(Territory.id, Territory.slug)).all())


def _base_row(wave, response, slugs):
    return [response.uuid, wave.id, wave.number, wave.version.number, _utc(response.submitted_at),
            response.channel.value, response.language, response.gender, response.gender_description,
            response.age_bracket, slugs.get(response.quartier_id), response.invited_by_code,
            response.invitation_code, response.panel_code]


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes (stored in UTC), PostgreSQL aware ones: same output.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _cell(question: Question, value):
    """A stored answer as one typed cell: option codes joined by "|", booleans as 1/0,
    dates as dates; numbers stay numbers and text stays text."""
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, bool):
        return int(value)
    if question.type is QuestionType.date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:  # stored before dates were checked: keep the text as it is
            return value
    return value


def wide_columns(question: Question) -> list[tuple[str, str | None]]:
    """(column name, row code) of a question in the wide export: one column per row or item
    of a matrix or multiple question (`code_row`), none for an information screen."""
    if question.type is QuestionType.information:
        return []
    if question.type in WITH_ROWS:
        return [(f"{question.code}_{row}", row) for row in question.row_codes]
    return [(question.code, None)]


def wide_rows(wave: Wave):
    columns = [(q, row) for q in wave.version.questions for _name, row in wide_columns(q)]
    yield RESPONSE_COLUMNS + [name for q in wave.version.questions for name, _row in wide_columns(q)]
    slugs = _quartier_slugs()
    for response in _responses(wave):
        by_question = {a.question_id: a.value for a in response.answers}
        yield _base_row(wave, response, slugs) + [_wide_cell(q, row, by_question.get(q.id)) for q, row in columns]


def _wide_cell(question, row, value):
    if row is None:
        return _cell(question, value)
    return _cell(question, (value or {}).get(row)) if isinstance(value, dict) else None


def long_rows(wave: Wave, language="fr"):
    """One row per answer; labels in `language`, both the options and the fixed scales."""
    with force_locale(language):
        yield from _long_rows(wave, language)


def _long_rows(wave, language):
    questions = {q.id: q for q in wave.version.questions}
    comparable = questionnaire_comparability(wave.questionnaire)
    yield LONG_COLUMNS
    for response in _responses(wave):
        for answer in sorted(response.answers, key=lambda a: questions[a.question_id].position):
            question = questions[answer.question_id]
            start = [response.uuid, wave.id, wave.number, wave.version.number, question.code]
            common = [question.type.value, int(comparable.get(question.code, False))]
            if question.type in WITH_ROWS and isinstance(answer.value, dict):  # one line per row or item
                for row in question.row_codes:
                    if row in answer.value:
                        yield start + [row] + common + [_cell(question, answer.value[row]),
                                                        row_display(question, answer.value[row], language)]
                continue
            yield start + [None] + common + [_cell(question, answer.value),
                                             display_value(question, answer.value, language)]


def question_rows(questionnaire: Questionnaire):
    """Every question of every version, and whether its code is comparable across waves."""
    comparable = questionnaire_comparability(questionnaire)
    yield ["version", "position", "code", "type", "required", "text_fr", "options", "rows", "comparable_across_waves"]
    for version in questionnaire.versions:
        for q in version.questions:
            yield [version.number, q.position, q.code, q.type.value, int(q.required),
                   q.text.get("fr", ""), "|".join(q.option_codes), "|".join(q.row_codes),
                   int(comparable.get(q.code, False))]


def questionnaire_languages(questionnaire: Questionnaire) -> list[str]:
    """Every language the questionnaire is written in (any BCP 47 code): French first, the
    interface's languages in the platform's order, then the others as they come."""
    used = [*questionnaire.title, "fr"]
    for version in questionnaire.versions:
        for q in version.questions:
            used += list(q.text)
            for option in [*q.options, *(q.rows or [])]:
                used += list(option.get("label") or {})
    ours = [language for language in current_app.config["LANGUAGES"] if language in used]
    return ordered_languages([*ours, *used])


def codebook_rows(wave: Wave):
    """The questions of the wave's version: one row per question (its text and its condition
    in every language), then one row per matrix row or item (`row_code`: its column in the
    wide export is `code_row`), then one row per option or scale point (its label in every
    language).

    `spss_value` is the number the .sav export gives that option."""
    questions = wave.version.questions
    by_code = {q.code: q for q in questions}
    languages = questionnaire_languages(wave.questionnaire)
    comparable = questionnaire_comparability(wave.questionnaire)
    yield (["version", "position", "code", "type", "required", "comparable_across_waves", "row_code", "option_code",
            "spss_value"] + [f"text_{language}" for language in languages]
           + [f"condition_{language}" for language in languages])
    for q in questions:
        common = [wave.version.number, q.position, q.code, q.type.value]
        yield (common + [int(q.required), int(comparable.get(q.code, False)), None, None, None]
               + [q.text.get(language) for language in languages]
               + [condition_text(q, by_code, language) for language in languages])
        for row in q.rows or []:
            yield (common + [None, None, row["code"], None, None]
                   + [(row.get("label") or {}).get(language) for language in languages] + [None] * len(languages))
        for code, spss_value, labels in _codebook_options(q, languages):
            yield common + [None, None, None, code, spss_value] + labels + [None] * len(languages)


def _codebook_options(question: Question, languages):
    """(option code, value in the .sav, [label in each language]) for each option or scale point."""
    def each_language(label):
        texts = []
        for language in languages:
            # Fixed scales are labelled by the interface's catalogues: French for a
            # language without one, as on the survey pages.
            with force_locale(language if language in current_app.config["LANGUAGES"] else "fr"):
                texts.append(str(label(language)))
        return texts

    kind = question.type
    if kind in (QuestionType.single_choice, QuestionType.multiple_choice, QuestionType.ranking,
                QuestionType.matrix_single, QuestionType.matrix_multiple):
        numbered = kind in (QuestionType.single_choice, QuestionType.matrix_single)
        for number, option in enumerate(question.options, start=1):
            labels = [(option.get("label") or {}).get(language) for language in languages]
            yield option["code"], number if numbered else None, labels
    elif kind is QuestionType.agreement:
        for level in AGREEMENT_LEVELS + [DONT_KNOW]:
            spss_value = 9 if level == DONT_KNOW else level
            yield str(level), spss_value, each_language(lambda _language, level=level: AGREEMENT_LABELS[level])
    elif kind is QuestionType.smiley:
        for level in SMILEY_LEVELS:
            yield str(level), level, each_language(lambda _language, level=level: SMILEY_LABELS[level])
    elif kind is QuestionType.yes_no:
        yield "yes", 1, each_language(lambda _language: _("Yes"))
        yield "no", 0, each_language(lambda _language: _("No"))


def condition_text(question: Question, by_code: dict, language: str) -> str | None:
    """The display condition in plain words: "Shown if transport is “Le bus”" (surveys/conditions.py)."""
    return describe(question.shown_if, by_code, language) if question.shown_if else None  # its part's too


def wave_xlsx_bytes(wave: Wave) -> bytes:
    return xlsx_bytes({"responses": wide_rows(wave), "answers_long": long_rows(wave),
                       "questions": question_rows(wave.questionnaire), "codebook": codebook_rows(wave)})


def export_response(wave: Wave, fmt: str) -> HttpResponse:
    """The export as a download (same for the facilitator screens and the API).

    `?raw=1` leaves out the `'` that protects CSV cells from running as formulas."""
    raw = has_request_context() and request.args.get("raw") in ("1", "true", "yes")
    download = attachment(*export_bytes(wave, fmt, raw=raw))
    record_read("export", f"wave {wave.id}", format=fmt, **({"raw": True} if raw else {}))
    return download


def export_bytes(wave: Wave, fmt: str, raw: bool = False) -> tuple[bytes, str, str]:
    """(content, mimetype, file name) for a wave in one of FORMATS.

    CSV cells starting with = + - @ get a protective `'` unless `raw` (XLSX and .sav cells
    are typed and never need it)."""
    stem = f"wave-{wave.id}"
    if fmt == "wide":
        return csv_bytes(wide_rows(wave), safe=not raw), "text/csv", f"{stem}-wide.csv"
    if fmt == "long":
        return csv_bytes(long_rows(wave), safe=not raw), "text/csv", f"{stem}-long.csv"
    if fmt == "codebook":
        return csv_bytes(codebook_rows(wave), safe=not raw), "text/csv", f"{stem}-codebook.csv"
    if fmt == "xlsx":
        return wave_xlsx_bytes(wave), XLSX, f"{stem}.xlsx"
    if fmt == "sav":
        from .spss import sav_bytes  # pandas and pyreadstat load only when asked for

        return sav_bytes(wave), "application/x-spss-sav", f"{stem}.sav"
    raise ValueError(f"unknown export format {fmt!r}")
