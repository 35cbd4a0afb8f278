"""Benchmark assessment end to end from SQLite: stored households → snapshots → every enabled programme.

Run: ``.venv/bin/python benchmarks/assessment/bench_end_to_end.py [--households N] [--repeat R] [--keep DIR] [--processes N]``

Set-up (timed separately, not part of the rate): a SQLite file in a temporary folder
made by the real migrations (``core.migrate.upgrade``) with every installed board's
tables, the seed regions plus the street-level codes the generator uses, the boards'
default standards, every board enabled, and the benchmark's 100,000 synthetic households
(``bench_rules.generate``, same seed) inserted with Core bulk inserts: households,
members, incomes, disability certificates, self-care assessments, supporters, assets,
expenditures, events, and a case with an active dibao measure for each enrolled household.

Timed: ``core.assessing.assess_households`` over every household id in a fresh session —
reading the stored standards and enabled programmes, loading the households in batches
with set-based queries (``snapshots_of``) and assessing them (``assess_many``). The load
alone is timed too. Each measurement is repeated; best and worst are printed with the
load average, because the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bench_rules  # noqa: E402 - after the path set-up
from sqlalchemy import func, insert, select  # noqa: E402

from core import models as m  # noqa: E402
from core.assessing import assess_all, assess_households, snapshots_of  # noqa: E402
from core.assessment import INCLUDED_REASONS  # noqa: E402
from core.db import make_engine, make_session_factory  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.plugins import BoardHost, get_plugin_manager  # noqa: E402
from core.regions import AREA_CODES, seed_regions  # noqa: E402
from core.standards import seed_default_standards  # noqa: E402

ON = bench_rules.ON
CHUNK = 20_000


def loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "n/a"


def _insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start:start + CHUNK])


def build_database(folder: Path, households: int, seed: int):
    """The migrated, seeded database with ``households`` synthetic households; returns (engine, boards, ids)."""
    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    path = folder / "bench.sqlite3"
    reuse = path.exists()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, boards)
    factory = make_session_factory(engine)
    if reuse:  # a database kept by an earlier --keep run: time it again as it is
        with factory() as session:
            ids = list(session.scalars(select(m.Household.id).order_by(m.Household.id)))
            counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                      for model in (m.Household, m.Person, m.IncomeItem, m.PlanMeasure)}
        if len(ids) != households:
            raise SystemExit(f"{path} holds {len(ids):,} households, not {households:,}: use another --keep folder")
        return engine, boards, factory, ids, counts
    snapshots = bench_rules.generate(households, seed)
    with factory() as session:
        seed_regions(session)
        session.flush()
        streets = sorted({s.region_code for s in snapshots if len(s.region_code) == 9})
        _insert(session, m.Region, [dict(code=c, name=f"街道{c}", name_en=f"street {c}", level="street", parent_code=c[:6])
                                    for c in streets if c[:6] in AREA_CODES])
        seed_default_standards(session, boards)
        for board in boards.installed:
            boards.set_enabled(session, board, True)
        session.commit()
        rows: dict[type, list[dict]] = {model: [] for model in (
            m.Household, m.Person, m.IncomeItem, m.DisabilityCertificate, m.SelfCareAssessment, m.Supporter,
            m.AssetItem, m.ExpenditureItem, m.HardshipEvent, m.Case, m.CarePlan, m.PlanMeasure)}
        person_id = certificate = case_id = 0
        ids = []
        for index, snapshot in enumerate(snapshots):
            hid = index + 1
            ids.append(hid)
            rows[m.Household].append(dict(
                id=hid, region_code=snapshot.region_code, area_type=snapshot.area, address=snapshot.address,
                lat=None, lon=None, near_relative_of_staff=snapshot.near_relative_of_staff,
                only_child_deceased=snapshot.only_child_deceased, heating=snapshot.heating,
                heated_area_m2=snapshot.heated_area_m2, version=1))
            first = person_id + 1
            local = {member.person_id: first + i for i, member in enumerate(snapshot.members)}
            for member in snapshot.members:
                person_id += 1
                rows[m.Person].append(dict(
                    id=person_id, household_id=hid, name=member.name, id_number=None, birth_date=member.birth_date,
                    sex=member.sex, phone=None, relation=member.relation, included=member.inclusion in INCLUDED_REASONS,
                    inclusion_reason=member.inclusion, labour_capacity=member.labour_capacity,
                    student_level=member.student_level, entered_current_level_on=member.entered_current_level_on,
                    employment=member.employment, union_member=member.union_member, serious_illness=member.serious_illness,
                    contracted_land=member.contracted_land, lives_alone=member.lives_alone,
                    long_term_care=member.long_term_care, service_requests=list(member.requests),
                    father_status=member.father_status, mother_status=member.mother_status,
                    guardian_id=local.get(member.guardian_id) if member.guardian_id else None, languages=[],
                    deceased_on=member.deceased_on))
                for item in member.incomes:
                    rows[m.IncomeItem].append(dict(
                        person_id=person_id, category=item.category, description=item.description,
                        monthly_fen=item.monthly_fen, employment_cost_fen=item.employment_cost_fen,
                        exempt_reason=item.exempt_reason, valid_from=None, valid_to=None))
                for cert in member.disabilities:
                    certificate += 1
                    rows[m.DisabilityCertificate].append(dict(
                        person_id=person_id, number=f"BENCH{certificate:015d}", category=cert.category, grade=cert.grade,
                        issued_on=None, valid_until=cert.valid_until))
                if member.self_care is not None:
                    care = member.self_care
                    rows[m.SelfCareAssessment].append(dict(
                        person_id=person_id, assessed_on=care.assessed_on, eating=care.eating, dressing=care.dressing,
                        transferring=care.transferring, toileting=care.toileting, walking_indoors=care.walking_indoors,
                        bathing=care.bathing, assessor=""))
                for supporter in member.supporters:
                    rows[m.Supporter].append(dict(
                        person_id=person_id, name=supporter.name, relationship_kind=supporter.relationship,
                        able=supporter.able, unable_reason=supporter.unable_reason))
            for asset in snapshot.assets:
                rows[m.AssetItem].append(dict(household_id=hid, kind=asset.kind, description=asset.description,
                                              value_fen=asset.value_fen, exempt=asset.exempt))
            for item in snapshot.expenditures:
                rows[m.ExpenditureItem].append(dict(household_id=hid, kind=item.kind, description=item.description,
                                                    amount_fen=item.amount_fen, incurred_on=item.incurred_on))
            for event in snapshot.events:
                rows[m.HardshipEvent].append(dict(household_id=hid, kind=event.kind, occurred_on=event.occurred_on,
                                                  loss_fen=event.loss_fen, description=event.description))
            if snapshot.enrolled_programmes:
                case_id += 1
                rows[m.Case].append(dict(
                    id=case_id, household_id=hid, subject_id=None, channel="application",
                    first_reporter_board="civil_affairs", owner_board="civil_affairs", reported_by=None,
                    stage="plan", received_on=dt.date(2024, 1, 2), summary="", findings=None, review_due_on=None, version=1))
                rows[m.CarePlan].append(dict(id=case_id, case_id=case_id, goals="", review_on=None))
                for key in sorted(snapshot.enrolled_programmes):
                    rows[m.PlanMeasure].append(dict(
                        plan_id=case_id, kind="material", board=key.split(".")[0], programme_key=key, person_id=None,
                        monthly_fen=None, one_off_fen=None, start_month=dt.date(2024, 1, 1), end_month=None,
                        status="active"))
        for model, model_rows in rows.items():
            _insert(session, model, model_rows)
        session.commit()
        counts = {model.__tablename__: len(model_rows) for model, model_rows in rows.items()}
    return engine, boards, factory, ids, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--keep", help="build the database in this folder and keep it, or reuse the one an earlier "
                                       "--keep left there (default: a temporary folder)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="also time `carematch assess --all` with this many worker processes (default: CPU count)")
    args = parser.parse_args()
    temp = None if args.keep else tempfile.TemporaryDirectory(prefix="carematch-bench-")
    folder = Path(args.keep or temp.name)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        began = time.perf_counter()
        engine, boards, factory, ids, counts = build_database(folder, args.households, args.seed)
        print(f"set-up (not timed below): {time.perf_counter() - began:.1f} s; load average {loadavg()}")
        print("rows: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()))
        load_rates, rates = [], []
        eligible: Counter = Counter()
        for run in range(args.repeat):
            with factory() as session:
                began, cpu = time.perf_counter(), time.process_time()
                loaded = sum(1 for _ in snapshots_of(session, ids, ON))
                wall, cpu = time.perf_counter() - began, time.process_time() - cpu
            load_rates.append(loaded / wall)
            print(f"load only, run {run + 1}: {loaded:,} snapshots in {wall:.2f} s = {loaded / wall:,.0f} households/s "
                  f"(process CPU {cpu:.2f} s; load average {loadavg()})")
            with factory() as session:
                eligible.clear()
                findings = 0
                began, cpu = time.perf_counter(), time.process_time()
                for assessment in assess_households(session, boards, ids, ON):
                    findings += len(assessment.findings)
                    for finding in assessment.findings:
                        if finding.status == "eligible":
                            eligible[finding.programme_key] += 1
                wall, cpu = time.perf_counter() - began, time.process_time() - cpu
            rates.append(len(ids) / wall)
            print(f"end to end, run {run + 1}: {len(ids):,} households, {findings:,} findings in {wall:.2f} s = "
                  f"{len(ids) / wall:,.0f} households/s (process CPU {cpu:.2f} s = {len(ids) / cpu:,.0f}/CPU-s; "
                  f"load average {loadavg()})")
        print(f"load only: best {max(load_rates):,.0f}, worst {min(load_rates):,.0f} households/s")
        print(f"end to end, one process: best {max(rates):,.0f}, worst {min(rates):,.0f} households/s")
        # The user-facing path over the whole register: `carematch assess --all --processes N`
        # splits the ids into N runs, one worker process and connection each.
        all_rates = []
        if args.processes > 1:
            for run in range(args.repeat):
                with factory() as session:
                    began = time.perf_counter()
                    result = assess_all(session, boards, ON, processes=args.processes)
                    wall = time.perf_counter() - began
                all_rates.append(result.households / wall)
                print(f"assess --all --processes {args.processes}, run {run + 1}: {result.households:,} households "
                      f"in {wall:.2f} s = {result.households / wall:,.0f} households/s (load average {loadavg()})")
                same = {k: t.eligible for k, t in result.programmes.items() if t.eligible}
                if same != dict(eligible):
                    raise SystemExit("assess --all found other eligible counts than the single process")
            print(f"end to end, {args.processes} processes: best {max(all_rates):,.0f}, "
                  f"worst {min(all_rates):,.0f} households/s")
        target = 5_000
        best = max(rates + all_rates)
        verdict = "met" if best >= target else f"missed: best is {best / target:.0%} of the target"
        print(f"target {target:,} households/s end to end from SQLite: {verdict}")
        print("eligible findings per programme (last run):")
        for key, count in sorted(eligible.items()):
            print(f"  {key:45s} {count:7,d}")
        engine.dispose()
    finally:
        if temp is not None:
            temp.cleanup()


if __name__ == "__main__":
    main()
