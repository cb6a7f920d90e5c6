"""`flask privacy ...`: the scrubber from the command line.

    flask --app wsgi privacy scrub < in.jsonl > out.jsonl
    flask --app wsgi privacy evaluate shared/data/privacy/pii_dev.jsonl --json
"""
import json
import sys

import click
from flask.cli import AppGroup

from . import analyse_many, warm_up, without_control_characters
from .evaluate import evaluate as score, read_jsonl

privacy = AppGroup("privacy", help="Personal data: scrub and evaluate residents' free text, purge old raw text, erase by code.")

BATCH = 64


def stored_texts(texts):
    """Exactly what the platform stores for each text (clean_text, batched)."""
    return [s.text for s in analyse_many([without_control_characters(t).strip() for t in texts])]


@privacy.command("scrub")
def scrub_command():
    """Read JSON lines {"id", "text"} on stdin, write them with `text` as it would be stored."""
    rows = []
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError('each line must be an object with a string "text"')
        except ValueError as error:
            raise click.ClickException(f"line {number}: {error}")
        rows.append(row)
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        for row, text in zip(chunk, stored_texts([r["text"] for r in chunk])):
            click.echo(json.dumps({**row, "text": text}, ensure_ascii=False))


@privacy.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option("--misses", is_flag=True, help="Also list the spans left and the keep strings lost.")
def evaluate_command(path, as_json, misses):
    """Score the scrubber on a labelled set (format of shared/data/privacy/pii_dev.jsonl)."""
    warm_up()  # the model loads once per process: not part of the per-text cost
    result, missed = score(read_jsonl(path), stored_texts)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"{result['n']} texts, recall {result['recall']:.3f}, keep rate "
                   f"{result['keep_rate']:.3f}, {result['texts_per_second']} texts/s")
        for kind, figures in result["by_type"].items():
            click.echo(f"  {kind:<14} {figures['found']:>4}/{figures['total']:<4} {figures['recall']:.3f}")
    if misses:
        for miss in missed:
            # "(replaced whole)": only words the text also holds elsewhere are left (evaluate.left_elsewhere)
            mark = " (replaced whole)" if miss.get("left_elsewhere") else ""
            click.echo(f"{miss['id']}\t{miss['type']}{mark}\t{miss['value']}\t{miss['scrubbed']}", err=as_json)
