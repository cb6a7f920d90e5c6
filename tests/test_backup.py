"""`flask backup create` then `flask backup restore` gives back the data as it was."""
import uuid

import pytest
import sqlalchemy as sa

from surveys.models import Response
from voix.extensions import db


def snapshot():
    """Every row of every table, in primary-key order, read afresh."""
    db.session.rollback()
    rows = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(row) for row in db.session.execute(sa.select(table).order_by(*order))]
    db.session.rollback()
    return rows


@pytest.fixture
def filled(client, make_wave, make_user):
    make_user("facilitator")
    wave = make_wave()
    for mood, why in ((1, "Les escaliers sont sales"), (5, "حيّ جميل"), (3, None)):
        answers = {"mood": mood, "priority": "clean"}
        if why:
            answers["why"] = why
        response = client.post(f"/api/v1/waves/{wave.id}/responses", json={"uuid": str(uuid.uuid4()), "answers": answers})
        assert response.status_code == 201, response.text
    return wave


def test_a_restore_gives_back_every_row(app, runner, filled, make_user, tmp_path):
    before = snapshot()
    assert len(before["answer"]) == 8
    path = tmp_path / "voix.backup"

    result = runner.invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    # What happens after the backup: answers erased, a new account.
    db.session.execute(sa.delete(Response))
    make_user("evaluator")
    db.session.commit()
    assert snapshot() != before

    result = runner.invoke(args=["backup", "restore", str(path)])
    assert result.exit_code == 0, result.output
    assert snapshot() == before
    # The database as it was before the restore is kept, and is itself a backup.
    kept = tmp_path / "voix.backup.before-restore"
    assert "before-restore" in result.output and kept.exists()
    result = runner.invoke(args=["backup", "restore", str(kept)])
    assert result.exit_code == 0, result.output
    assert snapshot()["answer"] == []


def test_a_file_that_is_not_a_backup_changes_nothing(app, runner, filled, tmp_path):
    before = snapshot()
    path = tmp_path / "not-a-backup"
    path.write_bytes(b"hello, this is not a database" * 100)
    result = runner.invoke(args=["backup", "restore", str(path)])
    assert result.exit_code != 0
    assert "not a backup of this platform" in result.output
    assert snapshot() == before
    assert not (tmp_path / "not-a-backup.before-restore").exists()
