"""Pol.is export folders in and out of the database, and opinion groups from stored votes.

* :func:`import_polis` turns a Pol.is export folder (``comments.csv``, ``votes.csv``) into
  a closed consultation: one participant per voter or comment author (origin
  ``imported``), one statement per comment, one vote per participant and comment (the
  last one wins). Pol.is's ids are kept as ``external_id``; timestamps are kept.
  Statements are stored scrubbed of personal data (voix/privacy), like every resident text.
* :func:`opinion_groups_for` computes the opinion groups of a consultation from its
  stored votes, with external ids where there are some.
* :func:`export_polis` writes a consultation back in the same CSV format.

Plain functions: the caller owns the transaction (the CLI commits once, after the import).
"""
from __future__ import annotations

import csv
import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import chain
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select, update

from voix.database import begin_write
from voix.extensions import db
from voix.privacy import clean_many

from .models import (
    Consultation,
    Moderation,
    Origin,
    Participant,
    Phase,
    Statement,
    StatementVote,
    StatementVoteReceipt,
)
from .operations import advance_phase, create_consultation
from .opinion_groups import OpinionGroups, _ordered, opinion_groups_from_matrix
from .polis_format import (
    ACCEPTED,
    REJECTED,
    UNMODERATED,
    PolisComment,
    PolisExport,
    PolisVote,
    csv_files,
    read_export,
    read_json_export,
    write_export,
    write_json_export,
)

FILES = ("comments.csv", "votes.csv")
JSON_FILES = ("comments.json", "votes.json")  # Pol.is's JSON format (math/export, API)
TEXT_MAX = Statement.__table__.c.text.type.length  # 500
ID_MAX = Participant.__table__.c.external_id.type.length  # 64
# Namespace of the imported votes' UUIDs (uuid5 of consultation, participant, comment).
VOTE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://voix-des-quartiers/polis-import/vote")

MODERATION = {ACCEPTED: Moderation.accepted, UNMODERATED: Moderation.unmoderated, REJECTED: Moderation.rejected}
MODERATED = {value: key for key, value in MODERATION.items()}

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


class PolisImportError(ValueError):
    """The folder is not a usable Pol.is export; the message says why."""


def from_ms(timestamp_ms: int) -> datetime:
    return _EPOCH + timestamp_ms * _MS  # exact, unlike fromtimestamp(ms / 1000)


def to_ms(moment: datetime) -> int:
    if moment.tzinfo is None:  # SQLite gives naive datetimes; they are stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MS


def vote_uuid(consultation_id: int, participant_id: str, comment_id: str) -> str:
    """Deterministic: the same vote imported again into the same consultation has the same UUID."""
    return str(uuid.uuid5(VOTE_NAMESPACE, json.dumps([consultation_id, participant_id, comment_id])))


# --- Import ---------------------------------------------------------------------------------


