"""The evaluators' dashboard and its exports, on the crowd of test_indicators."""
import csv
import io

from openpyxl import load_workbook
from test_indicators import crowd  # noqa: F401  (a fixture)

MARCH = "from=2025-03-01&to=2025-03-31"


def test_every_indicator_is_on_one_page_with_its_definition(crowd, client, auth, make_user):  # noqa: F811
    from insights.indicators.definitions import DEFINITIONS

    auth.login(make_user("evaluator", ("metropole",)))
    page = client.get(f"/evaluation/indicateurs/?territory=sanitas&{MARCH}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for definition in DEFINITIONS:
        assert f'id="{definition.id}"' in html
    assert "Part des femmes parmi les contributeurs" in html  # the definition, in French
    assert "58 %" in html  # 7 women of 12 respondents
    assert "Non affiché" not in html.split('id="women_share"')[1].split("</article>")[0]
    committees = html.split('id="committee_residents"')[1].split("</article>")[0]
    assert committees.count("moins de 10") >= 2  # both committees hidden (see test_indicators)


def test_a_reader_sees_only_their_territories(crowd, client, auth, make_user):  # noqa: F811
    auth.login(make_user("facilitator", ("rabiere",)))
    assert client.get(f"/evaluation/indicateurs/?territory=sanitas&{MARCH}").status_code == 403
    page = client.get("/evaluation/indicateurs/")
    assert page.status_code == 200
    assert 'value="rabiere"' in page.get_data(as_text=True)
    assert 'value="sanitas"' not in page.get_data(as_text=True)


def test_a_bad_date_is_explained_and_the_last_year_shown(crowd, client, auth, make_user):  # noqa: F811
    auth.login(make_user("evaluator", ("metropole",)))
    page = client.get("/evaluation/indicateurs/?territory=sanitas&from=2025-04-01&to=2025-03-01")
    assert page.status_code == 200
    assert "La date de début doit précéder la date de fin." in page.get_data(as_text=True)


def test_csv_export_has_every_figure_and_hides_small_ones(crowd, client, auth, make_user):  # noqa: F811
    auth.login(make_user("evaluator", ("metropole",)))
    answer = client.get(f"/evaluation/indicateurs/indicateurs.csv?territory=sanitas&{MARCH}")
    assert answer.status_code == 200
    assert "indicateurs-sanitas-2025-03-01-2025-03-31.csv" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    women = [r for r in rows if r["indicator"] == "women_share" and not r["part"]]
    assert [(r["period_from"], r["value"], r["count"], r["suppressed"]) for r in women] == [
        ("2025-03-01", "0.5833", "12", "0"), ("2025-02-01", "", "", "1")]
    small = [r for r in rows if r["part_label"] == "Petit comité"]
    assert small and all(r["value"] == "" and r["suppressed"] == "1" for r in small)


def test_xlsx_export_has_the_figures_and_the_definitions(crowd, client, auth, make_user):  # noqa: F811
    auth.login(make_user("evaluator", ("metropole",)))
    answer = client.get(f"/evaluation/indicateurs/indicateurs.xlsx?territory=sanitas&{MARCH}")
    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(answer.data), read_only=True)
    assert workbook.sheetnames == ["indicators", "definitions"]
    figures = list(workbook["indicators"].iter_rows(values_only=True))
    assert ("women_share", "Part des femmes", None, None, "share", "2025-03-01", "2025-03-31", 0.5833, 12, "people", 0) \
        in figures
    definitions = {row[0]: row for row in workbook["definitions"].iter_rows(values_only=True)}
    assert definitions["contributors"][1] == "Contributeurs distincts"


def test_residents_and_institutions_cannot_open_the_dashboard(crowd, client, auth, make_user):  # noqa: F811
    assert client.get("/evaluation/indicateurs/").status_code == 302  # to the login page
    auth.login(make_user("moderator", ("tours",)))
    assert client.get("/evaluation/indicateurs/").status_code == 403


def test_the_dashboard_never_waits_for_the_analysis(crowd, client, auth, make_user):  # noqa: F811
    """The screen shows what is analysed and says what waits; the background thread it
    starts (no worker here) analyses the new text."""
    from sqlalchemy import select

    from insights.models import TextAnalysis
    from insights.waiting import background_thread
    from surveys.models import Answer, Response
    from voix.extensions import db

    response = db.session.scalar(select(Response).order_by(Response.id))
    why = next(q for q in response.wave.version.questions if q.code == "why")
    db.session.add(Answer(response_id=response.id, question_id=why.id, value="La CAF ne répond jamais."))
    db.session.commit()
    auth.login(make_user("evaluator", ("metropole",)))
    page = client.get("/evaluation/indicateurs/?territory=sanitas&lang=en")
    assert page.status_code == 200 and db.session.scalar(select(TextAnalysis)) is None  # not in the request
    assert "1 text is waiting for the analysis, written on" in page.text
    client.application.config["INSIGHTS_ANALYZE_IN_BACKGROUND"] = True
    before = background_thread()
    assert client.get("/evaluation/indicateurs/?territory=sanitas").status_code == 200
    thread = background_thread()
    assert thread is not None and thread is not before
    thread.join(timeout=120)
    assert not thread.is_alive()
    analysis = db.session.scalar(select(TextAnalysis))
    assert analysis is not None and [m["institution"] for m in analysis.mentions] == ["caf"]
    assert "waiting for the analysis" not in client.get("/evaluation/indicateurs/?territory=sanitas&lang=en").text
