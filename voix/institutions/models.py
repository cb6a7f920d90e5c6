import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..territories.models import Territory


class InstitutionCode(enum.Enum):
    """The twelve kinds of institution the discourse analysis knows (shared/data/discourse/FORMAT.md)."""

    mairie = "mairie"
    caf = "caf"
    bailleur = "bailleur"
    police = "police"
    ecole = "ecole"
    centre_social = "centre_social"
    france_travail = "france_travail"
    departement = "departement"
    prefecture = "prefecture"
    metropole = "metropole"  # including its transport network (Fil Bleu)
    sante = "sante"
    poste = "poste"

INSTITUTION_LABELS = {
    "mairie": _l("Town hall"), "caf": _l("CAF (family benefits)"), "bailleur": _l("Social landlord"),
    "police": _l("Police"), "ecole": _l("School"), "centre_social": _l("Community centre"),
    "france_travail": _l("France Travail (employment)"), "departement": _l("Département"),
    "prefecture": _l("Prefecture"), "metropole": _l("Metropole and transport"), "sante": _l("Health services"),
    "poste": _l("La Poste"),
}


class Institution(db.Model):
    """One local institution, e.g. the bailleur "Tours Habitat" for Tours."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[InstitutionCode] = mapped_column(Enum(InstitutionCode, native_enum=False, length=40))
    name: Mapped[str] = mapped_column(String(200))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    # Other names residents use for it, added to the analysis gazetteer for this territory.
    aliases: Mapped[list] = mapped_column(JSON, default=list)

    territory: Mapped[Territory] = relationship()

    __table_args__ = (UniqueConstraint("territory_id", "name"),)

    def __repr__(self):
        return f"<Institution {self.code.value} {self.name!r}>"
