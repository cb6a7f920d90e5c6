"""Pol.is in every format: one small conversation (tests/fixtures/polis/squares-*) written in
each layout import-polis reads, through the database on SQLite and PostgreSQL:

* squares-csv: openData's comments.csv and votes.csv (milliseconds, an is-meta column);
* squares-dated-csv: Pol.is's newer report export, files prefixed with a date and the
  report id, times in seconds;
* squares-json: Pol.is's JSON, comments with tid/pid/mod, votes with participant_id/statement_id;
* squares-json-pid: the other variant of each (statement_id/participant_id/moderated; pid/tid);
* squares-reddwarf: red-dwarf's fixture folder (its model dump: ISO dates, float times,
  is_meta null with the meta statements in math-pca2.json, conversation.json's topic).

Every one gives the same statements, moderation states, meta flags, votes and opinion
groups; export-polis writes CSV and JSON, and both read back the same.
"""
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from deliberation.models import Consultation, Statement
from deliberation.opinion_groups import adjusted_rand_index
from deliberation.polis_format import (
    read_conversation,
    read_export,
    read_json_export,
    read_math_groups,
    to_milliseconds,
)
from deliberation.polis_io import read_polis_folder
from tests.test_polis_import import import_folder, invoke, opinion_groups_json, stored
from voix.extensions import db

FIXTURES = Path(__file__).parent / "fixtures" / "polis"
FORMATS = ["squares-csv", "squares-dated-csv", "squares-json", "squares-json-pid", "squares-reddwarf"]


def meta_of(consultation_id):
    return sorted(db.session.scalars(sa.select(Statement.external_id).where(
        Statement.consultation_id == consultation_id, Statement.is_meta.is_(True))))


def test_every_layout_reads_the_same_conversation():
    reference = read_export(FIXTURES / "squares-csv")
    assert reference.meta_comments() == {"7"} and reference.excluded_comments() == {"8"}
    assert {c.moderated for c in reference.comments} == {1, 0, -1}
    for name in FORMATS[1:]:
        export = read_polis_folder(FIXTURES / name)
        assert export.comments == reference.comments, name
        assert export.votes == reference.votes, name  # chronological, the last vote wins


def test_times_in_every_unit():
    assert to_milliseconds(1700000101000) == to_milliseconds("1700000101") == 1700000101000
    assert to_milliseconds(1700000101000.0) == to_milliseconds("2023-11-14T22:15:01Z") == 1700000101000
    assert to_milliseconds("2023-11-14T22:15:01") == 1700000101000  # no zone: UTC
    with pytest.raises(ValueError):
        to_milliseconds("Tue Nov 14")
    with pytest.raises(TypeError):
        to_milliseconds(None)


def test_reddwarf_folder_extras():
    folder = FIXTURES / "squares-reddwarf"
    assert read_conversation(folder) == {"topic": "Le square Saint-Paul", "description": "Une conversation d'essai.",
                                         "strict_moderation": False}
    assert read_json_export(folder).meta_comments() == {"7"}  # from math-pca2.json's meta-tids
    polis_groups = read_math_groups(folder)
    assert len(set(polis_groups.values())) == 2 and len(polis_groups) == 15


@pytest.mark.parametrize("name", FORMATS)
def test_opinion_groups_are_the_same_whichever_format(runner, territories, name):
    reference = import_folder(runner, FIXTURES / "squares-csv", "CSV")
    other = import_folder(runner, FIXTURES / name, name)
    votes_ref, moderation_ref = stored(reference)
    votes, moderation = stored(other)
    assert sorted(votes) == sorted(votes_ref)
    assert moderation == moderation_ref and meta_of(other) == meta_of(reference) == ["7"]
    groups = opinion_groups_json(runner, other)
    assert groups == opinion_groups_json(runner, reference)
    assert len(groups["groups"]) == 2 and groups["consensus"] == ["6"]
    if name == "squares-reddwarf":  # Pol.is's own groups, as the math file gives them
        polis = read_math_groups(FIXTURES / name)
        ours = {p: g["id"] for g in groups["groups"] for p in g["members"]}
        assert sorted(polis) == sorted(ours)
        assert adjusted_rand_index([polis[p] for p in sorted(polis)], [ours[p] for p in sorted(polis)]) == 1.0


def test_the_title_comes_from_the_conversation_when_not_given(runner, territories, tmp_path):
    result = invoke(runner, "import-polis", FIXTURES / "squares-reddwarf")
    assert result.exit_code == 0, result.output
    consultation = db.session.get(Consultation, int(result.stdout))
    assert consultation.title == {"fr": "Le square Saint-Paul"}
    no_topic = invoke(runner, "import-polis", FIXTURES / "squares-json")
    assert no_topic.exit_code == 2 and "--title" in no_topic.output


def test_export_writes_both_formats_and_both_round_trip(runner, territories, tmp_path):
    consultation_id = import_folder(runner, FIXTURES / "squares-reddwarf", "Aller-retour")
    out = tmp_path / "out"
    result = invoke(runner, "export-polis", consultation_id, out)
    assert result.exit_code == 0 and "(CSV and JSON)" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["comments.csv", "comments.json", "votes.csv", "votes.json"]
    as_csv, as_json = read_export(out), read_json_export(out)
    reference = read_export(FIXTURES / "squares-csv")
    assert as_csv.comments == as_json.comments == reference.comments  # meta flags and moderation states kept
    assert sorted(as_csv.votes, key=repr) == sorted(as_json.votes, key=repr) == sorted(reference.votes, key=repr)
    # The JSON alone imports back to the same consultation.
    json_only = tmp_path / "json-only"
    json_only.mkdir()
    for name in ("comments.json", "votes.json"):
        shutil.copy(out / name, json_only / name)
    again = import_folder(runner, json_only, "JSON seul")
    assert sorted(stored(again)[0]) == sorted(stored(consultation_id)[0])
    assert stored(again)[1] == stored(consultation_id)[1] and meta_of(again) == ["7"]
    assert opinion_groups_json(runner, again) == opinion_groups_json(runner, consultation_id)
    # An existing JSON file is not overwritten silently either.
    (out / "comments.csv").unlink()
    (out / "votes.csv").unlink()
    refused = invoke(runner, "export-polis", consultation_id, out)
    assert refused.exit_code == 1 and "comments.json" in refused.output


def test_ambiguous_dated_folder_is_refused(runner, territories, tmp_path):
    folder = tmp_path / "two"
    shutil.copytree(FIXTURES / "squares-dated-csv", folder)
    for path in list(folder.iterdir()):
        shutil.copy(path, folder / path.name.replace("2023-11-15", "2023-11-16"))
    result = invoke(runner, "import-polis", folder, "--title", "Deux exports")
    assert result.exit_code == 1 and "not a Pol.is export folder" in result.output
