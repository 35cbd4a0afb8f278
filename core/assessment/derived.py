"""The derived view of a household on a day: aggregates computed once, shared by every rule.

Ages, who counts as a member (S2 Art. 7), countable income (S2 Art. 13), countable
assets (S2 Art. 14) and 12-month spending (S5 Art. 4) are needed by most programmes;
computing them once per snapshot keeps the rules cheap (the benchmark assesses
100,000 households across every board's programmes).

The disability tables below are rule definitions, not amounts: they say which
certificate category and grade a national rule names (domain-rules §8.3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from core.idnumber import DISABILITY_CATEGORIES, age_on

from .snapshot import (
    INCLUDED_REASONS,
    DisabilityCert,
    HouseholdSnapshot,
    MemberSnapshot,
)

__all__ = [
    "HouseholdView",
    "age_on",
    "add_months",
    "self_care_level",
    "no_labour_capacity_disability",
    "single_person_route_disability",
    "severe_disability",
    "left_behind_situation",
    "PARENT_CANNOT_CARE",
    "DISABILITY_CATEGORY_NAMES",
]

DISABILITY_CATEGORY_NAMES = DISABILITY_CATEGORIES  # domain-rules §8.3, one table for the whole platform

# S6 Art. 5: disability that means "no labour capacity" for 特困: intellectual or mental
# grades 1-3, physical grades 1-2, visual grade 1. Category -> least severe grade that qualifies.
_NO_LABOUR_CAPACITY_WORST_GRADE = {5: 3, 6: 3, 4: 2, 1: 1}
# S2 Art. 8: single-person dibao for a marginal-household member holding grade 1-2 (any
# category) or grade 3 intellectual or mental disability.
_SINGLE_PERSON_GRADE_3_CATEGORIES = frozenset({5, 6})
# 重度残疾 (severe disability) = grades 1 and 2 (domain-rules §8.3).
_SEVERE_WORST_GRADE = 2
# Statuses in which a parent cannot look after the child (S9 §1 "without guardianship capacity";
# S11 lists death, missing, imprisonment).
PARENT_CANNOT_CARE = frozenset({"deceased", "missing", "unable", "imprisoned"})


def no_labour_capacity_disability(cert: DisabilityCert) -> bool:
    """Whether the certificate alone means no labour capacity for 特困 (S6 Art. 5)."""
    worst = _NO_LABOUR_CAPACITY_WORST_GRADE.get(cert.category)
    return worst is not None and cert.grade <= worst


def single_person_route_disability(cert: DisabilityCert) -> bool:
    """Whether the certificate opens the single-person dibao route (S2 Art. 8)."""
    return cert.grade <= _SEVERE_WORST_GRADE or (cert.grade == 3 and cert.category in _SINGLE_PERSON_GRADE_3_CATEGORIES)


def severe_disability(cert: DisabilityCert) -> bool:
    """Grade 1 or 2: 重度残疾 (domain-rules §8.3; 国发〔2015〕52号 nursing subsidy)."""
    return cert.grade <= _SEVERE_WORST_GRADE


def left_behind_situation(member: MemberSnapshot) -> str | None:
    """The parents' side of the left-behind definition (S9 §1), without the age test.

    ``"both_away"`` when both parents are away working; ``"one_away_other_unable"``
    when one is away and the other cannot look after the child (dead, missing, unable,
    imprisoned); ``None`` otherwise (including a child whose parents are both dead or
    missing: that child is an orphan or de-facto unsupported child, S11, not left behind).
    """
    father, mother = member.father_status, member.mother_status
    if father == "away_working":
        if mother == "away_working":
            return "both_away"
        if mother in PARENT_CANNOT_CARE:
            return "one_away_other_unable"
    elif mother == "away_working" and father in PARENT_CANNOT_CARE:
        return "one_away_other_unable"
    return None


def self_care_level(failed_count: int, full_loss_min_failed: int) -> str:
    """The S6 Art. 21 classification: all six achieved -> "self_care"; 1 up to the
    full-loss threshold minus one failed -> "partial"; at least ``full_loss_min_failed``
    (a standard, 4 by the national rule) -> "full"."""
    if failed_count <= 0:
        return "self_care"
    if failed_count >= full_loss_min_failed:
        return "full"
    return "partial"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


class HouseholdView:
    """A snapshot seen on one day, with the shared aggregates every rule reads.

    ``living``: members alive on the day. ``included``: living members counted under
    S2 Art. 7. ``size``: len(included). ``ages``: completed years by person id.
    ``countable_income_fen``: Σ of included members' non-exempt monthly income net of
    employment costs (S2 Art. 13); ``gross_income_fen`` and ``exempt_income_fen``
    alongside. ``countable_assets_fen``: non-exempt assets (S2 Art. 14).
    ``spending_12m_fen``: spending in the 12 months up to the day, by kind (S5 Art. 4).
    ``memo``: rules cache per-household intermediate results here.
    """

    __slots__ = (
        "snapshot",
        "on",
        "living",
        "included",
        "size",
        "ages",
        "countable_income_fen",
        "gross_income_fen",
        "exempt_income_fen",
        "member_income_fen",
        "countable_assets_fen",
        "_spending",
        "memo",
    )

    def __init__(self, snapshot: HouseholdSnapshot, on: dt.date):
        self.snapshot = snapshot
        self.on = on
        ages: dict[str, int] = {}
        living: list[MemberSnapshot] = []
        included: list[MemberSnapshot] = []
        member_income: dict[str, int] = {}
        gross = countable = exempt = 0
        on_key = (on.month, on.day)
        year = on.year
        for member in snapshot.members:
            birth = member.birth_date
            ages[member.person_id] = year - birth.year - ((birth.month, birth.day) > on_key)
            if member.deceased_on is not None and member.deceased_on <= on:
                continue
            living.append(member)
            own = 0
            for item in member.incomes:
                gross += item.monthly_fen
                if item.exempt_reason is None:
                    net = item.monthly_fen - item.employment_cost_fen
                    own += net if net > 0 else 0
                else:
                    exempt += item.monthly_fen
            member_income[member.person_id] = own
            if member.inclusion in INCLUDED_REASONS:
                included.append(member)
                countable += own
        self.ages = ages
        self.living = tuple(living)
        self.included = tuple(included)
        self.size = len(included)
        self.member_income_fen = member_income
        self.countable_income_fen = countable
        self.gross_income_fen = gross
        self.exempt_income_fen = exempt
        assets = 0
        for asset in snapshot.assets:
            if not asset.exempt:
                assets += asset.value_fen
        self.countable_assets_fen = assets
        self._spending: dict[str, int] | None = None
        self.memo: dict[str, Any] = {}

    def age(self, member: MemberSnapshot) -> int:
        """Completed years of ``member`` on the view's day."""
        return self.ages[member.person_id]

    @property
    def spending_12m_fen(self) -> dict[str, int]:
        """Spending by kind in the 12 months up to and including the day (S5 Art. 4 ¶4)."""
        if self._spending is None:
            totals: dict[str, int] = {}
            if self.snapshot.expenditures:  # most households record none: no window to work out
                start = add_months(self.on, -12)
                for item in self.snapshot.expenditures:
                    if item.incurred_on is None or start < item.incurred_on <= self.on:
                        totals[item.kind] = totals.get(item.kind, 0) + item.amount_fen
            self._spending = totals
        return self._spending

    def spending_since(self, start: dt.date, kinds: frozenset[str] | set[str]) -> int:
        """Spending of the given kinds incurred after ``start`` and up to the day (undated items count)."""
        total = 0
        for item in self.snapshot.expenditures:
            if item.kind in kinds and (item.incurred_on is None or start < item.incurred_on <= self.on):
                total += item.amount_fen
        return total

    def new_students(self, members: Iterable[MemberSnapshot], months: int,
                     levels: frozenset[str]) -> list[MemberSnapshot]:
        """Members who entered one of ``levels`` in the ``months`` up to and including the day
        (the window of the boards' education grants)."""
        students = [m for m in members if m.entered_current_level_on is not None]
        if students:  # the window's start is worked out only for a household with a recorded school start
            start = add_months(self.on, -months)
            students = [m for m in students
                        if start < m.entered_current_level_on <= self.on and m.student_level in levels]
        return students

    def valid_certificates(self, member: MemberSnapshot) -> tuple[DisabilityCert, ...]:
        """The member's disability certificates valid on the day."""
        on = self.on
        return tuple(c for c in member.disabilities if c.valid_until is None or on <= c.valid_until)

    def enrolled(self, *programme_keys: str) -> bool:
        """Whether the household receives any of the programmes now."""
        enrolled = self.snapshot.enrolled_programmes
        return any(key in enrolled for key in programme_keys)
