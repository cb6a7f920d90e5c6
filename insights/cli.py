"""`flask insights ...`: thin adapters over the plain-Python analysis."""
import json
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from voix.models import local_today
from voix.territories.models import territory_by_slug

from .evaluate import evaluate_file
from .indicators import indicator_report
from .indicators.scope import PeriodError, read_period
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


@insights.command("indicators")
@click.option("--territory", "slug", required=True, help="Territory slug (metropole, a commune or a quartier).")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day (default: a year before --to).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print what GET /api/v1/indicators answers.")
def indicators_command(slug, start, end, as_json):
    """Every indicator of the action sheet for a territory and period."""
    territory = territory_by_slug(slug)
    if territory is None:
        raise click.UsageError(f"no territory {slug!r}")
    try:
        period = read_period(start, end, local_today())
    except PeriodError as error:
        raise click.UsageError(str(error)) from None
    report = indicator_report(territory, period)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"{territory.name}, {period.start} to {period.end} (figures from fewer than "
               f"{report['min_people']} people are not shown)")
    for item in report["indicators"]:
        before = item["previous"]["value"]
        click.echo(f"  {item['label']}: {_dash(item['value'])}  (previous period: {_dash(before)})")


def _dash(value):
    return "-" if value is None else value
