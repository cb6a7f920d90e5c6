"""The staff audit trail, and the retention purge of raw free text."""
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from deliberation.models import CommentReport
from insights.indicators import Period, indicator_report
from insights.models import TextAnalysis
from insights.store import analyze_pending
from surveys.models import Answer, Response
from tests.conftest import count_rows
from voix.audit import AuditEvent
from voix.extensions import db


def events(action=None):
    db.session.rollback()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query).all()


def test_exports_are_recorded_with_who_and_what(client, auth, make_wave, make_user):
    wave = make_wave()
    facilitator = make_user("facilitator")
    auth.login(facilitator)
    assert client.get(f"/animation/enquetes/vagues/{wave.id}/export.wide").status_code == 200
    [event] = events("export")
    assert (event.actor, event.user_id, event.subject, event.detail) == (
        facilitator.email, facilitator.id, f"wave {wave.id}", {"format": "wide"})


def test_a_refused_export_records_nothing(client, auth, make_wave, make_user):
    wave = make_wave("rabiere")
    auth.login(make_user("facilitator", scope=("sanitas",)))
    assert client.get(f"/animation/enquetes/vagues/{wave.id}/export.long").status_code in (403, 404)
    assert events() == []


def test_command_line_exports_are_recorded(runner, make_wave, tmp_path):
    wave = make_wave()
    result = runner.invoke(args=["surveys", "export", "--wave", str(wave.id), "--format", "long",
                                 "--output", str(tmp_path / "w.csv")])
    assert result.exit_code == 0, result.output
    [event] = events("export")
    assert event.actor == "command line" and event.user_id is None and event.detail["format"] == "long"


def test_only_admins_read_the_trail(client, auth, make_wave, make_user, runner, tmp_path):
    wave = make_wave()
    runner.invoke(args=["surveys", "export", "--wave", str(wave.id), "--output", str(tmp_path / "w.csv")])
    db.session.rollback()  # the command read in this test's session; it ends there, as a process would
    auth.login(make_user("evaluator"))
    assert client.get("/admin/journal/").status_code == 403
    auth.logout()
    auth.login(make_user("admin", scope=()))
    page = client.get("/admin/journal/?lang=fr")
    assert page.status_code == 200
    assert "Export des réponses" in page.text and f"wave {wave.id}" in page.text


# --- Retention ---------------------------------------------------------------------------

FREE_TEXT = [dict(code="why", type="long_text", text={"fr": "Pourquoi ?"}),
             dict(code="mood", type="smiley", text={"fr": "Humeur ?"})]
LONG_AGO = datetime(2023, 3, 10, 12, tzinfo=timezone.utc)


def answer(client, wave, text, mood=3):
    response = client.post(f"/api/v1/waves/{wave.id}/responses",
                           json={"uuid": str(uuid.uuid4()), "answers": {"why": text, "mood": mood}})
    assert response.status_code == 201, response.text


@pytest.fixture
def old_and_new(client, make_wave):
    wave = make_wave(questions=FREE_TEXT)
    answer(client, wave, "La CAF ne répond jamais au téléphone, c'est honteux.", 1)
    answer(client, wave, "Merci à la mairie pour le nouveau parc.", 5)
    analyze_pending()
    db.session.commit()
    for response in db.session.scalars(select(Response)):
        response.submitted_at = LONG_AGO
    db.session.commit()
    answer(client, wave, "Le bailleur a enfin réparé l'ascenseur.", 4)  # recent: stays
    return wave


def purge(runner, *args):
    result = runner.invoke(args=["privacy", "purge", *args])
    assert result.exit_code == 0, result.output
    return result.output


def free_texts():
    db.session.rollback()
    return sorted(v for v in db.session.scalars(select(Answer.value)) if isinstance(v, str))


def test_a_dry_run_says_what_would_go_and_deletes_nothing(runner, old_and_new):
    output = purge(runner, "--dry-run")
    assert "Would delete 2 free-text answers" in output
    assert len(free_texts()) == 3 and events() == []


