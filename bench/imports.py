"""Time to import each real questionnaire file, in-process, read and built into a draft
questionnaire on an in-memory SQLite database.

    python bench/imports.py [--repeat 5]

Files: ../shared/data/surveys/ (real XLSForm and LimeSurvey files from other projects,
skipped with a note when absent), tests/fixtures/surveys/ (ours), and two made-up
pathological copies of quartier.xlsx: every sheet declaring the whole 1,048,576 x 1,024
grid with a styled empty cell in its last corner (what made openpyxl walk a billion
empty cells), and 1,000 styled empty rows (as Google Sheets saves a form).
Target (issue 14): every real form under 2 s. Prints the best and median of --repeat runs.
"""
import argparse
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

SHARED = ROOT.parent / "shared" / "data" / "surveys"
FIXTURES = ROOT / "tests" / "fixtures" / "surveys"


def files():
    for folder in (SHARED / "xlsform", SHARED / "limesurvey", FIXTURES):
        if not folder.is_dir():
            print(f"(skipped: {folder} not found)")
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix in (".xlsx", ".csv", ".lss"):
                yield path.name, path.read_bytes()
    quartier = (FIXTURES / "quartier.xlsx").read_bytes()
    yield "quartier.xlsx, whole grid declared, last corner styled", with_declared_range(quartier, last_cell_styled=True)
    yield "quartier.xlsx, 1,000 styled empty rows", with_declared_range(quartier, styled_empty_rows=1000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder.name}/b.sqlite"})
    with app.app_context(), app.test_request_context():
        upgrade(directory=app.extensions["migrate"].directory)
        _create_territories()
        territory = territory_by_slug("sanitas")
        print(f"{'file':<60} {'KB':>6} {'questions':>9} {'best s':>7} {'median s':>8}")
        for name, content in files():
            times, questions = [], "-"
            for _ in range(args.repeat):
                start = time.perf_counter()
                try:
                    result = import_questionnaire(name.split(",")[0], content, territory)
                    questions = len(result.questionnaire.latest_version.questions)
                except ImportRefused as refused:
                    questions = f"refused: {refused}"
                times.append(time.perf_counter() - start)
                db.session.rollback()
            print(f"{name:<60} {len(content) / 1024:>6.0f} {questions!s:>9} {min(times):>7.3f} {statistics.median(times):>8.3f}")


if __name__ == "__main__":
    main()
