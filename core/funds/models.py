"""Funds tables: where the scheme's money comes from and where every yuan goes.

* ``fund_source`` — a donation drive, public appeal, allocation or town reserve (备用金),
  contributed by a board through ``register_fund_sources`` or created by core;
* ``fund`` — money with an owner (a board, a town's reserve, the city), a purpose (the
  programme keys or need categories it may pay for) and a cached balance;
* ``fund_entry`` — the append-only journal: every income (+) and payment (−) with its
  counterparty (donor or beneficiary) and the balance after it.

Money is integer fen. The invariant ``fund.balance_fen == sum(fund_entry.amount_fen)``
holds at every commit: :mod:`core.funds.services` writes the entry and moves the
balance in one transaction, under a row lock (PostgreSQL ``SELECT … FOR UPDATE``) and an
optimistic version check (``fund.version``), so two concurrent payments can never
overdraw a fund. Entries are never edited or deleted (listener below); a mistake is
corrected by a new entry that names the old one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.db import Base, Fen, UTCDateTime, utcnow
from core.models import AppendOnlyError

SOURCE_KINDS = ("donation", "appeal", "allocation", "reserve")
OWNER_KINDS = ("board", "town", "city")
ENTRY_KINDS = ("income", "allocation", "payment", "grant", "correction")


def _enum(name: str, *values: str) -> Enum:
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


class FundSourceRow(Base):
    """A source of money (``core.api.FundSource`` stored): key ``<board>.<source>``."""

    __tablename__ = "fund_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    board: Mapped[str | None] = mapped_column(String(64), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(_enum("fund_source_kind", *SOURCE_KINDS))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh


class Fund(Base):
    """A fund: owner, operating board, purpose, reserve floor and the cached balance.

    ``board`` is the board whose staff operate the fund (record income, pay from it); a
    town's reserve is owned by the town (``owner_kind="town"``, ``region_code``) and
    operated by civil affairs. ``purposes`` lists programme keys or need categories the
    fund may pay for; empty means any programme of ``board``.
    """

    __tablename__ = "fund"
    __table_args__ = (
        CheckConstraint("balance_fen >= 0", name="no_overdraft"),
        CheckConstraint("floor_fen >= 0", name="floor_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("fund_source.id"), index=True)
    owner_kind: Mapped[str] = mapped_column(_enum("fund_owner_kind", *OWNER_KINDS))
    board: Mapped[str | None] = mapped_column(String(64), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    floor_fen: Mapped[int] = mapped_column(Fen, default=0)
    balance_fen: Mapped[int] = mapped_column(Fen, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    source: Mapped[FundSourceRow | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh


class FundEntry(Base):
    """One movement of a fund: income (+, a donor or anonymous, restrictions, receipt) or a
    payment (−, a programme or temporary-assistance grant for a household). Append-only."""

    __tablename__ = "fund_entry"
    __table_args__ = (
        CheckConstraint("amount_fen <> 0", name="not_zero"),
        CheckConstraint("balance_after_fen >= 0", name="balance_after_positive"),
        Index("ix_fund_entry_fund_day", "fund_id", "entry_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(_enum("fund_entry_kind", *ENTRY_KINDS))
    amount_fen: Mapped[int] = mapped_column(Fen)  # + income, − payment
    balance_after_fen: Mapped[int] = mapped_column(Fen)
    # income: the donor ("" when anonymous), restrictions, the receipt issued
    donor: Mapped[str] = mapped_column(String(200), default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    restrictions: Mapped[str] = mapped_column(Text, default="")
    receipt_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    # payment: what it paid for and for whom
    purpose_key: Mapped[str | None] = mapped_column(String(100))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("care_case.id"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("plan_measure.id"), index=True)
    month: Mapped[dt.date | None] = mapped_column(Date)  # the month a programme payment is for
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("fund_entry.id"))

    fund: Mapped[Fund] = relationship()


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_fund_entries(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, FundEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError(
                f"FundEntry {obj.id} 只能追加, 不能修改或删除 (is append-only: add a correcting entry instead)"
            )
