"""Response submissions per second under gunicorn: the real app next to a bare Flask app.

    python bench/submit_throughput.py [--backend sqlite|postgresql|both] [--seconds 15] [--mix free-text|real-text]
                                      [--clients 32] [--workers N] [--rounds R]

For each backend, in one run:

1. a fresh database built by the real migrations and `flask demo` (7 questions, among
   them a long_text answer, and an open Sanitas wave); the bare app gets one table in
   the same kind of database (SQLite: its own WAL file in the same temp dir, same
   pragmas and BEGIN IMMEDIATE; PostgreSQL: the same bench database `voix_bench`);
2. gunicorn serves bench/app_real.py and bench/app_bare.py with the same settings
   (default 3 sync workers) on free ports of 127.0.0.1;
3. one POST per app must answer 201, then wrk (with a generated Lua script: every
   request carries a new UUID, bodies rotate through realistic answers with free text
   to scrub) loads each app with `--clients` connections: a short warm-up, then
   `--seconds` measured, bare then real, `--rounds` times (medians are reported);
   after each run the script waits until the app has written what wrk left queued;
4. a table and bench/results/submit_throughput-<backend>.json report req/s, latency
   percentiles, errors (every answer must be a 201), the ratio real/bare and the targets
   (ratio >= 0.6, p95 < 50 ms);
5. gunicorn is stopped, both databases are checked against the 201 answers (no lost
   response, no response or answer stored twice; rows whose answer wrk never read
   because it stopped are counted apart) and the bench database is dropped.

Exit status: 0 when the measurement is valid (even if a target is missed, unless
--check-targets: then 3), 1 when an answer was not a 201 or a storage check failed.
Needs `wrk` (apt-get install -y wrk) and, for PostgreSQL, a server that accepts
`postgres` without a password (--pg-admin-url).
"""
import argparse
import json
import os
import platform
import random
import resource
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

TARGET_RATIO = 0.6
TARGET_P95_MS = 50.0
PG_DATABASE = "voix_bench"  # --pg-database: helpers sharing a server each use their own
BODY_VARIANTS = 16
UUID_MARK = "__UUID__"


# --- Request bodies --------------------------------------------------------------------


def make_free_text_bodies(seed=41):
    """The "free-text" mix: every submission carries a 200-400 character comment, one in
    three with a name or a phone to scrub (bench/scrubber.py writes them), so the
    scrubber, its NER gate and, when a name is there, the NER model run on every request."""
    from scrubber import free_texts

    bodies = make_bodies(seed)
    for body, text in zip(bodies, free_texts(len(bodies), seed=seed)):
        body["answers"]["commentaire"] = text
    return bodies


REAL_TEXTS = ROOT / "tests" / "fixtures" / "discourse" / "real_texts.jsonl"


def make_real_text_bodies(seed=43):
    """The "real-text" mix: every submission carries one of the real consultation answers
    of 200-400 characters in REAL_TEXTS (Grand Débat 2019, Licence Ouverte), each of them
    once: capitals, acronyms, places and long sentences wake the NER model far more often
    than the generated texts of the free-text mix (docs/bench.md)."""
    with REAL_TEXTS.open(encoding="utf-8") as lines:
        texts = [t for t in (json.loads(line)["text"] for line in lines) if 200 <= len(t) <= 400]
    bodies = make_bodies(seed, variants=len(texts))
    for body, text in zip(bodies, texts):
        body["answers"]["commentaire"] = text
    return bodies


