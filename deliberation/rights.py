"""A resident's rights over what deliberation holds about them (GDPR articles 15 and 17).

`resident_data` is everything linked to a resident account, for the "my data" page and
its JSON download. `erase_account` and `erase_by_code` unlink a person from what they did:
their supports and votes stay counted, by a participant nobody can trace back to them;
their own texts (ideas, comments, questions) are kept anonymously or deleted, as they
choose. An idea deleted takes its supports, comments and photo file with it; a comment deleted leaves
an empty, hidden place so that the replies of others keep their thread.
"""
import secrets

from sqlalchemy import delete, func, select, update

from voix.extensions import db
from voix.invitations import new_invitation_code
from voix.territories.models import Territory

from . import photos
from .models import (
    Comment,
    CommitteeMember,
    Consultation,
    Idea,
    InstitutionQuestion,
    PairwiseVote,
    Participant,
    ResidentAccount,
    ResidentSession,
    Statement,
    StatementVote,
    Support,
    Visibility,
)

ERASED_NAME = "—"


def resident_data(account: ResidentAccount) -> dict:
    return {
        "account": {"pseudonym": account.pseudonym, "created_at": account.created_at.isoformat()},
        "consultations": [_participation(p) for p in _participants(Participant.resident_id == account.id)],
    }


def _participants(condition, territory_ids=None) -> list[Participant]:
    query = select(Participant).where(condition).order_by(Participant.id)
    if territory_ids is not None:
        query = query.join(Consultation, Consultation.id == Participant.consultation_id).where(
            Consultation.territory_id.in_(territory_ids))
    return db.session.scalars(query).all()


def _participation(p: Participant) -> dict:
    ideas = db.session.execute(select(Idea.title, Idea.body, Idea.visibility, Idea.created_at)
                               .where(Idea.carrier_id == p.id).order_by(Idea.id))
    comments = db.session.execute(select(Comment.body, Comment.visibility, Comment.created_at)
                                  .where(Comment.participant_id == p.id).order_by(Comment.id))
    questions = db.session.execute(select(InstitutionQuestion.text, InstitutionQuestion.visibility,
                                          InstitutionQuestion.created_at)
                                   .where(InstitutionQuestion.asker_id == p.id).order_by(InstitutionQuestion.id))
    supported = db.session.scalars(select(Idea.title).join(Support, Support.idea_id == Idea.id)
                                   .where(Support.participant_id == p.id).order_by(Support.id))
    statement_votes = db.session.execute(select(Statement.text, StatementVote.value)
                                         .join(StatementVote, StatementVote.statement_id == Statement.id)
                                         .where(StatementVote.participant_id == p.id).order_by(StatementVote.id))
    written = db.session.execute(select(Statement.text, Statement.moderation, Statement.created_at)
                                 .where(Statement.author_id == p.id).order_by(Statement.id))
    memberships = db.session.scalars(select(CommitteeMember).where(CommitteeMember.participant_id == p.id))
    return {
        "consultation": p.consultation.title,
        "joined_at": p.created_at.isoformat(),
        "about_you": {"gender": p.gender, "age_bracket": p.age_bracket,
                      "quartier": db.session.get(Territory, p.quartier_id).label if p.quartier_id else None},
        "invitation_code": p.invitation_code,
        "ideas": [{"title": t, "text": b, "visibility": v.value, "written_at": w.isoformat()} for t, b, v, w in ideas],
        "comments": [{"text": b, "visibility": v.value, "written_at": w.isoformat()} for b, v, w in comments],
        "questions": [{"text": t, "visibility": v.value, "written_at": w.isoformat()} for t, v, w in questions],
        "statements": [{"text": t, "moderation": m.value, "written_at": w.isoformat()} for t, m, w in written],
        "supports": list(supported),
        "statement_votes": [{"statement": t, "vote": v} for t, v in statement_votes],
        "pairwise_votes": db.session.scalar(select(func.count()).where(PairwiseVote.participant_id == p.id)),
        "committees": [{"committee": m.committee.name, "name": m.display_name, "status": m.status.value}
                       for m in memberships],
    }


def erase_account(account: ResidentAccount, *, delete_contributions: bool) -> dict:
    """Unlink the account from its participations, then delete it and its sign-ins."""
    counts = _unlink(_participants(Participant.resident_id == account.id), delete_contributions)
    db.session.execute(delete(ResidentSession).where(ResidentSession.resident_id == account.id))
    db.session.delete(account)
    return counts


def erase_by_code(code: str, *, delete_contributions: bool, territory_ids=None) -> dict:
    """The same for a person known only by the invitation code they hold (a kiosk or
    phone participant without an account), within the staff member's territories."""
    return _unlink(_participants(Participant.invitation_code == code, territory_ids), delete_contributions)


def _unlink(participants: list[Participant], delete_contributions: bool) -> dict:
    counts = {"participations": len(participants), "ideas": 0, "comments": 0, "questions": 0}
    ids = [p.id for p in participants]
    if not ids:
        return counts
    for p in participants:
        # A new token and code: the old device and the card lead nowhere any more.
        p.resident_id, p.token, p.invitation_code = None, _new_token(), new_invitation_code()
    db.session.execute(update(CommitteeMember).where(CommitteeMember.participant_id.in_(ids)).values(
        display_name=ERASED_NAME))
    # Statements stay, without their author: others' votes on them shape the opinion groups.
    db.session.execute(update(Statement).where(Statement.author_id.in_(ids)).values(author_id=None))
    if delete_contributions:
        # Their photos' files go too, once the erasure is committed.
        photos.remove_after_commit(db.session.scalars(select(Idea.photo).where(
            Idea.carrier_id.in_(ids), Idea.photo.is_not(None))).all())
        counts["ideas"] = db.session.execute(delete(Idea).where(Idea.carrier_id.in_(ids))).rowcount
        counts["questions"] = db.session.execute(
            delete(InstitutionQuestion).where(InstitutionQuestion.asker_id.in_(ids))).rowcount
        counts["comments"] = db.session.execute(update(Comment).where(Comment.participant_id.in_(ids)).values(
            body="", visibility=Visibility.hidden, hidden_reason=None)).rowcount
    db.session.flush()
    return counts


def _new_token() -> str:
    return secrets.token_urlsafe(24)
