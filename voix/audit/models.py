from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import JSON, ForeignKey, Index, String, insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import WRITE_OPTION
from ..extensions import db
from ..models import created_at_column, utcnow


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at_column()
    # The account that acted; kept as text too, so the trail survives the account's removal.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))  # one of ACTIONS
    subject: Mapped[str] = mapped_column(String(200))  # what it was about: "wave 12", "card ABCD1234"
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # counts and formats, never contents

    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_event_at", "at"),)

    def __repr__(self):
        return f"<AuditEvent {self.action} {self.subject} by {self.actor}>"


def record(action: str, subject: str, **detail):
    """Add an event to the current transaction: it is kept only if what it records is
    (an erasure, a purge).

    In a request the actor is the signed-in staff member (or API token's owner), else the
    resident; from the command line it is "command line".
    """
    db.session.add(AuditEvent(**_event(action, subject, detail)))


def record_read(action: str, subject: str, **detail):
    """Record a read (an export, a page of raw answers) at once, on a connection of its
    own: the request that reads writes nothing else and would never commit."""
    with db.engine.connect().execution_options(**{WRITE_OPTION: True}) as connection, connection.begin():
        connection.execute(insert(AuditEvent).values(**_event(action, subject, detail), at=utcnow()))


def _event(action, subject, detail) -> dict:
    user = g.get("user") if has_request_context() else None
    # Without a staff member, a request is a resident acting on their own data.
    actor = user.email if user else "resident" if has_request_context() else "command line"
    return dict(user_id=user.id if user else None, actor=actor,
                action=action, subject=subject[:200], detail=detail)
