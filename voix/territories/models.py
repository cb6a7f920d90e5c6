import enum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class TerritoryKind(enum.Enum):
    metropole = "metropole"
    commune = "commune"
    quartier = "quartier"


class Territory(db.Model):
    """A place residents belong to; quartiers sit in a commune, communes in the metropole."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[TerritoryKind] = mapped_column(Enum(TerritoryKind, native_enum=False, length=20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id"))
    population: Mapped[int | None]

    parent: Mapped["Territory | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Territory"]] = relationship(
        back_populates="parent", order_by="Territory.name"
    )

    __table_args__ = (CheckConstraint("population IS NULL OR population >= 0", name="population"),)

    def __repr__(self):
        return f"<Territory {self.slug} ({self.kind.value})>"

    def lineage(self) -> list["Territory"]:
        """This territory and every territory that contains it, nearest first."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def offered_ids(self) -> list[int]:
        """Territories whose surveys and consultations are offered here (on a kiosk of this
        territory, say): this one, those that contain it and those inside it."""
        return [t.id for t in self.lineage()] + list(self.subtree_ids())

    def subtree_ids(self) -> set[int]:
        """Ids of this territory and everything inside it."""
        ids, frontier = {self.id}, [self.id]
        while frontier:
            frontier = db.session.scalars(
                select(Territory.id).where(Territory.parent_id.in_(frontier))
            ).all()
            ids.update(frontier)
        return ids

    @property
    def label(self) -> str:
        if self.kind is TerritoryKind.quartier and self.parent is not None:
            return f"{self.name} ({self.parent.name})"
        return self.name


def territory_by_slug(slug: str) -> Territory | None:
    return db.session.scalar(select(Territory).where(Territory.slug == slug))


def all_territories() -> list[Territory]:
    return list(db.session.scalars(select(Territory).order_by(Territory.kind, Territory.name)))