def make_bodies(seed=37, variants=BODY_VARIANTS):
    """Kiosk-like submissions to the demo questionnaire: choices, scales, and free text
    (the demo's comments, some joined, with a phone number and a name to scrub)."""
    from voix.demo import COMMENTS

    comments = [text for praise, complaints in COMMENTS.values() for text in praise + complaints]
    rng = random.Random(seed)
    bodies = []
    for index in range(variants):
        contacted = rng.choice(["yes", "no"])
        answers = {
            "satisfaction": rng.randint(1, 5),
            "securite": rng.choice([1, 2, 3, 4, 5, "dk"]),
            "services": rng.sample(["mairie", "caf", "bailleur", "centre_social", "epn"], rng.randint(0, 3)),
            "contact_mairie": contacted,
            "priorite": rng.choice(["proprete", "jeunes", "logement", "transports", "emploi"]),
        }
        if contacted == "yes":
            answers["contact_facile"] = rng.randint(1, 5)
        if index % 4 != 3:  # three in four leave a comment
            answers["commentaire"] = " ".join(rng.sample(comments, rng.randint(1, 3)))
        body = {"uuid": UUID_MARK, "answers": answers, "language": rng.choice(["fr"] * 6 + ["ar", "en"])}
        if index % 2 == 0:
            body["about"] = {"gender": rng.choice(["woman", "man"]), "age_bracket": rng.choice(["18_25", "35_49", "65_plus"]),
                             "quartier": "sanitas"}
        bodies.append(body)
    return bodies


# --- wrk -------------------------------------------------------------------------------

LUA_TEMPLATE = r"""-- Generated by bench/submit_throughput.py: one new UUID per request.
local bodies = {
%(bodies)s
}
local path = "%(path)s"
local run = "%(run)s"
local outpath = "%(outpath)s"
local threads = {}
local next_tid = 1

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  sent, answered, ncreated = 0, 0, 0
  statuses, created = {}, {}
end

function request()
  sent = sent + 1
  local uuid = string.format("%%s-%%04x-4000-8000-%%012x", run, tid, sent)
  local body = bodies[(sent %% #bodies) + 1]
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body[1] .. uuid .. body[2])
end

function response(status, headers, body)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    ncreated = ncreated + 1
    created[ncreated] = string.match(body, '"uuid"%%s*:%%s*"([%%x%%-]+)"') or "?"
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(outpath, "w"))
  local e = summary.errors
  out:write(string.format(
    '{"duration_us": %%d, "requests": %%d, "bytes": %%d, "socket_errors": {"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}, "status_errors": %%d,',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status))
  out:write(string.format('"latency_us": {"mean": %%.1f, "stdev": %%.1f, "max": %%d', latency.mean, latency.stdev, latency.max))
  for _, p in ipairs({50, 75, 90, 95, 99, 99.9}) do
    out:write(string.format(', "p%%s": %%d', tostring(p), latency:percentile(p)))
  end
  out:write('}, "threads": [')
  for i, thread in ipairs(threads) do
    if i > 1 then out:write(", ") end
    out:write(string.format('{"tid": %%d, "sent": %%d, "answered": %%d, "statuses": {', thread:get("tid"), thread:get("sent"), thread:get("answered")))
    local first = true
    for status, count in pairs(thread:get("statuses")) do
      out:write(string.format('%%s"%%d": %%d', first and "" or ", ", status, count))
      first = false
    end
    out:write('}, "created": [')
    for j, uuid in ipairs(thread:get("created")) do
      out:write(string.format('%%s"%%s"', j > 1 and ", " or "", uuid))
    end
    out:write("]}")
  end
  out:write("]}\n")
  out:close()
end
"""


def lua_string(text: str) -> str:
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def write_lua(directory: Path, name: str, path: str, bodies: list[dict]) -> tuple[Path, Path, str]:
    run = f"{random.getrandbits(32):08x}"
    entries = []
    for body in bodies:
        prefix, suffix = json.dumps(body, ensure_ascii=False).split(UUID_MARK)
        entries.append(f"  {{{lua_string(prefix)}, {lua_string(suffix)}}},")
    outpath = directory / f"{name}-{run}.json"
    script = directory / f"{name}-{run}.lua"
    script.write_text(LUA_TEMPLATE % {"bodies": "\n".join(entries), "path": path, "run": run, "outpath": outpath})
    return script, outpath, run


