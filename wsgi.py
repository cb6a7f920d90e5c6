"""Entry point for `flask --app wsgi ...` and for gunicorn (`gunicorn wsgi:app`)."""
import gc

from voix import create_app

app = create_app()
# What start-up built (modules, the app, its routes and catalogues) lives as long as the
# process: the garbage collector need not walk it again. A full collection walked all of
# it, about 90 ms, now and then in the middle of a large page such as the indicators'.
gc.freeze()
