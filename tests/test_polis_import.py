"""`flask deliberation import-polis / opinion-groups / export-polis`: Pol.is exports through
the database, on SQLite and PostgreSQL.

The real conversations (compdemocracy/openData, CC BY 4.0, The Computational Democracy
Project) are read from the shared data folder; those tests skip when it is absent."""
import csv
import json
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from deliberation.models import (
    Consultation,
    Moderation,
    Origin,
    Participant,
    Phase,
    Statement,
    StatementVote,
    StatementVoteReceipt,
)
from deliberation.operations import new_participant
from deliberation.opinion_groups import compute_opinion_groups
from deliberation.polis_format import (
    read_comments,
    read_export,
    read_participant_groups,
    read_votes,
)
from deliberation.polis_io import opinion_groups_summary, to_ms, vote_uuid
from voix.extensions import db
from voix.privacy import clean_many

POLIS = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"
CONVERSATIONS = ["15-per-hour-seattle", "brexit-consensus"]
real_data = pytest.mark.skipif(not POLIS.is_dir(), reason=f"real Pol.is exports not found in {POLIS} "
                               "(compdemocracy/openData 15-per-hour-seattle and brexit-consensus)")


def invoke(runner, *args):
    return runner.invoke(args=["deliberation", *map(str, args)])


def import_folder(runner, folder, title="Import", *options) -> int:
    result = invoke(runner, "import-polis", folder, "--title", title, *options)
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"\d+\n", result.stdout), result.stdout  # only the id, for scripts
    return int(result.stdout)


def opinion_groups_json(runner, consultation_id) -> dict:
    result = invoke(runner, "opinion-groups", consultation_id, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def stored(consultation_id):
    """External ids and values of the stored votes, with the statements' moderation."""
    db.session.rollback()  # a fresh snapshot after the command's commit
    votes = db.session.execute(
        sa.select(Participant.external_id, Statement.external_id, StatementVote.value, StatementVote.voted_at)
        .join(Statement, Statement.id == StatementVote.statement_id)
        .join(Participant, Participant.id == StatementVote.participant_id)
        .where(Statement.consultation_id == consultation_id)).all()
    moderation = dict(db.session.execute(sa.select(Statement.external_id, Statement.moderation)
                                         .where(Statement.consultation_id == consultation_id)).all())
    return votes, moderation


# --- The real conversations -------------------------------------------------------------------


@real_data
@pytest.mark.parametrize("name", CONVERSATIONS)
def test_real_conversation_groups_through_the_database(runner, territories, name):
    folder = POLIS / name
    started = time.perf_counter()
    consultation_id = import_folder(runner, folder, name)
    elapsed = time.perf_counter() - started
    assert elapsed < 30, f"importing {name} took {elapsed:.1f} s"

    consultation = db.session.get(Consultation, consultation_id)
    assert consultation.phase is Phase.closed and not consultation.votes_open
    assert consultation.territory.slug == "metropole" and consultation.title == {"fr": name}

    # Last vote wins: one row per distinct (participant, comment) pair.
    history = read_votes(folder / "votes.csv", last_vote_wins=False)
    pairs = {(v.participant_id, v.comment_id) for v in history}
    votes, moderation = stored(consultation_id)
    assert len(votes) == len(pairs) < len(history)
    latest = {(v.participant_id, v.comment_id): (v.value, v.timestamp) for v in read_votes(folder / "votes.csv")}
    assert {(p, c): (value, to_ms(at)) for p, c, value, at in votes} == latest
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatementVoteReceipt)) == len(pairs)

    comments = read_comments(folder / "comments.csv")
    rejected = {c.external_id for c in comments if c.rejected}
    assert {s for s, m in moderation.items() if m is Moderation.rejected} == rejected
    assert len(moderation) == len(comments)
    voters = {v.participant_id for v in history} | {c.author_id for c in comments}
    participants = db.session.execute(sa.select(Participant.external_id, Participant.origin).where(
        Participant.consultation_id == consultation_id)).all()
    assert {p for p, _ in participants} == voters
    assert {origin for _, origin in participants} == {Origin.imported}

    data = opinion_groups_json(runner, consultation_id)
    assert set(data) == {"groups", "consensus", "n_participants_clustered"}
    assert 2 <= len(data["groups"]) <= 5  # agreement with Pol.is: bench/polis_fidelity.py
    assert not set(data["consensus"]) & rejected
    polis = read_participant_groups(folder)
    ours = {member: group["id"] for group in data["groups"] for member in group["members"]}
    assert set(ours) <= voters and data["n_participants_clustered"] == len(ours)
    # Everyone Pol.is grouped who cast 7 votes or more is in one of our groups.
    counts = {}
    for p, c, _, _ in votes:
        if c not in rejected:
            counts[p] = counts.get(p, 0) + 1
    assert {p for p, g in polis.items() if g is not None and counts.get(p, 0) >= 7} <= set(ours)

    # The database path gives exactly what the files give.
    export = read_export(folder)
    assert data == opinion_groups_summary(compute_opinion_groups(export.vote_triples(), export.excluded_comments()))


