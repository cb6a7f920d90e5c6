"""Read and write Pol.is export folders (``comments.csv``, ``votes.csv``) as plain records.

Pol.is's open-data exports (compdemocracy/openData, CC BY 4.0) hold:

* ``comments.csv``: ``timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,
  comment-body``. ``moderated`` is 1 (accepted), -1 (rejected: moderated out, not shown
  and not counted) or 0 (not yet moderated: shown unless the conversation uses strict
  moderation). ``agrees`` / ``disagrees`` count every vote row, re-votes included, so they
  can exceed the participants' current opinions.
* ``votes.csv``: ``timestamp,datetime,comment-id,voter-id,vote`` with 1 agree, -1 disagree,
  0 pass; a participant may vote again on a comment and the latest vote wins.
* ``participants-votes.csv``: one row per participant with Pol.is's ``group-id`` (empty
  when the participant was not clustered) and the vote per comment.
* ``summary.csv``: key,value rows (topic, url, voters, comments, groups...).

Timestamps are milliseconds since the epoch (UTC); the ``datetime`` column is a display
string in the exporting server's time zone and is ignored when reading. Ids are kept as
strings. Writing produces the same columns; ``agrees`` / ``disagrees`` are recomputed
from the votes written and ``datetime`` is written in UTC.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ACCEPTED, UNMODERATED, REJECTED = 1, 0, -1

COMMENT_COLUMNS = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees",
                   "moderated", "comment-body"]
VOTE_COLUMNS = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]

_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class PolisComment:
    external_id: str
    text: str
    author_id: str
    moderated: int  # 1 accepted, 0 not moderated yet, -1 rejected
    timestamp: int  # ms since the epoch
    # A statement about the conversation or the participant ("I live in Leeds"): Pol.is
    # leaves it out of the clustering. Read from an ``is-meta`` column where there is one.
    is_meta: bool = False

    @property
    def rejected(self) -> bool:
        return self.moderated == REJECTED

    def is_excluded(self, strict_moderation: bool = False) -> bool:
        """Moderated out of the analysis: rejected, or not accepted under strict moderation."""
        return self.moderated == REJECTED or (strict_moderation and self.moderated != ACCEPTED)


@dataclass(frozen=True)
class PolisVote:
    participant_id: str
    comment_id: str
    value: int  # 1 agree, -1 disagree, 0 pass
    timestamp: int  # ms since the epoch


@dataclass(frozen=True)
class PolisExport:
    comments: list[PolisComment]
    votes: list[PolisVote]

    def excluded_comments(self, strict_moderation: bool = False) -> set[str]:
        return {c.external_id for c in self.comments if c.is_excluded(strict_moderation)}

    def meta_comments(self) -> set[str]:
        return {c.external_id for c in self.comments if c.is_meta}

    def vote_triples(self) -> list[tuple[str, str, int]]:
        """(participant, comment, value) in chronological order, for opinion_groups."""
        return [(v.participant_id, v.comment_id, v.value) for v in self.votes]


def _natural(value: str):
    """Sort key: numeric ids numerically, others after them as text."""
    return (0, int(value), "") if value.lstrip("-").isdigit() else (1, 0, value)


def to_milliseconds(value) -> int:
    """A Pol.is time as milliseconds since the epoch.

    openData's exports and Pol.is's API give milliseconds; newer CSV exports (named
    ``<date>-<id>-votes.csv``) give seconds; red-dwarf's JSON files give ISO 8601 for
    comments. Below 10^11 a number is taken as seconds (10^11 ms is March 1973, before
    Pol.is; 10^11 s is the year 5138).
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text)
        except ValueError:
            moment = datetime.fromisoformat(text)  # ValueError if it is not a date either
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return round(moment.timestamp() * 1000)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a time")
    return round(value * 1000) if abs(value) < 1e11 else round(value)