def run_wrk(url: str, path: str, bodies, *, seconds, clients, threads, directory: Path, name: str) -> dict:
    script, outpath, run = write_lua(directory, name, path, bodies)
    command = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]
    completed = subprocess.run(command, check=False, capture_output=True, text=True, timeout=seconds + 60)
    if completed.returncode != 0 or not outpath.exists():
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    data = json.loads(outpath.read_text())
    data["run"] = run
    data["wrk_stdout"] = completed.stdout
    statuses: dict[str, int] = {}
    for thread in data["threads"]:
        for status, count in thread["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    data["statuses"] = statuses
    data["created"] = [uuid for thread in data["threads"] for uuid in thread["created"]]
    data["generated"] = {f"{run}-{thread['tid']:04x}-4000-8000-{n:012x}": n
                         for thread in data["threads"] for n in range(1, thread["sent"] + 1)}
    return data


def combine(summaries: list[dict]) -> dict:
    """Several rounds of one app: the median of each figure, errors added up."""
    if len(summaries) == 1:
        return summaries[0]
    combined = {key: statistics.median(s[key] for s in summaries)
                for key in ("requests_per_s", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "mean_ms", "loadavg_1min_before")}
    combined["cpu_ms_per_request"] = {part: statistics.median(s["cpu_ms_per_request"][part] for s in summaries)
                                      for part in summaries[0]["cpu_ms_per_request"]}
    combined.update(requests=sum(s["requests"] for s in summaries), max_ms=max(s["max_ms"] for s in summaries),
                    non_201=sum(s["non_201"] for s in summaries), errors=sum(s["errors"] for s in summaries),
                    rounds=len(summaries))
    return combined


def preflight(url: str, body: dict, app_name: str) -> dict:
    """One POST before the load: it must be a 201, else stop here with the answer."""
    uuid = f"00000000-0000-4000-8000-{random.getrandbits(48):012x}"
    data = json.dumps({**body, "uuid": uuid}, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            status, text = reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    if status != 201:
        raise RuntimeError(f"{app_name} app answered {status} to a valid submission: {text[:500]}")
    # Counted like a wrk run; body variant 0 is the one for counter 0.
    return {"created": [uuid], "generated": {uuid: 0}, "threads": []}


def summarize(load: dict) -> dict:
    seconds = load["duration_us"] / 1e6
    socket_errors = sum(load["socket_errors"].values())
    non_201 = sum(count for status, count in load["statuses"].items() if status != "201")
    latency = load["latency_us"]
    return {
        "requests": load["requests"], "seconds": round(seconds, 2),
        "requests_per_s": round(load["requests"] / seconds, 1),
        "p50_ms": latency["p50"] / 1000, "p90_ms": latency["p90"] / 1000, "p95_ms": latency["p95"] / 1000,
        "p99_ms": latency["p99"] / 1000, "max_ms": latency["max"] / 1000, "mean_ms": round(latency["mean"] / 1000, 2),
        "statuses": load["statuses"], "non_201": non_201, "socket_errors": load["socket_errors"],
        "errors": non_201 + socket_errors,
    }


# --- Servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- CPU time: what a request costs, whatever else the machine is doing --------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pids) -> dict[int, float]:
    """{pid: user + system CPU seconds so far} of the processes still alive."""
    spent = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return spent


def postgres_pids(backend) -> list[int]:
    """The PostgreSQL processes working for the bench: the backends connected to its database
    and the server's own (WAL writer, checkpointer...), not other databases' backends."""
    rows = backend.admin_rows("SELECT pid FROM pg_stat_activity WHERE datname = %s OR backend_type <> 'client backend'",
                              (backend.database,))
    return [pid for (pid,) in rows]


class CpuMeter:
    """CPU seconds spent during a run by the app (gunicorn master and workers), the database
    server (PostgreSQL; SQLite works inside the app) and the load generator (wrk). On a
    shared 2-CPU machine requests/s move with the other jobs; CPU per request hardly does.
    """

    def __init__(self, server, backend):
        self.server, self.backend = server, backend if backend.name == "postgresql" else None

    def __enter__(self):
        self.app = process_cpu([self.server.process.pid, *self.server.worker_pids()])
        self.database = process_cpu(postgres_pids(self.backend)) if self.backend else {}
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return self

    def __exit__(self, *_exc):
        def spent(before, after):
            return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())

        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.seconds = {
            "app": spent(self.app, process_cpu([self.server.process.pid, *self.server.worker_pids()])),
            "database": spent(self.database, process_cpu(postgres_pids(self.backend))) if self.backend else 0.0,
            "load_generator": (children.ru_utime + children.ru_stime) - (self.children.ru_utime + self.children.ru_stime),
        }

    def per_request_ms(self, requests: int) -> dict:
        per_request = {part: round(seconds * 1000 / requests, 3) for part, seconds in self.seconds.items()}
        per_request["total"] = round(sum(self.seconds.values()) * 1000 / requests, 3)
        return per_request


class Gunicorn:
    def __init__(self, module: str, env: dict, args, log_dir: Path, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{name}.log"
        command = [
            sys.executable, "-m", "gunicorn", f"{module}:app",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(args.workers),
            "--worker-class", args.worker_class, "--threads", str(args.threads),
            "--backlog", "2048", "--pythonpath", f"{ROOT},{BENCH}", "--chdir", str(ROOT),
            "--log-level", "warning", "--error-logfile", str(self.log),
            # a worker of the real app loads the scrubber's NER model as it boots (wsgi.py)
            "--timeout", "120",
        ]
        self.process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, path: str, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {self.url} not ready after {timeout}s; see {self.log}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


# --- Databases -----------------------------------------------------------------------------


class Backend:
    def __init__(self, name: str, tmp: Path, pg_admin_url: str, database: str = PG_DATABASE):
        self.name, self.tmp, self.pg_admin_url, self.database = name, tmp, pg_admin_url, database
        if name == "sqlite":
            self.real_uri = f"sqlite:///{tmp / 'voix.sqlite'}"
            self.bare_uri = f"sqlite:///{tmp / 'bare.sqlite'}"
        else:
            base = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", pg_admin_url).rsplit("/", 1)[0]
            self.real_uri = self.bare_uri = f"{base}/{self.database}"

    def admin_rows(self, statement: str, parameters=()) -> list[tuple]:
        import psycopg

        url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", self.pg_admin_url)
        with psycopg.connect(url, autocommit=True) as connection:
            cursor = connection.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else []

    def create(self):
        if self.name == "postgresql":
            self.admin_rows(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            self.admin_rows(f"CREATE DATABASE {self.database}")

    def drop(self):
        if self.name == "postgresql":
            self.admin_rows(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")

    def server_version(self) -> str:
        if self.name == "sqlite":
            return "SQLite " + sqlite3.sqlite_version
        import sqlalchemy as sa

        engine = sa.create_engine(self.real_uri)
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
        engine.dispose()
        return "PostgreSQL " + version


def prepare_real_database(uri: str, bodies: list[dict]) -> tuple[int, list[int], list[str]]:
    """Migrate, load the demo, return the open Sanitas wave, how many answer rows each
    body variant must produce (checked by the app's own validation, so none is refused)
    and the API blueprints that bench/app_real.py must exempt from CSRF itself."""
    from sqlalchemy import func, select

    from surveys.answers import clean_answers
    from surveys.models import Response, Wave
    from voix.about_you import clean_about_you
    from voix import create_app
    from voix.extensions import csrf, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench-prepare"})
    unexempt = [name for name, blueprint in app.blueprints.items()
                if name.startswith("api.") and blueprint not in csrf._exempt_blueprints]
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo"])
        found = re.search(r"open now: Sanitas wave (\d+)", result.output)
        if result.exit_code != 0 or not found:
            raise RuntimeError(f"flask demo failed: {result.output}\n{result.exception!r}")
        wave = db.session.get(Wave, int(found.group(1)))
        assert wave.accepts_responses
        assert db.session.scalar(select(func.count(Response.id)).where(Response.wave_id == wave.id)) == 0
        answer_counts = []
        for body in bodies:
            clean, errors = clean_answers(wave.version.questions, body["answers"])
            _, about_errors = clean_about_you(body.get("about") or {}, wave.questionnaire.ask_about_you)
            if errors or about_errors:
                raise RuntimeError(f"a bench body would be refused: {errors} {about_errors}")
            answer_counts.append(len(clean))
        wave_id = wave.id
        db.session.remove()
        db.engine.dispose()
    return wave_id, answer_counts, unexempt


def stored_real(uri: str, wave_id: int) -> tuple[list[str], int, int]:
    """(uuids of the wave's responses, answer rows of the wave, responses without answers)."""
    import sqlalchemy as sa

    engine = sa.create_engine(uri)
    with engine.connect() as connection:
        uuids = list(connection.execute(sa.text("SELECT uuid FROM response WHERE wave_id = :w"), {"w": wave_id}).scalars())
        answers = connection.execute(sa.text(
            "SELECT count(*) FROM answer JOIN response ON response.id = answer.response_id WHERE response.wave_id = :w"),
            {"w": wave_id}).scalar()
        empty = connection.execute(sa.text(
            "SELECT count(*) FROM response WHERE wave_id = :w AND NOT EXISTS "
            "(SELECT 1 FROM answer WHERE answer.response_id = response.id)"), {"w": wave_id}).scalar()
    engine.dispose()
    return uuids, answers, empty


def settle(uri: str, table: str, where: str = "", timeout=15.0) -> float:
    """Wait until the app has stored what it had queued: requests that wrk sent before it
    stopped can still sit in the listen backlog (sync workers) or in a worker's queue.
    Returns the seconds waited; the next run then starts on an idle server."""
    import sqlalchemy as sa

    engine = sa.create_engine(uri)
    start = time.monotonic()
    previous, stable = None, 0
    try:
        while time.monotonic() - start < timeout and stable < 2:
            with engine.connect() as connection:
                count = connection.exec_driver_sql(f"SELECT count(*) FROM {table} {where}").scalar()
            stable = stable + 1 if count == previous else 0
            previous = count
            time.sleep(0.25)
    finally:
        engine.dispose()
    return time.monotonic() - start


def check_storage(loads: list[dict], stored: list[str]) -> dict:
    """Every 201 is one stored row; a stored row without a 201 read by wrk can only be a
    request still in flight when wrk stopped (at most one per connection and run)."""
    created = [uuid for load in loads for uuid in load["created"]]
    generated = {}
    for load in loads:
        generated.update(load["generated"])
    in_flight_bound = sum(sum(t["sent"] - t["answered"] for t in load["threads"]) for load in loads)
    stored_set, created_set = set(stored), set(created)
    missing = created_set - stored_set
    extra = stored_set - created_set
    foreign = extra - set(generated)
    ok = (len(created) == len(created_set) and len(stored) == len(stored_set) and not missing and not foreign
          and len(extra) <= in_flight_bound)
    return {
        "ok": ok, "responses_201": len(created), "rows_stored": len(stored),
        "duplicate_201_uuids": len(created) - len(created_set), "duplicate_rows": len(stored) - len(stored_set),
        "lost_201": len(missing), "foreign_rows": len(foreign),
        "stored_but_cut_off_in_flight": len(extra), "in_flight_when_wrk_stopped": in_flight_bound,
        "_stored_set": stored_set,
    }


# --- The run -------------------------------------------------------------------------------


def machine() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = {}
    from importlib.metadata import version

    for package in ("gunicorn", "flask", "sqlalchemy", "psycopg"):
        versions[package] = version(package)
    wrk = subprocess.run(["wrk", "--version"], check=False, capture_output=True, text=True).stdout.splitlines()
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "platform": platform.platform(), "wrk": (wrk or [""])[0], **versions}


def run_backend(name: str, args, bodies) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"voix-bench-{name}-"))
    backend = Backend(name, tmp, args.pg_admin_url, args.pg_database)
    servers = []
    try:
        backend.create()
        print(f"[{name}] preparing the database (migrations + demo) ...", flush=True)
        wave_id, answer_counts, unexempt = prepare_real_database(backend.real_uri, bodies)
        if unexempt:
            print(f"[{name}] note: the app leaves {unexempt} under CSRF protection (API POSTs get 400 in "
                  "production); bench/app_real.py exempts them to measure the intended path", flush=True)
        from app_bare import create_schema, stored_uuids

        create_schema(backend.bare_uri)
        path = f"/api/v1/waves/{wave_id}/responses"
        bare = Gunicorn("app_bare", {"BENCH_BARE_DATABASE_URI": backend.bare_uri}, args, tmp, "bare")
        real = Gunicorn(args.real_module, {"BENCH_DATABASE_URI": backend.real_uri}, args, tmp, "real")
        servers = [bare, real]
        bare.wait_ready("/")
        real.wait_ready(f"/api/v1/waves/{wave_id}")
        loads = {"bare": [], "real": []}
        results = {}
        common = {"clients": args.clients, "threads": args.wrk_threads, "directory": tmp}
        settle_args = {"real": (backend.real_uri, "response", f"WHERE wave_id = {wave_id}"),
                       "bare": (backend.bare_uri, "bare_response")}
        rounds = {"bare": [], "real": []}
        for app_name, server in (("bare", bare), ("real", real)):
            loads[app_name].append(preflight(server.url + path, bodies[0], app_name))
            print(f"[{name}] {app_name}: warm-up {args.warmup}s", flush=True)
            loads[app_name].append(run_wrk(server.url + path, path, bodies, seconds=args.warmup, name=f"{app_name}-warmup", **common))
            settle(*settle_args[app_name])
        for round_number in range(1, args.rounds + 1):
            for app_name, server in (("bare", bare), ("real", real)):
                print(f"[{name}] round {round_number}/{args.rounds}, {app_name}: {args.seconds}s with {args.clients} clients ...", flush=True)
                profiler = start_profiler(server, tmp, app_name, args) if args.profile and app_name == "real" else None
                load_before = os.getloadavg()[0]
                with CpuMeter(server, backend) as cpu:
                    measured = run_wrk(server.url + path, path, bodies, seconds=args.seconds, name=app_name, **common)
                if profiler:
                    stop_profiler(profiler)
                loads[app_name].append(measured)
                settle(*settle_args[app_name])
                rounds[app_name].append({**summarize(measured), "loadavg_1min_before": round(load_before, 2),
                                         "cpu_ms_per_request": cpu.per_request_ms(measured["requests"])})
        results = {app_name: combine(summaries) for app_name, summaries in rounds.items()}
        ratios = [r["requests_per_s"] / b["requests_per_s"] for r, b in zip(rounds["real"], rounds["bare"])]
        # What the requests/s ratio would be if only this bench ran: bare CPU / real CPU per request.
        cpu_ratios = [b["cpu_ms_per_request"]["total"] / r["cpu_ms_per_request"]["total"]
                      for r, b in zip(rounds["real"], rounds["bare"])]
        for server in servers:  # graceful: nothing is written while we count
            server.stop()
        checks = {
            "real": check_storage(loads["real"], stored_real(backend.real_uri, wave_id)[0]),
            "bare": check_storage(loads["bare"], stored_uuids(backend.bare_uri)),
        }
        uuids, answer_rows, empty = stored_real(backend.real_uri, wave_id)
        generated = {}
        for load in loads["real"]:
            generated.update(load["generated"])
        expected_answers = sum(answer_counts[generated[uuid] % len(bodies)] for uuid in uuids if uuid in generated)
        checks["real"].update(answer_rows=answer_rows, answer_rows_expected=expected_answers,
                              responses_without_answers=empty)
        checks["real"]["ok"] = checks["real"]["ok"] and answer_rows == expected_answers and empty == 0
        for check in checks.values():
            check.pop("_stored_set")
        ratio = statistics.median(ratios)
        return {
            "backend": name, "database": backend.server_version(),
            "date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
            "settings": {"real_module": args.real_module, "seconds": args.seconds, "rounds": args.rounds, "warmup_seconds": args.warmup, "clients": args.clients,
                         "wrk_threads": args.wrk_threads, "gunicorn": {"workers": args.workers,
                         "worker_class": args.worker_class, "threads": args.threads},
                         "body_variants": len(bodies), "wave_id": wave_id},
            "results": results, "ratio_real_bare": round(ratio, 3),
            "cpu_ratio_real_bare": round(statistics.median(cpu_ratios), 3),
            "rounds": {"ratios": [round(r, 3) for r in ratios], "cpu_ratios": [round(r, 3) for r in cpu_ratios],
                       **rounds},
            "targets": {"ratio_min": TARGET_RATIO, "p95_max_ms": TARGET_P95_MS,
                        "ratio_met": ratio >= TARGET_RATIO, "p95_met": results["real"]["p95_ms"] < TARGET_P95_MS,
                        "all_201": results["real"]["errors"] == 0 and results["bare"]["errors"] == 0},
            "storage_checks": checks,
            "notes": ([(f"CSRF exemption added by bench/app_real.py for {unexempt}: the app itself answers "
                        "400 to every JSON API POST when CSRF is on (voix/api.py exempts only the parent "
                        "blueprint)")] if unexempt else []),
        }
    finally:
        for server in servers:
            server.stop()
        for server in servers:
            if server.log.exists() and server.log.stat().st_size and args.verbose:
                print(server.log.read_text()[-2000:])
        try:
            backend.drop()
        finally:
            if args.keep:
                print(f"[{name}] kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)


def start_profiler(server: Gunicorn, tmp: Path, app_name: str, args):
    """py-spy on every worker during the measured run (pip install py-spy)."""
    pyspy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out = BENCH / "results" / f"profile-{args.current_backend}-{app_name}"
    out.mkdir(parents=True, exist_ok=True)
    processes = []
    for pid in server.worker_pids():
        command = [pyspy, "record", "--pid", str(pid), "--duration", str(args.seconds), "--rate", "200",
                   "--format", args.profile, "--output", str(out / f"worker-{pid}.{ 'txt' if args.profile == 'raw' else 'svg'}")]
        if args.profile_idle:
            command.append("--idle")
        processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return processes


def stop_profiler(processes):
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.terminate()


def print_table(report: dict):
    name = report["backend"]
    header = f"{'backend':<11} {'app':<5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>6}  targets"
    print(header)
    print("-" * len(header))
    targets = report["targets"]
    for app_name in ("bare", "real"):
        r = report["results"][app_name]
        ratio = f"{report['ratio_real_bare']:.2f}" if app_name == "real" else ""
        verdict = ""
        if app_name == "real":
            verdict = (f"ratio>={TARGET_RATIO}: {'yes' if targets['ratio_met'] else 'NO'}, "
                       f"p95<{TARGET_P95_MS:g}ms: {'yes' if targets['p95_met'] else 'NO'}")
        print(f"{name:<11} {app_name:<5} {r['requests_per_s']:>8.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
              f"{r['p99_ms']:>8.1f} {r['errors']:>7} {ratio:>6}  {verdict}")
    for app_name, check in report["storage_checks"].items():
        extra = (f", {check['stored_but_cut_off_in_flight']} more stored by requests wrk cut off at its end"
                 if check["stored_but_cut_off_in_flight"] else "")
        answers = (f"; answer rows {check['answer_rows']} (expected {check['answer_rows_expected']})"
                   if "answer_rows" in check else "")
        print(f"  storage {app_name}: {'OK' if check['ok'] else 'FAILED'}: {check['responses_201']} answered 201, "
              f"{check['rows_stored']} rows stored{extra}; lost {check['lost_201']}, duplicates "
              f"{check['duplicate_rows']}{answers}")
    if report["settings"]["rounds"] > 1:
        print(f"  medians of {report['settings']['rounds']} alternated rounds; ratio per round: "
              f"{', '.join(f'{r:.2f}' for r in report['rounds']['ratios'])}")
    for app_name in ("bare", "real"):
        cpu = report["results"][app_name]["cpu_ms_per_request"]
        print(f"  CPU per request, {app_name}: {cpu['total']:.3f} ms (app {cpu['app']:.3f}, database server "
              f"{cpu['database']:.3f}, wrk {cpu['load_generator']:.3f})")
    print(f"  CPU ratio bare/real: {report['cpu_ratio_real_bare']:.2f} (per round: "
          f"{', '.join(f'{r:.2f}' for r in report['rounds']['cpu_ratios'])}): the requests/s ratio of a machine "
          "doing nothing else, if the CPUs are the limit")
    gunicorn = report["settings"]["gunicorn"]
    print(f"  gunicorn: {gunicorn['workers']} x {gunicorn['worker_class']} worker(s), {gunicorn['threads']} thread(s); "
          f"{report['settings']['clients']} wrk connections; {report['database']}; {report['machine']['cpus']} CPUs")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=15, help="measured seconds per app (default 15)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds per app, not measured (default 3)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="alternate bare and real this many times; figures are medians of the rounds (default 1)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--workers", type=int, default=3,
                        help="gunicorn workers (default 3: cores + 1, see docs/bench.md for the choice)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="default sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--real-module", default="app_real",
                        help="module (on PYTHONPATH or in bench/) whose `app` is the real app (default app_real)")
    parser.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test"),
                        help="a database to connect to for CREATE/DROP DATABASE of --pg-database")
    parser.add_argument("--pg-database", default=PG_DATABASE,
                        help=f"the bench database, created and dropped by the run (default {PG_DATABASE}; "
                             "give each concurrent run its own)")
    parser.add_argument("--profile", choices=["flamegraph", "speedscope", "raw"],
                        help="py-spy record the real app's workers during the measured run (bench/results/profile-*)")
    parser.add_argument("--profile-idle", action="store_true", help="py-spy --idle: include time waiting on I/O")
    parser.add_argument("--mix", choices=["default", "free-text", "real-text"], default="default",
                        help="request bodies: the demo's mix (3 in 4 with a comment), free-text (every body "
                             "has a generated 200-400 character comment to scrub) or real-text (every body has "
                             "a real consultation answer of 200-400 characters)")
    parser.add_argument("--check-targets", action="store_true", help="exit with status 3 when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, SQLite files, Lua scripts)")
    parser.add_argument("--verbose", action="store_true", help="print the gunicorn error logs")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.pg_database):
        parser.error("--pg-database: lowercase letters, digits and _ only (it is written into CREATE DATABASE)")
    if args.worker_class == "sync":
        args.threads = 1
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: this benchmark needs it for the load and the latency percentiles.\n"
                 "Install it with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`, then re-run.")
    bodies = {"free-text": make_free_text_bodies, "real-text": make_real_text_bodies}.get(args.mix, make_bodies)()
    suffix = "" if args.mix == "default" else f"-{args.mix}"
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    failed = missed = False
    for name in backends:
        args.current_backend = name
        report = run_backend(name, args, bodies)
        (results_dir / f"submit_throughput-{name}{suffix}.json").write_text(json.dumps(report, indent=2) + "\n")
        print()
        print_table(report)
        print(f"  -> {results_dir / f'submit_throughput-{name}{suffix}.json'}\n")
        failed |= not all(check["ok"] for check in report["storage_checks"].values())
        failed |= not report["targets"]["all_201"]
        missed |= not (report["targets"]["ratio_met"] and report["targets"]["p95_met"])
    if failed:
        return 1
    return 3 if missed and args.check_targets else 0


if __name__ == "__main__":
    sys.exit(main())
