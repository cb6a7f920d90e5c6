"""Time to import each real questionnaire file, in-process, read and built into a draft
questionnaire on an in-memory SQLite database.

    python bench/imports.py [--repeat 5] [--write-docs]

Files: ../shared/data/surveys/ or $VOIX_SHARED_SURVEYS (real XLSForm, LimeSurvey and
KoboToolbox files from other projects, kobo_versions/ included; skipped with a note when
absent), tests/fixtures/surveys/ (ours), and two made-up
pathological copies of quartier.xlsx: every sheet declaring the whole 1,048,576 x 1,024
grid with a styled empty cell in its last corner (what made openpyxl walk a billion
empty cells), and 1,000 styled empty rows (as Google Sheets saves a form).
Target (issue 14): every real form under 2 s. Prints the first, best and median of
--repeat runs (the first run of the process also loads babel's language names);
--write-docs puts the table in docs/bench.md, between its markers.
"""
import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from surveys.interchange import ImportRefused, import_questionnaire  # noqa: E402
from tests.test_surveys_import import with_declared_range  # noqa: E402
from voix import create_app  # noqa: E402
from voix.demo import _create_territories  # noqa: E402
from voix.extensions import db  # noqa: E402
from voix.territories.models import territory_by_slug  # noqa: E402

SHARED = Path(os.environ.get("VOIX_SHARED_SURVEYS") or ROOT.parent / "shared" / "data" / "surveys")
DOCS = ROOT / "docs" / "bench.md"
START, END = "<!-- bench/imports.py: start -->", "<!-- bench/imports.py: end -->"
SUFFIXES = (".xlsx", ".csv", ".lss", ".json")
FIXTURES = ROOT / "tests" / "fixtures" / "surveys"


def files():
    """(name, content, origin) of every file to time."""
    for folder, origin in ((SHARED, "shared"), (FIXTURES, "ours")):
        if not folder.is_dir():
            print(f"(skipped: {folder} not found)")
            continue
        for path in sorted(folder.rglob("*")):
            # condition_cases.json is the table of condition tests, not a questionnaire.
            if path.suffix in SUFFIXES and path.is_file() and path.name != "condition_cases.json":
                yield str(path.relative_to(folder)), path.read_bytes(), origin
    quartier = (FIXTURES / "quartier.xlsx").read_bytes()
    yield ("quartier.xlsx, whole grid declared, last corner styled",
           with_declared_range(quartier, last_cell_styled=True), "made up")
    yield "quartier.xlsx, 1,000 styled empty rows", with_declared_range(quartier, styled_empty_rows=1000), "made up"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true", help="put the table in docs/bench.md")
    args = parser.parse_args()
    lines = []
    folder = tempfile.TemporaryDirectory()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder.name}/b.sqlite"})
    with app.app_context(), app.test_request_context():
        upgrade(directory=app.extensions["migrate"].directory)
        _create_territories()
        territory = territory_by_slug("sanitas")
        print(f"{'file':<60} {'KB':>6} {'questions':>9} {'first s':>7} {'best s':>7} {'median s':>8}  languages")
        for name, content, origin in files():
            times, questions, languages = [], "-", "-"
            for _ in range(args.repeat):
                start = time.perf_counter()
                try:
                    result = import_questionnaire(Path(name.split(",")[0]).name, content, territory)
                    questions = len(result.version.questions)
                    languages = " ".join(result.version.languages)
                except ImportRefused as refused:
                    questions = f"refused: {refused}"
                times.append(time.perf_counter() - start)
                db.session.rollback()
            best, median = min(times), statistics.median(times)
            print(f"{name:<60} {len(content) / 1024:>6.0f} {questions!s:>9} {times[0]:>7.3f} {best:>7.3f} "
                  f"{median:>8.3f}  {languages}")
            lines.append(f"| {name} ({origin}) | {len(content) / 1024:,.0f} | {questions} | {languages} | "
                         f"{times[0]:.2f} | {best:.2f} | {median:.2f} |")
    if args.write_docs:
        write_docs(lines, args.repeat)


def write_docs(lines, repeat):
    table = "\n".join([
        START,
        (f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.node() or 'this machine'} "
         f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}); {repeat} runs each."),
        "",
        "| file | KB | questions | languages | first s | best s | median s |",
        "|---|---:|---:|---|---:|---:|---:|",
        *lines,
        END,
    ])
    text = DOCS.read_text(encoding="utf-8")
    if START in text and END in text:
        text = text[:text.index(START)] + table + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + table + "\n"
    DOCS.write_text(text, encoding="utf-8")
    print(f"wrote {DOCS}")


if __name__ == "__main__":
    main()
