"""Who may do what in deliberation (named predicates, used by views and templates)."""
from voix.accounts.models import Role
from voix.accounts.permissions import MANAGING_ROLES, in_scope

from .models import Visibility


def can_run_consultations(user, territory) -> bool:
    return user is not None and user.role in MANAGING_ROLES and in_scope(user, territory)


def can_manage_consultation(user, consultation) -> bool:
    return can_run_consultations(user, consultation.territory)


def can_moderate(user, consultation) -> bool:
    return user is not None and user.role in (*MANAGING_ROLES, Role.moderator) and in_scope(user, consultation.territory)


def can_read_debate(user, idea) -> bool:
    """A hidden idea hides its comments with it: only its moderators still read them."""
    return idea.visibility is Visibility.visible or can_moderate(user, idea.consultation)


def can_answer_for(user, consultation) -> bool:
    """An institution account answers ideas of consultations within its institution's territory."""
    if user is None or user.role is not Role.institution or user.institution is None:
        return False
    return consultation.territory_id in user.institution.territory.subtree_ids()


def can_answer_question(user, question) -> bool:
    """A question is answered by an account of the institution it is addressed to, nobody else."""
    return (can_answer_for(user, question.consultation)
            and user.institution_id == question.institution_id)
