import enum
import secrets
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Enum, ForeignKey, String, Table, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..institutions.models import Institution
from ..models import created_at_column
from ..territories.models import Territory


class Role(enum.Enum):
    admin = "admin"  # metropolitan level: everything, everywhere
    facilitator = "facilitator"  # launches consultations in their territories
    moderator = "moderator"  # moderates contributions in their territories
    evaluator = "evaluator"  # reads analyses and indicators, changes nothing
    institution = "institution"  # answers residents' ideas on behalf of one institution


user_territory = Table(
    "user_territory",
    db.metadata,
    Column("user_id", ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True),
)


class User(db.Model):
    __tablename__ = "account"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()
    # For the institution role: which institution this account speaks for.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="SET NULL"))

    territories: Mapped[list[Territory]] = relationship(secondary=user_territory)
    institution: Mapped["Institution | None"] = relationship()

    def __repr__(self):
        return f"<User {self.email} ({self.role.value})>"

    def set_password(self, password: str):
        # Werkzeug's default is scrypt, a memory-hard KDF with a per-password salt.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class StaffSession(db.Model):
    """A server-side login session; the cookie only carries its random id.

    Deleting the row on logout is what makes a replayed cookie useless, which Flask's
    signed cookie session alone cannot do.
    """

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=lambda: secrets.token_urlsafe(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship()

    def __repr__(self):
        return f"<StaffSession user={self.user_id}>"


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes, which are UTC here."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


class ApiToken(db.Model):
    """A bearer token for scripts (exports). Only its SHA-256 is stored.

    It works until it expires (API_TOKEN_DAYS after it was made, unless chosen otherwise)
    or is revoked (`flask users revoke-token ID`), whichever comes first."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Written at most once an hour (voix/accounts/auth.py): an API read stays a read.
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    def works_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and moment < as_utc(self.expires_at)

    def __repr__(self):
        return f"<ApiToken {self.name} user={self.user_id}>"
