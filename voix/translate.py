"""`flask translate ...`: keep the gettext catalogues in step with the code."""
import subprocess
from pathlib import Path

import click
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [name for name in ("voix", "surveys", "deliberation", "insights") if (ROOT / name).is_dir()]
POT = "translations/messages.pot"

translate = AppGroup("translate", help="Translation catalogues (fr, en, ar).")


def _run(*args):
    subprocess.run(["pybabel", *args], cwd=ROOT, check=True)


@translate.command("update")
def update_command():
    """Extract the strings from the code and merge them into every catalogue."""
    _run("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "--sort-output", "--no-wrap", "--no-location",
         "--project", "Voix des quartiers", "-o", POT, *SOURCES)
    _run("update", "--no-wrap", "--ignore-obsolete", "-i", POT, "-d", "translations")
    click.echo("Now translate the empty msgstr entries, then run: flask --app wsgi translate compile")


@translate.command("compile")
def compile_command():
    """Compile the .po catalogues into the .mo files the application reads."""
    _run("compile", "-d", "translations")
