"""The real application for bench/submit_throughput.py, on the database it prepared.

    BENCH_DATABASE_URI=sqlite:////tmp/x/voix.sqlite gunicorn app_real:app
"""
import gc
import os

from voix import create_app

app = create_app({
    "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URI"],
    "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "bench-secret-key-not-for-production"),
    # wrk's few connections from 127.0.0.1 would hit the per-address limit at once.
    "RATELIMIT_ENABLED": False,
})
from voix.privacy import warm_up  # noqa: E402

warm_up()  # as wsgi.py does under gunicorn: the NER model is loaded before the first request
gc.freeze()  # as wsgi.py does in production; app_bare.py does the same