@real_data
@pytest.mark.parametrize("name", CONVERSATIONS)
def test_real_conversation_export_round_trip(runner, territories, tmp_path, name):
    folder = POLIS / name
    consultation_id = import_folder(runner, folder, name)
    out = tmp_path / "out"
    result = invoke(runner, "export-polis", consultation_id, out)
    assert result.exit_code == 0, result.output

    original, exported = read_export(folder), read_export(out)
    # ids, authors, moderation, timestamps, order; texts as stored: scrubbed of personal data
    assert exported.comments == scrubbed(original.comments)
    assert sorted(exported.votes, key=repr) == sorted(original.votes, key=repr)  # the final votes
    # Pol.is counts in comments.csv are recomputed from the final votes.
    with open(out / "comments.csv", newline="", encoding="utf-8") as f:
        agrees = {row["comment-id"]: int(row["agrees"]) for row in csv.DictReader(f)}
    for comment_id, count in agrees.items():
        assert count == sum(1 for v in original.votes if v.comment_id == comment_id and v.value == 1)

    # A second export into the same folder needs --overwrite.
    again = invoke(runner, "export-polis", consultation_id, out)
    assert again.exit_code == 1 and "--overwrite" in again.output and "Traceback" not in again.output
    assert invoke(runner, "export-polis", consultation_id, out, "--overwrite").exit_code == 0


def scrubbed(comments):
    return [replace(c, text=s.text) for c, s in zip(comments, clean_many([c.text for c in comments]))]


# --- A small constructed export ---------------------------------------------------------------

COMMENT_HEADER = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
                  "comment-body"]
VOTE_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
T0 = 1_500_000_000_000


