"""Admins read the audit trail, newest first."""
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.auth import staff_required
from ..accounts.models import Role
from ..extensions import db
from .models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/admin/journal")
PAGE_SIZE = 100
ACTION_LABELS = {
    "export": _l("Export of answers"),
    "view_free_text": _l("Residents' raw words read"),
    "erasure": _l("Erasure"),
    "purge": _l("Retention purge"),
}


@bp.get("/")
@staff_required(Role.admin)
def index():
    before = request.args.get("avant", type=int)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    events = db.session.scalars(query).all()
    more = len(events) > PAGE_SIZE
    return render_template("audit/index.html", events=events[:PAGE_SIZE], action_labels=ACTION_LABELS,
                           older=events[PAGE_SIZE - 1].id if more else None)
