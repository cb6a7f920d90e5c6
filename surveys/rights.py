"""Erasing a survey respondent known by the code they hold (GDPR article 17).

A panel card (the same code on every wave) or the invitation code printed at the end of
a survey is all that links answers to a person. Kept anonymously, the responses lose that
link (the panel code is removed, the invitation code replaced) and still count as they
did; deleted, they go with their answers.
"""
from sqlalchemy import delete, or_, select

from voix.extensions import db
from voix.invitations import new_invitation_code

from .models import Response


def erase_by_code(code: str, *, delete_contributions: bool, territory_ids=None) -> dict:
    query = select(Response).where(or_(Response.panel_code == code, Response.invitation_code == code))
    if territory_ids is not None:
        query = query.where(Response.territory_id.in_(territory_ids))
    responses = db.session.scalars(query).all()
    if delete_contributions:
        db.session.execute(delete(Response).where(Response.id.in_([r.id for r in responses])))
    else:
        for response in responses:
            response.panel_code, response.invitation_code = None, new_invitation_code()
    db.session.flush()
    return {"survey_responses": len(responses)}
