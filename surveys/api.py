"""Survey routes of the JSON API (/api/v1), described in docs/openapi.yaml."""
from flask import Blueprint, abort, g, request
from flask_babel import gettext as _

from voix.accounts.auth import staff_required
from voix.accounts.permissions import can_read_results
from voix.api import body_language, json_body
from voix.database import takes_write_lock_itself
from voix.extensions import db
from voix.about_you import AGE_BRACKETS, GENDERS
from voix.i18n import available_languages
from voix.kiosk.device import calling_kiosk
from voix.territories.models import TerritoryKind, all_territories, territory_by_slug

from .exports import FORMATS, export_response
from .models import Channel, Wave, WaveStatus
from .operations import open_waves_for
from .submission import SubmissionRefused, load_target, submit_response
from .views import offered_on_kiosk

bp = Blueprint("surveys_api", __name__)


def _wave_summary(wave: Wave) -> dict:
    return {
        "id": wave.id, "questionnaire_id": wave.questionnaire_id, "title": wave.questionnaire.title,
        "number": wave.number, "territory": wave.territory.slug, "version": wave.version.number,
        "opens_on": wave.opens_on.isoformat(), "closes_on": wave.closes_on.isoformat(),
        "status": wave.status.value,
    }


@bp.get("/waves")
def open_waves():
    """Open waves for `?territory=SLUG`, or for the calling kiosk (X-Kiosk-Token or its cookie)."""
    slug = request.args.get("territory")
    if slug:
        territory = territory_by_slug(slug) or abort(404, description=_("Unknown territory."))
    else:
        kiosk = calling_kiosk() or abort(400, description=_("Give ?territory=SLUG or a kiosk token."))
        territory = kiosk.territory
    return {"territory": territory.slug, "waves": [_wave_summary(w) for w in open_waves_for(territory)]}


@bp.get("/waves/<int:wave_id>")
def wave_detail(wave_id):
    """A wave's questionnaire with every translation, as the kiosk needs it offline."""
    wave = db.session.get(Wave, wave_id)
    if wave is None or wave.status is WaveStatus.draft:  # drafts are not public yet
        abort(404)
    questionnaire = wave.questionnaire
    return {
        **_wave_summary(wave),
        "accepts_responses": wave.accepts_responses,
        "languages": list(available_languages()),
        "description": questionnaire.description,
        "questions": [
            {"code": q.code, "position": q.position, "type": q.type.value, "required": q.required,
             "text": q.text, "help": q.help, "options": q.options, "rows": q.rows or [],
             "settings": q.settings,
             "condition": q.shown_if, "group": q.group_code}
            for q in wave.version.questions
        ],
        # Parts: a title over their questions; their conditions are in each question's.
        "groups": [{"code": g["code"], "title": g["title"]} for g in wave.version.groups or []],
        "about_you": {
            "gender": list(GENDERS), "age_bracket": list(AGE_BRACKETS),
            "quartier": [t.slug for t in all_territories() if t.kind is TerritoryKind.quartier],
            "invited_by": "code",
        } if questionnaire.ask_about_you else None,
        "panel": questionnaire.panel,
    }


@bp.post("/waves/<int:wave_id>/responses")
@takes_write_lock_itself
def submit(wave_id):
    """Store a response once per client UUID: 201 the first time, 200 for a repeat."""
    target = load_target(wave_id) or abort(404)
    body = json_body()
    answers, about = body.get("answers", {}), body.get("about") or {}
    if not isinstance(answers, dict) or not isinstance(about, dict):
        abort(400, description=_("answers and about must be JSON objects."))
    language = body_language(body)
    asked = body.get("language")
    # A questionnaire's content language without a catalogue ("tr"): only then is the wave's
    # version read (its questions' texts), not on every submission.
    if isinstance(asked, str) and asked != language and asked in db.session.get(Wave, wave_id).version.languages:
        language = asked
    kiosk = calling_kiosk()
    if kiosk is not None and not offered_on_kiosk(target, kiosk):  # it reads the territory alone
        abort(403, description=_("This kiosk does not offer this survey."))
    # A phone's outbox sends what the resident answered on the survey page, offline: it
    # stays a personal response (the web form, equally anonymous, would have said the same).
    channel = Channel.kiosk if kiosk else Channel.personal if body.get("channel") == "personal" else Channel.api
    try:
        submission = submit_response(
            target, answers, uuid=body.get("uuid", ""), channel=channel,
            language=language, about=about, kiosk=kiosk, panel_code=body.get("panel_code"),
            answered_at=body.get("answered_at"),
        )
    except SubmissionRefused as refused:
        if "wave" in refused.errors:
            return {"error": 409, "message": refused.errors["wave"], "errors": refused.errors}, 409
        message = refused.errors.get("answered_at") or _("Some answers need your attention.")
        return {"error": 422, "message": message, "errors": refused.errors}, 422
    body = {"uuid": submission.uuid, "status": "created" if submission.created else "already_recorded",
            "invitation_code": submission.invitation_code, "panel_code": submission.panel_code}
    return body, 201 if submission.created else 200


@bp.get("/waves/<int:wave_id>/export")
@staff_required()
def export(wave_id):
    wave = db.session.get(Wave, wave_id) or abort(404)
    if not can_read_results(g.user, wave.territory):
        abort(403)
    fmt = request.args.get("format", "wide")
    if fmt not in FORMATS:
        abort(400, description=_("format must be one of: %(formats)s", formats=", ".join(FORMATS)))
    return export_response(wave, fmt)
