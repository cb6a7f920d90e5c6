"""`flask surveys ...`: exports from the command line."""
from pathlib import Path

import click
from flask.cli import AppGroup

from voix.extensions import db

from .exports import FORMATS, export_bytes
from .models import Wave

surveys = AppGroup("surveys", help="Recurring surveys.")


@surveys.command("export")
@click.option("--wave", "wave_id", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="wide", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
def export_command(wave_id, fmt, output):
    """Export a wave's responses: CSV wide or long, or XLSX."""
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        raise click.UsageError(f"no wave with id {wave_id}")
    content, _mimetype, _name = export_bytes(wave, fmt)
    output.write_bytes(content)
    click.echo(f"wrote {output} ({len(content)} bytes)")
