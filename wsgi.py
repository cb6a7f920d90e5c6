"""Entry point for `flask --app wsgi ...` and for gunicorn (`gunicorn wsgi:app`)."""
import gc
import sys
import threading

from voix import create_app
from voix.privacy import warm_up

app = create_app()
if "gunicorn" in sys.argv[0]:
    # Load the scrubber's NER model and word lists now, not on a resident's first answer
    # (20 s on a slow disk would time the request out). With --preload, workers share them.
    warm_up()
elif "run" in sys.argv[1:]:
    # `flask run` (the README's demo): load them beside the starting server. Loaded on the
    # first answer instead, they would hold the database's write lock for seconds.
    threading.Thread(target=warm_up, name="scrubber-warm-up", daemon=True).start()
# What start-up built (modules, the app, its routes and catalogues) lives as long as the
# process: the garbage collector need not walk it again. A full collection walked all of
# it, about 90 ms, now and then in the middle of a large page such as the indicators'.
gc.freeze()
