"""Review tracks that depend on where the case is: the delegated dibao track.

S2 Art. 22 and S3 §4(1): where the county has delegated dibao approval to the township, the
overall limit is 20 working days instead of 30 (time limit ``review.dibao_delegated``). Whether
approval is delegated is a dated, regional standard (``civil_affairs.dibao_approval_delegated``,
value 1 = delegated, 0 = not), looked up like every other standard: the most specific region
of the household's code (village → township → county/district → city → province) whose row is
in force on the day of acceptance wins. No row means "not delegated" (the national default).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.assessment.standards import region_chain
from core.models import Standard

DELEGATION_KEY = "civil_affairs.dibao_approval_delegated"


def approval_delegated(session: Session, region_code: str, on: dt.date) -> bool:
    """Whether dibao approval is delegated to the township for ``region_code`` on ``on``."""
    try:
        chain = region_chain(region_code)
    except ValueError:
        return False
    rows = list(session.execute(
        select(Standard).where(Standard.key == DELEGATION_KEY, Standard.region_code.in_(chain),
                               Standard.effective_from <= on)
        .where((Standard.effective_to.is_(None)) | (Standard.effective_to >= on))
    ).scalars())
    for region in chain:
        here = [r for r in rows if r.region_code == region]
        if here:
            return max(here, key=lambda r: r.effective_from).value != 0
    return False


def set_approval_delegated(session: Session, region_code: str, delegated: bool, effective_from: dt.date,
                           source_note: str, user_id: int | None) -> Standard:
    """Record from ``effective_from`` whether approval is delegated in ``region_code``: the row in
    force for that region is closed the day before and a new one added (never edited in place)."""
    region_chain(region_code)  # validates the code (ValueError)
    current = session.execute(
        select(Standard).where(Standard.key == DELEGATION_KEY, Standard.region_code == region_code,
                               Standard.effective_to.is_(None))
    ).scalars().first()
    if current is not None:
        if current.effective_from >= effective_from:
            raise ValueError("新设置的生效日期必须晚于现行设置 (the new setting must start after the one in force)")
        current.effective_to = effective_from - dt.timedelta(days=1)
    row = Standard(key=DELEGATION_KEY, region_code=region_code, area="all", value=Decimal(1 if delegated else 0),
                   unit="flag", effective_from=effective_from, source_note=source_note, created_by=user_id,
                   supersedes_id=current.id if current is not None else None)
    session.add(row)
    session.flush()
    return row


def with_delegation(session: Session, track: str, region_code: str, on: dt.date) -> str:
    """``dibao`` becomes ``dibao_delegated`` where approval is delegated; other tracks are kept."""
    if track == "dibao" and approval_delegated(session, region_code, on):
        return "dibao_delegated"
    return track
