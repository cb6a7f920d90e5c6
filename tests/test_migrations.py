"""The migrations are the schema: they must match the models and go down again."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from voix.extensions import db
from voix.models import utcnow


def test_models_match_the_migrations(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_then_upgrade(app):
    directory = app.extensions["migrate"].directory
    db.session.remove()
    downgrade(directory=directory, revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade(directory=directory)
    assert {"response", "answer", "wave", "account", "kiosk"} <= set(inspect(db.engine).get_table_names())


def migrate_down_and_up_again(app, revision):
    """What an existing database lives through: the data committed, then the migrations
    from `revision` undone and done again."""
    db.session.commit()
    db.session.remove()
    directory = app.extensions["migrate"].directory
    downgrade(directory=directory, revision=revision)
    upgrade(directory=directory)


def test_the_invitation_depths_of_people_already_there_are_filled_in(app, territories, make_wave):
    from deliberation import operations as ops
    from deliberation.models import Origin
    from tests.test_indicators import respond

    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    first = ops.new_participant(consultation, Origin.personal)
    second = ops.new_participant(consultation, Origin.personal, invited_by_code=first.invitation_code)
    wave = make_wave()
    third = respond(wave, utcnow(), territories["sanitas"], invited_by=second.invitation_code)
    ops.new_participant(consultation, Origin.kiosk, invited_by_code=third.invitation_code)  # a respondent invites
    respond(wave, utcnow(), territories["sanitas"], invited_by="ZZZZZZZZ")
    migrate_down_and_up_again(app, "0008")
    with db.engine.connect() as connection:
        depths = connection.execute(text(
            "SELECT invitation_depth FROM participant UNION ALL SELECT 10 + invitation_depth FROM response")).scalars()
        assert sorted(depths) == [0, 1, 3, 10, 12]


def test_rebuilding_the_response_table_keeps_every_answer(app, territories, make_wave):
    """SQLite alters a table by copying it and dropping the old one; with foreign keys on,
    that drop deleted every answer (ON DELETE CASCADE). 0011 rebuilds `response`."""
    from surveys.models import Answer
    from tests.test_indicators import respond

    wave = make_wave()
    response = respond(wave, utcnow(), territories["sanitas"])
    question = wave.version.questions[0]
    db.session.add(Answer(response_id=response.id, question_id=question.id, value="oui"))
    migrate_down_and_up_again(app, "0006")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM answer")).scalar() == 1
        if connection.dialect.name == "sqlite":  # the pool's connections check keys again
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
