"""Time the opinion map page, cold (groups computed) and warm (cached), on SQLite.

    python bench/opinion_map.py [--participants 2000] [--statements 500] [--repeat 5]

A synthetic conversation with three planted groups (bench/opinion_groups.py's generator)
is written as a Pol.is CSV folder and imported (import_polis), its consultation set to
show results. Then, through the test client (the whole request: the fingerprint query,
the view, the SVG template):

* cold: the first GET of /consultations/ID/carte-des-opinions after the cache is emptied
  (PCA, k-means, the view, and remember_groups' writes);
* warm: the following GETs, served from the cache (one aggregate query and the view).

Wall times include whatever else the machine is doing.
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
from deliberation.models import Consultation
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
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    database = Path(args.database) if args.database else Path(folder.name) / "b.sqlite"
    reuse = database.exists()
    triples, _planted = synthetic_votes(args.participants, args.statements, 3, seed=0)
    comments = [PolisComment(str(s), f"Statement {s}", "", 1, 1_700_000_000_000) for s in range(args.statements)]
    votes = [PolisVote(str(p), str(s), v, 1_700_000_000_000 + i) for i, (p, s, v) in enumerate(triples)]
    write_export(Path(folder.name) / "export", comments, votes)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
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
        print(f"{args.participants} participants x {args.statements} statements, {len(votes)} votes "
              f"(imported in {time.perf_counter() - start:.1f} s)")
    client = app.test_client()
    url = f"/consultations/{consultation_id}/carte-des-opinions?lang=fr"
    cold, warm, size = [], [], 0
    for _ in range(args.repeat):
        opinion_map.forget_cache()
        start = time.perf_counter()
        response = client.get(url)
        cold.append(time.perf_counter() - start)
        assert response.status_code == 200 and "om-svg" in response.text, response.status_code
        size = len(response.data)
        for _ in range(3):
            start = time.perf_counter()
            client.get(url)
            warm.append(time.perf_counter() - start)
    print(f"page size {size / 1024:.0f} KB")
    print(f"cold (computed): best {min(cold):.3f} s, median {statistics.median(cold):.3f} s")
    print(f"warm (cached):   best {min(warm):.3f} s, median {statistics.median(warm):.3f} s")


if __name__ == "__main__":
    main()
