"""Indicators on a large database: one quartier and one year, warm (target: under 300 ms).

    python bench/indicators.py [--backend sqlite|postgresql|both] [--repeat 20]
                               [--reuse] [--path FILE] [--pg-url URL] [--breakdown]

For each backend:

1. a database built by the real migrations with the demo territories (voix/demo.py) and
   institutions (deliberation/demo.py), then bulk-loaded with synthetic data by Core
   executemany in batches of 20,000 rows (seeded: both backends get the same rows):
   - 1,000,000 survey responses over 2021-2025, more each year, in 75 waves: a spring
     and an autumn wave in each of the 7 quartiers (weighted by population) and a
     yearly metropole-wide barometer; 88 % give their wave's quartier, some another one
     or none; gender, age, channel and language mixes; 25 % came with a code: mostly of
     an earlier respondent, some of a participant, 3 % a code that does not exist.
     No Answer rows: no indicator reads them.
   - deliberation: 100 consultations (quartiers, communes, the metropole), 20,000
     participants, 5,000 ideas, 100,000 supports, 3,000 statements and 100,000 votes on
     them, 20,000 pairwise votes, 20,000 comments (40 % replies, 5 % hidden), ~3,000
     official answers by 6 institutions, ~120 steering committees;
   - 200,000 text analyses: every idea and comment, and free-text answers of 175,000
     responses (their quartier, moment, gender and age); 60 % name an institution.
2. `indicator_report(territory, Period(2025-01-01, 2025-12-31))` (that year and 2024):
   one warm-up call, then `--repeat` timed calls for Sanitas (the quartier of the
   target), then the same for Tours (a commune) and the metropole, for information.
   Each call looks the territory up by slug in a fresh session, as a request does.
   Wall times: min, median, p95 (nearest rank).

SQLite: a WAL file with the app's pragmas, in a temp dir (or --path); no ANALYZE, since
the application never runs one. PostgreSQL: the database in --pg-url (default
voix_indicators_bench), whose public schema is dropped and rebuilt; VACUUM ANALYZE after
the load, as autovacuum would do. With --reuse, a database already holding a complete
load of the same sizes is kept (only the migrations are applied); SQLite then defaults to
bench/results/indicators.sqlite.

Results and the quartier's report go to bench/results/indicators-<backend>.json; when
both backends run, the script says whether their reports are identical.
Exit status 3 with --check-target when the quartier's median is over the target.
"""
import argparse
import gc
import heapq
import itertools
import json
import math
import os
import platform
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
RESULTS = BENCH / "results"

TARGET_MS = 300.0
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/voix_indicators_bench"
FORBIDDEN_DATABASES = {"test", "voix_bench"}  # the tests' and the submission bench's
BATCH = 20_000
YEARS = (2021, 2022, 2023, 2024, 2025)
YEAR_WEIGHTS = (0.14, 0.17, 0.20, 0.23, 0.26)  # participation grows year after year
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))
END = datetime(2025, 12, 31, 22, 0, tzinfo=timezone.utc)  # nothing happens after this
TERRITORIES = ("sanitas", "tours", "metropole")  # quartier (the target), commune, metropole

GENDERS = (("woman", .48), ("man", .37), ("self_described", .01), (None, .14))
AGES = (("under_15", .04), ("15_17", .06), ("18_25", .14), ("26_34", .15), ("35_49", .22),
        ("50_64", .17), ("65_plus", .12), (None, .10))
CHANNELS = (("kiosk", .55), ("personal", .42), ("api", .03))
LANGUAGES = (("fr", .85), ("ar", .10), ("en", .05))
ORIGINS = (("kiosk", .35), ("personal", .45), ("mediator", .10), ("paper", .07), ("imported", .03))
INSTITUTION_MENTIONS = (("mairie", .22), ("bailleur", .20), ("caf", .14), ("police", .12), ("ecole", .07),
                        ("centre_social", .07), ("france_travail", .05), ("metropole", .05), ("sante", .03),
                        ("prefecture", .02), ("departement", .02), ("poste", .01))
STANCES = (("negative", .5), ("neutral", .2), ("positive", .3))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per territory (default 20)")
    parser.add_argument("--reuse", action="store_true", help="keep a database that already holds this load")
    parser.add_argument("--path", help="the SQLite file (default: a temp dir; bench/results/indicators.sqlite "
                                       "with --reuse)")
    parser.add_argument("--pg-url", default=PG_URL, help=f"the PostgreSQL bench database (default {PG_URL})")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--texts", type=int, default=200_000)
    parser.add_argument("--participants", type=int, default=20_000, help="the deliberation volume scales with it")
    parser.add_argument("--seed", type=int, default=37)
    parser.add_argument("--breakdown", action="store_true", help="also time each indicator function (quartier)")
    parser.add_argument("--check-target", action="store_true", help="exit 3 when the quartier median misses")
    args = parser.parse_args(argv)
    if args.texts < args.participants * 1.25:
        parser.error("--texts must cover every idea and comment (1.25 x --participants)")
    return args


# --- Randomness --------------------------------------------------------------------------


def pick(rng, table, n):
    """n values drawn from ((value, weight), ...): an object array (None is a value)."""
    values = np.empty(len(table), dtype=object)
    values[:] = [value for value, _weight in table]
    weights = np.array([weight for _value, weight in table], dtype=float)
    return values[rng.choice(len(table), size=n, p=weights / weights.sum())]


CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # voix/invitations.py
CODE_SPACE = len(CODE_ALPHABET) ** 8
# Numbering: responses from 0, participants from here, codes nobody has from UNKNOWN.
PARTICIPANT_CODES, UNKNOWN_CODES = 10_000_000, 20_000_000