def parse_flag(value) -> bool:
    """Pol.is writes booleans as true/false, t/f or 1/0; empty or absent is false."""
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in {"", "0", "false", "f", "no", "null", "none"}:
        return False
    if text in {"1", "true", "t", "yes"}:
        return True
    raise ValueError(f"is-meta: {value!r} is not a boolean")


def read_comments(path: str | Path) -> list[PolisComment]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    comments = [
        PolisComment(
            external_id=row["comment-id"],
            text=row["comment-body"],
            author_id=row["author-id"],
            moderated=int(row["moderated"] or 0),
            timestamp=to_milliseconds(row["timestamp"]),
            is_meta=parse_flag(row.get("is-meta", row.get("is_meta"))),
        )
        for row in rows
    ]
    return comments


def read_votes(path: str | Path, *, last_vote_wins: bool = True) -> list[PolisVote]:
    """Votes in chronological order (ties keep file order).

    With ``last_vote_wins`` (the default) only each participant's latest vote per comment
    is kept; otherwise every row, re-votes included.
    """
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    votes = [
        PolisVote(
            participant_id=row["voter-id"],
            comment_id=row["comment-id"],
            value=int(row["vote"]),
            timestamp=to_milliseconds(row["timestamp"]),
        )
        for row in rows
    ]
    votes.sort(key=lambda v: v.timestamp)  # stable: equal timestamps keep file order
    if last_vote_wins:
        latest = {}
        for vote in votes:
            latest.pop((vote.participant_id, vote.comment_id), None)
            latest[(vote.participant_id, vote.comment_id)] = vote
        votes = list(latest.values())  # insertion order = chronological order of the kept votes
    return votes


def csv_files(folder: str | Path) -> tuple[Path, Path] | None:
    """(comments, votes) CSV files of an export folder, or None.

    openData names them ``comments.csv`` and ``votes.csv``; Pol.is's newer report export
    (and red-dwarf's ``csv-export-test`` fixture) prefixes them with a date and the report
    id: ``2025-08-29-0002-7btrabcujr-comments.csv``.
    """
    folder = Path(folder)
    if (folder / "comments.csv").is_file() and (folder / "votes.csv").is_file():
        return folder / "comments.csv", folder / "votes.csv"
    comments, votes = sorted(folder.glob("*-comments.csv")), sorted(folder.glob("*-votes.csv"))
    votes = [v for v in votes if not v.name.endswith("participant-votes.csv")]
    if len(comments) == 1 and len(votes) == 1:
        return comments[0], votes[0]
    return None


def read_export(folder: str | Path, *, last_vote_wins: bool = True) -> PolisExport:
    found = csv_files(folder)
    if found is None:
        raise FileNotFoundError(f"{folder}: no comments.csv and votes.csv")
    comments, votes = found
    return PolisExport(comments=read_comments(comments), votes=read_votes(votes, last_vote_wins=last_vote_wins))


def read_math(folder: str | Path) -> dict:
    """Pol.is's math output (``math-pca2.json``, as red-dwarf's fixtures keep it), or {}."""
    path = Path(folder) / "math-pca2.json"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        math = json.load(f)
    return math if isinstance(math, dict) else {}


def read_math_groups(folder: str | Path) -> dict[str, int]:
    """participant id -> Pol.is's group, from ``math-pca2.json``: groups list base
    clusters, and base clusters list participants."""
    math = read_math(folder)
    base = math.get("base-clusters") or {}
    members_of_base = dict(zip(base.get("id", []), base.get("members", [])))
    groups = {}
    for group in math.get("group-clusters") or []:
        for base_id in group.get("members", []):
            for participant in members_of_base.get(base_id, []):
                groups[str(participant)] = int(group["id"])
    return groups


