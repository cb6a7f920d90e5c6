"""How long a kiosk takes to empty its outbox once the network returns.

A real kiosk page in Debian's chromium (Playwright), a real server (werkzeug, threaded)
on a fresh migrated SQLite file or on PostgreSQL (BENCH_DATABASE_URL), the demo survey
open in the kiosk's territory. The tablet goes offline, N responses (default 50) are put
in its IndexedDB outbox exactly as outbox.js leaves them when the network fails (state
"waiting", answered a few minutes ago), the network returns, and the clock runs from
`context.set_offline(False)` until the outbox is empty, i.e. the server acknowledged the
last entry. The outbox sends them one at a time, as designed.

    python bench/offline_sync.py [--responses 50] [--rounds 3]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python bench/offline_sync.py

Prints one line per round and the median; checks that exactly N responses were stored.
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import delete, func, select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from surveys import operations as ops  # noqa: E402
from surveys.models import Answer, Response, WaveStatus  # noqa: E402
from voix import create_app  # noqa: E402
from voix.demo import QUESTIONS, _create_territories  # noqa: E402
from voix.extensions import db  # noqa: E402
from voix.kiosk.device import device_token  # noqa: E402
from voix.kiosk.models import Kiosk  # noqa: E402
from voix.territories.models import Territory  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

FILL_OUTBOX = """([wave, count, answeredAt]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("voix-outbox", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("entries", { keyPath: "uuid" });
  open.onsuccess = () => {
    const tx = open.result.transaction("entries", "readwrite");
    for (let i = 0; i < count; i++) {
      tx.objectStore("entries").put({
        uuid: crypto.randomUUID(), wave: wave, language: ["fr", "ar", "en"][i % 3], state: "waiting",
        answers: { satisfaction: String(1 + i % 5), priorite: "jeunes", commentaire: "Réponse " + i },
        about: {}, panel_code: null, answered_at: answeredAt, saved_at: Date.now() });
    }
    tx.oncomplete = () => { open.result.close(); resolve(count); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def prepare(url: str | None):
    database = url or f"sqlite:///{tempfile.mkdtemp(prefix='voix-offline-bench-')}/voix.sqlite"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        if db.session.scalar(select(func.count()).select_from(Territory)) == 0:
            _create_territories()
        sanitas = db.session.scalar(select(Territory).where(Territory.slug == "sanitas"))
        questionnaire = ops.create_questionnaire({"fr": "Vivre dans mon quartier"}, sanitas)
        db.session.flush()
        for fields in QUESTIONS:
            ops.save_question(questionnaire.latest_version, **fields)
        wave = ops.create_wave(questionnaire, sanitas, date.today() - timedelta(days=1), date.today() + timedelta(days=9))
        wave.status = WaveStatus.open
        kiosk = Kiosk(place="EPN (bench)", territory=sanitas)
        db.session.add(kiosk)
        db.session.commit()
        return app, wave.id, kiosk.id, device_token(kiosk)


def stored(app, wave_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response).where(Response.wave_id == wave_id))


def empty_wave(app, wave_id):
    with app.app_context():
        ids = select(Response.id).where(Response.wave_id == wave_id)
        db.session.execute(delete(Answer).where(Answer.response_id.in_(ids)))
        db.session.execute(delete(Response).where(Response.wave_id == wave_id))
        db.session.commit()


def one_round(page, site, wave_id, count) -> float:
    page.goto(site + "/kiosk/")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=30000)
    page.context.set_offline(True)
    answered = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()
    page.evaluate(FILL_OUTBOX, [wave_id, count, answered])
    assert len(page.evaluate("voixOutbox.all()")) == count
    start = time.perf_counter()
    page.context.set_offline(False)  # the "online" event starts the outbox
    while page.evaluate("voixOutbox.all().then(e => e.length)"):
        time.sleep(0.02)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (default: a fresh SQLite file)")
    arguments = parser.parse_args()
    app, wave_id, _kiosk_id, token = prepare(arguments.database or os.environ.get("BENCH_DATABASE_URL"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_port}"
    timings = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
        context.add_cookies([{"name": "voix_kiosk", "value": token, "url": site}])
        page = context.new_page()
        for number in range(arguments.rounds):
            empty_wave(app, wave_id)
            seconds = one_round(page, site, wave_id, arguments.responses)
            count = stored(app, wave_id)
            if count != arguments.responses:
                raise SystemExit(f"round {number + 1}: {count} responses stored, expected {arguments.responses}")
            timings.append(seconds)
            print(f"round {number + 1}: {arguments.responses} responses acknowledged in {seconds:.2f} s "
                  f"({1000 * seconds / arguments.responses:.0f} ms each)")
        browser.close()
    server.shutdown()
    print(f"median: {statistics.median(timings):.2f} s for {arguments.responses} responses "
          f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")


if __name__ == "__main__":
    main()
