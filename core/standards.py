"""Stored standards: seeding the boards' shipped defaults and reading what is in force."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Standard
from core.plugins import BoardHost


def seed_default_standards(session: Session, boards: BoardHost) -> int:
    """Store every installed board's default standards that are not stored yet; returns how many.

    Idempotent: a default already present (same key, region, area and start date) is
    left alone, so an administrator's later edits are never overwritten.
    """
    existing = {
        (s.key, s.region_code, s.area, s.effective_from)
        for s in session.execute(select(Standard)).scalars()
    }
    added = 0
    for record in _all_defaults(boards):
        ident = (record.key, record.region_code, record.area, record.effective_from)
        if ident in existing:
            continue
        session.add(
            Standard(
                key=record.key,
                region_code=record.region_code,
                area=record.area,
                value=record.value,
                unit=record.unit,
                effective_from=record.effective_from,
                effective_to=record.effective_to,
                source_note=record.source_note,
            )
        )
        existing.add(ident)
        added += 1
    session.flush()
    return added


def _all_defaults(boards: BoardHost) -> Iterable[Any]:
    for key in sorted(boards.installed):
        for answer in boards.call_on(key, "default_standards"):
            yield from answer or []


def in_force(session: Session, on: dt.date) -> list[Standard]:
    return list(
        session.execute(
            select(Standard)
            .where(Standard.effective_from <= on)
            .where((Standard.effective_to.is_(None)) | (Standard.effective_to >= on))
            .order_by(Standard.key, Standard.region_code, Standard.area)
        ).scalars()
    )
