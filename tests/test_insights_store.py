"""Stored analyses and the evaluators' discourse screen."""
import uuid

from sqlalchemy import select

from insights.models import STALE_VERSION, TextAnalysis
from insights.store import analyze_pending, pending_count
from surveys.models import Channel
from surveys.submission import load_target, submit_response
from tests.conftest import count_rows
from voix.extensions import db

QUESTIONS = [dict(code="avis", type="long_text", text={"fr": "Votre avis ?"})]


def answer(wave, text, **about):
    submit_response(load_target(wave.id), {"avis": text}, uuid=str(uuid.uuid4()), channel=Channel.api,
                    language="fr", about=about)


def test_analysis_is_idempotent_and_resumable(app, runner, make_wave):
    wave = make_wave(questions=QUESTIONS)
    answer(wave, "La CAF ne répond jamais au téléphone.", quartier="sanitas", gender="woman")
    answer(wave, "Merci au centre social, les animateurs sont super.")
    assert pending_count() == 2
    assert analyze_pending(batch_size=1) == 2
    assert analyze_pending() == 0 and count_rows(TextAnalysis) == 2
    caf = db.session.scalar(select(TextAnalysis).where(TextAnalysis.gender == "woman"))
    assert caf.mentions == [{"institution": "caf", "stance": "negative", "irony": False, "act": "judgement"}]
    assert caf.wave == wave.number and caf.quartier_id is not None
    answer(wave, "Tours Habitat a vite réparé l'ascenseur, merci.")
    result = runner.invoke(args=["insights", "analyze"])
    assert result.exit_code == 0 and "1 texts analysed" in result.output
    assert "Nothing new" in runner.invoke(args=["insights", "analyze"]).output


def test_discourse_screen_suppresses_small_cells_and_stays_in_scope(client, auth, make_user, make_wave, territories):
    wave = make_wave(questions=QUESTIONS)
    for index in range(12):
        answer(wave, "La mairie ne répond jamais." if index % 3 else "Bravo à la mairie pour la fête.", quartier="sanitas")
    for _ in range(3):
        answer(wave, "La CAF m'a bien aidée.", quartier="sanitas")
    analyze_pending()
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    page = client.get("/evaluation/discours/?lang=en")
    assert page.status_code == 200
    town_hall = page.text[page.text.index("Town hall"):]
    assert "12 contributions" in town_hall[:600] and "-0.33" in town_hall[:600]
    caf = page.text[page.text.index("CAF (family benefits)"):]
    assert "fewer than 10" in caf[:300] and "3 contributions" not in caf[:300]
    assert client.get(f"/evaluation/discours/?quartier={territories['rabiere'].id}").status_code == 403
    csv_rows = client.get("/evaluation/discours/tableau.csv").data.decode("utf-8-sig").splitlines()
    assert csv_rows[0].startswith("institution,wave,contributions")
    assert any(row.startswith("caf,1,,") and row.endswith(",1") for row in csv_rows)
    auth.logout()
    auth.login(make_user("moderator", ("sanitas",), email="mod@example.org"))
    assert client.get("/evaluation/discours/").status_code == 403


def test_local_names_added_by_an_admin_are_found(client, auth, make_user, make_wave, territories):
    wave = make_wave(questions=QUESTIONS)
    answer(wave, "Les Toits de Loire ne réparent jamais rien.", quartier="sanitas")
    analyze_pending()
    assert db.session.scalar(select(TextAnalysis)).mentions == []  # an unknown local name
    auth.login(make_user("admin", (), email="admin@example.org"))
    response = client.post("/admin/institutions/nouvelle", data={
        "name": "Les Toits de Loire", "code": "bailleur", "territory": territories["tours"].id,
        "aliases": "toits de loire\n"})
    assert response.status_code == 302
    stale = db.session.scalar(select(TextAnalysis))  # kept (and shown) until analysed again
    assert stale.analyzer_version == STALE_VERSION and pending_count() == 1
    analyze_pending()
    assert db.session.scalar(select(TextAnalysis)).mentions[0]["institution"] == "bailleur"
    page = client.get("/admin/institutions/?lang=en")
    assert "Les Toits de Loire" in page.text and "Social landlord" in page.text
    auth.logout()
    auth.login(make_user("facilitator", ("sanitas",)))
    assert client.get("/admin/institutions/").status_code == 403


def two_waves(make_wave, first_text, second_text):
    """Waves 1 and 2 of one questionnaire, open together, with 10 answers each."""
    from surveys import operations as ops

    first = make_wave(questions=QUESTIONS)
    second = ops.create_next_wave(first)
    second.opens_on, second.status = first.opens_on, first.status
    db.session.commit()
    for wave, text in ((first, first_text), (second, second_text)):
        for _ in range(10):
            answer(wave, text, quartier="sanitas")
    analyze_pending()


def test_change_between_two_waves_is_shown_with_its_range(client, auth, make_user, make_wave):
    two_waves(make_wave, "La mairie ne répond jamais.", "Bravo à la mairie pour la fête.")
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    page = client.get("/evaluation/discours/?lang=en&words_for=mairie&wave_a=1&wave_b=2").text
    assert "Net tone from wave 1 to wave 2: -1.00 → +1.00, a change of +2.00" in page


