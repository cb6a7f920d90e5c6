"""The optional "about you" block residents may fill in surveys and consultations.

Gender, age bracket, quartier and invitation code feed the participation indicators
(women's and young people's participation, people mobilised through a personal network).
Surveys and deliberation both ask it, so it lives here, once.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from voix.extensions import db
from voix.invitations import normalize_code
from voix.privacy import clean_text
from voix.territories.models import Territory, TerritoryKind

GENDERS = ("woman", "man", "self_described")
AGE_BRACKETS = ("under_15", "15_17", "18_25", "26_34", "35_49", "50_64", "65_plus")
QUARTIER_ROW = select(Territory.id, Territory.kind).where(Territory.slug == bindparam("slug"))


def _quartier_id(slug: str) -> int | None:
    # A quartier's id never changes once created: each process keeps those it has looked up.
    quartiers = current_app.extensions.setdefault("voix.quartier_ids", {})
    found = quartiers.get(slug)
    if found is None:
        row = db.session.connection().execute(QUARTIER_ROW, {"slug": slug}).one_or_none()
        if row is not None and row.kind is TerritoryKind.quartier:
            found = quartiers[slug] = row.id
    return found


def clean_about_you(about: dict, ask_about_you: bool) -> tuple[dict, dict]:
    """Check the optional "about you" block; unknown or empty fields are dropped."""
    if not ask_about_you or not about:
        return {}, {}
    clean, errors = {}, {}
    # Messages are made only when needed: translating one costs more than the whole check.
    choose = _l("Choose one of the proposed answers.")
    gender = about.get("gender") or None
    if gender is not None:
        if gender in GENDERS:
            clean["gender"] = gender
        else:
            errors["gender"] = str(choose)
    description = about.get("gender_description")
    if isinstance(description, str) and description.strip() and gender in (None, "self_described"):
        if len(description.strip()) > 100:
            errors["gender_description"] = str(_l("Keep it under %(n)s characters.", n=100))
        else:  # writing a description is describing oneself, even without ticking the box
            clean["gender"], clean["gender_description"] = "self_described", clean_text(description)
    bracket = about.get("age_bracket") or None
    if bracket is not None:
        if bracket in AGE_BRACKETS:
            clean["age_bracket"] = bracket
        else:
            errors["age_bracket"] = str(choose)
    quartier = about.get("quartier") or None
    if quartier is not None:
        quartier_id = _quartier_id(str(quartier))
        if quartier_id is None:
            errors["quartier"] = str(choose)
        else:
            clean["quartier_id"] = quartier_id
    if str(about.get("invited_by") or "").strip():
        code = normalize_code(about["invited_by"])
        if code:
            clean["invited_by_code"] = code
        else:
            errors["invited_by"] = str(_l("An invitation code has 8 letters and digits, like 7KQ2M9XA."))
    return clean, errors
