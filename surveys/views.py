"""Residents answer a wave: on a registered kiosk, or on their own device from a link or QR code.

Both channels share one page: one question per screen with JavaScript, one long
accessible form without. Answers stay in the page until sent; nothing is stored in the
session, so nothing of one resident can reach the next.
"""
import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy.exc import DBAPIError
from wtforms.validators import ValidationError

from voix.about_you import AGE_BRACKETS
from voix.database import takes_write_lock_itself
from voix.errors import write_refused
from voix.extensions import csrf, db
from voix.i18n import available_languages, content_language, current_language
from voix.invitations import pending_inviter
from voix.kiosk.device import current_kiosk, register_activity_provider
from voix.kiosk.views import finish_kiosk_visit
from voix.languages import language_name, ordered_languages, text_direction_of
from voix.territories.models import TerritoryKind, all_territories

from .answers import AGREEMENT_LABELS, DONT_KNOW, SMILEY_LABELS
from .models import WITH_ROWS, Channel, QuestionType, Wave
from .offline import init_phone_offline
from .operations import open_waves_for
from .submission import SubmissionRefused, load_target, submit_response

bp = Blueprint("surveys", __name__, template_folder="templates")
PERSONAL_THANKS_CODE = "survey_invitation_code"
init_phone_offline(bp)  # a phone that loses the network on "Send" keeps the answers (offline.py)


@bp.record_once
def _offer_surveys_on_kiosks(state):
    def provider(kiosk):
        return [{"title": wave.questionnaire.display_title(), "url": url_for("surveys.kiosk_answer", wave_id=wave.id),
                 "kind": "survey"}
                for wave in open_waves_for(kiosk.territory)]

    register_activity_provider(state.app, provider)


@bp.route("/enquete/<int:wave_id>", methods=["GET", "POST"])
@csrf.exempt  # checked below, so that an expired token keeps the answers
@takes_write_lock_itself
def answer(wave_id):
    wave = db.session.get(Wave, wave_id) or abort(404)
    return _answer_page(wave, Channel.personal, kiosk=None)


@bp.route("/kiosk/enquete/<int:wave_id>", methods=["GET", "POST"])
@csrf.exempt
@takes_write_lock_itself
def kiosk_answer(wave_id):
    kiosk = current_kiosk()
    if kiosk is None:
        return redirect(url_for("kiosk.welcome"))
    wave = db.session.get(Wave, wave_id)
    if wave is None or not offered_on_kiosk(wave, kiosk):
        abort(404)
    return _answer_page(wave, Channel.kiosk, kiosk=kiosk)


@bp.get("/enquete/merci")
def thanks():
    invitation_code, panel_code = session.pop(PERSONAL_THANKS_CODE, None) or (None, None)
    return render_template("thanks.html", invitation_code=invitation_code, panel_code=panel_code, kiosk=None)


def offered_on_kiosk(wave: Wave, kiosk) -> bool:
    """A kiosk offers the waves of its territory, of the places above it and of those inside it."""
    return wave.territory_id in kiosk.territory.offered_ids()


def _answer_page(wave, channel, kiosk):
    asked = request.form.get("switch_lang") if request.method == "POST" else request.args.get("lang")
    language = choose_content_language(wave.version.languages, asked)
    with force_locale(_interface_language(language)):
        return _answer_page_in(wave, channel, kiosk)


def survey_languages(content_languages) -> list:
    """What the language switch of a survey page offers: the questionnaire's languages, then
    the interface's other ones (buttons in that language, texts in French)."""
    return ordered_languages([*content_languages, *available_languages()])


def choose_content_language(content_languages, asked=None) -> str:
    """The language the resident reads the questionnaire in, and remember it: the one asked
    (a switch button, `?lang=`), else the one chosen earlier, else the page's. Sets
    `g.content_language`; a language without a catalogue keeps the interface in French."""
    offered = survey_languages(content_languages)
    for candidate in (asked, session.get("content_lang"), current_language()):
        if candidate in offered:
            language = candidate
            break
    else:
        language = current_language()
    if language in available_languages():
        if asked == language:
            session["lang"] = language
        session.pop("content_lang", None)
    else:
        session["content_lang"] = language
    g.content_language = language
    return language


def _interface_language(language) -> str:
    """The catalogue for the chrome: the content's language if there is one, else French."""
    return language if language in available_languages() else current_app.config["BABEL_DEFAULT_LOCALE"]


