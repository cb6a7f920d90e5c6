import secrets
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import created_at_column
from ..territories.models import Territory


class Kiosk(db.Model):
    """A shared tablet registered to a place; it shows its territory's open waves."""

    id: Mapped[int] = mapped_column(primary_key=True)
    place: Mapped[str] = mapped_column(String(200))  # e.g. "EPN du Sanitas"
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the signed device token: changing it invalidates a stolen token.
    nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    # What the tablet last reported of its offline outbox (POST /kiosk/etat), for staff.
    last_contact_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outbox_waiting: Mapped[int] = mapped_column(server_default="0", default=0)
    outbox_oldest_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outbox_refused: Mapped[int] = mapped_column(server_default="0", default=0)
    outbox_refusals: Mapped[list | None] = mapped_column(JSON)  # [{"wave", "answered_at", "reason"}], newest first

    territory: Mapped[Territory] = relationship()

    def __repr__(self):
        return f"<Kiosk {self.id} {self.place!r}>"
