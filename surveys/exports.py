"""Exports of a wave's responses: CSV wide (one row per response), CSV long (one row per
response x question), XLSX (both sheets, plus the questions and their comparability) and
SPSS .sav (surveys/spss.py).

Responses are read from the database in batches; the file itself is built in memory.
"""
from datetime import datetime, timezone

from flask import Response as HttpResponse
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voix.audit import record_read
from voix.downloads import XLSX, attachment, csv_bytes, spreadsheet_safe, xlsx_bytes
from voix.extensions import db
from voix.territories.models import Territory

from .answers import display_value
from .models import Questionnaire, Response, Wave
from .operations import questionnaire_comparability

FORMATS = ("wide", "long", "xlsx", "sav")
RESPONSE_COLUMNS = ["response_uuid", "wave_id", "wave_number", "version", "submitted_at", "channel",
                    "language", "gender", "gender_description", "age_bracket", "quartier", "invited_by_code",
                    "invitation_code", "panel_code"]
LONG_COLUMNS = ["response_uuid", "wave_id", "wave_number", "version", "question_code", "question_type",
                "comparable_across_waves", "value", "label"]


def _responses(wave: Wave, batch=500):
    statement = (select(Response).where(Response.wave_id == wave.id).order_by(Response.id)
                 .options(selectinload(Response.answers)).execution_options(yield_per=batch))
    yield from db.session.scalars(statement)


def _quartier_slugs() -> dict[int, str]:
    return dict(db.session.execute(select(Territory.id, Territory.slug)).all())


def _base_row(wave, response, slugs):
    return [response.uuid, wave.id, wave.number, wave.version.number, _utc(response.submitted_at).isoformat(),
            response.channel.value, response.language, response.gender or "", response.gender_description or "",
            response.age_bracket or "", slugs.get(response.quartier_id, ""), response.invited_by_code or "",
            response.invitation_code, response.panel_code or ""]


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes (stored in UTC), PostgreSQL aware ones: same output.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _cell(value):
    # Machine-readable: option codes joined by "|", booleans as 1/0.
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, bool):
        return int(value)
    return value


def wide_rows(wave: Wave):
    questions = wave.version.questions
    yield RESPONSE_COLUMNS + [q.code for q in questions]
    slugs = _quartier_slugs()
    for response in _responses(wave):
        by_question = {a.question_id: a.value for a in response.answers}
        yield [spreadsheet_safe(v) for v in _base_row(wave, response, slugs)] + [
            spreadsheet_safe(_cell(by_question.get(q.id, ""))) for q in questions
        ]


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
            yield [spreadsheet_safe(v) for v in (
                response.uuid, wave.id, wave.number, wave.version.number, question.code, question.type.value,
                int(comparable.get(question.code, False)), _cell(answer.value),
                display_value(question, answer.value, language),
            )]


def question_rows(questionnaire: Questionnaire):
    """Every question of every version, and whether its code is comparable across waves."""
    comparable = questionnaire_comparability(questionnaire)
    yield ["version", "position", "code", "type", "required", "text_fr", "options", "comparable_across_waves"]
    for version in questionnaire.versions:
        for q in version.questions:
            yield [version.number, q.position, q.code, q.type.value, int(q.required),
                   spreadsheet_safe(q.text.get("fr", "")), "|".join(q.option_codes),
                   int(comparable.get(q.code, False))]


def wave_xlsx_bytes(wave: Wave) -> bytes:
    return xlsx_bytes({"responses": wide_rows(wave), "answers_long": long_rows(wave),
                       "questions": question_rows(wave.questionnaire)})


def export_response(wave: Wave, fmt: str) -> HttpResponse:
    """The export as a download (same for the facilitator screens and the API)."""
    download = attachment(*export_bytes(wave, fmt))
    record_read("export", f"wave {wave.id}", format=fmt)
    return download


def export_bytes(wave: Wave, fmt: str) -> tuple[bytes, str, str]:
    """(content, mimetype, file name) for a wave in one of FORMATS."""
    stem = f"wave-{wave.id}"
    if fmt == "wide":
        return csv_bytes(wide_rows(wave)), "text/csv", f"{stem}-wide.csv"
    if fmt == "long":
        return csv_bytes(long_rows(wave)), "text/csv", f"{stem}-long.csv"
    if fmt == "xlsx":
        return wave_xlsx_bytes(wave), XLSX, f"{stem}.xlsx"
    if fmt == "sav":
        from .spss import sav_bytes  # pandas and pyreadstat load only when asked for

        return sav_bytes(wave), "application/x-spss-sav", f"{stem}.sav"
    raise ValueError(f"unknown export format {fmt!r}")


