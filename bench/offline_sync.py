"""How long a kiosk takes to empty its outbox once the network returns.

A real kiosk page in Debian's chromium (Playwright), a real server (werkzeug, threaded)
on a fresh migrated SQLite file or on PostgreSQL (BENCH_DATABASE_URL), the demo survey
open in the kiosk's territory. The tablet goes offline, N responses (default 50) are put
in its IndexedDB outbox exactly as outbox.js leaves them when the network fails (state
"waiting", answered a few minutes ago), the network returns, and the clock runs from
`context.set_offline(False)` until the outbox is empty, i.e. the server acknowledged the
last entry. The outbox sends them one at a time, as designed.

    python bench/offline_sync.py [--responses 50] [--rounds 3] [--actions 30] [--phone]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python bench/offline_sync.py

With --phone, the same on a personal phone (390x844, no kiosk cookie): the outbox of the
phone's offline screen (/enquete/hors-ligne), its entries sent with channel "personal".

With --actions M, the outbox also holds M supports, comments and pairwise votes (a third
of each, one resident per three actions) given offline in a running consultation; each
resident's participation token is asked once, by its outbox UUID.

Prints one line per round and the median; checks that exactly N responses (and the M
actions) were stored.
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

from deliberation import operations as deliberation  # noqa: E402
from deliberation.models import Comment, Idea, Origin, PairwiseVote, Participant, Support  # noqa: E402
from surveys import operations as ops  # noqa: E402
from surveys.models import Answer, Channel, Response, WaveStatus  # noqa: E402
from voix import create_app  # noqa: E402
from voix.demo import QUESTIONS, _create_territories  # noqa: E402
from voix.extensions import db  # noqa: E402
from voix.kiosk.device import device_token  # noqa: E402
from voix.kiosk.models import Kiosk  # noqa: E402
from voix.territories.models import Territory  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

FILL_OUTBOX = """([wave, count, answeredAt, channel]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("voix-outbox", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("entries", { keyPath: "uuid" });
  open.onsuccess = () => {
    const tx = open.result.transaction("entries", "readwrite");
    for (let i = 0; i < count; i++) {
      tx.objectStore("entries").put({
        uuid: crypto.randomUUID(), wave: wave, language: ["fr", "ar", "en"][i % 3], state: "waiting",
        answers: { satisfaction: String(1 + i % 5), priorite: "jeunes", commentaire: "Réponse " + i },
        about: {}, panel_code: null, answered_at: answeredAt, saved_at: Date.now(), channel: channel });
    }
    tx.oncomplete = () => { open.result.close(); resolve(count); };
    tx.onerror = () => reject(tx.error);
  };
})"""


FILL_ACTIONS = """([consultation, ideas, count, answeredAt]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("voix-outbox", 1);
  open.onsuccess = () => {
    const tx = open.result.transaction("entries", "readwrite");
    let resident = null;
    for (let i = 0; i < count; i++) {
      if (i % 3 === 0) resident = crypto.randomUUID();
      const entry = { uuid: crypto.randomUUID(), consultation: consultation, resident: resident, language: "fr",
                      state: "waiting", answered_at: answeredAt, saved_at: Date.now() };
      const idea = ideas[(i / 3 | 0) % ideas.length], other = ideas[((i / 3 | 0) + 1) % ideas.length];
      if (i % 3 === 0) Object.assign(entry, { kind: "support", idea: idea });
      if (i % 3 === 1) Object.assign(entry, { kind: "comment", idea: idea, body: "Avis " + i, position: "for" });
      if (i % 3 === 2) Object.assign(entry, { kind: "pairwise", winner: idea, loser: other });
      tx.objectStore("entries").put(entry);
    }
    tx.oncomplete = () => { open.result.close(); resolve(count); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def prepare_consultation(app) -> tuple[int, list[int]]:
    with app.app_context():
        sanitas = db.session.scalar(select(Territory).where(Territory.slug == "sanitas"))
        c = deliberation.create_consultation({"fr": "Le square (bench)"}, sanitas)
        carrier = deliberation.new_participant(c, Origin.personal)
        ideas = [deliberation.propose_idea(c, carrier, title=f"Idée {n}", body=f"Une idée pour le square, n° {n}").id
                 for n in range(3)]
        deliberation.advance_phase(c)  # votes open
        db.session.commit()
        return c.id, ideas


def actions_stored(app, consultation_id) -> int:
    with app.app_context():
        ideas = select(Idea.id).where(Idea.consultation_id == consultation_id)
        return sum(db.session.scalar(select(func.count()).select_from(model).where(column.in_(ideas)))
                   for model, column in ((Support, Support.idea_id), (Comment, Comment.idea_id),
                                         (PairwiseVote, PairwiseVote.winner_id)))


def empty_consultation(app, consultation_id):
    with app.app_context():
        ideas = select(Idea.id).where(Idea.consultation_id == consultation_id)
        db.session.execute(delete(Support).where(Support.idea_id.in_(ideas)))
        db.session.execute(delete(Comment).where(Comment.idea_id.in_(ideas)))
        db.session.execute(delete(PairwiseVote).where(PairwiseVote.consultation_id == consultation_id))
        db.session.execute(delete(Participant).where(Participant.consultation_id == consultation_id,
                                                     Participant.client_uuid.is_not(None)))
        db.session.commit()


def prepare(url: str | None):
    database = url or f"sqlite:///{tempfile.mkdtemp(prefix='voix-offline-bench-')}/voix.sqlite"
    # Rate limits off: the rounds follow each other within a minute, and a kiosk's limit
    # (120 requests a minute) would make the later rounds wait for the outbox's back-off.
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database,
                      "RATELIMIT_ENABLED": False})
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


def stored(app, wave_id, channel: Channel) -> int:
    """The wave's responses, all of them recorded under the channel they came through."""
    with app.app_context():
        responses = select(func.count()).select_from(Response).where(Response.wave_id == wave_id)
        if db.session.scalar(responses.where(Response.channel != channel)):
            raise SystemExit(f"responses stored under another channel than {channel.value}")
        return db.session.scalar(responses)


def empty_wave(app, wave_id):
    with app.app_context():
        ids = select(Response.id).where(Response.wave_id == wave_id)
        db.session.execute(delete(Answer).where(Answer.response_id.in_(ids)))
        db.session.execute(delete(Response).where(Response.wave_id == wave_id))
        db.session.commit()


def one_round(page, site, wave_id, count, consultation=None, actions=0, phone=False) -> float:
    if phone:
        page.goto(site + "/enquete/hors-ligne?lang=fr")
        while page.evaluate("typeof window.voixOutbox === 'undefined'"):
            time.sleep(0.02)
    else:
        page.goto(site + "/kiosk/")
        page.wait_for_selector("html[data-offline-ready=true]", timeout=30000)
    page.context.set_offline(True)
    answered = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()
    page.evaluate(FILL_OUTBOX, [wave_id, count, answered, "personal" if phone else None])
    if actions:
        page.evaluate(FILL_ACTIONS, [consultation[0], consultation[1], actions, answered])
    assert len(page.evaluate("voixOutbox.all()")) == count + actions
    start = time.perf_counter()
    page.context.set_offline(False)  # the "online" event starts the outbox
    while page.evaluate("voixOutbox.all().then(e => e.length)"):
        time.sleep(0.02)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--actions", type=int, default=0, help="supports, comments and pairwise votes queued too")
    parser.add_argument("--phone", action="store_true", help="a personal phone's outbox instead of a kiosk's")
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (default: a fresh SQLite file)")
    arguments = parser.parse_args()
    app, wave_id, _kiosk_id, token = prepare(arguments.database or os.environ.get("BENCH_DATABASE_URL"))
    consultation = prepare_consultation(app) if arguments.actions else None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_port}"
    timings = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if arguments.phone:
            context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
        else:
            context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
            context.add_cookies([{"name": "voix_kiosk", "value": token, "url": site}])
        page = context.new_page()
        for number in range(arguments.rounds):
            empty_wave(app, wave_id)
            if consultation:
                empty_consultation(app, consultation[0])
            seconds = one_round(page, site, wave_id, arguments.responses, consultation, arguments.actions,
                                arguments.phone)
            count = stored(app, wave_id, Channel.personal if arguments.phone else Channel.kiosk)
            if count != arguments.responses:
                raise SystemExit(f"round {number + 1}: {count} responses stored, expected {arguments.responses}")
            if consultation and actions_stored(app, consultation[0]) != arguments.actions:
                raise SystemExit(f"round {number + 1}: {actions_stored(app, consultation[0])} actions stored, "
                                 f"expected {arguments.actions}")
            timings.append(seconds)
            entries = arguments.responses + arguments.actions
            print(f"round {number + 1}: {arguments.responses} responses and {arguments.actions} actions acknowledged "
                  f"in {seconds:.2f} s ({1000 * seconds / entries:.0f} ms per entry)")
        browser.close()
    server.shutdown()
    print(f"median: {statistics.median(timings):.2f} s for {arguments.responses} responses "
          f"and {arguments.actions} actions "
          f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, {'phone' if arguments.phone else 'kiosk'})")


if __name__ == "__main__":
    main()
