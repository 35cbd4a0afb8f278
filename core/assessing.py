"""The assessment service: stored households and standards → the pure engine → findings.

The engine (:mod:`core.assessment`) never touches the database; this module is where
ORM rows become its frozen snapshot and stored standards become its records, for the
pre-check of a case, the ``carematch assess`` command, the JSON API and the what-if
calculator (试算). Only enabled boards contribute programmes.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import itertools
import json
import logging
import multiprocessing
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import Enum, String, select, type_coerce
from sqlalchemy.orm import Session

from core import assessment as engine
from core.assessment.snapshot import row_builder
from core.models import (
    AssetItem,
    CarePlan,
    Case,
    DisabilityCertificate,
    ExpenditureItem,
    HardshipEvent,
    Household,
    IncomeItem,
    Person,
    PlanMeasure,
    SelfCareAssessment,
    Standard,
    Supporter,
)
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
    and the programmes it is enrolled in now.

    One household through the ORM relationships (the rows the session already holds are
    used as they are); :func:`snapshots_of` builds the same snapshots for many households
    with a handful of set-based queries."""
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


# --- many households at once -----------------------------------------------------------------------

BATCH_SIZE = 1000  # households per round of queries: well inside SQLite's bound-parameter limit


def _by_key(result: Any) -> dict[Any, list[Any]]:
    """Rows grouped by their first column (fetched all at once: much cheaper than row by row)."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in result.all():
        grouped[row[0]].append(row)
    return grouped


def _ids_filter(column: Any, ids: Sequence[int]) -> Any:
    """``column IN ids``, or ``column BETWEEN low AND high`` when the ids are exactly that range.

    Both select the same rows; the range is two bound parameters instead of one per id,
    which SQLAlchemy would otherwise render and bind for every query of every batch (a
    re-assessment of every household walks the ids in order, so its batches are ranges).
    """
    unique = set(ids)
    if unique and all(type(i) is int for i in unique):
        low, high = min(unique), max(unique)
        if high - low + 1 == len(unique):
            return column.between(low, high)
    return column.in_(ids)


# The snapshot classes' row builders: the same frozen objects as the classes' own constructors,
# built without a per-field object.__setattr__ (see core.assessment.snapshot.row_builder).
_INCOME = row_builder(engine.IncomeItem)
_CERT = row_builder(engine.DisabilityCert)
_CARE = row_builder(engine.SelfCareAssessment)
_SUPPORT = row_builder(engine.Supporter)
_MEMBER = row_builder(engine.MemberSnapshot)
_ASSET = row_builder(engine.AssetItem)
_SPENDING = row_builder(engine.ExpenditureItem)
_EVENT = row_builder(engine.HardshipEvent)
_HOUSEHOLD = row_builder(engine.HouseholdSnapshot)


def _text(column: Any) -> Any:
    """An enumerated column read as the text it stores.

    The columns are non-native enums (VARCHAR with a CHECK constraint, so a stored value is
    always one of the listed ones); reading them as plain strings gives the same values
    without the enum's per-value lookup, which was the largest single cost of turning rows
    into values (about 24 enum values per household).
    """
    return type_coerce(column, String) if isinstance(column.type, Enum) else column


def _service_requests(stored: Any) -> tuple[str, ...]:
    """The person's service requests from the JSON column read as text (SQLite), or already
    decoded by the driver (PostgreSQL); NULL, JSON null and [] are no request."""
    if not stored:
        return ()
    if isinstance(stored, str):
        if stored == "[]" or stored == "null":
            return ()
        return tuple(json.loads(stored) or ())
    return tuple(stored)


def _without_cyclic_gc(build: Any, *args: Any) -> Any:
    """``build(*args)`` with the cyclic garbage collector paused, as it was before afterwards.

    Building a batch allocates tens of thousands of rows and snapshot objects that all
    stay alive while the batch is assessed and form no reference cycle; with the collector
    running, each batch set off over a hundred collections that scanned the growing heap
    (measured: 1,257 / 114 / 10 collections of generations 0 / 1 / 2 and a fifth of the
    CPU of loading and assessing 20,000 households; paused: 75 / 7 / 1). Reference counting
    frees memory as usual meanwhile, and any cycle made during the pause (here or in
    another thread: the switch is process-wide) is collected once the collector resumes,
    at the next allocation. If the application had disabled the collector, it stays so.
    """
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        return build(*args)
    finally:
        if enabled:
            gc.enable()


def _load_batch(session: Session, ids: Sequence[int], on: dt.date) -> dict[int, engine.HouseholdSnapshot]:
    """Snapshots of one batch of households, keyed by id, from one query per table.

    Every child table is read as plain columns, joined to its owner and filtered by the
    batch's household ids (never by a list of person ids), ordered as the ORM
    relationships order them (members and items by id, events by date, self-care
    assessments by date), then grouped in Python.
    """
    # Table columns, not ORM attributes: a Core select skips the ORM's row machinery
    # (the values are converted by the same column types).
    household, person, income = Household.__table__.c, Person.__table__.c, IncomeItem.__table__.c
    cert, care, supporter = DisabilityCertificate.__table__.c, SelfCareAssessment.__table__.c, Supporter.__table__.c
    asset, spending, event = AssetItem.__table__.c, ExpenditureItem.__table__.c, HardshipEvent.__table__.c
    case, plan, measure = Case.__table__.c, CarePlan.__table__.c, PlanMeasure.__table__.c
    person_t, plan_t, case_t = Person.__table__, CarePlan.__table__, Case.__table__
    execute = session.execute
    households = execute(
        select(household.id, household.region_code, _text(household.area_type), household.address,
               household.near_relative_of_staff, household.only_child_deceased, _text(household.heating),
               household.heated_area_m2)
        .where(_ids_filter(household.id, ids))
    ).all()
    if not households:
        return {}
    people = _by_key(execute(
        select(person.household_id, person.id, person.name, person.birth_date, _text(person.sex), person.id_number,
               person.relation, _text(person.inclusion_reason), _text(person.labour_capacity), _text(person.student_level),
               person.entered_current_level_on, _text(person.employment), person.union_member, person.serious_illness,
               person.contracted_land, person.lives_alone, person.long_term_care, _text(person.father_status),
               _text(person.mother_status), person.guardian_id, person.deceased_on, type_coerce(person.service_requests, String))
        .where(_ids_filter(person.household_id, ids))
        .order_by(person.id)
    ))
    member_of = _ids_filter(person.household_id, ids)
    incomes = _by_key(execute(
        select(income.person_id, _text(income.category), income.monthly_fen, income.exempt_reason,
               income.employment_cost_fen, income.description)
        .join(person_t, income.person_id == person.id)
        .where(member_of,
               (income.valid_from.is_(None)) | (income.valid_from <= on),
               (income.valid_to.is_(None)) | (income.valid_to >= on))
        .order_by(income.id)
    ))
    certificates = _by_key(execute(
        select(cert.person_id, cert.category, cert.grade,
               cert.number, cert.valid_until)
        .join(person_t, cert.person_id == person.id)
        .where(member_of)
        .order_by(cert.id)
    ))
    # the latest assessment on or before the day: ordered by date, the last one wins
    self_care: dict[int, Any] = {}
    for row in execute(
        select(care.person_id, care.assessed_on, care.eating,
               care.dressing, care.transferring, care.toileting,
               care.walking_indoors, care.bathing)
        .join(person_t, care.person_id == person.id)
        .where(member_of, care.assessed_on <= on)
        .order_by(care.assessed_on, care.id)
    ).all():
        self_care[row[0]] = row
    supporters = _by_key(execute(
        select(supporter.person_id, supporter.name, supporter.relationship_kind, supporter.able, supporter.unable_reason)
        .join(person_t, supporter.person_id == person.id)
        .where(member_of)
        .order_by(supporter.id)
    ))
    assets = _by_key(execute(
        select(asset.household_id, asset.kind, asset.value_fen, asset.exempt, asset.description)
        .where(_ids_filter(asset.household_id, ids)).order_by(asset.id)
    ))
    expenditures = _by_key(execute(
        select(spending.household_id, _text(spending.kind), spending.amount_fen, spending.incurred_on,
               spending.description)
        .where(_ids_filter(spending.household_id, ids)).order_by(spending.id)
    ))
    events = _by_key(execute(
        select(event.household_id, _text(event.kind), event.occurred_on, event.loss_fen,
               event.description)
        .where(_ids_filter(event.household_id, ids)).order_by(event.occurred_on, event.id)
    ))
    enrolled: dict[int, set[str]] = defaultdict(set)
    for household_id, key in execute(
        select(case.household_id, measure.programme_key)
        .join(plan_t, measure.plan_id == plan.id)
        .join(case_t, plan.case_id == case.id)
        .where(_ids_filter(case.household_id, ids), measure.status == "active", measure.kind == "material")
    ):
        if key:
            enrolled[household_id].add(key)

    Income, Cert, Care, Support = _INCOME, _CERT, _CARE, _SUPPORT
    Member, Asset, Spending, Event = _MEMBER, _ASSET, _SPENDING, _EVENT
    no_rows: list[Any] = []
    result: dict[int, engine.HouseholdSnapshot] = {}
    for (hid, region_code, area, address, near_relative, only_child_deceased, heating, heated_area) in households:
        members = []
        for p in people.get(hid, no_rows):
            pid = p[1]
            care = self_care.get(pid)
            # most people have no certificate or supporter: skip the generator for an empty group
            cert_rows, supporter_rows, income_rows = certificates.get(pid), supporters.get(pid), incomes.get(pid)
            members.append(Member(
                person_id=str(pid), name=p[2], birth_date=p[3], sex=p[4], id_number=p[5], relation=p[6], inclusion=p[7],
                labour_capacity=p[8], student_level=p[9], entered_current_level_on=p[10], employment=p[11],
                union_member=p[12], serious_illness=p[13], contracted_land=p[14], lives_alone=p[15], long_term_care=p[16],
                father_status=p[17], mother_status=p[18], guardian_id=str(p[19]) if p[19] else None, deceased_on=p[20],
                disabilities=tuple(Cert(category=c[1], grade=c[2], number=c[3], valid_until=c[4])
                                   for c in cert_rows) if cert_rows else (),
                self_care=None if care is None else Care(
                    assessed_on=care[1], eating=care[2], dressing=care[3], transferring=care[4], toileting=care[5],
                    walking_indoors=care[6], bathing=care[7]),
                supporters=tuple(Support(name=s[1], relationship=s[2], able=s[3], unable_reason=s[4])
                                 for s in supporter_rows) if supporter_rows else (),
                incomes=tuple(Income(category=i[1], monthly_fen=i[2], exempt_reason=i[3], employment_cost_fen=i[4],
                                     description=i[5]) for i in income_rows) if income_rows else (),
                requests=_service_requests(p[21]),
            ))
        spending_rows, event_rows = expenditures.get(hid), events.get(hid)
        result[hid] = _HOUSEHOLD(
            household_id=str(hid),
            region_code=region_code,
            area=area,
            members=tuple(members),
            assets=tuple(Asset(kind=a[1], value_fen=a[2], exempt=a[3], description=a[4]) for a in assets.get(hid, no_rows)),
            expenditures=tuple(Spending(kind=e[1], amount_fen=e[2], incurred_on=e[3], description=e[4])
                               for e in spending_rows) if spending_rows else (),
            events=tuple(Event(kind=e[1], occurred_on=e[2], loss_fen=e[3], description=e[4])
                         for e in event_rows) if event_rows else (),
            address=address,
            near_relative_of_staff=near_relative,
            only_child_deceased=only_child_deceased,
            enrolled_programmes=frozenset(enrolled.get(hid, ())),
            heating=heating,
            heated_area_m2=heated_area,
        )
    return result


def snapshots_of(session: Session, household_ids: Iterable[int], on: dt.date, *,
                 batch_size: int = BATCH_SIZE) -> Iterator[engine.HouseholdSnapshot]:
    """Snapshots of many households on ``on``, in the order given: the same snapshots as
    :func:`snapshot_of`, loaded ``batch_size`` households at a time with one query per
    table instead of one per household and relationship.

    Reads with plain column queries, so it neither needs nor fills the session's identity
    map (unflushed changes are flushed first by autoflush, as with any query). Raises
    ``LookupError`` for an id that names no household.
    """
    batch: list[int] = []

    def flush() -> Iterator[engine.HouseholdSnapshot]:
        loaded = _without_cyclic_gc(_load_batch, session, batch, on)
        for household_id in batch:
            found = loaded.get(household_id)
            if found is None:
                raise LookupError(f"没有编号为 {household_id} 的家庭 (no household {household_id})")
            yield found

    for household_id in household_ids:
        batch.append(household_id)
        if len(batch) >= batch_size:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def assess_households(session: Session, boards: BoardHost, household_ids: Iterable[int],
                      on: dt.date) -> Iterator[engine.Assessment]:
    """Every enabled programme's findings for many stored households on ``on``, in the order
    given: the stored standards and enabled programmes are read once, the households in
    batches (:func:`snapshots_of`), and the engine shares its resolved standards per region
    and area (:func:`core.assessment.assess_many`)."""
    programmes = enabled_programmes(session, boards)
    table = standards_table(session)
    return engine.assess_many(snapshots_of(session, household_ids, on), programmes, table, on)


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


# -- every household at once (`carematch assess --all`) ------------------------------------------


@dataclass
class ProgrammeTally:
    """How one programme came out over many households."""

    eligible: int = 0
    needs_information: int = 0
    not_eligible: int = 0
    monthly_fen: int = 0  # eligible households' monthly benefit, summed
    one_off_fen: int = 0
    # eligible for a benefit the household does not receive now: whom active discovery (主动发现) should visit
    not_receiving: int = 0
    pays: bool = False  # whether an eligible finding carried a benefit (else "not receiving" does not apply)
    # eligible households per label, e.g. the four batches (四个一批) or the kind of temporary assistance
    labels: Counter[str] = field(default_factory=Counter)

    def add(self, other: ProgrammeTally) -> None:
        for name in ("eligible", "needs_information", "not_eligible", "monthly_fen", "one_off_fen", "not_receiving"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.pays = self.pays or other.pays
        self.labels.update(other.labels)


@dataclass
class BulkAssessment:
    """The outcome of assessing every household (in a region) on one day."""

    on: dt.date
    households: int = 0
    programmes: dict[str, ProgrammeTally] = field(default_factory=dict)
    processes: int = 1  # how many processes did the work

    def add(self, other: BulkAssessment) -> None:
        self.households += other.households
        for key, tally in other.programmes.items():
            self.programmes.setdefault(key, ProgrammeTally()).add(tally)


CSV_COLUMNS = ("household_id", "region_code", "area", "programme_key", "status", "monthly_fen", "one_off_fen",
               "labels", "receiving")


def _household_ids(session: Session, region: str | None) -> list[int]:
    query = select(Household.id).order_by(Household.id)
    if region:
        query = query.where(Household.region_code.startswith(region, autoescape=True))
    return list(session.scalars(query))


def _assess_part(session: Session, boards: BoardHost, ids: Sequence[int], on: dt.date,
                 csv_path: Path | None, *, header: bool = True) -> BulkAssessment:
    result = BulkAssessment(on)
    tallies = result.programmes
    handle = open(csv_path, "w", newline="", encoding="utf-8") if csv_path else None
    try:
        out = csv.writer(handle) if handle else None
        if out is not None and header:
            out.writerow(CSV_COLUMNS)
        for snapshot, assessment in assessed_households(session, boards, ids, on):
            receiving = snapshot.enrolled_programmes
            result.households += 1
            for finding in assessment.findings:
                tally = tallies.get(finding.programme_key)
                if tally is None:
                    tally = tallies[finding.programme_key] = ProgrammeTally()
                status = finding.status
                monthly = one_off = 0
                if status == engine.ELIGIBLE:
                    tally.eligible += 1
                    if finding.benefit is not None:
                        monthly, one_off = finding.benefit.monthly_fen, finding.benefit.one_off_fen
                        tally.monthly_fen += monthly
                        tally.one_off_fen += one_off
                        tally.pays = True
                        if finding.programme_key not in receiving:
                            tally.not_receiving += 1
                    tally.labels.update(finding.labels)
                elif status == engine.NOT_ELIGIBLE:
                    tally.not_eligible += 1
                else:
                    tally.needs_information += 1
                if out is not None:
                    out.writerow((assessment.household_id, assessment.region_code, assessment.area,
                                  finding.programme_key, status, monthly, one_off, ";".join(finding.labels),
                                  "yes" if finding.programme_key in receiving else "no"))
    finally:
        if handle:
            handle.close()
    return result


def assessed_households(session: Session, boards: BoardHost, ids: Sequence[int],
                        on: dt.date) -> Iterator[tuple[engine.HouseholdSnapshot, engine.Assessment]]:
    """Each household's snapshot beside its assessment by every enabled programme on ``on``,
    in the order of ``ids`` (the snapshot says what the household receives now)."""
    # zip takes each snapshot from one copy just before assess_many reads it from the
    # other, so tee holds one
    snapshots, assessed = itertools.tee(snapshots_of(session, ids, on))
    findings = engine.assess_many(assessed, enabled_programmes(session, boards), standards_table(session), on)
    return zip(snapshots, findings)


@dataclass(frozen=True)
class ScreeningHit:
    """A household the rules find eligible for a benefit it does not receive (应保未保), or the
    target of a care programme."""

    household_id: int
    region_code: str
    board: str
    programme_key: str
    monthly_fen: int
    one_off_fen: int
    labels: tuple[str, ...]
    care: bool = False  # a care programme's target, not a benefit


def screen_register(session: Session, boards: BoardHost, on: dt.date) -> Iterator[ScreeningHit]:
    """The data comparison (数据比对, 摸底排查) behind active discovery: every stored household
    assessed with every enabled programme; a hit for each benefit a
    household qualifies for and does not receive, so that "everyone eligible is covered"
    (应保尽保, seeds/004: 加强数据比对和摸底排查 … 确保应保尽保), and for each care programme
    whose target it is (a left-behind child, an elderly person living alone, a bereaved
    family): whether the care board already serves it is for the caller to check against
    its needs, which the snapshot does not hold.
    """
    ids = _household_ids(session, None)
    for snapshot, assessment in assessed_households(session, boards, ids, on):
        receiving = snapshot.enrolled_programmes
        for finding in assessment.findings:
            if finding.status != engine.ELIGIBLE:
                continue
            if finding.care_needs:
                yield ScreeningHit(int(assessment.household_id), assessment.region_code, finding.board,
                                   finding.programme_key, 0, 0, finding.labels, care=True)
                continue
            benefit = finding.benefit
            if benefit is None or finding.programme_key in receiving or not (benefit.monthly_fen or benefit.one_off_fen):
                continue
            yield ScreeningHit(int(assessment.household_id), assessment.region_code, finding.board,
                               finding.programme_key, benefit.monthly_fen, benefit.one_off_fen, finding.labels)


def _assess_part_in_worker(database_url: str, ids: Sequence[int], on: dt.date, csv_path: Path | None) -> BulkAssessment:
    # A worker process has its own engine and plugin host: nothing of the parent's
    # connection pool crosses the fork.
    from core.db import make_engine, make_session_factory
    from core.plugins import get_plugin_manager

    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    engine_ = make_engine(database_url)
    try:
        with make_session_factory(engine_)() as session:
            return _assess_part(session, boards, ids, on, csv_path, header=False)
    finally:
        engine_.dispose()


def assess_all(session: Session, boards: BoardHost, on: dt.date, *, region: str | None = None,
               processes: int = 1, csv_path: Path | None = None, min_per_process: int = 1000) -> BulkAssessment:
    """Every enabled programme over every stored household (under ``region``) on ``on``:
    the tallies per programme and, with ``csv_path``, one CSV row per finding.

    Rule-based screening of the whole register (domain-rules §12: active discovery 主动发现,
    the four-batch classification of every household) is the one job that assesses many
    households at once. With ``processes`` > 1 the households are split into that many
    runs of consecutive ids, each assessed by its own process on its own connection, and
    the parts are joined in id order, so the result is the same as with one process.
    A process is started only for at least ``min_per_process`` households: below that,
    starting it costs more than it saves.
    """
    ids = _household_ids(session, region)
    processes = max(1, min(processes, len(ids) // max(min_per_process, 1) or 1))
    if processes == 1:
        return _assess_part(session, boards, ids, on, csv_path)
    size = -(-len(ids) // processes)
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    parts = [csv_path.with_name(f".{csv_path.name}.part{n}") if csv_path else None for n in range(len(chunks))]
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    total = BulkAssessment(on, processes=len(chunks))
    try:
        with context.Pool(len(chunks)) as pool:
            for part in pool.starmap(_assess_part_in_worker, [(url, c, on, p) for c, p in zip(chunks, parts)]):
                total.add(part)
        if csv_path:
            with open(csv_path, "w", newline="", encoding="utf-8") as heading:
                csv.writer(heading).writerow(CSV_COLUMNS)
            with open(csv_path, "ab") as joined:
                for part_path in parts:
                    with open(part_path, "rb") as piece:  # type: ignore[arg-type]
                        shutil.copyfileobj(piece, joined)
    finally:
        for part_path in parts:
            if part_path:
                part_path.unlink(missing_ok=True)
    return total