def test_purge_deletes_old_raw_text_and_keeps_analyses_and_indicators(app, runner, territories, old_and_new):
    period = Period(date(2023, 1, 1), date(2023, 12, 31))
    before = indicator_report(territories["sanitas"], period)
    analyses = count_rows(TextAnalysis)

    output = purge(runner)

    assert "Deleted 2 free-text answers" in output
    assert free_texts() == ["Le bailleur a enfin réparé l'ascenseur."]
    assert count_rows(TextAnalysis) == analyses == 2
    assert count_rows(Response) == 3
    # The smiley answers of the old responses are not free text: they stay.
    assert sorted(v for v in db.session.scalars(select(Answer.value)) if not isinstance(v, str)) == [1, 4, 5]
    assert indicator_report(territories["sanitas"], period) == before
    [event] = events("purge")
    assert event.detail["answers"] == 2 and event.actor == "command line"
    # Idempotent: nothing more to delete.
    assert "Deleted 0 free-text answers" in purge(runner)


def test_an_old_answer_not_yet_analysed_is_kept(runner, client, make_wave):
    wave = make_wave(questions=FREE_TEXT)
    answer(client, wave, "Personne ne l'a encore lu.")
    for response in db.session.scalars(select(Response)):
        response.submitted_at = LONG_AGO
    db.session.commit()
    assert "1 answers not yet analysed are kept" in purge(runner)
    assert free_texts() == ["Personne ne l'a encore lu."]


def test_the_retention_is_configurable(runner, app, old_and_new):
    app.config["FREE_TEXT_RETENTION_MONTHS"] = 12 * 10
    assert "Deleted 0 free-text answers" in purge(runner)
    app.config["FREE_TEXT_RETENTION_MONTHS"] = 0
    assert "Deleted 2 free-text answers" in purge(runner)  # the recent one waits for its analysis


def test_old_report_reasons_are_emptied_and_reports_still_counted(runner, territories):
    from deliberation import operations as ops
    from deliberation.models import Origin, Position

    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    author, reader = (ops.new_participant(consultation, Origin.kiosk) for _ in range(2))
    idea = ops.propose_idea(consultation, author, title="Des bancs", body="Des bancs à l'ombre.")
    comment, _ = ops.add_comment(idea, author, "Oui, près de l'école", Position.for_, uuid=str(uuid.uuid4()))
    ops.report_comment(comment, reader, "Il parle de mon fils")
    db.session.commit()
    report = db.session.scalar(select(CommentReport))
    report.created_at = LONG_AGO
    db.session.commit()

    assert "and 1 report reasons" in purge(runner)
    db.session.rollback()
    assert [r.reason for r in db.session.scalars(select(CommentReport))] == [""]


def test_old_items_of_several_short_texts_go_at_the_same_age_once_analysed(runner, client, make_wave):
    wave = make_wave(questions=[dict(code="lieux", type="multiple_short_text", text={"fr": "Vos lieux"},
                                     rows=[{"code": "l1", "label": {"fr": "Premier"}}]),
                                dict(code="mood", type="smiley", text={"fr": "Humeur ?"})])
    for place in ("Le square", "La médiathèque"):
        sent = client.post(f"/api/v1/waves/{wave.id}/responses",
                           json={"uuid": str(uuid.uuid4()), "answers": {"lieux": {"l1": place}, "mood": 4}})
        assert sent.status_code == 201, sent.text
        if place == "Le square":
            for response in db.session.scalars(select(Response)):
                response.submitted_at = LONG_AGO
            db.session.commit()
    # The items are analysed like a long text (insights.store.answer_text): kept until then.
    assert "Deleted 0 free-text answers" in purge(runner)
    db.session.rollback()
    assert count_rows(Answer) == 4
    assert analyze_pending() == 2
    assert "Deleted 1 free-text answers" in purge(runner)
    db.session.rollback()
    assert sorted(str(v) for v in db.session.scalars(select(Answer.value))) == ["4", "4", "{'l1': 'La médiathèque'}"]
    assert count_rows(TextAnalysis) == 2  # what was learnt from the old items stays