def code(number: int) -> str:
    """A unique invitation code per number, scattered like random ones (a bijection mod 31^8)."""
    n = (int(number) * 2654435761 + 97_531) % CODE_SPACE
    digits = []
    for _ in range(8):
        n, digit = divmod(n, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[digit])
    return "".join(digits)


def uuids(rng, n):
    raw = rng.bytes(16 * n)
    return [str(uuid.UUID(bytes=raw[i:i + 16])) for i in range(0, 16 * n, 16)]


def posix(moment: datetime) -> float:
    return moment.timestamp()


def at(day: date, hour=0) -> float:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc).timestamp()


def earlier(rng, sorted_seconds, seconds, recent):
    """For each moment, the index of a recent earlier event of `sorted_seconds` (-1: none).

    Recent: about `recent` events back on average, so codes pass between people of the same weeks.
    """
    before = np.searchsorted(sorted_seconds, seconds)
    back = np.floor(rng.exponential(recent, size=len(seconds))).astype(np.int64)
    return np.where(before > 0, np.maximum(before - 1 - back, 0), -1)


# --- Loading -----------------------------------------------------------------------------


def insert(connection, table, rows):
    """Core executemany in batches of BATCH rows (rows may be a generator: never all in memory)."""
    rows, total = iter(rows), 0
    while batch := list(itertools.islice(rows, BATCH)):
        connection.execute(table.insert(), batch)
        total += len(batch)
    return total


