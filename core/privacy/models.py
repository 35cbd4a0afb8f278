"""Privacy tables: consent records (PIPL Art. 13-15, 23, 29-31; domain-rules §10).

One row per consent given; withdrawal sets ``withdrawn_on`` (the row stays, as evidence of
what was in force when). Two kinds, recorded separately (单独同意):

* ``sensitive_data``: processing the person's sensitive data (health, disability,
  finance, psychological risk, anything about a child under 14);
* ``share_with_volunteers``: showing the minimum (given name, approximate area, the care
  need) to the care boards' matched volunteers.

For a child under 14 the consent must be given by a guardian (``given_by = guardian``
with the guardian's person id or name).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

CONSENT_KINDS = ("sensitive_data", "share_with_volunteers")
LEGAL_BASES = ("consent", "statutory_duty", "vital_interest")
GIVERS = ("self", "guardian")


def _enum(name: str, *values: str) -> Enum:
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


class Consent(Base):
    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint("given_by = 'self' OR guardian_person_id IS NOT NULL OR guardian_name <> ''",
                        name="guardian_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(_enum("consent_kind", *CONSENT_KINDS))
    legal_basis: Mapped[str] = mapped_column(_enum("consent_legal_basis", *LEGAL_BASES), default="consent")
    given_by: Mapped[str] = mapped_column(_enum("consent_given_by", *GIVERS), default="self")
    guardian_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    guardian_name: Mapped[str] = mapped_column(String(100), default="")
    given_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
