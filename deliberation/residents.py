"""Optional pseudonymous resident accounts: a pseudonym and a password, nothing else.

A resident who signs in finds their ideas and the institutions' answers from any device.
Their participant in a consultation is linked to the account (Participant.resident_id,
UNIQUE per consultation), so what they do there counts as one person whichever device
they use. Passwords are hashed like staff passwords (Werkzeug's scrypt). The sign-in is
a server-side row that sign-out and the kiosk reset delete.
"""
import re
import secrets
import time
from datetime import timedelta, timezone

from flask import current_app, flash, g, session
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from voix.accounts.auth import SESSION_KEY as STAFF_SESSION_KEY
from voix.database import begin_write, insert_ignoring_duplicates
from voix.extensions import db
from voix.invitations import pending_inviter
from voix.kiosk.device import current_kiosk
from voix.models import utcnow
from voix.privacy import scrub

from .models import Idea, IdeaCoCarrier, InstitutionQuestion, Participant, ResidentAccount, ResidentSession
from .operations import DeliberationError, _uuid, fold_into, give_outbox_name, participant_named

SESSION_KEY = "resident_session"
SEEN_KEY = "resident_seen_at"  # when this sign-in was last used (seconds since the epoch)
# Letters of any script, digits, spaces and a little punctuation.
PSEUDONYM = re.compile(r"[\w .'’-]{3,60}")
PASSWORD_MIN, PASSWORD_MAX = 8, 200


# --- Accounts ---------------------------------------------------------------------------


def clean_pseudonym(text: str | None) -> str:
    pseudonym = " ".join((text or "").split())
    if not PSEUDONYM.fullmatch(pseudonym) or not any(ch.isalpha() for ch in pseudonym):
        raise DeliberationError(_l("A pseudonym has 3 to 60 characters: letters, digits, spaces, dashes."))
    if scrub(pseudonym) != pseudonym:
        # It is shown next to the resident's ideas: it must not say who they are.
        raise DeliberationError(_l("Choose a pseudonym without an email address, a phone number or a full name."))
    return pseudonym


def create_account(pseudonym: str, password: str) -> ResidentAccount:
    pseudonym = clean_pseudonym(pseudonym)
    if not PASSWORD_MIN <= len(password or "") <= PASSWORD_MAX:
        raise DeliberationError(_l("A password has at least 8 characters."))
    begin_write()
    taken = _by_pseudonym(pseudonym) is not None
    # The UNIQUE constraint settles two sign-ups with the same pseudonym at the same time.
    account_id = None if taken else insert_ignoring_duplicates(ResidentAccount, dict(
        pseudonym=pseudonym, password_hash=generate_password_hash(password), created_at=utcnow(),
    ), conflict_columns=["pseudonym"])
    if account_id is None:
        raise DeliberationError(_l("This pseudonym is already used: choose another one."))
    return db.session.get(ResidentAccount, account_id)


def authenticate(pseudonym: str, password: str) -> ResidentAccount | None:
    account = _by_pseudonym(" ".join((pseudonym or "").split()))
    if account is None or not check_password_hash(account.password_hash, password or ""):
        return None
    return account


def _by_pseudonym(pseudonym: str) -> ResidentAccount | None:
    # lower() on both sides: SQLite lowers ASCII only, so Python's lower() would not match.
    return db.session.scalar(select(ResidentAccount).where(
        func.lower(ResidentAccount.pseudonym) == func.lower(pseudonym)).order_by(ResidentAccount.id))


# --- Signing in and out -----------------------------------------------------------------


def load_resident():
    """before_request: g.resident is the signed-in resident's account, or None."""
    g.resident = None
    session_id = session.get(SESSION_KEY)
    if not session_id:
        return
    found = db.session.get(ResidentSession, session_id)
    if found is None or _expired(found):
        session.pop(SESSION_KEY, None)
        session.pop(SEEN_KEY, None)
        if found is not None:
            flash(gettext("Your session has ended. Please sign in again."), "info")
        return
    # Written back at most every few minutes, so that most requests send no cookie.
    now = time.time()
    if now - session.get(SEEN_KEY, 0) >= current_app.config["SESSION_SEEN_REFRESH_SECONDS"]:
        session[SEEN_KEY] = int(now)
    g.resident = found.resident


def _expired(resident_session: ResidentSession) -> bool:
    """Past its lifetime since sign-in (30 minutes on a kiosk, RESIDENT_SESSION_DAYS
    elsewhere), or, on a personal device, RESIDENT_SESSION_IDLE_DAYS without a visit."""
    config = current_app.config
    kiosk = current_kiosk()
    lifetime = (timedelta(minutes=config["KIOSK_RESIDENT_SESSION_MINUTES"]) if kiosk
                else timedelta(days=config["RESIDENT_SESSION_DAYS"]))
    started = resident_session.created_at
    started = started.replace(tzinfo=timezone.utc) if started.tzinfo is None else started  # SQLite: naive UTC
    if started + lifetime < utcnow():
        return True
    seen = session.get(SEEN_KEY, started.timestamp())
    return not kiosk and time.time() - seen > config["RESIDENT_SESSION_IDLE_DAYS"] * 86400


