"""Named permission predicates, used by views (403) and templates (hide the button)."""
from ..territories.models import Territory
from .models import Role, User

MANAGING_ROLES = (Role.admin, Role.facilitator)
READING_ROLES = (*MANAGING_ROLES, Role.evaluator)


def in_scope(user: User | None, territory: Territory) -> bool:
    """True if the territory lies inside one the user is assigned to (admins: everywhere)."""
    if user is None or not user.active:
        return False
    if user.role is Role.admin:
        return True
    assigned = {t.id for t in user.territories}
    return any(t.id in assigned for t in territory.lineage())


def shares_with(user: User | None, territory: Territory) -> bool:
    """In scope, or above the user's territories: a metropole questionnaire is shared practice."""
    if in_scope(user, territory):
        return True
    return user is not None and user.active and any(
        territory.id in {t.id for t in assigned.lineage()} for assigned in user.territories
    )


def can_use_questionnaire(user: User | None, territory: Territory) -> bool:
    """See a questionnaire and run waves of it in one's own territories."""
    return user is not None and user.role in READING_ROLES and shares_with(user, territory)


def can_manage_surveys(user: User | None, territory: Territory) -> bool:
    return user is not None and user.role in MANAGING_ROLES and in_scope(user, territory)


def can_read_results(user: User | None, territory: Territory) -> bool:
    """Answers and exports: facilitators and evaluators, within their territories.

    An evaluator assigned to the metropole reads every quartier.
    """
    return user is not None and user.role in READING_ROLES and in_scope(user, territory)


def can_register_kiosk(user: User | None, territory: Territory) -> bool:
    return can_manage_surveys(user, territory)
