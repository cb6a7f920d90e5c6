"""Evaluators' screen: how residents talk about each institution, wave after wave.

Thin adapter: reads the stored analyses, hands plain records to insights.trends and
insights.keyness, and renders tables (with a small chart beside each, never alone).
"""
from flask import Blueprint, abort, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from surveys.models import Answer
from voix.accounts.auth import staff_required
from voix.accounts.models import Role
from voix.accounts.permissions import in_scope
from voix.downloads import csv_response
from voix.extensions import db
from voix.institutions.models import INSTITUTION_LABELS, InstitutionCode
from voix.territories.models import Territory, TerritoryKind, all_territories

from .keyness import changed_words
from .models import TextAnalysis
from .store import answer_text
from .trends import series_from_cells, series_trend, trend_table, wave_change
from .waiting import waiting_line

bp = Blueprint("insights", __name__, url_prefix="/evaluation/discours", template_folder="templates")
AGE_GROUPS = {"young": ("under_15", "15_17", "18_25"), "adult": ("26_34", "35_49", "50_64", "65_plus")}
AGE_GROUP_LABELS = {"young": _l("under 26"), "adult": _l("26 or more")}


def _allowed_quartiers() -> list[Territory]:
    return [t for t in all_territories() if t.kind is TerritoryKind.quartier and in_scope(g.user, t)]


def allowed_quartier_ids() -> set[int]:
    return {t.id for t in _allowed_quartiers()}


def _rows(quartier_ids: set[int], gender=None, age_group=None):
    statement = select(TextAnalysis).where(TextAnalysis.quartier_id.in_(quartier_ids))
    if gender:
        statement = statement.where(TextAnalysis.gender == gender)
    if age_group:
        statement = statement.where(TextAnalysis.age_bracket.in_(AGE_GROUPS[age_group]))
    return db.session.scalars(statement).all()


def _mention_records(rows):
    return [{"contribution": f"{row.source}:{row.source_id}", "institution": mention["institution"],
             "stance": mention["stance"], "wave": row.wave, "quartier": row.quartier_id}
            for row in rows if row.wave is not None for mention in row.mentions]


def _filters():
    quartiers = _allowed_quartiers()
    chosen = request.args.get("quartier", type=int)
    if chosen is not None and chosen not in {q.id for q in quartiers}:
        abort(403)
    gender = request.args.get("gender") if request.args.get("gender") in ("woman", "man") else None
    age_group = request.args.get("age") if request.args.get("age") in AGE_GROUPS else None
    ids = {chosen} if chosen else {q.id for q in quartiers}
    return quartiers, chosen, gender, age_group, ids


@bp.get("/")
@staff_required(Role.evaluator, Role.facilitator)
def index():
    quartiers, chosen, gender, age_group, ids = _filters()
    rows = _rows(ids, gender, age_group)
    records = _mention_records(rows)
    cells = trend_table(records, by=("institution", "wave"))
    waves = sorted({cell["wave"] for cell in cells})
    institutions = sorted({cell["institution"] for cell in cells})
    table = {(cell["institution"], cell["wave"]): cell for cell in cells}
    trends = {code: series_trend(series_from_cells(cells, "net_tone", institution=code)) for code in institutions}
    words = change = None
    institution = request.args.get("words_for")
    wave_a, wave_b = request.args.get("wave_a", type=int), request.args.get("wave_b", type=int)
    if institution in {c.value for c in InstitutionCode} and wave_a in waves and wave_b in waves:
        change = wave_change(records, institution, wave_a, wave_b)
        texts_a, texts_b = _texts(rows, wave_a), _texts(rows, wave_b)
        # The same small-cell rule as the figures: no words (nor quotes) from under 10 texts.
        words = changed_words(texts_a, texts_b, institution=institution, top=10) if min(
            len(texts_a), len(texts_b)) >= 10 else "too_few"
    return render_template(
        "insights/discourse.html", quartiers=quartiers, chosen=chosen, gender=gender, age_group=age_group,
        age_groups=AGE_GROUP_LABELS, waves=waves, institutions=institutions, table=table, trends=trends,
        words=words, change=change, words_for=institution, wave_a=wave_a, wave_b=wave_b, n_texts=len(rows),
        labels=INSTITUTION_LABELS, codes=list(INSTITUTION_LABELS), waiting=waiting_line(),
        sparklines={code: _sparkline(table, code, waves) for code in institutions},
    )


def _sparkline(table, code, waves, width=140, height=44):
    """Coordinates of a net-tone line (-1 at the bottom, +1 at the top) for one institution."""
    step = width / max(len(waves) - 1, 1)

    def y(value):
        return round(height / 2 - value * (height / 2 - 3), 1)

    points = [{"x": round(index * step, 1), "y": y(cell["net_tone"]), "low": y(cell["net_tone_ci"][0]),
               "high": y(cell["net_tone_ci"][1])}
              for index, wave in enumerate(waves)
              if (cell := table.get((code, wave))) and not cell["suppressed"]]
    return {"width": width, "height": height, "zero": height / 2, "points": points}


def _texts(rows, wave):
    """The texts of one wave, read again from their source (analyses keep no text)."""
    ids = [row.source_id for row in rows if row.source == "answer" and row.wave == wave]
    return [answer_text(value) for value in db.session.scalars(select(Answer.value).where(Answer.id.in_(ids)))]


@bp.get("/tableau.csv")
@staff_required(Role.evaluator, Role.facilitator)
def export_csv():
    _quartiers, _chosen, gender, age_group, ids = _filters()
    cells = trend_table(_mention_records(_rows(ids, gender, age_group)), by=("institution", "wave"))
    rows = [["institution", "wave", "contributions", "mentions", "share_negative", "share_positive",
             "net_tone", "net_tone_low", "net_tone_high", "suppressed"]]
    for cell in cells:
        low, high = cell["net_tone_ci"] or (None, None)
        rows.append([cell["institution"], cell["wave"], cell["n_contributions"], cell["n_mentions"],
                     cell["share_negative"], cell["share_positive"], cell["net_tone"], low, high,
                     int(cell["suppressed"])])
    return csv_response(rows, "discours-institutions.csv")


@bp.get("/mots.csv")
@staff_required(Role.evaluator, Role.facilitator)
def export_words_csv():
    """The words that changed about an institution between two waves (not under 10 texts)."""
    _quartiers, _chosen, gender, age_group, ids = _filters()
    institution = request.args.get("words_for")
    wave_a, wave_b = request.args.get("wave_a", type=int), request.args.get("wave_b", type=int)
    if institution not in {c.value for c in InstitutionCode} or wave_a is None or wave_b is None:
        abort(400)
    rows = _rows(ids, gender, age_group)
    texts_a, texts_b = _texts(rows, wave_a), _texts(rows, wave_b)
    table = [["direction", "word", "count_wave_a", "count_wave_b", "z", "significant"]]
    if min(len(texts_a), len(texts_b)) >= 10:
        words = changed_words(texts_a, texts_b, institution=institution, top=30)
        table += [[direction, w["word"], w["count_a"], w["count_b"], round(w["z"], 3), int(w["significant"])]
                  for direction in ("rising", "falling") for w in words[direction]]
    return csv_response(table, f"mots-{institution}-vague{wave_a}-vague{wave_b}.csv")
