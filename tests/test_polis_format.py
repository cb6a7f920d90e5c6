"""Pol.is export folders: reading the real open-data exports, writing them back losslessly."""
import csv
from pathlib import Path

import pytest

from deliberation.polis_format import (
    PolisComment,
    PolisVote,
    format_datetime,
    read_export,
    read_participant_groups,
    read_summary,
    write_export,
)

POLIS = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"
SEATTLE = POLIS / "15-per-hour-seattle"
BREXIT = POLIS / "brexit-consensus"
needs_data = pytest.mark.skipif(
    not (SEATTLE / "votes.csv").exists() or not (BREXIT / "votes.csv").exists(),
    reason=f"real Pol.is exports not found in {POLIS} (they live in the shared data folder, "
           "next to the repository, not in a fresh clone)")


def _vote_key(vote):
    return (vote.comment_id, vote.participant_id, vote.timestamp, vote.value)


@needs_data
def test_reads_the_seattle_export():
    export = read_export(SEATTLE)
    assert len(export.comments) == 54
    moderation = [c.moderated for c in export.comments]
    # 1 accepted, -1 rejected (spam, "Hello."), 0 not moderated yet.
    assert (moderation.count(1), moderation.count(-1), moderation.count(0)) == (30, 23, 1)
    rejected = {c.external_id: c.text for c in export.comments if c.rejected}
    assert rejected["15"].startswith("First piece of spam")
    assert export.excluded_comments() == set(rejected)
    assert export.excluded_comments(strict_moderation=True) == set(rejected) | {"53"}

    # 2,995 vote rows, 2,872 participant x comment pairs once re-votes are collapsed.
    assert len(read_export(SEATTLE, last_vote_wins=False).votes) == 2995
    assert len(export.votes) == 2872
    assert len({(v.participant_id, v.comment_id) for v in export.votes}) == 2872
    timestamps = [v.timestamp for v in export.votes]
    assert timestamps == sorted(timestamps)


@needs_data
def test_the_last_vote_wins():
    history = read_export(SEATTLE, last_vote_wins=False).votes
    by_pair = {}
    for vote in history:  # chronological
        by_pair.setdefault((vote.participant_id, vote.comment_id), []).append(vote)
    changed = {pair: votes for pair, votes in by_pair.items() if len({v.value for v in votes}) > 1}
    assert changed, "the Seattle export has participants who changed their vote"
    current = {(v.participant_id, v.comment_id): v for v in read_export(SEATTLE).votes}
    for pair, votes in changed.items():
        latest = max(votes, key=lambda v: v.timestamp)
        assert current[pair].value == latest.value
        assert current[pair].timestamp == latest.timestamp


@needs_data
def test_reads_groups_and_summary():
    groups = read_participant_groups(BREXIT)
    assert len(groups) == 204
    assert {g for g in groups.values()} == {0, 1, None}
    summary = read_summary(BREXIT)
    assert summary["groups"] == "2"
    assert summary["comments"] == "50"


@needs_data
@pytest.mark.parametrize("folder", [SEATTLE, BREXIT], ids=lambda p: p.name)
@pytest.mark.parametrize("last_vote_wins", [True, False])
def test_round_trip_of_real_exports_is_lossless(tmp_path, folder, last_vote_wins):
    original = read_export(folder, last_vote_wins=last_vote_wins)
    write_export(tmp_path, original.comments, original.votes)
    again = read_export(tmp_path, last_vote_wins=last_vote_wins)
    assert again.comments == original.comments
    assert sorted(again.votes, key=_vote_key) == sorted(original.votes, key=_vote_key)
    with open(tmp_path / "votes.csv", newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["timestamp", "datetime", "comment-id", "voter-id", "vote"]


@needs_data
def test_written_files_match_the_original_rows(tmp_path):
    """With the full vote history, every column but the display datetime is reproduced."""
    original = read_export(BREXIT, last_vote_wins=False)
    write_export(tmp_path, original.comments, original.votes)
    for name, key in (("comments.csv", "comment-id"), ("votes.csv", None)):
        with open(BREXIT / name, newline="", encoding="utf-8") as f:
            theirs = [{k: v for k, v in row.items() if k != "datetime"} for row in csv.DictReader(f)]
        with open(tmp_path / name, newline="", encoding="utf-8") as f:
            ours = [{k: v for k, v in row.items() if k != "datetime"} for row in csv.DictReader(f)]
        if key:
            theirs.sort(key=lambda r: r[key])
            ours.sort(key=lambda r: r[key])
        else:
            theirs.sort(key=lambda r: (r["comment-id"], r["voter-id"], r["timestamp"]))
            ours.sort(key=lambda r: (r["comment-id"], r["voter-id"], r["timestamp"]))
        assert ours == theirs


def test_round_trip_of_awkward_text(tmp_path):
    comments = [
        PolisComment("0", 'Le "bus" de 7h, c\'est trop tôt ; vraiment.', "12", 1, 1700000000000),
        PolisComment("1", "Deux lignes\nsur l'école, €", "", 0, 1700000001000),
        PolisComment("2", "  espace au début, virgule à la fin,", "3", -1, 1700000002000),
    ]
    votes = [
        PolisVote("p1", "0", 1, 1700000003000),
        PolisVote("p2", "0", -1, 1700000004000),
        PolisVote("p1", "1", 0, 1700000005000),
        PolisVote("p1", "0", -1, 1700000006000),  # p1 changes their mind
    ]
    write_export(tmp_path, comments, votes)
    export = read_export(tmp_path)
    assert export.comments == comments
    assert sorted(export.votes, key=_vote_key) == sorted(votes[1:], key=_vote_key)
    assert read_export(tmp_path, last_vote_wins=False).votes == votes
    with open(tmp_path / "comments.csv", newline="", encoding="utf-8") as f:
        rows = {r["comment-id"]: r for r in csv.DictReader(f)}
    # agrees / disagrees count every vote row written, like Pol.is's own export.
    assert (rows["0"]["agrees"], rows["0"]["disagrees"]) == ("1", "2")


def test_meta_comments_round_trip(tmp_path):
    comments = [PolisComment("0", "J'habite ici", "", 1, 1700000000000, is_meta=True),
                PolisComment("1", "Plus de bancs", "", 1, 1700000001000)]
    write_export(tmp_path, comments, [])
    assert read_export(tmp_path).comments == comments
    assert read_export(tmp_path).meta_comments() == {"0"}
    # Without meta comments the columns are openData's, unchanged.
    write_export(tmp_path, comments[1:], [])
    with open(tmp_path / "comments.csv", encoding="utf-8") as f:
        assert "is-meta" not in f.readline()
    assert read_export(tmp_path).meta_comments() == set()


def test_is_meta_values():
    from deliberation.polis_format import parse_flag
    assert [parse_flag(v) for v in ["t", "true", "1", "TRUE"]] == [True] * 4
    assert [parse_flag(v) for v in ["f", "false", "0", "", None]] == [False] * 5
    with pytest.raises(ValueError):
        parse_flag("maybe")


def test_datetime_is_written_in_utc():
    assert format_datetime(1500232652930) == "Sun Jul 16 19:17:32 UTC 2017"
