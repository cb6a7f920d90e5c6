"""Personal invitations: every respondent and participant gets a code to pass on.

A neighbour who comes with that code ("who invited you?") is counted by the social-link
indicator, and so are the chains (someone invited by someone who was invited). Codes
are short, read aloud easily, and say nothing about the person.
"""
import re
import secrets

import segno
from flask import session, url_for
from flask_babel import gettext as _
from markupsafe import Markup

# No look-alikes (0/O, 1/I/L): a code is often copied from a screen or read over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE = re.compile(r"^[23456789A-HJKMNP-Z]{8}$")


def new_invitation_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(8))


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
