"""Personal invitations: every respondent and participant gets a code to pass on.

A neighbour who comes with that code ("who invited you?") is counted by the social-link
indicator, and so are the chains (someone invited by someone who was invited). Codes
are short, read aloud easily, and say nothing about the person.
"""
import re
import secrets

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
