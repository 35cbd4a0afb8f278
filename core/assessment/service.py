"""Run programmes over a household: the whole engine in one call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from .derived import HouseholdView
from .findings import ELIGIBLE, Finding
from .programme import Programme
from .snapshot import HouseholdSnapshot
from .standards import StandardRecord, StandardTable

__all__ = ["Assessment", "assess", "assess_many", "standard_table"]


@dataclass(frozen=True, slots=True)
class Assessment:
    """Every programme's finding for one household on one day."""

    household_id: str
    on: dt.date
    region_code: str
    area: str
    findings: tuple[Finding, ...]

    def finding(self, programme_key: str) -> Finding:
        """The finding of one programme; ``KeyError`` if it was not assessed."""
        for finding in self.findings:
            if finding.programme_key == programme_key:
                return finding
        raise KeyError(programme_key)

    def eligible(self) -> list[Finding]:
        """The findings whose status is eligible."""
        return [f for f in self.findings if f.status == ELIGIBLE]

    def to_json(self) -> dict[str, Any]:
        return {
            "household_id": self.household_id,
            "on": self.on.isoformat(),
            "region_code": self.region_code,
            "area": self.area,
            "findings": [f.to_json() for f in self.findings],
        }


def standard_table(standards: StandardTable | Iterable[StandardRecord]) -> StandardTable:
    """A :class:`StandardTable` from a table or from records (e.g. every board's DEFAULT_STANDARDS)."""
    return standards if isinstance(standards, StandardTable) else StandardTable(standards)


def assess(
    snapshot: HouseholdSnapshot,
    programmes: Sequence[Programme],
    standards: StandardTable | Iterable[StandardRecord],
    on: dt.date,
) -> Assessment:
    """Assess one household with every programme, using the standards in force on ``on``.

    Errors (a missing standard, a faulty rule) propagate: nothing is caught silently.
    """
    table = standard_table(standards)
    view = HouseholdView(snapshot, on)
    in_force = table.in_force(snapshot.region_code, snapshot.area, on)
    return Assessment(
        snapshot.household_id,
        on,
        snapshot.region_code,
        snapshot.area,
        tuple([programme.evaluate(view, in_force) for programme in programmes]),
    )


def assess_many(
    snapshots: Iterable[HouseholdSnapshot],
    programmes: Sequence[Programme],
    standards: StandardTable | Iterable[StandardRecord],
    on: dt.date,
) -> Iterator[Assessment]:
    """Assess many households on one day, sharing the resolved standards per (region, area)."""
    table = standard_table(standards)
    # Programme.evaluate unrolled: the same steps (eligibility rule, key check, benefit rule only
    # when eligible) without a method call and four attribute reads per programme and household.
    plan = tuple((p.key, p.eligibility, p if p.benefit is not None else None) for p in programmes)
    in_force_of = table.in_force
    for snapshot in snapshots:
        view = HouseholdView(snapshot, on)
        in_force = in_force_of(snapshot.region_code, snapshot.area, on)
        findings = []
        append = findings.append
        for key, eligibility, with_benefit in plan:
            finding = eligibility(view, in_force)
            if finding.programme_key != key:
                raise ValueError(f"rule of {key} returned a finding for {finding.programme_key}")
            if with_benefit is not None and finding.status == ELIGIBLE:
                finding = with_benefit.with_benefit(view, in_force, finding)
            append(finding)
        yield Assessment(snapshot.household_id, on, snapshot.region_code, snapshot.area, tuple(findings))
