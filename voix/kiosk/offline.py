"""Kiosks that keep working without network: the service worker, the pages it caches, the
offline screen, and the state of the tablet's outbox that it reports for staff.

The browser side is voix/static/js/sw.js (served at /sw.js so that its scope is the
whole site) and voix/static/js/outbox.js; docs/kiosk.md explains the whole.
"""
import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import abort, current_app, g, render_template, request, session, url_for
from flask_babel import gettext as _

from ..extensions import csrf, db
from ..i18n import available_languages
from ..models import utcnow
from .device import activities_for, current_kiosk

STATIC = Path(__file__).resolve().parent.parent / "static"
WORKER = STATIC / "js" / "sw.js"
PHONE_WORKER = STATIC / "js" / "sw-phone.js"  # personal phones: surveys/offline.py
WORKERS = (WORKER, PHONE_WORKER)
PRECACHE_HEADER = "X-Voix-Precache"
MAX_REFUSALS = 20
SILENT_AFTER = timedelta(days=1)  # a kiosk in use reports at each page load
BEHIND_AFTER = timedelta(hours=1)
REPORT_EVERY = timedelta(minutes=1)


def init_offline(bp):
    """Adds the offline routes to the kiosk blueprint, and /sw.js to the site root."""

    @bp.record_once
    def _service_worker_at_the_root(state):
        state.app.add_url_rule("/sw.js", "service_worker", service_worker)

    # The service worker fetches each page in fr/en/ar (?lang=) to cache it: that must not
    # change the session (the language) of the resident in front of the tablet.
    # It is also rendered as for nobody: a page kept for the next residents must hold nothing
    # of the person in front of the tablet (their supports, a flash message, a sign-in).
    @bp.before_app_request
    def _remember_the_session_before_precaching():
        if request.headers.get(PRECACHE_HEADER) == "1":
            g.session_before_precache = dict(session)
            session.clear()
            g.user = g.resident = None

    @bp.after_app_request
    def _precaching_leaves_the_session_as_it_was(response):
        if "session_before_precache" in g:
            session.clear()
            session.update(g.session_before_precache)
            session.modified = False
        return response

    bp.add_url_rule("/hors-ligne", "offline", offline_screen)
    bp.add_url_rule("/hors-ligne/pages", "offline_pages", offline_pages)
    bp.add_url_rule("/etat", "report_state", csrf.exempt(report_state), methods=["POST"])


def _static_files() -> list[str]:
    return sorted(str(path.relative_to(STATIC)) for path in STATIC.rglob("*") if path.is_file() and path not in WORKERS)


def offline_basics() -> dict:
    """What every worker needs, with a version that changes whenever a static file (or a
    worker) does, so that the browser installs the new worker and drops the old cache."""
    basics = current_app.extensions.get("voix.offline_basics")
    if basics is None:
        digest = hashlib.sha256()
        for worker in WORKERS:
            digest.update(worker.read_bytes())
        for name in _static_files():
            digest.update(name.encode() + b"\0" + (STATIC / name).read_bytes())
        basics = current_app.extensions["voix.offline_basics"] = {
            "version": digest.hexdigest()[:16],
            "outbox": url_for("static", filename="js/outbox.js"),
            "staticFiles": [url_for("static", filename=name) for name in _static_files()],
            "languages": list(available_languages()),
        }
    return basics


def serve_worker(worker: Path, settings: dict):
    """A worker script with its settings (`self.VOIX_SW`) put before it."""
    body = f"self.VOIX_SW = {json.dumps(settings)};\n" + worker.read_text(encoding="utf-8")
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # the browser checks for a new version each time
    return response


def service_worker():
    return serve_worker(WORKER, {**offline_basics(), "pagesUrl": url_for("kiosk.offline_pages"),
                                 "stateUrl": url_for("kiosk.report_state")})


def offline_screen():
    """What a kiosk shows when the network is down; with ?saved=1 (outbox.js), that the
    resident's answers are saved on the tablet."""
    return render_template("kiosk/offline.html", kiosk=current_kiosk(), seconds=current_app.config["KIOSK_THANKS_SECONDS"])


def offline_pages():
    """The pages the service worker keeps for this kiosk: its start page, what it offers
    (the open waves of its territory) and the offline screen, in every language."""
    kiosk = current_kiosk()
    if kiosk is None:
        abort(403)
    paths = [url_for("kiosk.welcome"), url_for("kiosk.offline")]
    for item in activities_for(kiosk):
        paths.append(item["url"])
        # The pages an activity names for offline use (a consultation's ideas, its "which do
        # you prefer?", statements and questions): a support, a vote, a comment or a question
        # can then be given offline.
        paths += item.get("offline_urls", [])
    pages = [f"{path}?lang={language}" for path in paths for language in available_languages()]
    return {"pages": pages}


def _moment(value) -> datetime | None:
    if value in (None, ""):
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise ValueError(value)
    return value


def report_state():
    """A kiosk tells what its outbox holds (outbox.js, each time it has tried to send)."""
    kiosk = current_kiosk()
    if kiosk is None:
        abort(403, description=_("This tablet is not a kiosk."))
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        abort(400, description=_("The body must be a JSON object."))
    try:
        waiting, refused = _count(body.get("waiting", 0)), _count(body.get("refused", 0))
        oldest = _moment(body.get("oldest_waiting_at"))
        refusals = body.get("refusals") or []
        if not isinstance(refusals, list) or not all(isinstance(item, dict) for item in refusals):
            raise ValueError(refusals)
    except (ValueError, TypeError):
        abort(400, description=_("This report of the kiosk's state is not valid."))
    refusals = [{key: str(item.get(key) or "")[:300] for key in ("uuid", "wave", "kind", "consultation", "answered_at", "status", "reason")}
                for item in refusals[:MAX_REFUSALS]]
    state = (waiting, refused, oldest, refusals)
    now = utcnow()
    # A kiosk reports at every page load: write only what changed, and the contact time
    # once a minute, so that a busy kiosk costs the database nearly nothing.
    if state == _reported(kiosk) and kiosk.last_contact_at and now - _aware(kiosk.last_contact_at) < REPORT_EVERY:
        return {"status": "unchanged"}
    kiosk.last_contact_at = now
    kiosk.outbox_waiting, kiosk.outbox_refused, kiosk.outbox_oldest_at, kiosk.outbox_refusals = state
    db.session.commit()
    return {"status": "recorded"}


def _reported(kiosk) -> tuple:
    return (kiosk.outbox_waiting, kiosk.outbox_refused, _aware(kiosk.outbox_oldest_at), kiosk.outbox_refusals or [])


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def sync_state(kiosk) -> dict:
    """What the Kiosks screen warns about: a tablet silent for a day, or holding answers
    answered over an hour ago (it has not synced since)."""
    now = utcnow()
    last, oldest = _aware(kiosk.last_contact_at), _aware(kiosk.outbox_oldest_at)
    return {"silent": last is not None and now - last > SILENT_AFTER,
            "behind": kiosk.outbox_waiting > 0 and (oldest is None or now - oldest > BEHIND_AFTER)}
