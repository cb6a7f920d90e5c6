"""Screens never wait for the analysis: they show what is analysed and say what still waits.

New texts are analysed by the worker (`flask --app wsgi insights analyze --every N`) or,
where no worker runs (the `flask run` demo, a small deployment), by a background thread
that a screen starts when it sees texts waiting: INSIGHTS_ANALYZE_IN_BACKGROUND (on by
default; set it off where a worker runs). At most one such thread runs per process; two
processes, or a thread and a worker, never store the same analysis twice (insights/store.py).
"""
import threading

from flask import Flask, current_app
from flask_babel import format_date, ngettext

from voix.extensions import db
from voix.models import utcnow

from . import store

_lock = threading.Lock()
_thread: threading.Thread | None = None


def waiting_line() -> str | None:
    """The line a screen shows while texts wait for the analysis (None when none waits);
    starts the background analysis when the setting asks for it."""
    count, oldest = store.waiting()
    if not count:
        return None
    if current_app.config["INSIGHTS_ANALYZE_IN_BACKGROUND"]:
        start_background_analysis(current_app._get_current_object())
    since = format_date(oldest, "d MMMM" if oldest.year == utcnow().year else "d MMMM y")
    return ngettext("%(num)d text is waiting for the analysis, written on %(date)s. "
                    "It will appear once the analysis has read it.",
                    "%(num)d texts are waiting for the analysis, the oldest since %(date)s. "
                    "They will appear once the analysis has read them.", count, date=since)


def start_background_analysis(app: Flask) -> threading.Thread:
    """Analyse the waiting texts in a daemon thread, unless this process already runs one
    (then that one is returned: it goes on until nothing waits)."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_analyze, args=(app,), name="insights-analysis", daemon=True)
            _thread.start()
        return _thread


def background_thread() -> threading.Thread | None:
    """The thread started last in this process (tests join it)."""
    return _thread


def _analyze(app: Flask):
    with app.app_context():  # its own context: its own database session
        try:
            store.analyze_pending()
        except Exception:  # a thread's failure must not go unseen, nor kill the process
            app.logger.exception("the background analysis of waiting texts failed")
        finally:
            db.session.remove()
