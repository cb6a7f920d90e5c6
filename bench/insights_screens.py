"""The discourse and indicator screens with 10,000 texts waiting for the analysis (target: under 1 s).

    python bench/insights_screens.py [--waiting 10000] [--repeat 5] [--database-url URL] [--demo-cache FILE]

1. A fresh database (SQLite in a temp dir, or the PostgreSQL database of --database-url,
   whose public schema is dropped and rebuilt) with `flask demo` (territories, staff,
   five survey waves, deliberation; all of it analysed), then --waiting free-text answers
   to the demo questionnaire's "commentaire" question in the open Sanitas wave, loaded
   by Core executemany and NOT analysed (the screens are timed before and after the load).
2. Signed in as the demo evaluator through the test client (the whole request: routing,
   sign-in check, queries, template), with INSIGHTS_ANALYZE_IN_BACKGROUND off: one warm-up
   then --repeat timed GETs of /evaluation/discours/ and /evaluation/indicateurs/?territory=sanitas,
   checking that each page says the texts are waiting.
3. The same with the setting on: the first GET starts the background thread; the screens
   are timed again while it analyses (they share the process, hence the GIL, with it);
   then the thread is joined and the time it took is printed, with how many texts waited.
Wall times in ms: min, median, max; and, less sensitive to a loaded machine, the CPU time
of the request's own thread (the test client runs the app in the caller's thread, so
`time.thread_time()` counts the request and nothing else, not the background thread) and
the number of SQL statements it sent. The target (median wall time under 1 s with the
texts waiting and no background thread) is checked for both screens: "ok" or "MISSED".
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from voix import create_app  # noqa: E402
from sqlalchemy import event  # noqa: E402

from voix.extensions import db  # noqa: E402

SCREENS = {"discourse": "/evaluation/discours/?lang=en", "indicators": "/evaluation/indicateurs/?territory=sanitas&lang=en"}
TEXTS = ["La CAF ne répond jamais au téléphone, trois mois pour un dossier.",
         "Merci au centre social, les animateurs sont super avec les jeunes.",
         "La mairie a enfin réparé l'éclairage du parking, il était temps.",
         "Tours Habitat ne fait rien pour l'ascenseur en panne depuis des semaines.",
         "France Travail m'a trouvé une formation, ça m'a bien aidé."]


def build(url: str, demo_cache: Path | None = None):
    if demo_cache and demo_cache.exists() and url.startswith("sqlite"):
        shutil.copy(demo_cache, sa.make_url(url).database)
        return _app(url, run_demo=False)
    return _app(url, run_demo=True, demo_cache=demo_cache)


def _app(url, run_demo, demo_cache=None):
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False, "INSIGHTS_ANALYZE_IN_BACKGROUND": False,
                      "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        if run_demo:
            started = time.perf_counter()
            result = app.test_cli_runner().invoke(args=["demo"])
            assert result.exit_code == 0, result.output
            print(f"demo loaded and analysed in {time.perf_counter() - started:.0f} s")
            if demo_cache and url.startswith("sqlite"):
                db.session.remove()
                with db.engine.connect() as connection:  # everything into the main file, then copy it
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                db.engine.dispose()
                shutil.copy(sa.make_url(url).database, demo_cache)
    return app


def _load_waiting(waiting: int):
    from surveys.models import Answer, Channel, Question, Response, Wave, WaveStatus
    from voix.models import utcnow
    from voix.territories.models import territory_by_slug

    sanitas = territory_by_slug("sanitas")
    wave = db.session.scalar(sa.select(Wave).where(Wave.territory_id == sanitas.id, Wave.status == WaveStatus.open))
    question = db.session.scalar(sa.select(Question).where(Question.version_id == wave.version_id,
                                                           Question.code == "commentaire"))
    first_id = (db.session.scalar(sa.select(sa.func.max(Response.id))) or 0) + 1
    start = utcnow() - timedelta(days=2)
    responses = [dict(id=first_id + i, uuid=str(uuid.uuid4()), wave_id=wave.id, version_id=wave.version_id,
                      submitted_at=start + timedelta(seconds=15 * i), channel=Channel.personal, language="fr",
                      quartier_id=sanitas.id, invitation_code=f"B{first_id + i:011d}", invitation_depth=0)
                 for i in range(waiting)]
    answers = [dict(response_id=r["id"], question_id=question.id, value=TEXTS[i % len(TEXTS)])
               for i, r in enumerate(responses)]
    db.session.execute(sa.insert(Response), responses)
    db.session.execute(sa.insert(Answer), answers)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('response', 'id'), max(id)) FROM response"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


TARGET_MS = 1000
STATEMENTS = {"count": 0}


def count_statements(engine):
    """Count the SQL statements sent (every thread's: run it with the background thread off)."""
    @event.listens_for(engine, "before_cursor_execute")
    def _counted(*_args):
        STATEMENTS["count"] += 1


def timed(client, path, repeat, expect_waiting):
    """[(wall ms, request thread CPU ms, SQL statements)] of `repeat` GETs."""
    times = []
    for _ in range(repeat):
        STATEMENTS["count"] = 0
        started, cpu = time.perf_counter(), time.thread_time()
        page = client.get(path)
        times.append(((time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000, STATEMENTS["count"]))
        assert page.status_code == 200, page.status_code
        if expect_waiting:
            assert "texts are waiting for the analysis" in page.text
    return times


def show(label, times, target=False, statements=True):
    wall = [t[0] for t in times]
    cpu = statistics.median(t[1] for t in times)
    verdict = f"  {'ok' if statistics.median(wall) < TARGET_MS else 'MISSED'} (< {TARGET_MS} ms)" if target else ""
    print(f"  {label:34} wall min {min(wall):6.0f}  median {statistics.median(wall):6.0f}  max {max(wall):6.0f} ms;"
          f" CPU median {cpu:5.0f} ms" + (f"; {times[-1][2]:3d} SQL statements" if statements else "") + verdict)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL database to wipe and use (default: SQLite in a temp dir)")
    parser.add_argument("--demo-cache", type=Path, help="SQLite: keep the demo database here and reuse it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
        app = build(url, args.demo_cache)
        with app.app_context():
            count_statements(db.engine)
        client = app.test_client()
        signed_in = client.post("/connexion", data={"email": "evaluation@voix.example", "password": "demo-evaluator"})
        assert signed_in.status_code == 302, signed_in.status_code
        from insights.store import waiting
        with app.app_context():
            print(f"{sa.make_url(url).get_backend_name()}: the demo, {waiting()[0]} texts waiting"
                  f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")
        for name, path in SCREENS.items():
            timed(client, path, 1, False)  # warm-up
            show(name, timed(client, path, args.repeat, False))
        with app.app_context():
            _load_waiting(args.waiting)
            count, oldest = waiting()
        print(f"{count} texts waiting, the oldest written {oldest:%Y-%m-%d %H:%M}")
        print("Background analysis off (a worker runs elsewhere):")
        for name, path in SCREENS.items():
            timed(client, path, 1, True)  # warm-up
            show(name, timed(client, path, args.repeat, True), target=True)
        print("Background analysis on (no worker): timed while the thread analyses")
        app.config["INSIGHTS_ANALYZE_IN_BACKGROUND"] = True
        from insights.waiting import background_thread
        started = time.perf_counter()
        for name, path in SCREENS.items():
            show(name + " (thread running)", timed(client, path, args.repeat, False), statements=False)
        thread = background_thread()
        thread.join()
        print(f"  the background thread analysed the {count} texts in {time.perf_counter() - started:.0f} s")
        with app.app_context():
            assert waiting()[0] == 0
            db.engine.dispose()


if __name__ == "__main__":
    main()
