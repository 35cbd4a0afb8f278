"""Stored standards: seeding the boards' shipped defaults and reading what is in force."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Region, Standard
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


# What staff call core's own standards (the boards name theirs through the standard_names hook).
CORE_STANDARD_NAMES: dict[str, tuple[str, str]] = {
    "core.deadline_warning_working_days": ("期限预警提前工作日", "working days of warning before a time limit"),
    "core.discovery_quiet_days": ("已处理线索不再提示天数", "days a handled discovery lead is not raised again"),
    "core.grid_report_every": ("网格报告周期", "grid report period"),
    "core.grid_report_grace_days": ("网格报告宽限天数", "grid report grace days"),
    "core.upload_retention_days": ("上传文件保留天数", "days an uploaded workbook is kept"),
    "core.visit_every_days_bereaved_family": ("失独家庭探访间隔", "visit interval, bereaved family"),
    "core.visit_every_days_elderly_alone": ("独居老人探访间隔", "visit interval, elderly living alone"),
    "core.visit_every_days_risk1": ("低风险探访间隔", "visit interval, risk 1"),
    "core.visit_every_days_risk2": ("中风险探访间隔", "visit interval, risk 2"),
    "core.visit_every_days_risk3": ("高风险探访间隔", "visit interval, risk 3"),
    "core.visit_long_overdue_days": ("探访严重逾期天数", "days a visit is long overdue"),
    "core.warning_expenditure_rise_percent": ("支出骤增预警比例", "spending rise that raises a warning"),
    "core.warning_expiry_days_ahead": ("到期预警提前天数", "days of warning before an expiry"),
    "core.warning_income_drop_percent": ("收入骤降预警比例", "income drop that raises a warning"),
}


def standard_names(boards: BoardHost) -> dict[str, tuple[str, str]]:
    """Every standard's (zh, en) name: core's and every installed board's, so a disabled
    board's stored standards keep their names on the standards page."""
    names = dict(CORE_STANDARD_NAMES)
    for key in sorted(boards.installed):
        for answer in boards.call_on(key, "standard_names"):
            names.update(answer or {})
    return names


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


class StandardError(ValueError):
    """A standard change that cannot be made; the message says why, in Chinese and English."""


NATIONAL = "000000"  # the region code of the national rules' records
MAX_INTEGER_DIGITS, MAX_DECIMAL_PLACES = 12, 4  # the figures a standard holds: yuan, ages, shares, days


def revise_standard(
    session: Session,
    *,
    key: str,
    region_code: str,
    area: str,
    value: Any,
    unit: str = "",
    effective_from: dt.date,
    source_note: str,
    user_id: int | None,
) -> Standard:
    """Add a new value for a standard from ``effective_from``; the value in force before it is
    closed the day before. Nothing is overwritten, so every past calculation stays reproducible.
    """
    from decimal import Decimal, InvalidOperation

    from core.models import AuditEvent

    try:
        exact = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise StandardError(f"数值 {value!r} 不是有效数字 (the value {value!r} is not a number)") from None
    if not exact.is_finite() or exact < 0:
        raise StandardError(f"数值 {value!r} 必须是非负数 (the value must be zero or more)")
    places = max(0, -int(exact.as_tuple().exponent))
    if exact.adjusted() + 1 > MAX_INTEGER_DIGITS or places > MAX_DECIMAL_PLACES:
        raise StandardError(f"数值 {value!r} 超出范围: 整数部分最多 {MAX_INTEGER_DIGITS} 位, 小数最多 {MAX_DECIMAL_PLACES} 位 "
                            f"(at most {MAX_INTEGER_DIGITS} digits before the point and {MAX_DECIMAL_PLACES} after)")
    if area not in ("urban", "rural", "all"):
        raise StandardError(f"城乡类别 {area!r} 无效 (area must be urban, rural or all)")
    if region_code != NATIONAL and session.get(Region, region_code) is None:
        raise StandardError(f"没有区划代码 {region_code!r} (no region {region_code!r}; {NATIONAL} is national)")
    history = list(
        session.execute(
            select(Standard)
            .where(Standard.key == key, Standard.region_code == region_code, Standard.area == area)
            .order_by(Standard.effective_from)
        ).scalars()
    )
    if history and effective_from <= history[-1].effective_from:
        raise StandardError(
            f"生效日期须晚于当前值的生效日期 {history[-1].effective_from.isoformat()} "
            f"(the new value must start after {history[-1].effective_from.isoformat()}, when the latest began)"
        )
    previous = history[-1] if history else None
    # A standard keeps its unit per region and area (the rural dibao standard is yearly, the
    # urban one monthly): the new value is in the unit of the one it follows, else in that of
    # the key's latest value for the same area, else of any.
    known = previous.unit if previous else session.scalars(
        select(Standard.unit).where(Standard.key == key)
        .order_by((Standard.area == area).desc(), Standard.effective_from.desc())).first()
    if unit and known and unit != known:
        raise StandardError(f"单位应为 {known!r}, 而不是 {unit!r} (this standard is in {known!r}, not {unit!r})")
    if previous is not None and (previous.effective_to is None or previous.effective_to >= effective_from):
        previous.effective_to = effective_from - dt.timedelta(days=1)
    record = Standard(
        key=key,
        region_code=region_code,
        area=area,
        value=exact,
        unit=known or unit,
        effective_from=effective_from,
        source_note=source_note,
        created_by=user_id,
        supersedes_id=previous.id if previous else None,
    )
    session.add(record)
    session.flush()
    session.add(AuditEvent(user_id=user_id, action="standard_revise", object_type="standard", object_id=str(record.id),
                           reason=f"{key} {region_code} {area} = {exact} from {effective_from.isoformat()}"))
    return record


def history(session: Session, key: str) -> list[Standard]:
    return list(
        session.execute(
            select(Standard).where(Standard.key == key).order_by(Standard.region_code, Standard.area, Standard.effective_from)
        ).scalars()
    )
