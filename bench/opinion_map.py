"""Time the opinion map page, first (groups computed) and warm (cached), on SQLite or PostgreSQL.

    python bench/opinion_map.py [--participants 2000] [--statements 500] [--repeat 5]
                                [--database FILE.sqlite | --url postgresql+psycopg://...]

A synthetic conversation with three planted groups (bench/opinion_groups.py's generator)
is written as a Pol.is CSV folder and imported (import_polis), its consultation set to
show results. Then, through the test client (the whole request: the fingerprint query,
the view, the SVG template):

* first: the first GET of /consultations/ID/carte-des-opinions after the cache is emptied
  and every participant's stored group and the k smoothing state are cleared, as on the
  first computation of a conversation (reading the votes, PCA, k-means, the view, and
  remember_groups' writes of 2,000 groups);
* warm: the following GETs, served from the cache (the fingerprint query and the view).

Wall and CPU times (the test client runs in this process, so its CPU time is the
request's); wall times include whatever else the machine is doing.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade

from bench.opinion_groups import synthetic_votes
from deliberation import opinion_map
from deliberation.models import Consultation, Participant
from deliberation.polis_format import PolisComment, PolisVote, write_export
from deliberation.polis_io import import_polis
from voix import create_app
from voix.demo import _create_territories
from voix.extensions import db
from voix.territories.models import territory_by_slug


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", help="an SQLite file to keep the imported conversation in (reused if there)")
    parser.add_argument("--url", help="a database URL instead (e.g. an empty PostgreSQL database; reused if "
                                      "it already holds a consultation)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    database = Path(args.database) if args.database else Path(folder.name) / "b.sqlite"
    database_url = args.url or f"sqlite:///{database}"
    reuse = database.exists() if not args.url else _has_consultation(database_url)
    triples, _planted = synthetic_votes(args.participants, args.statements, 3, seed=0)
    comments = [PolisComment(str(s), f"Statement {s}", "", 1, 1_700_000_000_000) for s in range(args.statements)]
    votes = [PolisVote(str(p), str(s), v, 1_700_000_000_000 + i) for i, (p, s, v) in enumerate(triples)]
    write_export(Path(folder.name) / "export", comments, votes)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        start = time.perf_counter()
        if reuse:
            consultation_id = db.session.scalar(db.select(db.func.max(Consultation.id)))
        else:
            upgrade(directory=app.extensions["migrate"].directory)
            _create_territories()
            consultation = import_polis(Path(folder.name) / "export", "Bench", territory_by_slug("sanitas"))
            db.session.commit()
            consultation_id = consultation.id
            if db.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load:
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql("VACUUM ANALYZE")  # index-only scans need the visibility map
        print(f"{args.participants} participants x {args.statements} statements, {len(votes)} votes "
              f"(imported in {time.perf_counter() - start:.1f} s)")
    client = app.test_client()
    url = f"/consultations/{consultation_id}/carte-des-opinions?lang=fr"
    first, first_cpu, warm, size = [], [], [], 0
    for _ in range(args.repeat):
        opinion_map.forget_cache()
        with app.app_context():  # a conversation never computed: nothing stored yet
            db.session.execute(db.update(Participant).where(Participant.consultation_id == consultation_id)
                               .values(opinion_group=None))
            db.session.get(Consultation, consultation_id).opinion_k_state = None
            db.session.commit()
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        first.append(time.perf_counter() - start)
        first_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200 and "om-svg" in response.text, response.status_code
        size = len(response.data)
        for _ in range(3):
            start = time.perf_counter()
            client.get(url)
            warm.append(time.perf_counter() - start)
    with app.app_context():
        grouped = db.session.scalar(db.select(db.func.count(Participant.id)).where(
            Participant.consultation_id == consultation_id, Participant.opinion_group.is_not(None)))
    print(f"page size {size / 1024:.0f} KB; {grouped} participants' groups stored")
    print(f"first (computed): wall best {min(first):.3f} s, median {statistics.median(first):.3f} s; "
          f"CPU best {min(first_cpu):.3f} s, median {statistics.median(first_cpu):.3f} s")
    print(f"warm (cached):    wall best {min(warm):.3f} s, median {statistics.median(warm):.3f} s")

def _has_consultation(url: str) -> bool:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return inspect(connection).has_table("consultation") and bool(
                connection.execute(text("SELECT count(*) FROM consultation")).scalar())
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