def write_folder(folder: Path, comments, votes) -> Path:
    """comments: (id, author, moderated, text, timestamp); votes: (timestamp, comment, voter, value)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "comments.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COMMENT_HEADER)
        for comment_id, author, moderated, text, timestamp in comments:
            writer.writerow([timestamp, "Mon Jul 17 02:17:32 WIB 2017", comment_id, author, 0, 0, moderated, text])
    with open(folder / "votes.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(VOTE_HEADER)
        for timestamp, comment_id, voter, value in votes:
            writer.writerow([timestamp, "Mon Jul 17 02:17:32 WIB 2017", comment_id, voter, value])
    return folder


SMALL_COMMENTS = [
    ("1", "99", 1, "Plus de bancs, « place Saint-Paul »", T0),
    ("2", "10", -1, "Spam, spam, spam", T0 + 1),
    ("3", "11", 0, 'Des "jardins" partagés,\nsur deux lignes', T0 + 2),
]
SMALL_VOTES = [  # file order is not time order: the later disagree must win
    (T0 + 5000, "1", "10", -1),
    (T0 + 1000, "1", "10", 1),
    (T0 + 2000, "2", "11", 1),
    (T0 + 3000, "3", "10", 0),
    (T0 + 4000, "3", "11", 1),
    (T0 + 4500, "3", "11", -1),
]


def test_small_export_mapping(runner, territories, tmp_path):
    folder = write_folder(tmp_path / "small", SMALL_COMMENTS, SMALL_VOTES)
    consultation_id = import_folder(runner, folder, "Petit import", "--territory", "sanitas")
    consultation = db.session.get(Consultation, consultation_id)
    assert consultation.territory.slug == "sanitas" and consultation.title == {"fr": "Petit import"}
    assert consultation.phase is Phase.closed and consultation.shows_results

    statements = {s.external_id: s for s in db.session.scalars(
        sa.select(Statement).where(Statement.consultation_id == consultation_id))}
    assert {k: s.moderation for k, s in statements.items()} == {
        "1": Moderation.accepted, "2": Moderation.rejected, "3": Moderation.unmoderated}
    assert statements["3"].text == 'Des "jardins" partagés,\nsur deux lignes'
    assert to_ms(statements["1"].created_at) == T0
    participants = {p.id: p for p in db.session.scalars(
        sa.select(Participant).where(Participant.consultation_id == consultation_id))}
    by_external = {p.external_id: p for p in participants.values()}
    assert set(by_external) == {"10", "11", "99"}  # 99 wrote a comment and never voted
    assert participants[statements["1"].author_id].external_id == "99"
    assert all(p.origin is Origin.imported for p in participants.values())
    assert to_ms(by_external["10"].created_at) == T0 + 1  # first trace: comment 2

    votes, _ = stored(consultation_id)
    assert sorted((p, s, value, to_ms(at)) for p, s, value, at in votes) == [
        ("10", "1", -1, T0 + 5000), ("10", "3", 0, T0 + 3000), ("11", "2", 1, T0 + 2000), ("11", "3", -1, T0 + 4500)]
    vote = db.session.scalar(sa.select(StatementVote).where(StatementVote.statement_id == statements["1"].id))
    assert vote.uuid == vote_uuid(consultation_id, "10", "1") and vote.origin is Origin.imported

    # The same data imported again: a new consultation, its own vote UUIDs.
    second = import_folder(runner, folder, "Encore")
    assert second != consultation_id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatementVote)) == 8

    # Round trip, rejected comment and its vote included.
    out = tmp_path / "out"
    assert invoke(runner, "export-polis", consultation_id, out).exit_code == 0
    original, exported = read_export(folder), read_export(out)
    assert exported.comments == original.comments
    assert sorted(exported.votes, key=repr) == sorted(original.votes, key=repr)


def camps_folder(folder: Path) -> Path:
    """Two camps of 10; 'all' (accepted) and 'spam' (rejected) get everyone's agreement."""
    comments = [(s, "0", 1, f"statement {s}", T0) for s in ["a1", "a2", "a3", "b1", "b2", "b3", "all"]]
    comments.append(("spam", "0", -1, "buy now", T0))
    votes, t = [], T0
    for camp in "ab":
        for i in range(10):
            voter = f"{camp}{i}"
            for statement in ["a1", "a2", "a3", "b1", "b2", "b3"]:
                t += 1
                votes.append((t, statement, voter, 1 if statement[0] == camp else -1))
            votes += [(t + 1, "all", voter, 1), (t + 2, "spam", voter, 1)]
            t += 2
    return write_folder(folder, comments, votes)


def test_groups_and_consensus_leave_rejected_statements_out(runner, territories, tmp_path):
    consultation_id = import_folder(runner, camps_folder(tmp_path / "camps"), "Deux camps")
    data = opinion_groups_json(runner, consultation_id)
    assert sorted(sorted(g["members"]) for g in data["groups"]) == [
        [f"a{i}" for i in range(10)], [f"b{i}" for i in range(10)]]
    assert data["n_participants_clustered"] == 20
    assert data["consensus"] == ["all"]  # "spam" had the same votes but is rejected

    summary = invoke(runner, "opinion-groups", consultation_id)
    assert summary.exit_code == 0, summary.output
    assert "2 opinion groups" in summary.output and "statement all" in summary.output
    assert "buy now" not in summary.output