def read_conversation(folder: str | Path) -> dict:
    """What an export says of its conversation: ``topic``, ``description`` and
    ``strict_moderation`` (``conversation.json``, red-dwarf's folders and Pol.is's API),
    else ``summary.csv``'s topic (openData). Missing keys are absent."""
    folder = Path(folder)
    path = folder / "conversation.json"
    if path.is_file():
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if isinstance(data, dict):
            found = {key: data[key] for key in ("topic", "description") if isinstance(data.get(key), str)}
            if "strict_moderation" in data:
                found["strict_moderation"] = bool(data["strict_moderation"])
            return found
    if (folder / "summary.csv").is_file():
        summary = read_summary(folder)
        return {key: summary[key] for key in ("topic",) if summary.get(key)}
    return {}


def _first(record: dict, *keys, default=None):
    """The value of the first key present (Pol.is's JSON names and red-dwarf's aliases)."""
    for key in keys:
        if key in record and record[key] is not None:
            return record[key]
    if default is not None:
        return default
    raise KeyError(keys[0])


def read_json_export(folder: str | Path, *, last_vote_wins: bool = True,
                     agree_is_minus_one: bool = False) -> PolisExport:
    """Pol.is's JSON format: ``comments.json`` and ``votes.json``, lists of objects.

    Comments: ``tid`` or ``statement_id``, ``txt`` or ``statement_text``, ``pid`` or
    ``participant_id`` (author), ``created`` (ms), ``mod`` or ``moderated``, ``is_meta``.
    Votes: ``pid`` or ``participant_id``, ``tid`` or ``statement_id``, ``vote``,
    ``modified`` (ms). Votes are 1 agree / -1 disagree as in the CSV export and red-dwarf's
    files; Pol.is's raw API (``/api/v3/votes``) stores agree as -1: pass
    ``agree_is_minus_one=True`` for those.
    """
    folder = Path(folder)
    with open(folder / "comments.json", encoding="utf-8") as f:
        raw_comments = json.load(f)
    # red-dwarf's fixture folders: Pol.is's math output lists the meta statements, for
    # comments whose own is_meta is missing (older API answers).
    meta_ids = {str(t) for t in read_math(folder).get("meta-tids", [])}
    with open(folder / "votes.json", encoding="utf-8") as f:
        raw_votes = json.load(f)
    if not isinstance(raw_comments, list) or not isinstance(raw_votes, list):
        raise ValueError("comments.json and votes.json must each hold a list")
    comments = [
        PolisComment(
            external_id=str(_first(c, "tid", "statement_id", "comment-id")),
            text=str(_first(c, "txt", "statement_text", "comment-body")),
            author_id=str(_first(c, "pid", "participant_id", "author-id", default="")),
            moderated=int(_first(c, "mod", "moderated", default=0)),
            timestamp=to_milliseconds(_first(c, "created", "timestamp", default=0)),
            is_meta=(parse_flag(c.get("is_meta", c.get("is-meta")))
                     if c.get("is_meta", c.get("is-meta")) is not None
                     else str(_first(c, "tid", "statement_id", "comment-id")) in meta_ids),
        )
        for c in raw_comments
    ]
    sign = -1 if agree_is_minus_one else 1
    votes = [
        PolisVote(
            participant_id=str(_first(v, "pid", "participant_id", "voter-id")),
            comment_id=str(_first(v, "tid", "statement_id", "comment-id")),
            value=sign * int(v["vote"]),
            timestamp=to_milliseconds(_first(v, "modified", "timestamp", default=0)),
        )
        for v in raw_votes
    ]
    votes.sort(key=lambda v: v.timestamp)  # stable: ties keep file order
    if last_vote_wins:
        latest = {}
        for vote in votes:
            latest.pop((vote.participant_id, vote.comment_id), None)
            latest[(vote.participant_id, vote.comment_id)] = vote
        votes = list(latest.values())
    return PolisExport(comments=comments, votes=votes)


