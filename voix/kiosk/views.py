"""Registering tablets as kiosks, and the kiosk's welcome, reset and thank-you screens."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..accounts.auth import SESSION_KEY, log_out, staff_required
from ..accounts.models import Role
from ..accounts.permissions import can_register_kiosk
from ..extensions import db
from ..i18n import available_languages, current_language
from ..models import utcnow
from ..territories.forms import territory_choices
from ..territories.models import Territory
from .device import activities_for, current_kiosk, remember_device, run_reset_hooks
from .models import Kiosk
from .offline import init_offline, sync_state

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
THANKS_CODE = "kiosk_invitation_code"
# Long enough to read the thank-you screen and copy a panel code (WCAG 2.2.1 also lets the
# resident stop the countdown), whatever the configuration says.
MIN_THANKS_SECONDS = 20


class RegisterForm(FlaskForm):
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)],
                        description=_l("For example: EPN du Sanitas, centre social Pluriel(le)"))
    territory = SelectField(_l("Territory"), coerce=int)


@bp.route("/enregistrer", methods=["GET", "POST"])
@staff_required(Role.facilitator)
def register():
    form = RegisterForm()
    form.territory.choices = territory_choices(g.user, can_register_kiosk)
    if form.validate_on_submit():
        territory = db.session.get(Territory, form.territory.data)
        if territory is None or not can_register_kiosk(g.user, territory):
            abort(403)
        kiosk = Kiosk(place=form.place.data.strip(), territory=territory, registered_by_id=g.user.id)
        db.session.add(kiosk)
        db.session.commit()
        flash(_("This tablet is now a kiosk. Log out before handing it to residents."), "success")
        return remember_device(redirect(url_for(".welcome")), kiosk)
    return render_template("kiosk/register.html", form=form)


@bp.get("/appareils")
@staff_required(Role.facilitator)
def devices():
    kiosks = db.session.scalars(select(Kiosk).where(Kiosk.revoked_at.is_(None)).order_by(Kiosk.place))
    visible = [k for k in kiosks if can_register_kiosk(g.user, k.territory)]
    return render_template("kiosk/devices.html", kiosks=visible, this_kiosk=current_kiosk(),
                           sync_states={k.id: sync_state(k) for k in visible})


@bp.post("/appareils/<int:kiosk_id>/revoquer")
@staff_required(Role.facilitator)
def revoke(kiosk_id):
    kiosk = db.session.get(Kiosk, kiosk_id) or abort(404)
    if not can_register_kiosk(g.user, kiosk.territory):
        abort(403)
    kiosk.revoked_at = utcnow()
    db.session.commit()
    flash(_("The kiosk %(place)s no longer works.", place=kiosk.place), "success")
    return redirect(url_for(".devices"))


@bp.get("/")
def welcome():
    kiosk = current_kiosk()
    if kiosk is None:
        return render_template("kiosk/not_registered.html"), 403
    return render_template("kiosk/welcome.html", kiosk=kiosk, activities=activities_for(kiosk),
                           kiosk_idle=_holds_a_resident())


@bp.get("/reinitialiser")
def reset():
    """Between two residents (idle timeout, "start again"): forget the previous one."""
    _forget_resident()
    return redirect(url_for(".welcome"))


@bp.post("/deconnexion")
def staff_log_out():
    """A facilitator who tried the kiosk hands it over: logged out, back to a fresh start."""
    run_reset_hooks()
    log_out()
    db.session.commit()
    return redirect(url_for(".welcome"), code=303)


@bp.get("/merci")
def thanks():
    invitation_code, panel_code, language = (list(session.pop(THANKS_CODE, None) or []) + [None] * 3)[:3]
    if language not in available_languages():
        language = current_language()
    # In the resident's language to the end, though their session (and its language) is
    # already gone: the next person starts from the default language.
    with force_locale(language):
        return render_template("thanks.html", invitation_code=invitation_code, panel_code=panel_code,
                               kiosk=current_kiosk(),
                               seconds=max(current_app.config["KIOSK_THANKS_SECONDS"], MIN_THANKS_SECONDS))


@bp.get("/jeton")
def fresh_csrf_token():
    """A kiosk page left open past the token's lifetime renews it before sending answers."""
    return current_app.json.response({"csrf_token": generate_csrf()})


def finish_kiosk_visit(invitation_code: str, panel_code: str | None = None):
    """After a kiosk submission: clear the resident's session, keep only the codes to show."""
    language = current_language()
    _forget_resident()
    session[THANKS_CODE] = [invitation_code, panel_code, language]
    return redirect(url_for("kiosk.thanks"), code=303)


# What a session may hold that is no resident's: the staff sign-in, Flask-WTF's token.
NOT_A_RESIDENT = {SESSION_KEY, "csrf_token", "_permanent"}


def _holds_a_resident() -> bool:
    """Whether the session keeps something of a resident (a language, a participation
    token, a sign-in, an invitation): then even the start screen resets when left idle."""
    return bool(set(session) - NOT_A_RESIDENT)


def _forget_resident():
    # The device token is a separate cookie and survives; a facilitator testing the
    # kiosk stays logged in.
    run_reset_hooks()
    staff = session.get(SESSION_KEY)
    session.clear()
    if staff:
        session[SESSION_KEY] = staff


init_offline(bp)  # the service worker, the offline screen and the outbox state (offline.py)