def test_meta_statements_are_imported_shown_and_not_clustered(runner, territories, tmp_path):
    folder = camps_folder(tmp_path / "camps")
    # Mark "all" as meta (Pol.is's is-meta column): it stays, but is no consensus any more.
    with open(folder / "comments.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(folder / "comments.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, [*rows[0], "is-meta"], lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, "is-meta": "t" if r["comment-id"] == "all" else "f"} for r in rows)
    consultation_id = import_folder(runner, folder, "Méta")
    meta = dict(db.session.execute(sa.select(Statement.external_id, Statement.is_meta).where(
        Statement.consultation_id == consultation_id)).all())
    assert {s for s, is_meta in meta.items() if is_meta} == {"all"}
    data = opinion_groups_json(runner, consultation_id)
    assert sorted(sorted(g["members"]) for g in data["groups"]) == [
        [f"a{i}" for i in range(10)], [f"b{i}" for i in range(10)]]
    assert data["consensus"] == []
    from deliberation.opinion_map import opinion_map
    view = opinion_map(db.session.get(Consultation, consultation_id))
    assert view["consensus"] == []
    assert [item["text"] for item in view["meta"]] == ["statement all"]  # shown apart, every group agrees
    assert [(g["agree"], g["votes"]) for g in view["meta"][0]["groups"]] == [(100, 10), (100, 10)]
    out = tmp_path / "out"
    assert invoke(runner, "export-polis", consultation_id, out).exit_code == 0
    assert read_export(out).meta_comments() == {"all"}


def test_computed_groups_are_remembered_for_the_indicators(runner, territories, tmp_path):
    from deliberation.models import Participant

    consultation_id = import_folder(runner, camps_folder(tmp_path / "camps"), "Deux camps")
    opinion_groups_json(runner, consultation_id)
    db.session.expire_all()
    group_of = dict(db.session.execute(sa.select(Participant.external_id, Participant.opinion_group).where(
        Participant.consultation_id == consultation_id)).all())
    assert group_of.pop("0") is None  # the statements' author, who never voted, is in no group
    assert len(group_of) == 20 and None not in group_of.values()
    assert len({group_of[f"a{i}"] for i in range(10)}) == 1
    assert len({group_of[f"b{i}"] for i in range(10)}) == 1
    assert group_of["a0"] != group_of["b0"]


def test_local_consultation_uses_internal_ids(runner, territories, tmp_path):
    """A consultation made here (no external ids) exports and clusters with its own ids."""
    consultation_id = import_folder(runner, camps_folder(tmp_path / "camps"), "Deux camps")
    consultation = db.session.get(Consultation, consultation_id)
    extra = new_participant(consultation, Origin.kiosk)
    statement = Statement(consultation_id=consultation_id, text="Locale", moderation=Moderation.accepted)
    db.session.add(statement)
    db.session.flush()
    db.session.add(StatementVote(uuid="00000000-0000-4000-8000-000000000001", statement_id=statement.id,
                                 participant_id=extra.id, value=1, origin=Origin.kiosk))
    db.session.commit()
    out = tmp_path / "out"
    assert invoke(runner, "export-polis", consultation_id, out).exit_code == 0
    exported = read_export(out)
    assert exported.comments[-1].external_id == str(statement.id) and exported.comments[-1].author_id == ""
    assert (str(extra.id), str(statement.id), 1) in exported.vote_triples()


