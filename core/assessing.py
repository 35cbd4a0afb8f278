"""The assessment service: stored households and standards → the pure engine → findings.

The engine (:mod:`core.assessment`) never touches the database; this module is where
ORM rows become its frozen snapshot and stored standards become its records, for the
pre-check of a case, the ``carematch assess`` command, the JSON API and the what-if
calculator (试算). Only enabled boards contribute programmes.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import assessment as engine
from core.models import CarePlan, Case, Household, PlanMeasure, Standard
from core.plugins import BoardHost

log = logging.getLogger(__name__)


def _member(p: Any, on: dt.date) -> engine.MemberSnapshot:
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
    # the latest self-care assessment made on or before the day assessed
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
    return engine.MemberSnapshot(
        person_id=str(p.id), name=p.name, birth_date=p.birth_date, sex=p.sex, id_number=p.id_number,
        relation=p.relation, inclusion=p.inclusion_reason, labour_capacity=p.labour_capacity,
        student_level=p.student_level, entered_current_level_on=p.entered_current_level_on,
        employment=p.employment, union_member=p.union_member, serious_illness=p.serious_illness,
        contracted_land=p.contracted_land, lives_alone=p.lives_alone, long_term_care=p.long_term_care,
        father_status=p.father_status, mother_status=p.mother_status,
        guardian_id=str(p.guardian_id) if p.guardian_id else None, deceased_on=p.deceased_on,
        disabilities=certs, self_care=self_care, supporters=supporters, incomes=incomes,
        requests=tuple(p.service_requests or ()),
    )


def snapshot_of(session: Session, household_id: int, on: dt.date) -> engine.HouseholdSnapshot:
    """The household as the engine sees it on ``on``: members with the incomes valid that day,
    certificates, the latest self-care assessment, supporters, assets, expenditures, events
    and the programmes it is enrolled in now."""
    household = session.get(Household, household_id)
    if household is None:
        raise LookupError(f"没有编号为 {household_id} 的家庭 (no household {household_id})")
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
        members=tuple(_member(p, on) for p in household.members),
        assets=tuple(engine.AssetItem(kind=a.kind, value_fen=a.value_fen, exempt=a.exempt, description=a.description)
                     for a in household.assets),
        expenditures=tuple(engine.ExpenditureItem(kind=e.kind, amount_fen=e.amount_fen, incurred_on=e.incurred_on,
                                                  description=e.description) for e in household.expenditures),
        events=tuple(engine.HardshipEvent(kind=e.kind, occurred_on=e.occurred_on, loss_fen=e.loss_fen,
                                          description=e.description) for e in household.events),
        address=household.address,
        near_relative_of_staff=household.near_relative_of_staff,
        only_child_deceased=household.only_child_deceased,
        enrolled_programmes=frozenset(k for k in enrolled if k),
        heating=household.heating,
        heated_area_m2=household.heated_area_m2,
    )


def standards_table(session: Session) -> engine.StandardTable:
    """Every stored standard as the engine's records (the engine picks what is in force)."""
    records = []
    for s in session.execute(select(Standard)).scalars():
        try:
            records.append(engine.StandardRecord(key=s.key, region_code=s.region_code, area=s.area, value=s.value,
                                                 unit=s.unit, effective_from=s.effective_from,
                                                 effective_to=s.effective_to, source_note=s.source_note))
        except (ValueError, TypeError) as exc:
            # A malformed row is the administrator's to fix; it must not stop every
            # assessment, but it must not pass unnoticed either.
            log.warning("standard %s (%s) is malformed and ignored: %s", s.id, s.key, exc)
    return engine.StandardTable(records)


def enabled_programmes(session: Session, boards: BoardHost) -> list[engine.Programme]:
    return boards.collect("register_programmes", boards.enabled(session))


def assess_snapshot(session: Session, boards: BoardHost, snapshot: engine.HouseholdSnapshot,
                    on: dt.date) -> engine.Assessment:
    """Every enabled programme's finding for a snapshot, with the stored standards in force on ``on``.

    Raises the engine's ``MissingStandard`` when a standard a rule needs is not stored:
    the engine never guesses.
    """
    return engine.assess(snapshot, enabled_programmes(session, boards), standards_table(session), on)


def assess_household(session: Session, boards: BoardHost, household_id: int, on: dt.date) -> engine.Assessment:
    return assess_snapshot(session, boards, snapshot_of(session, household_id, on), on)