def sign_in(account: ResidentAccount, visitor_tokens: dict):
    """Start a sign-in, and link the participants of this visit to the account."""
    _link_participants(account, visitor_tokens.values())
    db.session.execute(delete(ResidentSession).where(ResidentSession.resident_id == account.id,
                                                     ResidentSession.created_at < utcnow() - timedelta(
                                                         days=current_app.config["RESIDENT_SESSION_DAYS"])))
    resident_session = ResidentSession(resident_id=account.id)
    db.session.add(resident_session)
    db.session.flush()
    session[SESSION_KEY] = resident_session.id
    session[SEEN_KEY] = int(time.time())
    g.resident = account


def end_sign_in():
    """Delete the server-side sign-in; also run by the kiosk reset, before it clears the session."""
    session_id = session.pop(SESSION_KEY, None)
    g.resident = None
    if session_id:
        # Ends this request's read transaction first: on SQLite a read cannot safely turn
        # into a write, a fresh write transaction waits its turn instead.
        db.session.commit()
        begin_write()
        db.session.execute(delete(ResidentSession).where(ResidentSession.id == session_id))
        db.session.commit()


def sign_out():
    """Sign out and forget the visit (its participation tokens belong to the account now)."""
    end_sign_in()
    kept = {key: session[key] for key in (STAFF_SESSION_KEY, "lang") if key in session}
    session.clear()
    session.update(kept)


# --- The account's participants and ideas -----------------------------------------------


def participant_of(consultation, account: ResidentAccount, *, create: bool, origin) -> Participant | None:
    """The account's participant in a consultation, created on its first action there."""
    mine = _participant(consultation.id, account.id)
    if mine is not None or not create:
        return mine
    insert_ignoring_duplicates(Participant, dict(
        consultation_id=consultation.id, resident_id=account.id, origin=origin, token=secrets.token_urlsafe(24),
        created_at=utcnow(), invited_by_code=pending_inviter(),
    ), conflict_columns=["consultation_id", "resident_id"])
    return _participant(consultation.id, account.id)


def account_named_by_tablet(consultation, account: ResidentAccount, client_uuid, *, create: bool,
                            origin) -> Participant | None:
    """The account's participant, which also takes the name a kiosk's outbox gives the
    resident in front of it (participant_named_by_tablet), so that what a signed-in resident
    does offline in this visit, sent later with that name only (the sign-in may be over by
    then), joins their account: one visit, one participant (docs/kiosk.md).

    The outbox named them first (they acted offline, then online): that anonymous
    participant becomes the account's, as a sign-in links the visit's participants, or,
    when the account already takes part in the consultation, what it did joins the
    account's participant (operations.fold_into). Otherwise the account's participant takes
    the name, and keeps those of its earlier visits (EarlierOutboxName): entries of an
    earlier visit still waiting on a tablet join it too.
    """
    mine = _participant(consultation.id, account.id)
    try:
        key = _uuid(client_uuid)
    except DeliberationError:
        key = None
    named = key and participant_named(key)
    if named is not None and named is mine:
        return mine
    if named is None and key is not None:
        mine = mine or participant_of(consultation, account, create=create, origin=origin)
        if mine is not None:
            give_outbox_name(mine, key)
        return mine
    if named is not None and named.consultation_id == consultation.id and named.resident_id is None:
        if mine is None:  # the visit's participant becomes the account's, as at a sign-in
            try:
                with db.session.begin_nested():
                    named.resident_id = account.id
                    named.token = secrets.token_urlsafe(24)  # a copy of its old token no longer acts for the account
                return named
            except IntegrityError:  # the account took part a moment ago from another device
                mine = _participant(consultation.id, account.id)
        if mine is not None:  # the account already takes part: what the visit did joins it
            fold_into(named, mine)
            return mine
    # An invalid name, another consultation's or another account's: ignored.
    return participant_of(consultation, account, create=create, origin=origin)


def _participant(consultation_id: int, account_id: int) -> Participant | None:
    return db.session.scalar(select(Participant).where(
        Participant.consultation_id == consultation_id, Participant.resident_id == account_id))


def _link_participants(account: ResidentAccount, tokens):
    for token in tokens:
        visit = db.session.scalar(select(Participant).where(Participant.token == token,
                                                            Participant.resident_id.is_(None)))
        if visit is None:
            continue
        mine = _participant(visit.consultation_id, account.id)
        if mine is not None:  # the account already takes part there: what the visit did joins it
            fold_into(visit, mine)
            continue
        try:
            with db.session.begin_nested():
                visit.resident_id = account.id
                # A new token: a copy of the old one (an old cookie, the API) no longer acts for the account.
                visit.token = secrets.token_urlsafe(24)
        except IntegrityError:
            pass  # linked a moment ago from another device: keep that one


def my_ideas(account: ResidentAccount) -> list[Idea]:
    """Ideas the resident carries or co-carries, newest first, hidden ones included."""
    mine = select(Participant.id).where(Participant.resident_id == account.id)
    co_carried = select(IdeaCoCarrier.idea_id).where(IdeaCoCarrier.participant_id.in_(mine))
    return db.session.scalars(select(Idea).where(or_(Idea.carrier_id.in_(mine), Idea.id.in_(co_carried)))
                              .order_by(Idea.created_at.desc(), Idea.id.desc())).all()


def my_questions(account: ResidentAccount) -> list[InstitutionQuestion]:
    """Questions the resident asked institutions, newest first, hidden ones included."""
    mine = select(Participant.id).where(Participant.resident_id == account.id)
    return db.session.scalars(select(InstitutionQuestion).where(InstitutionQuestion.asker_id.in_(mine))
                              .order_by(InstitutionQuestion.created_at.desc(), InstitutionQuestion.id.desc())
                              .options(selectinload(InstitutionQuestion.answers))).all()
