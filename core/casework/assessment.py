"""The information pre-check (信息初判): database rows → a frozen household snapshot → the enabled
boards' programmes → findings stored as JSON with the case.

The engine in :mod:`core.assessment` is pure (no SQLAlchemy); this module is the only
place casework turns ORM rows into its snapshot and stored standards into its records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import assessment as engine
from core.models import CarePlan, Case, Household, PlanMeasure, Standard
from core.plugins import BoardHost


def snapshot_of(session: Session, household_id: int, on: dt.date) -> engine.HouseholdSnapshot:
    """The household as the engine sees it on ``on``: members with incomes valid that day,
    certificates, latest self-care assessment, supporters, assets, expenditures and the
    programmes it is enrolled in now."""
    household = session.get(Household, household_id)
    if household is None:
        raise LookupError(f"no household {household_id}")
    members = []
    for p in household.members:
        incomes = tuple(
            engine.IncomeItem(category=i.category, monthly_fen=i.monthly_fen, exempt_reason=i.exempt_reason,
                              employment_cost_fen=i.employment_cost_fen, description=i.description)
            for i in p.incomes
            if (i.valid_from is None or i.valid_from <= on) and (i.valid_to is None or on <= i.valid_to)
        )
        certs = tuple(
            engine.DisabilityCert(category=c.category, grade=c.grade, number=c.number, valid_until=c.valid_until)
            for c in p.disabilities
        )
        assessments = [a for a in p.self_care if a.assessed_on <= on]
        latest = assessments[-1] if assessments else None
        self_care = None if latest is None else engine.SelfCareAssessment(
            assessed_on=latest.assessed_on, eating=latest.eating, dressing=latest.dressing,
            transferring=latest.transferring, toileting=latest.toileting,
            walking_indoors=latest.walking_indoors, bathing=latest.bathing)
        supporters = tuple(
            engine.Supporter(name=s.name, relationship=s.relationship_kind, able=s.able, unable_reason=s.unable_reason)
            for s in p.supporters
        )
        members.append(engine.MemberSnapshot(
            person_id=str(p.id), name=p.name, birth_date=p.birth_date, sex=p.sex, id_number=p.id_number,
            relation=p.relation, inclusion=p.inclusion_reason, labour_capacity=p.labour_capacity,
            student_level=p.student_level, employment=p.employment, union_member=p.union_member,
            serious_illness=p.serious_illness, contracted_land=p.contracted_land, lives_alone=p.lives_alone,
            father_status=p.father_status, mother_status=p.mother_status,
            guardian_id=str(p.guardian_id) if p.guardian_id else None, deceased_on=p.deceased_on,
            disabilities=certs, self_care=self_care, supporters=supporters, incomes=incomes,
        ))
    enrolled = frozenset(session.execute(
        select(PlanMeasure.programme_key)
        .join(CarePlan, PlanMeasure.plan_id == CarePlan.id)
        .join(Case, CarePlan.case_id == Case.id)
        .where(Case.household_id == household_id, PlanMeasure.status == "active", PlanMeasure.kind == "material")
    ).scalars())
    return engine.HouseholdSnapshot(
        household_id=str(household.id),
        region_code=household.region_code,
        area=household.area_type,
        members=tuple(members),
        assets=tuple(engine.AssetItem(kind=a.kind, value_fen=a.value_fen, exempt=a.exempt, description=a.description)
                     for a in household.assets),
        expenditures=tuple(engine.ExpenditureItem(kind=e.kind, amount_fen=e.amount_fen, incurred_on=e.incurred_on,
                                                  description=e.description) for e in household.expenditures),
        address=household.address,
        near_relative_of_staff=household.near_relative_of_staff,
        only_child_deceased=household.only_child_deceased,
        enrolled_programmes=frozenset(k for k in enrolled if k),
    )


def standards_table(session: Session) -> engine.StandardTable:
    """Every stored standard as the engine's records (the engine picks what is in force)."""
    records = []
    for s in session.execute(select(Standard)).scalars():
        try:
            records.append(engine.StandardRecord(key=s.key, region_code=s.region_code, area=s.area, value=s.value,
                                                 unit=s.unit, effective_from=s.effective_from,
                                                 effective_to=s.effective_to, source_note=s.source_note))
        except (ValueError, TypeError):
            continue  # a malformed row is the administrator's to fix; it must not stop every pre-check
    return engine.StandardTable(records)


def assess_household(session: Session, boards: BoardHost, household_id: int, on: dt.date) -> list[dict[str, Any]]:
    """Run every enabled board's programmes on the household; the findings as JSON records."""
    enabled = boards.enabled(session)
    programmes = boards.collect("register_programmes", enabled)
    if not programmes:
        return []
    try:
        result = engine.assess(snapshot_of(session, household_id, on), programmes, standards_table(session), on)
    except (engine.MissingStandard, engine.SnapshotError) as exc:
        # The engine never guesses (a missing standard is not "not eligible"): the step is
        # refused with the engine's own bilingual message, and nothing is stored.
        from core.casework.services import TransitionError

        raise TransitionError(f"信息初判无法完成: {exc}", f"the pre-check could not run: {exc}") from None
    return [finding.to_json() for finding in result.findings]