def _answer_page_in(wave, channel, kiosk):
    if not wave.accepts_responses:
        return render_template("surveys/closed.html", wave=wave, kiosk=kiosk), 410
    if request.method == "GET":
        return _render(wave, kiosk, response_uuid=str(uuid.uuid4()), about={"invited_by": pending_inviter()})

    raw_answers = answers_from_form(wave.version.questions, request.form)
    about = {key: request.form.get(f"about-{key}", "") for key in
             ("gender", "gender_description", "age_bracket", "quartier", "invited_by", "panel_code")}
    response_uuid = request.form.get("uuid", "")
    if "switch_lang" in request.form:
        return _switch_language(wave, kiosk, response_uuid, raw_answers, about)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        # The page stayed open too long: keep every answer, give a fresh token, ask again.
        message = _("The page was open for a long time. Your answers are still here: please send them again.")
        return _render(wave, kiosk, response_uuid, raw_answers, about, notice=message), 400
    try:
        submission = submit_response(
            load_target(wave.id), raw_answers, uuid=response_uuid, channel=channel, language=content_language(),
            about=about, kiosk=kiosk, panel_code=about["panel_code"],
        )
    except SubmissionRefused as refused:
        if "wave" in refused.errors:
            return render_template("surveys/closed.html", wave=wave, kiosk=kiosk), 410
        return _render(wave, kiosk, response_uuid, raw_answers, about, errors=refused.errors), 422
    except DBAPIError as error:
        if not write_refused(error):
            raise
        # Nothing was stored (read-only or full database): say so, and keep every answer
        # and the same UUID, so that sending again later stores the response once.
        db.session.rollback()
        message = _("Your answers were NOT saved: the platform cannot save anything at the moment. "
                    "They are still here: please send them again in a few minutes.")
        return _render(wave, kiosk, response_uuid, raw_answers, about, notice=message), 503
    if kiosk is not None:
        return finish_kiosk_visit(submission.invitation_code, submission.panel_code)
    session[PERSONAL_THANKS_CODE] = [submission.invitation_code, submission.panel_code]
    return redirect(url_for("surveys.thanks"), code=303)


def _switch_language(wave, kiosk, response_uuid, raw_answers, about):
    """The resident changed language mid-way: same answers, same UUID, same question, new
    language. Whatever else the form carries, a language switch is never a submission and
    shows no validation error (an unknown language keeps the current one). The language was
    chosen by `_answer_page`, the button winning over a `?lang=` left in the address."""
    return _render(wave, kiosk, response_uuid, raw_answers, about, step=request.form.get("step", ""))


def _render(wave, kiosk, response_uuid, values=None, about=None, errors=None, notice=None, step=""):
    return render_answer_page(wave, wave.version.questions, kiosk=kiosk, response_uuid=response_uuid,
                              values=values, about=about, errors=errors, notice=notice, step=step)


def render_answer_page(wave, questions, *, kiosk=None, response_uuid="", values=None, about=None,
                       errors=None, notice=None, preview=False, step=""):
    """The answer form; `wave` only needs a `questionnaire` (the preview has no real wave).
    `step`: the code of the step to show first (the one the resident was on)."""
    quartiers = [t for t in all_territories() if t.kind is TerritoryKind.quartier]
    content_languages = ordered_languages(code for q in questions for code in q.text)
    switch = {code: (available_languages()[code][0] if code in available_languages() else language_name(code),
                     text_direction_of(code)) for code in survey_languages(content_languages)}
    return render_template(
        "surveys/answer.html", wave=wave, kiosk=kiosk, questions=questions,
        response_uuid=response_uuid, values=values or {}, about=about or {}, errors=errors or {},
        notice=notice, quartiers=quartiers, language_form=None if preview else "survey-form", age_brackets=AGE_BRACKETS, QuestionType=QuestionType,
        agreement_labels=AGREEMENT_LABELS, dont_know=DONT_KNOW,
        smiley_labels=SMILEY_LABELS, preview=preview, step=step[:100], WITH_ROWS=WITH_ROWS,
        switch_languages=switch,
    )


def answers_from_form(questions, form) -> dict:
    """Turn posted fields (`q-CODE`, `q-CODE-rank-OPTION`, `q-CODE-ROW`) into raw answer values."""
    raw = {}
    for question in questions:
        name = f"q-{question.code}"
        if question.type is QuestionType.information:
            continue
        if question.type in WITH_ROWS:
            raw[question.code] = _rows_from_form(question, form)
        elif question.type is QuestionType.multiple_choice:
            raw[question.code] = form.getlist(name)
        elif question.type is QuestionType.ranking:
            ranks = {option: form.get(f"{name}-rank-{option}", "") for option in question.option_codes}
            raw[question.code] = {option: rank for option, rank in ranks.items() if rank.strip()}
        else:
            raw[question.code] = form.get(name, "")
    return raw


def _rows_from_form(question, form) -> dict:
    """{row or item code: value} from the fields `q-CODE-ROW`; rows left empty are left out."""
    values = {}
    for row in question.row_codes:
        name = f"q-{question.code}-{row}"
        value = form.getlist(name) if question.type is QuestionType.matrix_multiple else form.get(name, "")
        if value:
            values[row] = value
    return values
