"""Pol.is's JSON format (comments.json, votes.json) imports like the CSV export: the same
conversation in either format gives the same statements, votes and opinion groups."""
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from deliberation.models import Statement
from deliberation.polis_format import read_export, read_json_export
from voix.extensions import db

from tests.test_polis_import import import_folder, invoke, opinion_groups_json, stored

FIXTURES = Path(__file__).parent / "fixtures" / "polis"


def test_both_formats_read_the_same_export():
    as_csv, as_json = read_export(FIXTURES / "squares-csv"), read_json_export(FIXTURES / "squares-json")
    assert as_json.comments == as_csv.comments
    assert as_json.votes == as_csv.votes  # chronological, last vote wins in both
    assert as_json.meta_comments() == {"7"} and as_json.excluded_comments() == {"8"}


def test_groups_are_the_same_whichever_format(runner, territories):
    from_csv = import_folder(runner, FIXTURES / "squares-csv", "CSV")
    from_json = import_folder(runner, FIXTURES / "squares-json", "JSON")
    votes_csv, moderation_csv = stored(from_csv)
    votes_json, moderation_json = stored(from_json)
    assert sorted(votes_csv) == sorted(votes_json) and moderation_csv == moderation_json
    meta = db.session.scalars(sa.select(Statement.external_id).where(
        Statement.consultation_id == from_json, Statement.is_meta.is_(True))).all()
    assert meta == ["7"]
    groups = opinion_groups_json(runner, from_csv)
    assert groups == opinion_groups_json(runner, from_json)
    # The fixture's two camps (even and odd participants), meta and spam left out; only
    # those with a vote on each of the 7 opinion statements are clustered, topped up to 15.
    assert len(groups["groups"]) == 2 and groups["n_participants_clustered"] == 15
    assert all(len({int(p) % 2 for p in g["members"]}) == 1 for g in groups["groups"])
    assert groups["consensus"] == ["6"]


def test_api_signs_flip_the_votes(runner, territories, tmp_path):
    folder = tmp_path / "api"
    shutil.copytree(FIXTURES / "squares-json", folder)
    votes = json.loads((folder / "votes.json").read_text(encoding="utf-8"))
    for vote in votes:
        vote["vote"] = -vote["vote"]  # Pol.is's raw API: agree is -1
    (folder / "votes.json").write_text(json.dumps(votes), encoding="utf-8")
    result = invoke(runner, "import-polis", folder, "--title", "API", "--api-signs")
    assert result.exit_code == 0, result.output
    assert sorted(stored(int(result.stdout))[0]) == sorted(stored(
        import_folder(runner, FIXTURES / "squares-json", "JSON"))[0])


@pytest.mark.parametrize("comments, message", [
    ("{}", "unreadable JSON"),
    ('[{"txt": "sans id"}]', "lacks the field"),
    ("[not json", "unreadable JSON"),
])
def test_bad_json_is_refused_cleanly(runner, territories, tmp_path, comments, message):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "comments.json").write_text(comments, encoding="utf-8")
    (folder / "votes.json").write_text("[]", encoding="utf-8")
    result = invoke(runner, "import-polis", folder, "--title", "Mauvais")
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Statement)) == 0
