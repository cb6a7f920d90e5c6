"""Personal invitations: every respondent and participant gets a code to pass on.

A neighbour who comes with that code ("who invited you?") is counted by the social-link
indicator, and so are the chains (someone invited by someone who was invited). Codes
are short, read aloud easily, and say nothing about the person.

Each person's place in a chain, their invitation depth, is stored when they arrive:
0 if they came on their own or with a code that is not real, else 1 + their inviter's.
The indicators then count chains from one index instead of following codes at read
time. Every table of people (survey responses, deliberation participants) has the
columns `invitation_code`, `invited_by_code` and `invitation_depth`.
"""
import re
import secrets

import segno
from flask import session, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import bindparam, event, func, select

from .extensions import db

# No look-alikes (0/O, 1/I/L): a code is often copied from a screen or read over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE = re.compile(r"^[23456789A-HJKMNP-Z]{8}$")


def new_invitation_code() -> str:
    # One draw from the system's randomness, written in base 31 (eight draws cost four
    # times more on the submission path).
    number, digits = secrets.randbelow(len(ALPHABET) ** 8), []
    for _position in range(8):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(digits)


def normalize_code(typed) -> str | None:
    """The code as stored, from what someone typed (spaces, dashes, lower case); None if
    it is not one of ours: a name or a phone number there would be personal data."""
    code = re.sub(r"[\s-]", "", str(typed or "").upper())
    return code if CODE.match(code) else None


# --- Passing a code on: a link (and its QR code) that remembers who invited ---------------------

SESSION_KEY = "invited_by"


def invitation_url(code: str) -> str:
    return url_for("home.invitation", code=code, _external=True)


def invitation_qr(code: str) -> Markup:
    """An inline SVG QR code of the invitation link, with a text alternative."""
    svg = segno.make(invitation_url(code), error="m").svg_inline(scale=4, title=_("QR code of your invitation"))
    return Markup(svg)


def remember_inviter(typed) -> str | None:
    code = normalize_code(typed)
    if code:
        session[SESSION_KEY] = code
    return code


def pending_inviter() -> str | None:
    """The code of whoever invited this visitor, if they came through an invitation link.

    A kiosk clears the session between residents, so a code never passes to the next person.
    """
    return session.get(SESSION_KEY)


# --- Invitation depth: where someone stands in a chain, stored when they arrive ----------

MAX_DEPTH = 100  # codes exist before they are used, so chains cannot loop; this is a guard


def _people_tables():
    return [table for table in db.metadata.tables.values() if "invitation_depth" in table.c]


def arrival_depth(invited_by):
    """SQL: the depth of someone who came with the code `invited_by` (a column or parameter):
    1 + the depth of the code's owner, or 0 when nobody owns it. Codes are unique."""
    owners = [select(owner.c.invitation_depth + 1).where(owner.c.invitation_code == invited_by).scalar_subquery()
              for owner in (table.alias() for table in _people_tables())]
    return func.coalesce(*owners, 0)


def depth_on_arrival(invited_by: str | None):
    """The value to store as the depth of someone who came with the code `invited_by`."""
    return arrival_depth(bindparam(None, invited_by)) if invited_by else 0


def track_invitation_depth(model):
    """Give every row of `model` its depth when it is inserted through the ORM.

    The depth is computed by the INSERT itself, so it sees every inviter already stored.
    Writers that insert with Core statements (surveys/submission.py) use arrival_depth().
    """
    @event.listens_for(model, "before_insert")
    def _depth_on_arrival(_mapper, _connection, person):
        if person.invitation_depth is None:
            person.invitation_depth = depth_on_arrival(person.invited_by_code)


def refresh_depths_below(code: str):
    """After someone's depth changed (a participant said later who invited them), give
    everyone below them in the chain their new depth, level by level."""
    codes = {code}
    for _level in range(MAX_DEPTH):
        below = set()
        for table in _people_tables():
            updated = db.session.execute(
                table.update().where(table.c.invited_by_code.in_(codes))
                .values(invitation_depth=arrival_depth(table.c.invited_by_code))
                .returning(table.c.invitation_code))
            below.update(c for c in updated.scalars() if c)
        if not below:
            return
        codes = below
