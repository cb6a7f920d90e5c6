"""`flask deliberation ...`: Pol.is import and export, opinion groups from the command line."""
import json
from pathlib import Path

import click
from flask.cli import AppGroup

from voix.extensions import db
from voix.territories.models import territory_by_slug

from .models import Consultation, Moderation, Statement
from .polis_format import read_conversation
from .polis_io import (
    EXPORT_FILES,
    PolisImportError,
    export_polis,
    import_polis,
    opinion_groups_for,
    opinion_groups_summary,
    remember_groups,
)

deliberation = AppGroup("deliberation", help="Consultations: Pol.is import and export, opinion groups.")

FOLDER = click.Path(file_okay=False, dir_okay=True, path_type=Path)


def _consultation(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise click.BadParameter(f"no consultation with id {consultation_id}", param_hint="ID")
    return consultation


@deliberation.command("import-polis")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=Path))
@click.option("--title", help="Title of the new consultation (default: the conversation's topic, "
              "from conversation.json or summary.csv).")
@click.option("--territory", default="metropole", show_default=True, help="Territory slug.")
@click.option("--language", default="fr", show_default=True, help="Language of the title.")
@click.option("--api-signs", is_flag=True,
              help="JSON votes from Pol.is's raw API, where agree is -1 (not the export's 1).")
def import_polis_command(folder, title, territory, language, api_signs):
    """Import a Pol.is export FOLDER as a closed consultation: Pol.is's CSV export
    (comments.csv, votes.csv, possibly prefixed with a date and report id), Pol.is's JSON
    (comments.json, votes.json) or a red-dwarf fixture folder (the JSON files with
    conversation.json and math-pca2.json).

    Prints only the new consultation id, so scripts can capture it.
    """
    if title is None:
        title = read_conversation(folder).get("topic", "")
    if not title.strip():
        raise click.BadParameter("give a non-empty title (the folder names no topic)", param_hint="--title")
    place = territory_by_slug(territory)
    if place is None:
        raise click.BadParameter(f"unknown territory: {territory}", param_hint="--territory")
    try:
        consultation = import_polis(folder, title.strip(), place, language=language,
                                    agree_is_minus_one=api_signs)
        db.session.commit()
    except PolisImportError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    except Exception:
        db.session.rollback()
        raise
    click.echo(consultation.id)


@deliberation.command("opinion-groups")
@click.argument("consultation_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True,
              help='Print {"groups": [{"id", "members"}], "consensus", "n_participants_clustered"}.')
def opinion_groups_command(consultation_id, as_json):
    """Opinion groups of consultation ID, from its votes (rejected statements left out).

    Participants and statements are named by their external (Pol.is) id when they have
    one, else by their id here.
    """
    consultation = _consultation(consultation_id)
    result = opinion_groups_for(consultation)
    remember_groups(consultation, result)  # for the indicators across opinion groups
    if as_json:
        click.echo(json.dumps(opinion_groups_summary(result), ensure_ascii=False))
        return
    click.echo(f"{consultation.display_title()}: {len(result.groups)} opinion groups, "
               f"{result.n_participants_clustered} participants clustered")
    for group in result.groups:
        click.echo(f"  group {group.id}: {len(group.members)} participants")
    if not result.consensus:
        click.echo("  no consensus statement")
        return
    texts = {str(s.external_id if s.external_id is not None else s.id): s.text
             for s in db.session.scalars(db.select(Statement).where(
                 Statement.consultation_id == consultation.id, Statement.moderation != Moderation.rejected))}
    click.echo("  consensus:")
    for statement_id in result.consensus:
        text = texts.get(statement_id, "")
        click.echo(f"    [{statement_id}] {text if len(text) <= 100 else text[:99] + '…'}")


@deliberation.command("export-polis")
@click.argument("consultation_id", metavar="ID", type=int)
@click.argument("folder", type=FOLDER)
@click.option("--overwrite", is_flag=True, help="Replace the export files already in FOLDER.")
def export_polis_command(consultation_id, folder, overwrite):
    """Write consultation ID as a Pol.is export FOLDER, in both formats: comments.csv and
    votes.csv (openData's columns), comments.json and votes.json (Pol.is's API names)."""
    consultation = _consultation(consultation_id)
    existing = [name for name in EXPORT_FILES if (folder / name).exists()]
    if existing and not overwrite:
        raise click.ClickException(f"{folder} already holds {' and '.join(existing)}; "
                                   "choose another folder or pass --overwrite")
    try:
        n_comments, n_votes = export_polis(consultation, folder)
    except OSError as error:
        raise click.ClickException(f"cannot write to {folder}: {error.strerror or error}") from None
    click.echo(f"wrote {n_comments} comments and {n_votes} votes to {folder} (CSV and JSON)")