def read_participant_groups(folder: str | Path) -> dict[str, int | None]:
    """participant id -> Pol.is's group id (None when the participant was not clustered)."""
    with open(Path(folder) / "participants-votes.csv", newline="", encoding="utf-8") as f:
        return {row["participant"]: (int(row["group-id"]) if row["group-id"] != "" else None)
                for row in csv.DictReader(f)}


def read_summary(folder: str | Path) -> dict[str, str]:
    with open(Path(folder) / "summary.csv", newline="", encoding="utf-8") as f:
        return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}


def format_datetime(timestamp_ms: int) -> str:
    """Pol.is's display format (Java's Date.toString), in UTC."""
    moment = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
    return (f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day:02d} "
            f"{moment:%H:%M:%S} UTC {moment.year}")


def write_export(folder: str | Path, comments: Iterable[PolisComment],
                 votes: Iterable[PolisVote]) -> None:
    """Write ``comments.csv`` and ``votes.csv`` into folder (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    votes = sorted(votes, key=lambda v: (_natural(v.comment_id), _natural(v.participant_id),
                                         v.timestamp))
    agrees, disagrees = {}, {}
    for vote in votes:
        if vote.value == 1:
            agrees[vote.comment_id] = agrees.get(vote.comment_id, 0) + 1
        elif vote.value == -1:
            disagrees[vote.comment_id] = disagrees.get(vote.comment_id, 0) + 1
    with open(folder / "comments.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        comments = list(comments)
        # is-meta only when some comment is meta: otherwise the columns of openData's files.
        with_meta = any(c.is_meta for c in comments)
        writer.writerow(COMMENT_COLUMNS + ["is-meta"] * with_meta)
        for c in comments:
            writer.writerow([c.timestamp, format_datetime(c.timestamp), c.external_id, c.author_id,
                             agrees.get(c.external_id, 0), disagrees.get(c.external_id, 0),
                             c.moderated, c.text] + [int(c.is_meta)] * with_meta)
    with open(folder / "votes.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(VOTE_COLUMNS)
        for v in votes:
            writer.writerow([v.timestamp, format_datetime(v.timestamp), v.comment_id,
                             v.participant_id, v.value])


def write_json_export(folder: str | Path, comments: Iterable[PolisComment], votes: Iterable[PolisVote]) -> None:
    """Write ``comments.json`` and ``votes.json`` with Pol.is's API field names (``tid``,
    ``pid``, ``txt``, ``created``, ``mod``, ``is_meta``; ``pid``, ``tid``, ``vote``,
    ``modified``), votes 1 = agree as in the CSV export. :func:`read_json_export` reads
    them back unchanged."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    votes = sorted(votes, key=lambda v: (_natural(v.comment_id), _natural(v.participant_id), v.timestamp))
    counts: dict[str, list[int]] = {}
    for vote in votes:
        tally = counts.setdefault(vote.comment_id, [0, 0, 0])
        tally[{1: 0, -1: 1, 0: 2}[vote.value]] += 1
    records = []
    for c in comments:
        agree, disagree, passed = counts.get(c.external_id, [0, 0, 0])
        records.append({"tid": _json_id(c.external_id), "pid": _json_id(c.author_id) if c.author_id else None,
                        "txt": c.text, "created": c.timestamp, "mod": c.moderated, "is_meta": c.is_meta,
                        "agree_count": agree, "disagree_count": disagree, "pass_count": passed,
                        "count": agree + disagree + passed})
    with open(folder / "comments.json", "w", encoding="utf-8") as f:
        json.dump(records, f, ensure_ascii=False, indent=1)
    with open(folder / "votes.json", "w", encoding="utf-8") as f:
        json.dump([{"pid": _json_id(v.participant_id), "tid": _json_id(v.comment_id), "vote": v.value,
                    "modified": v.timestamp} for v in votes], f, ensure_ascii=False, indent=1)


def _json_id(value: str):
    """Pol.is's ids are numbers; ours may be text (local statements): numbers stay numbers."""
    return int(value) if value.isdigit() and str(int(value)) == value else value