class World:
    """The ids of what the loader made (territories, waves...), and what later tables need."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.territory: dict[str, int] = {}
        self.quartiers: list[int] = []  # ids, with their population weights
        self.quartier_weights: np.ndarray | None = None
        self.communes: dict[int, list[int]] = {}  # commune id: its quartiers
        self.metropole = None
        self.institutions: list[int] = []

    def quartier_draw(self, n):
        return np.array(self.quartiers)[self.rng.choice(len(self.quartiers), size=n, p=self.quartier_weights)]


def load_base(world):
    """Demo territories and institutions (the app's own code, through the ORM: a handful of rows)."""
    from sqlalchemy import select

    from deliberation.demo import institutions as demo_institutions
    from voix.demo import _create_territories
    from voix.extensions import db
    from voix.institutions.models import Institution, InstitutionCode
    from voix.territories.models import Territory, TerritoryKind

    _create_territories()
    by_slug = {t.slug: t for t in db.session.scalars(select(Territory))}
    made = list(demo_institutions(by_slug).values())
    made += [Institution(code=InstitutionCode.police, name="Police nationale", territory=by_slug["metropole"]),
             Institution(code=InstitutionCode.centre_social, name="Centre social Pluriel(le)",
                         territory=by_slug["tours"]),
             Institution(code=InstitutionCode.bailleur, name="Valloire Habitat", territory=by_slug["joue-les-tours"])]
    db.session.add_all(made)
    db.session.flush()
    world.territory = {slug: t.id for slug, t in by_slug.items()}
    quartiers = [t for t in by_slug.values() if t.kind is TerritoryKind.quartier]
    world.quartiers = [t.id for t in quartiers]
    populations = np.array([t.population for t in quartiers], dtype=float)
    world.quartier_weights = populations / populations.sum()
    world.communes = {t.id: [q.id for q in quartiers if q.parent_id == t.id]
                      for t in by_slug.values() if t.kind is TerritoryKind.commune}
    world.metropole = by_slug["metropole"].id
    world.institutions = [i.id for i in made]


def load_waves(world, spec):
    """One questionnaire (its description records the load), 75 closed waves."""
    from surveys import operations as ops
    from surveys.models import Wave, WaveStatus
    from voix.extensions import db
    from voix.territories.models import Territory

    metropole = db.session.get(Territory, world.metropole)
    questionnaire = ops.create_questionnaire({"fr": "Vivre dans mon quartier (bench)"}, metropole)
    questionnaire.description = {"bench": spec}
    db.session.flush()
    waves = []  # (wave, territory id, first second, last second)
    for year in YEARS:
        plan = [(q, date(year, 3, 1), date(year, 4, 15)) for q in world.quartiers]
        plan += [(q, date(year, 10, 1), date(year, 11, 15)) for q in world.quartiers]
        plan += [(world.metropole, date(year, 6, 1), date(year, 6, 30))]
        for territory_id, opens, closes in plan:
            number = sum(1 for w, t, *_ in waves if t == territory_id) + 1
            wave = Wave(questionnaire=questionnaire, version=questionnaire.latest_version, territory_id=territory_id,
                        number=number, opens_on=opens, closes_on=closes, status=WaveStatus.closed)
            waves.append((wave, territory_id, opens, closes))
    db.session.add_all([w for w, *_ in waves])
    db.session.flush()
    return [(w.id, w.version_id, w.number, t, opens, closes) for w, t, opens, closes in waves]


def response_columns(world, waves, n):
    """Every response as columns (numpy arrays), sorted by moment: ids follow time, as in life."""
    rng = world.rng
    weights = []
    for _id, _version, _number, territory_id, opens, _closes in waves:
        year = YEAR_WEIGHTS[YEARS.index(opens.year)]
        if territory_id == world.metropole:
            weights.append(year * 0.15)  # the barometer: 15 % of a year's responses
        else:
            weights.append(year * 0.85 / 2 * world.quartier_weights[world.quartiers.index(territory_id)])
    counts = rng.multinomial(n, np.array(weights) / sum(weights))
    wave_index = np.repeat(np.arange(len(waves)), counts)
    opens = np.array([at(w[4]) for w in waves])[wave_index]
    days = np.array([(w[5] - w[4]).days + 1 for w in waves])[wave_index]
    # Daytime in Tours: 07:00 to 20:00 UTC on a day of the wave.
    seconds = opens + rng.integers(0, days) * 86400 + rng.uniform(7 * 3600, 20 * 3600, size=n)
    order = np.argsort(seconds, kind="stable")
    wave_index, seconds = wave_index[order], seconds[order]
    wave_territory = np.array([w[3] for w in waves])[wave_index]
    return {"wave": wave_index, "seconds": seconds, "quartier": respondent_quartiers(world, wave_territory),
            "wave_territory": wave_territory, "gender": pick(rng, GENDERS, n), "age": pick(rng, AGES, n),
            "channel": pick(rng, CHANNELS, n), "language": pick(rng, LANGUAGES, n)}


def respondent_quartiers(world, wave_territory):
    """The quartier each respondent gave (None: not given)."""
    n, rng = len(wave_territory), world.rng
    u = rng.random(n)
    given = np.empty(n, dtype=object)
    in_quartier_wave = wave_territory != world.metropole
    own = in_quartier_wave & (u < 0.88)
    other = (in_quartier_wave & (u >= 0.88) & (u < 0.92)) | (~in_quartier_wave & (u < 0.80))
    given[own] = wave_territory[own]
    given[other] = world.quartier_draw(int(other.sum()))
    return given


def invitations(rng, seconds, own_base, others_seconds, others_base, share, share_from_others):
    """The code each person came with (None for most): an earlier person's, or an unknown one."""
    n = len(seconds)
    u, kind = rng.random(n), rng.random(n)
    mine = earlier(rng, seconds, seconds, max(1, len(seconds) // 200))
    others = earlier(rng, others_seconds, seconds, max(1, len(others_seconds) // 200))
    came = np.full(n, None, dtype=object)
    for i in np.nonzero(u < share)[0]:
        if kind[i] < 0.03:
            came[i] = code(UNKNOWN_CODES + i)  # a typo, or a code from nowhere
        elif kind[i] < 0.03 + share_from_others and others[i] >= 0:
            came[i] = code(others_base + others[i])
        elif mine[i] >= 0:
            came[i] = code(own_base + mine[i])
    return came


def chain_depths(*peoples):
    """Each person's invitation depth, as the platform stores it on arrival (voix/invitations.py):
    0 for no code or a code nobody has, else 1 + the inviter's. `peoples`: (first code
    number, codes they came with) per table; codes always name someone who came earlier."""
    parent = {code(first + i): came for first, invited_by in peoples for i, came in enumerate(invited_by)}
    depth = {}

    def depth_of(start):
        chain, at = [], start
        while at not in depth:
            inviter = parent[at]
            if inviter not in parent:  # came on their own, or with a code nobody has
                depth[at] = 0
                break
            chain.append(at)
            at = inviter
        for person in reversed(chain):
            depth[person] = depth[parent[person]] + 1
        return depth[start]

    return [[depth_of(code(first + i)) for i in range(len(invited_by))] for first, invited_by in peoples]


def response_rows(world, waves, columns, invited_by, depths):
    from surveys.models import Channel

    rng, n = world.rng, len(columns["seconds"])
    ids = uuids(rng, n)
    channels = {c.value: c for c in Channel}
    for i in range(n):
        wave_id, version_id, *_ = waves[columns["wave"][i]]
        quartier = columns["quartier"][i]
        quartier = None if quartier is None else int(quartier)
        counts_in = quartier if quartier is not None else int(columns["wave_territory"][i])
        yield {"uuid": ids[i], "wave_id": wave_id, "version_id": version_id,
               "submitted_at": datetime.fromtimestamp(columns["seconds"][i], timezone.utc),
               "channel": channels[columns["channel"][i]], "kiosk_id": None, "language": columns["language"][i],
               "gender": columns["gender"][i], "gender_description": None, "age_bracket": columns["age"][i],
               "quartier_id": quartier, "territory_id": counts_in,
               "invited_by_code": invited_by[i], "invitation_code": code(i), "invitation_depth": depths[i]}


# --- Deliberation ------------------------------------------------------------------------


def consultation_plan(world, n_participants):
    """100 consultations (per 20,000 participants), 20 % more each year; where, when, how big."""
    rng = world.rng
    n = max(5, round(n_participants / 200))
    year = rng.choice(YEARS, size=n, p=np.array(YEAR_WEIGHTS) / sum(YEAR_WEIGHTS))
    start = np.array([at(date(int(y), 1, 1), 9) for y in year]) + rng.uniform(0, 340 * 86400, size=n)
    kind = rng.random(n)
    places = np.where(kind < 0.80, world.quartier_draw(n),
                      np.where(kind < 0.95, rng.choice(list(world.communes), size=n), world.metropole))
    size = rng.lognormal(0, 0.6, size=n)
    people = np.maximum(8, np.round(size / size.sum() * n_participants)).astype(int)
    plan = [{"territory": int(places[i]), "start": float(start[i]), "people": int(people[i])} for i in range(n)]
    return in_time_order(plan, "start")


def in_time_order(rows, moment="created_at"):
    """Rows sorted by moment and numbered from 1, as a live platform would have stored them:
    a period is then a run of neighbouring rows, not rows spread over the whole table."""
    rows.sort(key=lambda row: row[moment])
    for number, row in enumerate(rows, 1):
        row["id"] = number
    return rows


def participant_quartier(world, consultation, u):
    """The quartier a participant gave, given where the consultation is (None: not given)."""
    place = consultation["territory"]
    if place in world.quartiers:
        return place if u < 0.75 else (int(world.quartier_draw(1)[0]) if u < 0.85 else None)
    if place in world.communes:
        return int(world.rng.choice(world.communes[place])) if u < 0.80 else None
    return int(world.quartier_draw(1)[0]) if u < 0.75 else None


def make_participants(world, consultations):
    """Participants as dicts (sorted by moment, like responses), invitations filled in later."""
    rng, people = world.rng, []
    for c in consultations:
        for u in rng.random(c["people"]):
            people.append({"consultation": c, "seconds": min(c["start"] + rng.uniform(0, 150 * 86400), posix(END)),
                           "quartier": participant_quartier(world, c, u)})
    people.sort(key=lambda p: p["seconds"])
    n = len(people)
    about = zip(pick(rng, GENDERS, n), pick(rng, AGES, n), pick(rng, ORIGINS, n), rng.random(n), rng.integers(0, 4, n))
    for i, (person, (gender, age, origin, placed, group)) in enumerate(zip(people, about)):
        person.update(id=i + 1, gender=gender, age=age, origin=origin, group=int(group) if placed < 0.6 else None)
    for c in consultations:
        c["members"] = [p for p in people if p["consultation"] is c]
    return people


def participant_rows(world, people, invited_by, depths):
    from deliberation.models import Origin

    tokens = uuids(world.rng, len(people))
    for i, p in enumerate(people):
        yield {"id": p["id"], "consultation_id": p["consultation"]["id"], "token": tokens[i].replace("-", ""),
               "resident_id": None, "external_id": None, "origin": Origin(p["origin"]),
               "created_at": datetime.fromtimestamp(p["seconds"], timezone.utc), "gender": p["gender"],
               "age_bracket": p["age"], "quartier_id": p["quartier"], "invitation_code": code(PARTICIPANT_CODES + i),
               "invited_by_code": invited_by[i], "invitation_depth": depths[i], "opinion_group": p["group"]}


def when(world, consultation, first_day, last_day, after=None):
    """A moment `first_day` to `last_day` days into the consultation (or after `after`), never after END."""
    base = consultation["start"] if after is None else after
    return min(base + world.rng.uniform(first_day, last_day) * 86400, posix(END))


def stamp(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc)


def make_ideas(world, consultations):
    """About one idea per four participants; 4 % hidden by moderators."""
    from deliberation.models import Visibility

    rng, ideas = world.rng, []
    for c in consultations:
        c["ideas"] = []
        for _ in range(max(2, round(len(c["members"]) / 4))):
            carrier = c["members"][rng.integers(len(c["members"]))]
            idea = {"consultation_id": c["id"], "title": "Une idée pour le quartier",
                    "body": "Un texte d'habitant.", "theme": None, "photo": None, "carrier_id": carrier["id"],
                    "visibility": Visibility.hidden if rng.random() < 0.04 else Visibility.visible,
                    "hidden_reason": None, "language": "fr", "created_at": stamp(when(world, c, 2, 60))}
            ideas.append(idea)
            c["ideas"].append(idea)
    return in_time_order(ideas)


def make_supports(world, consultations):
    """About five supports per participant, each idea at most once."""
    from deliberation.models import Origin

    rng, rows = world.rng, []
    for c in consultations:
        for person in c["members"]:
            k = min(len(c["ideas"]), rng.poisson(5))
            for index in rng.choice(len(c["ideas"]), size=k, replace=False):
                rows.append({"idea_id": c["ideas"][index]["id"], "participant_id": person["id"],
                             "origin": Origin(person["origin"]), "created_at": stamp(when(world, c, 60, 150))})
    for row, key in zip(rows, uuids(rng, len(rows))):
        row["uuid"] = key
    return sorted(rows, key=lambda row: row["created_at"])


def make_statements(world, consultations):
    """Thirty statements per consultation (60 % written by a participant), five votes per participant."""
    from deliberation.models import Moderation, Origin

    rng, statements, votes = world.rng, [], []
    moderation = ((Moderation.accepted, .8), (Moderation.unmoderated, .1), (Moderation.rejected, .1))
    for c in consultations:
        c["statements"] = []
        for _ in range(30):
            author = c["members"][rng.integers(len(c["members"]))]["id"] if rng.random() < 0.6 else None
            c["statements"].append({
                "consultation_id": c["id"], "text": "Une phrase à approuver ou non.", "author_id": author,
                "external_id": None, "moderation": pick(rng, moderation, 1)[0],
                "created_at": stamp(when(world, c, 5, 40))})
        statements += c["statements"]
    in_time_order(statements)
    for c in consultations:
        for person in c["members"]:
            for index in rng.choice(30, size=min(30, rng.poisson(5)), replace=False):
                votes.append({"statement_id": c["statements"][index]["id"], "participant_id": person["id"],
                              "value": int(rng.integers(-1, 2)), "origin": Origin(person["origin"]),
                              "voted_at": stamp(when(world, c, 20, 150))})
    for row, key in zip(votes, uuids(rng, len(votes))):
        row["uuid"] = key
    return statements, sorted(votes, key=lambda row: row["voted_at"])


def make_pairwise(world, consultations):
    """About one "which do you prefer?" answer per participant."""
    from deliberation.models import Origin

    rng, rows = world.rng, []
    for c in consultations:
        for person in c["members"]:
            for _ in range(rng.poisson(1)):
                winner, loser = rng.choice(len(c["ideas"]), size=2, replace=False)
                rows.append({"consultation_id": c["id"], "participant_id": person["id"],
                             "winner_id": c["ideas"][winner]["id"], "loser_id": c["ideas"][loser]["id"],
                             "origin": Origin(person["origin"]), "created_at": stamp(when(world, c, 60, 150))})
    for row, key in zip(rows, uuids(rng, len(rows))):
        row["uuid"] = key
    return sorted(rows, key=lambda row: row["created_at"])


def make_comments(world, consultations):
    """One comment per participant: 60 % on an idea, 40 % replies to one of them; 5 % hidden."""
    from deliberation.models import Position, Visibility

    rng, rows = world.rng, []
    positions = list(Position)
    for c in consultations:
        n = len(c["members"])
        top = [comment(world, c, c["ideas"][rng.integers(len(c["ideas"]))]["id"], None, when(world, c, 30, 200),
                       positions) for _ in range(round(n * 0.6))]
        rows += top
        for _ in range(round(n * 0.4)):
            parent = top[rng.integers(len(top))]
            rows.append(comment(world, c, parent["idea_id"], parent,
                                when(world, c, 0.1, 20, after=posix(parent["created_at"])), positions))
    in_time_order(rows)  # a reply comes after its parent, so parents are stored first
    for row, key in zip(rows, uuids(rng, len(rows))):
        row["uuid"] = key
        row["visibility"] = Visibility.hidden if rng.random() < 0.05 else Visibility.visible
        row["parent_id"] = row.pop("parent")["id"] if row["parent"] else None
    return rows


def comment(world, consultation, idea_id, parent, seconds, positions):
    author = consultation["members"][world.rng.integers(len(consultation["members"]))]
    return {"idea_id": idea_id, "parent": parent, "participant_id": author["id"],
            "body": "Un avis sur l'idée.", "position": positions[world.rng.integers(len(positions))],
            "hidden_reason": None, "moderated_by_id": None, "language": "fr", "created_at": stamp(seconds)}


def make_answers(world, ideas):
    """Official answers to about half the visible ideas (within 5 to 120 days), plus follow-ups."""
    from deliberation.models import AnswerStatus, Visibility

    rng, rows = world.rng, []
    statuses = list(AnswerStatus)
    visible = [idea for idea in ideas if idea["visibility"] is Visibility.visible]
    answered = [visible[i] for i in rng.choice(len(visible), size=round(len(ideas) * 0.5), replace=False)]
    for idea in answered:
        first = posix(idea["created_at"]) + rng.uniform(5, 120) * 86400
        if first > posix(END):
            continue  # not answered yet
        institution = world.institutions[rng.integers(len(world.institutions))]
        rows.append(answer(idea, institution, first, statuses[rng.integers(len(statuses))]))
        if rng.random() < 0.2:  # a later answer: the status moves on, sometimes from another institution
            later = min(first + rng.uniform(10, 200) * 86400, posix(END))
            other = institution if rng.random() < 0.7 else world.institutions[rng.integers(len(world.institutions))]
            rows.append(answer(idea, other, later, statuses[rng.integers(len(statuses))]))
    return sorted(rows, key=lambda row: row["answered_at"])


def answer(idea, institution, seconds, status):
    return {"idea_id": idea["id"], "institution_id": institution, "author_id": None, "status": status,
            "text": "Réponse de l'institution.", "planned_for": None, "answered_at": stamp(seconds)}


def make_committees(world, consultations):
    """A steering committee per consultation (a fifth also have a youth committee), 8 to 15 seats."""
    from deliberation.models import MembershipStatus

    rng, committees, members = world.rng, [], []
    for c in consultations:
        for name in ["Comité de pilotage"] + (["Comité jeunes"] if rng.random() < 0.2 else []):
            committee = {"consultation_id": c["id"], "name": f"{name} {c['id']}",
                         "created_at": stamp(when(world, c, 20, 40))}
            committees.append(committee)
            size = min(len(c["members"]), int(rng.integers(8, 16)))
            for index in rng.choice(len(c["members"]), size=size, replace=False):
                person, u = c["members"][index], rng.random()
                status = (MembershipStatus.validated if u < 0.75 else
                          MembershipStatus.volunteered if u < 0.9 else MembershipStatus.declined)
                members.append({
                    "committee": committee, "participant_id": person["id"], "display_name": "Prénom",
                    "is_resident": bool(rng.random() < 0.85), "gender": person["gender"], "age_bracket": person["age"],
                    "status": status, "validated_by_id": None, "created_at": committee["created_at"],
                    "validated_at": stamp(when(world, c, 40, 100)) if status is MembershipStatus.validated else None})
    in_time_order(committees)
    for member in members:
        member["committee_id"] = member.pop("committee")["id"]
    return committees, sorted(members, key=lambda row: row["created_at"])


# --- Text analyses -------------------------------------------------------------------------


def mentions(rng):
    """What the analysis found in one text: nothing 40 % of the time, else 1 to 3 mentions."""
    if rng.random() < 0.4:
        return []
    n = 1 + int(rng.random() < 0.3) + int(rng.random() < 0.08)
    return [{"institution": institution, "stance": stance, "irony": bool(rng.random() < 0.02)}
            for institution, stance in zip(pick(rng, INSTITUTION_MENTIONS, n), pick(rng, STANCES, n))]


def analysis(world, source, source_id, quartier, seconds, wave=None, gender=None, age=None):
    rng = world.rng
    found = mentions(rng)
    tone = found[0]["stance"] if found else ("neutral", "positive", "negative")[int(rng.integers(3))]
    return {"source": source, "source_id": int(source_id), "quartier_id": quartier, "wave": wave,
            "written_at": stamp(seconds), "gender": gender, "age_bracket": age, "tone": tone, "mentions": found,
            "analyzer_version": 1, "analyzed_at": stamp(seconds + 60)}


def text_rows(world, n, people, consultations, ideas, comments, responses, waves):
    """Every idea and comment, and the free-text answers of random responses given in a quartier,
    in the order they were written (the analysis runs soon after)."""
    by_id = {p["id"]: p for p in people}
    place = {c["id"]: c["territory"] for c in consultations}
    consultation_of_idea = {idea["id"]: idea["consultation_id"] for idea in ideas}

    def quartier_of(participant_id, consultation_id):
        given = by_id[participant_id]["quartier"]
        if given is None and place[consultation_id] in world.quartiers:
            return place[consultation_id]
        return given

    def answers():
        with_quartier = np.nonzero(responses["quartier"] != None)[0]  # noqa: E711 (numpy object array)
        chosen = np.sort(world.rng.choice(with_quartier, size=n - len(ideas) - len(comments), replace=False))
        for index in chosen:
            yield analysis(world, "answer", index + 1, int(responses["quartier"][index]), responses["seconds"][index],
                           wave=waves[responses["wave"][index]][2], gender=responses["gender"][index],
                           age=responses["age"][index])

    from_ideas = (analysis(world, "idea", idea["id"], quartier_of(idea["carrier_id"], idea["consultation_id"]),
                           posix(idea["created_at"])) for idea in ideas)
    from_comments = (analysis(world, "comment", row["id"],
                              quartier_of(row["participant_id"], consultation_of_idea[row["idea_id"]]),
                              posix(row["created_at"])) for row in comments)
    return heapq.merge(from_ideas, from_comments, answers(), key=lambda row: row["written_at"])


# --- The whole load ------------------------------------------------------------------------


def load(app, args) -> dict:
    """Fill an empty migrated database; returns {table: rows}."""
    from deliberation.models import (Comment, Committee, CommitteeMember, Consultation, Idea, OfficialAnswer,
                                     PairwiseVote, Participant, Phase, Statement, StatementVote, Support)
    from insights.models import TextAnalysis
    from surveys.models import Response
    from voix.extensions import db

    world = World(args.seed)
    with app.app_context():
        load_base(world)
        waves = load_waves(world, spec(args))
        db.session.commit()

        consultations = consultation_plan(world, args.participants)
        people = make_participants(world, consultations)
        responses = response_columns(world, waves, args.responses)
        people_seconds = np.array([p["seconds"] for p in people])
        # A quarter came with a code: respondents mostly a respondent's, participants mostly a participant's.
        response_invited = invitations(world.rng, responses["seconds"], 0, people_seconds, PARTICIPANT_CODES,
                                       0.25, 0.05)
        people_invited = invitations(world.rng, people_seconds, PARTICIPANT_CODES, responses["seconds"], 0,
                                     0.25, 0.25)
        response_depths, people_depths = chain_depths((0, response_invited), (PARTICIPANT_CODES, people_invited))
        ideas = make_ideas(world, consultations)
        statements, votes = make_statements(world, consultations)
        comments = make_comments(world, consultations)
        committees, members = make_committees(world, consultations)
        counts = {}
        with db.engine.begin() as connection:
            counts["response"] = insert(connection, Response.__table__,
                                        response_rows(world, waves, responses, response_invited, response_depths))
        with db.engine.begin() as connection:
            counts["consultation"] = insert(connection, Consultation.__table__, (
                {"id": c["id"], "title": {"fr": f"Consultation {c['id']}"}, "description": {},
                 "territory_id": c["territory"], "phase": Phase.closed, "proposals_open": False, "votes_open": False,
                 "results_hidden": False, "support_cap": None, "opens_on": stamp(c["start"]),
                 "closes_on": stamp(c["start"] + 180 * 86400), "created_by_id": None, "created_at": stamp(c["start"])}
                for c in consultations))
            counts["participant"] = insert(connection, Participant.__table__,
                                           participant_rows(world, people, people_invited, people_depths))
            counts["idea"] = insert(connection, Idea.__table__, ideas)
            counts["support"] = insert(connection, Support.__table__, make_supports(world, consultations))
            counts["statement"] = insert(connection, Statement.__table__, statements)
            counts["statement_vote"] = insert(connection, StatementVote.__table__, votes)
            counts["pairwise_vote"] = insert(connection, PairwiseVote.__table__, make_pairwise(world, consultations))
            counts["comment"] = insert(connection, Comment.__table__, comments)
            counts["official_answer"] = insert(connection, OfficialAnswer.__table__, make_answers(world, ideas))
            counts["committee"] = insert(connection, Committee.__table__, committees)
            counts["committee_member"] = insert(connection, CommitteeMember.__table__, members)
        with db.engine.begin() as connection:
            texts = text_rows(world, args.texts, people, consultations, ideas, comments, responses, waves)
            counts["text_analysis"] = insert(connection, TextAnalysis.__table__, texts)
        db.session.remove()
    return counts


def spec(args) -> dict:
    """What the load depends on: a database holding the same can be reused."""
    return {"seed": args.seed, "responses": args.responses, "texts": args.texts, "participants": args.participants,
            "version": 3}  # raise when the loader changes: a reused database is then rebuilt


# --- Databases -----------------------------------------------------------------------------


class Backend:
    def __init__(self, name, args, tmp: Path):
        self.name, self.args = name, args
        if name == "sqlite":
            default = RESULTS / "indicators.sqlite" if args.reuse else tmp / "indicators.sqlite"
            self.path = Path(args.path) if args.path else default
            self.url = f"sqlite:///{self.path}"
        else:
            self.url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", args.pg_url)
            database = self.url.rsplit("/", 1)[1].split("?")[0]
            if database in FORBIDDEN_DATABASES:
                raise SystemExit(f"refusing to use the database {database!r}: the bench drops its schema")

    def ensure_exists(self):
        """PostgreSQL: create the bench database on a machine that never had it."""
        if self.name == "sqlite":
            return
        import sqlalchemy as sa

        server, database = self.url.rsplit("/", 1)
        database = database.split("?")[0]
        engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            if not connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}):
                connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
        engine.dispose()

    def app(self):
        from voix import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": self.url, "SECRET_KEY": "bench-indicators"})
        gc.freeze()  # as wsgi.py does after start-up in production
        return app

    def wipe(self):
        """An empty database: a new SQLite file, or an empty public schema."""
        if self.name == "sqlite":
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return
        import sqlalchemy as sa

        engine = sa.create_engine(self.url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()

    def after_load(self, app):
        """PostgreSQL: ids given by the loader move the sequences on; statistics, as autovacuum would.
        SQLite: the WAL written back into the file (what the next checkpoints would do)."""
        from voix.extensions import db

        if self.name == "sqlite":
            with app.app_context():
                with db.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return

        with app.app_context():
            with db.engine.begin() as connection:
                for table in ("consultation", "participant", "idea", "statement", "comment", "committee"):
                    connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")

    def version(self, app) -> str:
        if self.name == "sqlite":
            return "SQLite " + sqlite3.sqlite_version
        import sqlalchemy as sa

        from voix.extensions import db

        with app.app_context():
            return "PostgreSQL " + db.session.execute(sa.text("SHOW server_version")).scalar()

    def size_mib(self, app) -> float:
        if self.name == "sqlite":
            return self.path.stat().st_size / 2**20
        import sqlalchemy as sa

        from voix.extensions import db

        with app.app_context():
            return db.session.execute(sa.text("SELECT pg_database_size(current_database())")).scalar() / 2**20


def loaded_spec(app):
    """The load recorded in the bench questionnaire, or None."""
    import sqlalchemy as sa

    from surveys.models import Questionnaire
    from voix.extensions import db

    with app.app_context():
        try:
            description = db.session.scalar(sa.select(Questionnaire.description).limit(1))
        except sa.exc.SQLAlchemyError:
            return None
        finally:
            db.session.remove()
    return (description or {}).get("bench")


def row_counts(app) -> dict:
    import sqlalchemy as sa

    from voix.extensions import db

    tables = ("response", "answer", "text_analysis", "consultation", "participant", "idea", "support", "statement",
              "statement_vote", "pairwise_vote", "comment", "official_answer", "committee", "committee_member",
              "wave", "territory", "institution")
    with app.app_context():
        counts = {t: db.session.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
        db.session.remove()
    return counts


def prepare(backend, args) -> tuple[object, dict]:
    """A database holding the load: reused when asked and complete, else built. Returns (app, facts)."""
    from flask_migrate import upgrade

    from voix.extensions import db

    facts = {"reused": False, "load_seconds": None}
    backend.ensure_exists()
    if args.reuse:
        app = backend.app()
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)  # a reused database gets new migrations too
        if loaded_spec(app) == spec(args) and complete(app, args):
            facts["reused"] = True
            return app, facts
        with app.app_context():
            db.engine.dispose()  # before its file or schema goes
    backend.wipe()
    app = backend.app()
    start = time.perf_counter()
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    facts["migrate_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    load(app, args)
    facts["insert_seconds"] = round(time.perf_counter() - start, 1)
    backend.after_load(app)
    facts["load_seconds"] = round(time.perf_counter() - start, 1)
    return app, facts


def complete(app, args) -> bool:
    counts = row_counts(app)
    return counts["response"] == args.responses and counts["text_analysis"] == args.texts


# --- Timing --------------------------------------------------------------------------------


def timed_reports(app, slug, repeat):
    """(wall seconds of each call after a warm-up, CPU seconds of all of them, the last report)."""
    from insights.indicators import Period, indicator_report
    from voix.extensions import db
    from voix.territories.models import territory_by_slug

    period = Period(*PERIOD)
    walls, report = [], None
    with app.app_context():
        cpu = CpuClock()
        for call in range(repeat + 1):
            if call == 1:  # the first call warms the caches up
                cpu.start(db.session)
            start = time.perf_counter()
            report = indicator_report(territory_by_slug(slug), period)
            walls.append(time.perf_counter() - start)
            if call == repeat:
                cpu.stop(db.session)
            db.session.remove()  # a fresh session per call, as per request
    return walls[1:], cpu, report


class CpuClock:
    """CPU time of the calls: this process's, and the PostgreSQL server process's when it runs
    on this machine (parallel query workers left out). On a shared machine, wall times also
    count the time other programs hold the CPUs; CPU times do not."""

    def __init__(self):
        self.client = self.server = None

    def start(self, session):
        self._pid = session.execute(sqlalchemy_text("SELECT pg_backend_pid()")).scalar() \
            if session.get_bind().dialect.name == "postgresql" else None
        self._client, self._server = time.process_time(), self._server_seconds()

    def stop(self, session):
        self.client = time.process_time() - self._client
        server = self._server_seconds()
        same = self._pid is None or session.execute(sqlalchemy_text("SELECT pg_backend_pid()")).scalar() == self._pid
        self.server = server - self._server if server is not None and self._server is not None and same else None

    def _server_seconds(self):
        try:
            fields = Path(f"/proc/{self._pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, TypeError):
            return None  # SQLite (it runs in this process), or a server elsewhere
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def sqlalchemy_text(sql):
    import sqlalchemy as sa

    return sa.text(sql)


def summary(walls, cpu) -> dict:
    ordered = sorted(walls)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    figures = {"calls": len(walls), "min_ms": round(ordered[0] * 1000, 1),
               "median_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1),
               "cpu_ms": round(cpu.client / len(walls) * 1000, 1)}
    if cpu.server is not None:
        figures["server_cpu_ms"] = round(cpu.server / len(walls) * 1000, 1)
    return figures


def breakdown(app, repeat) -> dict:
    """Mean milliseconds per report in each function measure() calls, for the quartier."""
    from insights.indicators import measure as measure_module

    spent: dict[str, list[float]] = {}
    originals = {}

    def timing(owner, name):
        function = getattr(owner, name)
        originals[(owner, name)] = function

        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                label = f"{function.__module__.rsplit('.', 1)[1]}.{name}"
                spent.setdefault(label, []).append(time.perf_counter() - start)
        setattr(owner, name, wrapper)

    targets = [(measure_module, "respondents"), (measure_module, "participants")]
    for module in (measure_module.participation, measure_module.social_link, measure_module.institutions,
                   measure_module.exchanges):
        targets += [(module, name) for name in measure_function_names(module)]
    for owner, name in targets:
        timing(owner, name)
    try:
        timed_reports(app, TERRITORIES[0], repeat)
    finally:
        for (owner, name), function in originals.items():
            setattr(owner, name, function)
    # Each report calls each function twice (the period, the one before); the warm-up is left out.
    return {name: round(sum(times[2:]) / repeat * 1000, 1) for name, times in
            sorted(spent.items(), key=lambda item: -sum(item[1]))}


def measure_function_names(module):
    """The functions of `module` that measure() calls directly."""
    import inspect

    from insights.indicators import measure as measure_module

    source = inspect.getsource(measure_module.measure)
    short = module.__name__.rsplit(".", 1)[1]
    return sorted(set(re.findall(rf"\b{short}\.(\w+)\(", source)))


# --- Main ----------------------------------------------------------------------------------


def run_backend(name, args, tmp) -> dict:
    backend = Backend(name, args, tmp)
    print(f"\n== {name} ==", flush=True)
    app, facts = prepare(backend, args)
    counts = row_counts(app)
    result = {"backend": name, "server": backend.version(app), "database_mib": round(backend.size_mib(app)), **facts,
              "rows": counts, "timings": {}}
    if facts["reused"]:
        print("reused the database (same load)")
    else:
        print(f"built in {facts['migrate_seconds'] + facts['load_seconds']:.0f} s: migrations "
              f"{facts['migrate_seconds']} s, generating and inserting {facts['insert_seconds']} s, "
              f"with the post-load step {facts['load_seconds']} s")
    print(f"{result['server']}, {result['database_mib']} MiB; rows: " +
          ", ".join(f"{table} {n:,}" for table, n in counts.items()), flush=True)
    reports = {}
    print(f"  {'':<10} {'min':>8} {'median':>8} {'p95':>8}   CPU per call (mean), "
          f"{args.repeat} calls after a warm-up")
    for slug in TERRITORIES:
        walls, cpu, reports[slug] = timed_reports(app, slug, args.repeat)
        figures = result["timings"][slug] = summary(walls, cpu)
        server = f" + server {figures['server_cpu_ms']:.0f} ms" if "server_cpu_ms" in figures else ""
        print(f"  {slug:<10} {figures['min_ms']:6.0f} ms {figures['median_ms']:6.0f} ms {figures['p95_ms']:6.0f} ms"
              f"   this process {figures['cpu_ms']:.0f} ms{server}", flush=True)
    if args.breakdown:
        result["breakdown_ms"] = breakdown(app, args.repeat)
        print("  where the quartier's time goes (mean ms per report, both periods):")
        for function, ms in result["breakdown_ms"].items():
            print(f"    {function:<40} {ms:7.1f}")
    result["report"] = reports[TERRITORIES[0]]
    from voix.extensions import db

    with app.app_context():
        db.engine.dispose()
    return result


def environment() -> dict:
    return {"python": platform.python_version(), "machine": platform.machine(), "cpu_count": os.cpu_count(),
            "period": [d.isoformat() for d in PERIOD], "target_ms": TARGET_MS}


def main(argv=None):
    args = parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    env = environment()
    print(f"Indicators bench: Python {env['python']} ({env['machine']}, {env['cpu_count']} CPUs), "
          f"period {PERIOD[0]} to {PERIOD[1]} (and the year before), target {TARGET_MS:.0f} ms for a quartier")
    RESULTS.mkdir(exist_ok=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="voix-indicators-") as tmp:
        for name in backends:
            results[name] = run_backend(name, args, Path(tmp))
            text = json.dumps({**env, **results[name]}, indent=2, ensure_ascii=False, default=str)
            (RESULTS / f"indicators-{name}.json").write_text(text + "\n", encoding="utf-8")
    print()
    missed = False
    for name, result in results.items():
        median = result["timings"][TERRITORIES[0]]["median_ms"]
        missed |= median > TARGET_MS
        print(f"{name}: quartier-year median {median:.1f} ms: {'ok' if median <= TARGET_MS else 'MISSED'} "
              f"(< {TARGET_MS:.0f} ms)")
    if len(results) == 2:
        same = results["sqlite"]["report"] == results["postgresql"]["report"]
        print(f"the quartier's reports of both backends are {'identical' if same else 'DIFFERENT'}")
    return 3 if args.check_target and missed else 0


if __name__ == "__main__":
    sys.exit(main())