def test_clear_errors(runner, territories, tmp_path):
    good = write_folder(tmp_path / "good", SMALL_COMMENTS, SMALL_VOTES)
    checks = [
        (["import-polis", good, "--title", "X", "--territory", "atlantis"], 2, "unknown territory: atlantis"),
        (["import-polis", tmp_path / "absent", "--title", "X"], 2, "does not exist"),
        (["import-polis", good], 2, "--title"),
        (["opinion-groups", 999, "--json"], 2, "no consultation with id 999"),
        (["opinion-groups", "abc"], 2, "is not a valid integer"),
        (["export-polis", 999, tmp_path / "out"], 2, "no consultation with id 999"),
    ]
    (tmp_path / "empty").mkdir()
    checks.append((["import-polis", tmp_path / "empty", "--title", "X"], 1, "not a Pol.is export folder"))
    orphan = write_folder(tmp_path / "orphan", SMALL_COMMENTS, [*SMALL_VOTES, (T0, "7", "12", 1)])
    checks.append((["import-polis", orphan, "--title", "X"], 1, "comment 7, absent from comments.csv"))
    long = write_folder(tmp_path / "long", [("1", "5", 1, "x" * 501, T0)], [])
    checks.append((["import-polis", long, "--title", "X"], 1, "more than 500"))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "comments.csv").write_text("id,text\n1,hello\n")
    (bad / "votes.csv").write_text("timestamp\n")
    checks.append((["import-polis", bad, "--title", "X"], 1, "lacks the column"))
    for args, code, message in checks:
        result = invoke(runner, *args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consultation)) == 0  # nothing half-written


def test_imported_statements_are_scrubbed(runner, territories, tmp_path):
    """Pol.is statements were written by residents: stored like every resident text, without
    the names, phone numbers and addresses in them; a translated placeholder is stored in
    the stable form. What was not personal is stored as written."""
    comments = [
        ("1", "5", 1, "Appelez Karim Haddad au 06 12 34 56 78 pour le jardin", T0),
        ("2", "6", 1, "Ma voisine est sous dialyse, il faut un ascenseur qui marche", T0 + 1),
        ("3", "7", 0, "J'habite au 12 rue des Tanneurs, 37000 Tours\x00", T0 + 2),
        ("4", "7", 1, "Plus de bancs place Saint-Paul", T0 + 3),
    ]
    folder = write_folder(tmp_path / "personal", comments, [(T0 + 9, "1", "5", 1)])
    consultation_id = import_folder(runner, folder, "Import")
    texts = dict(db.session.execute(sa.select(Statement.external_id, Statement.text).where(
        Statement.consultation_id == consultation_id)).all())
    assert texts == {
        "1": "Appelez [nom] au [téléphone] pour le jardin",
        "2": "Ma voisine est [santé], il faut un ascenseur qui marche",
        "3": "J'habite au [adresse]",
        "4": "Plus de bancs place Saint-Paul",
    }


def test_k_smoother_state_is_kept_per_consultation(runner, territories, tmp_path):
    from deliberation.opinion_map import forget_cache
    from deliberation.opinion_map import opinion_map as opinion_groups_view

    consultation_id = import_folder(runner, camps_folder(tmp_path / "camps"), "Deux camps")
    consultation = db.session.get(Consultation, consultation_id)
    assert consultation.opinion_k_state is None
    # A remembered streak from earlier votes: this update (other votes) extends it.
    consultation.opinion_k_state = {"last_k": 2, "last_k_count": 1, "smoothed_k": 2, "votes": "older"}
    db.session.commit()
    view = opinion_groups_view(consultation)
    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation_id)
    state = consultation.opinion_k_state
    assert (state["last_k"], state["last_k_count"], state["smoothed_k"]) == (2, 2, 2)
    assert len(view["groups"]) == 2
    opinion_groups_view(consultation)  # the same votes again: not a new update
    db.session.expire_all()
    assert db.session.get(Consultation, consultation_id).opinion_k_state == state
    # A shown k that cannot be computed any more (two distinct voters' profiles: k <= 2)
    # is clamped, as Pol.is does, and the page never lacks groups.
    consultation = db.session.get(Consultation, consultation_id)
    consultation.opinion_k_state = {"last_k": 3, "last_k_count": 9, "smoothed_k": 3, "votes": "older"}
    db.session.commit()
    forget_cache()  # the page's cache would serve the same votes' groups without computing
    assert len(opinion_groups_view(consultation)["groups"]) == 2
    db.session.expire_all()
    assert db.session.get(Consultation, consultation_id).opinion_k_state["smoothed_k"] == 2
