"""`flask insights ...`: thin adapters over the plain-Python analysis."""
import json
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from .evaluate import evaluate_file
from .store import analyze_pending, pending_count

insights = AppGroup("insights", help="Discourse analysis of residents' texts.")


@insights.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def evaluate_command(path, as_json):
    """Score the analysis against a gold JSONL file (shared/data/discourse/FORMAT.md)."""
    report = evaluate_file(path)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    detection, stance, tone = report["target_detection"], report["target_stance"], report["doc_polarity"]
    click.echo(f"{report['n']} texts: institution detection F1 {detection['f1']:.3f}, "
               f"stance macro-F1 {stance['macro_f1']:.3f}, tone macro-F1 {tone['macro_f1']:.3f}")


@insights.command("analyze")
@click.option("--every", type=int, default=0, metavar="SECONDS",
              help="Keep running and analyse new texts every SECONDS (for a worker process).")
def analyze_command(every):
    """Analyse the texts residents wrote that are not analysed yet (idempotent, resumable)."""
    while True:
        pending = pending_count()
        if pending:
            with click.progressbar(length=pending, label="Analysing texts") as bar:
                done = analyze_pending(on_batch=bar.update)
            click.echo(f"{done} texts analysed.")
        elif not every:
            click.echo("Nothing new to analyse.")
        if not every:
            return
        time.sleep(every)