def test_changed_words_download(client, auth, make_user, make_wave):
    two_waves(make_wave, "La mairie ne répond jamais au courrier.", "La mairie organise une belle fête.")
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    rows = client.get("/evaluation/discours/mots.csv?words_for=mairie&wave_a=1&wave_b=2").data.decode("utf-8-sig")
    lines = rows.splitlines()
    assert lines[0] == "direction,word,count_wave_a,count_wave_b,z,significant"
    assert any(line.startswith("rising,fête,0,10,") for line in lines), lines
    assert any(line.startswith("falling,") for line in lines)
    assert client.get("/evaluation/discours/mots.csv?words_for=nope&wave_a=1&wave_b=2").status_code == 400


def test_the_discourse_screen_shows_what_waits_and_never_analyses_itself(client, auth, make_user, make_wave):
    wave = make_wave(questions=QUESTIONS)
    answer(wave, "La mairie ne répond jamais.", quartier="sanitas")
    analyze_pending()
    for _ in range(3):
        answer(wave, "La CAF ne répond jamais.", quartier="sanitas")
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    page = client.get("/evaluation/discours/?lang=en")
    assert page.status_code == 200 and count_rows(TextAnalysis) == 1
    assert "1 texts analysed for this selection" in page.text
    assert "3 texts are waiting for the analysis, the oldest since" in page.text
    assert "3 textes attendent" in client.get("/evaluation/discours/?lang=fr").text
    assert "3 نصوص تنتظر التحليل" in client.get("/evaluation/discours/?lang=ar").text
    assert count_rows(TextAnalysis) == 1
    assert analyze_pending() == 3
    assert "waiting for the analysis" not in client.get("/evaluation/discours/?lang=en").text


def test_waiting_texts_are_counted_with_the_oldest(app, make_wave):
    from datetime import timedelta

    from insights.store import waiting
    from surveys.models import Response

    wave = make_wave(questions=QUESTIONS)
    assert waiting() == (0, None)
    for text in ("La CAF ne répond jamais.", "Bravo à la mairie.", "Rien à dire."):
        answer(wave, text)
    oldest = db.session.scalar(select(Response).order_by(Response.id))
    oldest.submitted_at -= timedelta(days=40)
    db.session.commit()
    count, since = waiting()
    assert count == 3 and since.date() == oldest.submitted_at.date()
    analyze_pending()
    assert waiting() == (0, None)


def test_one_background_analysis_per_process(app, make_wave, monkeypatch):
    """A second screen visit while the thread runs starts no second one; the thread works in
    its own app context and analyses everything waiting."""
    import threading

    from insights import waiting as waiting_module

    wave = make_wave(questions=QUESTIONS)
    answer(wave, "La CAF ne répond jamais.")
    db.session.commit()
    release, real = threading.Event(), waiting_module.store.analyze_pending

    def held_analysis(**kwargs):
        release.wait(timeout=60)
        return real(**kwargs)

    monkeypatch.setattr(waiting_module.store, "analyze_pending", held_analysis)
    first = waiting_module.start_background_analysis(app)
    assert waiting_module.start_background_analysis(app) is first and first.daemon
    release.set()
    first.join(timeout=120)
    assert not first.is_alive() and count_rows(TextAnalysis) == 1
    assert waiting_module.start_background_analysis(app) is not first  # a later visit may start another
    waiting_module.background_thread().join(timeout=120)


def test_both_screens_cost_the_same_with_3_or_30_texts_waiting(app, client, auth, make_user, make_wave):
    """Screens never wait: what waits costs them only the COUNT/MIN queries, so the SQL
    statements of the discourse and indicator screens do not grow with the waiting texts,
    and neither screen analyses (the speed itself is measured by bench/insights_screens.py)."""
    from sqlalchemy import event

    wave = make_wave(questions=QUESTIONS)
    answer(wave, "La mairie ne répond jamais.", quartier="sanitas")
    analyze_pending()
    auth.login(make_user("evaluator", ("sanitas",), email="eval@example.org"))
    screens = ("/evaluation/discours/?lang=en", "/evaluation/indicateurs/?territory=sanitas&lang=en")
    sent = []

    def count(*_args):
        sent.append(1)

    event.listen(db.engine, "before_cursor_execute", count)

    def statements(path):
        sent.clear()
        page = client.get(path)
        assert page.status_code == 200 and "texts are waiting for the analysis" in page.text
        return len(sent)

    for _ in range(3):
        answer(wave, "La CAF ne répond jamais.", quartier="sanitas")
    with_3 = [statements(path) for path in screens]
    for _ in range(27):
        answer(wave, "Bravo au centre social.", quartier="sanitas")
    assert [statements(path) for path in screens] == with_3
    event.remove(db.engine, "before_cursor_execute", count)
    assert count_rows(TextAnalysis) == 1 and pending_count() == 30