def read_polis_folder(folder: str | Path, *, agree_is_minus_one: bool = False) -> PolisExport:
    """Read and check an export folder; raises PolisImportError with a readable reason.

    Three layouts: Pol.is's CSV export (``comments.csv`` and ``votes.csv``, openData; or
    the same with a ``<date>-<report id>-`` prefix, Pol.is's newer report export), Pol.is's
    JSON (``comments.json`` and ``votes.json``: its API and math export, either field-name
    variant), and red-dwarf's fixture folders (the same JSON files with ``conversation.json``
    and ``math-pca2.json`` beside them; meta statements missing from the comments are read
    from the math's ``meta-tids``). CSV wins when a folder holds both, as export-polis
    writes them. ``agree_is_minus_one``: JSON votes from Pol.is's raw API, where agree is -1.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise PolisImportError(f"{folder} is not a folder")
    if csv_files(folder) is None:
        if not all((folder / name).is_file() for name in JSON_FILES):
            raise PolisImportError(f"{folder} has neither comments.csv and votes.csv nor comments.json and "
                                   "votes.json: not a Pol.is export folder")
        try:
            export = read_json_export(folder, agree_is_minus_one=agree_is_minus_one)
        except KeyError as error:
            raise PolisImportError(f"{folder}: a JSON record lacks the field {error}") from None
        except (ValueError, TypeError, AttributeError) as error:
            raise PolisImportError(f"{folder}: unreadable JSON ({error})") from None
        _check(export)
        return export
    try:
        export = read_export(folder)  # last vote wins
    except KeyError as error:
        raise PolisImportError(f"{folder}: a CSV file lacks the column {error}") from None
    except (ValueError, csv.Error) as error:
        raise PolisImportError(f"{folder}: unreadable CSV ({error})") from None
    _check(export)
    return export


def _check(export: PolisExport):
    comment_ids = [c.external_id for c in export.comments]
    duplicates = sorted(i for i, n in Counter(comment_ids).items() if n > 1)
    if duplicates:
        raise PolisImportError(f"comments.csv repeats comment ids: {', '.join(duplicates[:10])}")
    for comment in export.comments:
        if not comment.external_id or len(comment.external_id) > ID_MAX or len(comment.author_id) > ID_MAX:
            raise PolisImportError(f"comments.csv: bad comment or author id {comment.external_id!r}")
        if comment.moderated not in MODERATION:
            raise PolisImportError(f"comments.csv: comment {comment.external_id} has moderated="
                                   f"{comment.moderated} (expected 1, 0 or -1)")
        if len(comment.text) > TEXT_MAX:
            raise PolisImportError(f"comments.csv: comment {comment.external_id} has {len(comment.text)} "
                                   f"characters, more than {TEXT_MAX}")
    known = set(comment_ids)
    for vote in export.votes:
        if vote.comment_id not in known:
            raise PolisImportError(f"votes.csv: a vote on comment {vote.comment_id}, absent from comments.csv")
        if not vote.participant_id or len(vote.participant_id) > ID_MAX:
            raise PolisImportError(f"votes.csv: bad voter id {vote.participant_id!r}")
        if vote.value not in (-1, 0, 1):
            raise PolisImportError(f"votes.csv: vote {vote.value} (expected 1, -1 or 0)")


def import_polis(folder: str | Path, title: str | dict, territory, *, language: str = "fr",
                 agree_is_minus_one: bool = False) -> Consultation:
    """Import a Pol.is export folder as a new consultation, in the closed phase.

    Closed because the conversation is over on Pol.is: nobody can add votes here that
    would mix with the imported ones, and the results are shown (``shows_results``).
    Rejected comments become rejected statements (hidden, left out of opinion groups);
    their votes are kept so an export gives the data back. Everything is written in the
    caller's transaction (one ``begin_write``); the caller commits.
    """
    export = read_polis_folder(folder, agree_is_minus_one=agree_is_minus_one)
    # Residents wrote these statements (on Pol.is): like every resident text, they are stored
    # scrubbed of personal data. Scrubbed before the write lock is taken, in batches.
    texts = {c.external_id: s.text[:TEXT_MAX] for c, s in
             zip(export.comments, clean_many([c.text for c in export.comments]))}
    first_seen: dict[str, int] = {}  # participant external id -> first timestamp (ms)
    for item_id, timestamp in [(c.author_id, c.timestamp) for c in export.comments if c.author_id] + \
            [(v.participant_id, v.timestamp) for v in export.votes]:
        if item_id not in first_seen or timestamp < first_seen[item_id]:
            first_seen[item_id] = timestamp

    begin_write()
    consultation = create_consultation(title if isinstance(title, dict) else {language: title}, territory)
    while consultation.phase is not Phase.closed:
        advance_phase(consultation)
    db.session.flush()

    if first_seen:
        db.session.execute(insert(Participant), [
            dict(consultation_id=consultation.id, external_id=pid, origin=Origin.imported,
                 created_at=from_ms(timestamp))
            for pid, timestamp in first_seen.items()])
    participants = dict(db.session.execute(select(Participant.external_id, Participant.id).where(
        Participant.consultation_id == consultation.id, Participant.external_id.is_not(None))).all())

    if export.comments:
        db.session.execute(insert(Statement), [
            dict(consultation_id=consultation.id, external_id=c.external_id, text=texts[c.external_id],
                 author_id=participants.get(c.author_id), moderation=MODERATION[c.moderated],
                 is_meta=c.is_meta, created_at=from_ms(c.timestamp))
            for c in export.comments])
    statements = dict(db.session.execute(select(Statement.external_id, Statement.id).where(
        Statement.consultation_id == consultation.id, Statement.external_id.is_not(None))).all())

    votes = [dict(uuid=vote_uuid(consultation.id, v.participant_id, v.comment_id),
                  statement_id=statements[v.comment_id], participant_id=participants[v.participant_id],
                  value=v.value, origin=Origin.imported, voted_at=from_ms(v.timestamp))
             for v in export.votes]
    if votes:
        db.session.execute(insert(StatementVote), votes)
        # The receipt log holds every statement vote UUID ever received (see the model).
        db.session.execute(insert(StatementVoteReceipt),
                           [dict(uuid=v["uuid"], received_at=v["voted_at"]) for v in votes])
    db.session.flush()
    return consultation


# --- Opinion groups from the database -------------------------------------------------------


def _label(external_id: str | None, internal_id: int) -> str:
    return external_id if external_id is not None else str(internal_id)


def stored_vote_matrix(consultation: Consultation) -> tuple[np.ndarray, list[str], list[str]]:
    """(matrix, participant_ids, statement_ids) of the consultation's current votes on
    statements not rejected: what ``vote_matrix`` gives from (participant, statement, value)
    triples, with the same ids (external ones where present, else the internal ids as
    strings) in the same order.

    Built from the votes' three integer columns, without ORM rows, per-vote strings or a
    sort of every vote: at 2,000 x 500 (447,045 votes) the triples took 2.0 s of a 2.7 s
    first page (profiled, bench/opinion_map.py); the order does not matter since a
    participant has one current vote per statement (unique constraint).
    """
    participants = dict(db.session.execute(select(Participant.id, Participant.external_id).where(
        Participant.consultation_id == consultation.id)).all())
    statements = dict(db.session.execute(select(Statement.id, Statement.external_id).where(
        Statement.consultation_id == consultation.id, Statement.moderation != Moderation.rejected)).all())
    result = db.session.connection().execute(
        select(StatementVote.participant_id, StatementVote.statement_id, StatementVote.value)
        .join(Statement, Statement.id == StatementVote.statement_id)
        .where(Statement.consultation_id == consultation.id, Statement.moderation != Moderation.rejected))
    try:  # three integers per vote: the driver's tuples, without a Row object for each
        rows = result.cursor.fetchall()
    finally:
        result.close()
    votes = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=3 * len(rows)).reshape(-1, 3)
    row, participant_ids = _positions(votes[:, 0], participants)
    col, statement_ids = _positions(votes[:, 1], statements)
    matrix = np.full((len(participant_ids), len(statement_ids)), np.nan)
    matrix[row, col] = votes[:, 2]
    return matrix, participant_ids, statement_ids


def _positions(internal_ids: np.ndarray, external: dict) -> tuple[np.ndarray, list[str]]:
    """Each vote's row (or column) in the matrix, and the ids of the rows in vote_matrix's
    order (natural sort of the labels)."""
    present = np.unique(internal_ids)
    labels = [_label(external.get(i), i) for i in present.tolist()]
    ordered = _ordered(labels)
    index = {label: k for k, label in enumerate(ordered)}
    position = np.array([index[label] for label in labels], dtype=np.int64)
    return position[np.searchsorted(present, internal_ids)], ordered


def opinion_groups_for(consultation: Consultation, **options) -> OpinionGroups:
    """Opinion groups of a consultation from its stored votes (rejected statements left out,
    meta statements counted but not clustered).

    ``options`` go to :func:`opinion_groups_from_matrix` (seed, k_range, k_state...).
    """
    meta = {_label(ext, sid) for ext, sid in db.session.execute(
        select(Statement.external_id, Statement.id).where(
            Statement.consultation_id == consultation.id, Statement.is_meta.is_(True)))}
    return opinion_groups_from_matrix(*stored_vote_matrix(consultation), meta_statements=meta, **options)


def remember_groups(consultation: Consultation, result: OpinionGroups) -> bool:
    """Store each participant's opinion group (None: not placed), for the indicators that
    look across groups. Writes only when something changed; returns whether it did."""
    label_to_id = {_label(ext, pid): pid for pid, ext in db.session.execute(
        select(Participant.id, Participant.external_id).where(Participant.consultation_id == consultation.id))}
    wanted = {label_to_id[m]: g.id for g in result.groups for m in g.members if m in label_to_id}
    stored = dict(db.session.execute(select(Participant.id, Participant.opinion_group).where(
        Participant.consultation_id == consultation.id, Participant.opinion_group.is_not(None))).all())
    k_state_changed = result.k_state is not None and consultation.opinion_k_state != result.k_state
    if stored == wanted and not k_state_changed:
        return False
    db.session.commit()  # end the read: the write takes the lock in its own short transaction
    begin_write()
    if k_state_changed:
        consultation.opinion_k_state = result.k_state
    db.session.execute(update(Participant).where(Participant.consultation_id == consultation.id)
                       .values(opinion_group=None))
    for group_id in set(wanted.values()):
        members = [pid for pid, group in wanted.items() if group == group_id]
        for start in range(0, len(members), 900):
            db.session.execute(update(Participant).where(Participant.id.in_(members[start:start + 900]))
                               .values(opinion_group=group_id))
    db.session.commit()
    return True


def opinion_groups_summary(result: OpinionGroups) -> dict:
    """The JSON printed by ``flask deliberation opinion-groups ID --json``."""
    return {
        "groups": [{"id": g.id, "members": list(g.members)} for g in result.groups],
        "consensus": list(result.consensus),
        "n_participants_clustered": result.n_participants_clustered,
    }


# --- Export ---------------------------------------------------------------------------------


def polis_records(consultation: Consultation) -> tuple[list[PolisComment], list[PolisVote]]:
    """The consultation's statements and current votes as Pol.is records (every statement)."""
    participant_label = {p_id: _label(p_ext, p_id) for p_id, p_ext in db.session.execute(
        select(Participant.id, Participant.external_id).where(Participant.consultation_id == consultation.id))}
    rows = db.session.execute(select(Statement).where(Statement.consultation_id == consultation.id)
                              .order_by(Statement.id)).scalars().all()
    comments = [PolisComment(external_id=_label(s.external_id, s.id), text=s.text,
                             author_id=participant_label.get(s.author_id, "") if s.author_id else "",
                             moderated=MODERATED[s.moderation], timestamp=to_ms(s.created_at),
                             is_meta=s.is_meta)
                for s in rows]
    votes = [PolisVote(participant_id=_label(p_ext, p_id), comment_id=_label(s_ext, s_id), value=value,
                       timestamp=to_ms(voted_at))
             for p_ext, p_id, s_ext, s_id, value, voted_at in db.session.execute(
                 select(Participant.external_id, Participant.id, Statement.external_id, Statement.id,
                        StatementVote.value, StatementVote.voted_at)
                 .join(Statement, Statement.id == StatementVote.statement_id)
                 .join(Participant, Participant.id == StatementVote.participant_id)
                 .where(Statement.consultation_id == consultation.id))]
    return comments, votes


EXPORT_FILES = (*FILES, *JSON_FILES)


def export_polis(consultation: Consultation, folder: str | Path) -> tuple[int, int]:
    """Write the consultation in both Pol.is formats: comments.csv and votes.csv (openData's
    columns), comments.json and votes.json (Pol.is's API names); returns (comments, votes).

    Rejected statements are written with ``moderated`` -1, as Pol.is does, their votes
    too; meta statements with ``is-meta`` / ``is_meta``.
    """
    comments, votes = polis_records(consultation)
    write_export(folder, comments, votes)
    write_json_export(folder, comments, votes)
    return len(comments), len(votes)
