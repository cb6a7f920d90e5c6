"""Personal phones that lose the network on "Send": the phone's service worker and its
offline screen (docs/surveys.md, "Offline on a phone").

The worker (voix/static/js/sw-phone.js) is served at /enquete/sw.js, so that its scope is
/enquete/ only: it never sees the rest of the site. It keeps the static files, this
screen, and the survey being answered (fetched by itself, blank, at most a few); the
answers wait in the phone's outbox (outbox.js) until the server acknowledged them.
"""
from flask import current_app, render_template, url_for

from voix.i18n import available_languages
from voix.kiosk.offline import PHONE_WORKER, offline_basics, serve_worker

MAX_SURVEYS_KEPT = 3  # the surveys a phone keeps for offline use (each in its languages)


def init_phone_offline(bp):
    bp.add_url_rule("/enquete/sw.js", "phone_service_worker", phone_service_worker)
    bp.add_url_rule("/enquete/hors-ligne", "phone_offline", phone_offline_screen)


def phone_service_worker():
    screen = url_for("surveys.phone_offline")
    return serve_worker(PHONE_WORKER, {
        **offline_basics(), "offlinePages": [f"{screen}?lang={language}" for language in available_languages()],
        "offlineScreen": screen, "maxSurveys": MAX_SURVEYS_KEPT,
        "keepRefusedDays": current_app.config["OFFLINE_PHONE_KEEP_REFUSED_DAYS"],
    })


def phone_offline_screen():
    """Shown by the phone's worker when the network is down; with ?saved=1 (outbox.js), that
    the answers are saved on this phone and will be sent. Nothing of anyone is in it: what
    waits on the phone is read from the phone itself."""
    return render_template("surveys/offline.html")
