"""Evaluators check the machine: confirm or correct a sample of analysed passages in one
tap and read the agreement per institution, within their own quartiers.

The optional supervised layer is one model for every quartier, trained on every
correction; training and switching it (which has every text analysed again) is
therefore for admins only."""
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from voix.accounts.auth import staff_required
from voix.accounts.models import Role
from voix.audit import record_read
from voix.database import insert_ignoring_duplicates
from voix.downloads import csv_response
from voix.extensions import db
from voix.institutions.models import INSTITUTION_LABELS
from voix.models import utcnow

from .agreement import agreement_by_institution
from .models import Correction, SupervisedLayer, TextAnalysis
from .store import forget_all_analyses, source_texts
from .supervised import compare_with_lexicon, train
from .views import allowed_quartier_ids

bp = Blueprint("insights_review", __name__, url_prefix="/evaluation/discours/verifier", template_folder="templates")
STANCES = ("negative", "neutral", "positive")
STANCE_LABELS = {"negative": _l("negative"), "neutral": _l("neutral"), "positive": _l("positive")}


@bp.app_context_processor
def _labels():
    return {"stance_label": STANCE_LABELS.get}
SAMPLE_SIZE = 8


def _sample():
    """Analysed passages with a mention this evaluator has not checked yet, at random."""
    checked = select(Correction.analysis_id).where(Correction.evaluator_id == g.user.id)
    analyses = db.session.scalars(
        select(TextAnalysis).where(TextAnalysis.quartier_id.in_(allowed_quartier_ids()),
                                   func.json_array_length(TextAnalysis.mentions) > 0, TextAnalysis.id.not_in(checked))
        .order_by(func.random()).limit(SAMPLE_SIZE)).all()
    texts = source_texts(analyses)  # none for what moderation hid: such passages are not offered
    return [{"analysis": a, "index": i, "mention": m, "text": texts[a.id]}
            for a in analyses if a.id in texts for i, m in enumerate(a.mentions)]


def _corrections():
    """Every correction, of every quartier: what the (global) layer is trained on."""
    return db.session.scalars(select(Correction)).all()


def _agreement() -> dict:
    """Agreement on the corrections of passages from the quartiers this user may read."""
    mine = db.session.scalars(select(Correction).join(TextAnalysis, TextAnalysis.id == Correction.analysis_id)
                              .where(TextAnalysis.quartier_id.in_(allowed_quartier_ids()))).all()
    return agreement_by_institution([
        {"institution": c.institution, "machine_stance": c.machine_stance, "human_stance": c.human_stance,
         "human_institution": c.human_institution} for c in mine])


@bp.get("/")
@staff_required(Role.evaluator)
def index():
    agreement = _agreement()
    layer = db.session.scalar(select(SupervisedLayer).order_by(SupervisedLayer.id.desc()))
    passages = _sample()
    record_read("view_free_text", "discourse review", passages=len(passages))
    return render_template("insights/review.html", passages=passages, agreement=agreement, layer=layer,
                           stances=STANCES, labels=INSTITUTION_LABELS, n_corrections=agreement["all"]["n"],
                           may_switch_layer=g.user.role is Role.admin)


@bp.get("/accord.csv")
@staff_required(Role.evaluator)
def export_agreement_csv():
    rows = [["institution", "passages", "institution_right", "same_stance", "kappa", "fewer_than_10"]]
    for code, row in _agreement().items():
        rows.append([code, row["n"], row["detection_precision"], row["observed_agreement"], row["kappa"],
                     int(row["too_few"])])
    return csv_response(rows, "accord-evaluateurs-machine.csv")


@bp.post("/<int:analysis_id>/<int:mention_index>")
@staff_required(Role.evaluator)
def correct(analysis_id, mention_index):
    analysis = db.session.get(TextAnalysis, analysis_id) or abort(404)
    if analysis.quartier_id not in allowed_quartier_ids() or mention_index >= len(analysis.mentions):
        abort(404)
    text = source_texts([analysis]).get(analysis.id)
    if text is None:  # hidden by moderation since it was analysed
        abort(404)
    mention = analysis.mentions[mention_index]
    verdict = request.form.get("verdict", "")
    if verdict not in (*STANCES, "none"):
        abort(400)
    insert_ignoring_duplicates(Correction, dict(
        analysis_id=analysis.id, mention_index=mention_index, institution=mention["institution"],
        machine_stance=mention["stance"], human_institution="none" if verdict == "none" else None,
        human_stance=None if verdict == "none" else verdict, text=text,
        evaluator_id=g.user.id, created_at=utcnow()))
    db.session.commit()
    return redirect(url_for(".index") + "#passages", code=303)


@bp.post("/entrainer")
@staff_required(Role.admin)
def train_layer():
    """Train on the corrections and keep the scores; switching it on is a separate choice."""
    passages = [{"text": c.text, "institution": c.institution, "stance": c.human_stance}
                for c in _corrections() if c.human_stance and c.text]
    comparison = compare_with_lexicon(passages)
    db.session.add(SupervisedLayer(
        n_corrections=len(passages), lexicon_macro_f1=comparison.get("lexicon_macro_f1"),
        supervised_macro_f1=comparison.get("supervised_macro_f1"), beats_lexicon=comparison["beats_lexicon"],
        model=train(passages).to_json() if comparison["beats_lexicon"] else {}))
    db.session.commit()
    if not comparison["beats_lexicon"]:
        flash(_("The trained layer does not beat the lexicon on held-out corrections: it stays off."), "info")
    return redirect(url_for(".index") + "#layer")


@bp.post("/couche/<int:layer_id>/<any(activer, desactiver):action>")
@staff_required(Role.admin)
def switch_layer(layer_id, action):
    layer = db.session.get(SupervisedLayer, layer_id) or abort(404)
    if action == "activer" and not layer.beats_lexicon:
        abort(409)
    for other in db.session.scalars(select(SupervisedLayer).where(SupervisedLayer.enabled.is_(True))):
        other.enabled = False
    layer.enabled = action == "activer"
    # Every text is analysed again, with or without the layer, on the next analysis run;
    # the analyses are redone in place, so the corrections made on them stay.
    forget_all_analyses()
    db.session.commit()
    flash(_("Saved. The texts will be analysed again."), "success")
    return redirect(url_for(".index") + "#layer")
