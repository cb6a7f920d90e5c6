"""`flask surveys ...`: exports and imports from the command line."""
import json
from pathlib import Path

import click
from flask.cli import AppGroup

from voix.audit import record_read
from voix.extensions import db
from voix.territories.models import territory_by_slug

from .exports import FORMATS, export_bytes
from .interchange import ImportRefused, import_questionnaire
from .interchange.xlsform_export import xlsform_bytes
from .models import Questionnaire, Wave

surveys = AppGroup("surveys", help="Recurring surveys.")


@surveys.command("export")
@click.option("--wave", "wave_id", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="wide", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@click.option("--raw", is_flag=True, help="CSV: leave out the ' that keeps spreadsheets from running cells "
              "starting with = + - @ as formulas.")
def export_command(wave_id, fmt, output, raw):
    """Export a wave's responses: CSV wide or long, XLSX, SPSS .sav, or the codebook (CSV)."""
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        raise click.UsageError(f"no wave with id {wave_id}")
    content, _mimetype, _name = export_bytes(wave, fmt, raw=raw)
    output.write_bytes(content)
    record_read("export", f"wave {wave.id}", format=fmt, file=str(output), **({"raw": True} if raw else {}))
    click.echo(f"wrote {output} ({len(content)} bytes)")


@surveys.command("export-xlsform")
@click.option("--questionnaire", "questionnaire_id", type=int, required=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
def export_xlsform_command(questionnaire_id, output):
    """Write a questionnaire's latest version as an XLSForm (.xlsx) that KoBo, ODK and this
    platform's import read, conditions included."""
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        raise click.UsageError(f"no questionnaire with id {questionnaire_id}")
    content = xlsform_bytes(questionnaire)
    output.write_bytes(content)
    click.echo(f"wrote {output} ({len(content)} bytes)")


@surveys.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--territory", required=True, help="Slug of the questionnaire's territory.")
@click.option("--title", default=None, help="French title (else the one in the file).")
@click.option("--language", default=None, help="Language code of the texts whose column names no language "
              "(XLSForm, KoBo), e.g. en; else the file's default language, else French.")
@click.option("--new-version-of", "new_version_of", type=int, default=None,
              help="Id of a questionnaire of that territory: the file becomes its next version, questions "
                   "matched by name so that waves stay comparable.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: questionnaire_id, questions_imported, "
              "not_imported, languages, conditions_imported, conditions_not_imported.")
def import_command(file, territory, title, language, new_version_of, as_json):
    """Import an XLSForm (.xlsx, .csv), KoboToolbox form (.json) or LimeSurvey (.lss) FILE as a
    draft questionnaire, or as a new version of an existing one.

    Prints the questionnaire id on the first line, then what was not imported as it was
    (or, with --json, one JSON object that says all of it).
    """
    place = territory_by_slug(territory)
    if place is None:
        raise click.BadParameter(f"unknown territory: {territory}", param_hint="--territory")
    previous = None
    if new_version_of is not None:
        previous = db.session.get(Questionnaire, new_version_of)
        if previous is None or previous.territory_id != place.id:
            raise click.BadParameter(f"no questionnaire {new_version_of} in {territory}",
                                     param_hint="--new-version-of")
    try:
        result = import_questionnaire(file.name, file.read_bytes(), place, title=title, language=language,
                                      new_version_of=previous)
        db.session.commit()
    except ImportRefused as refused:
        db.session.rollback()
        for note in refused.notes:
            click.echo(f"- {note}", err=True)
        raise click.ClickException(str(refused)) from None
    except Exception:
        db.session.rollback()
        raise
    if as_json:
        click.echo(json.dumps(import_report(result, file.name), ensure_ascii=False))
        return
    click.echo(result.questionnaire.id)
    for note in result.notes:
        click.echo(f"- {note}")


def import_report(result, filename) -> dict:
    """The import as one JSON object (the contract of issue 14). A question counts once
    whatever its rows or items; notes about display conditions go to conditions_not_imported,
    the others to not_imported (a note about the whole file has the file's name as source)."""
    def listed(notes):
        return [{"source": note.subject or filename, "reason": str(note.message)} for note in notes]

    return {"questionnaire_id": result.questionnaire.id, "questions_imported": result.questions_imported,
            "not_imported": listed(result.other_notes), "languages": result.version.languages,
            "conditions_imported": result.conditions_imported,
            "conditions_not_imported": listed(result.condition_notes)}
