"""Benchmark the pure assessment rules: 100,000 synthetic Daqing households, every board.

Run: ``/tmp/venv/bin/python benchmarks/assessment/bench_rules.py [--households N] [--processes P]``

Households are generated with a fixed seed across Daqing's nine areas (230602-230606,
230621-230624) at street level, urban and rural, of 1-6 members, with incomes, assets,
spending, disabilities, children with parents away, elderly people living alone and a
few bereaved-parent families. Generation is not timed; the timed part is exactly
``assess()``'s work: building the derived view and running every programme of every
board against the standards in force (resolved once per region, area and day).
Reasons are kept as templates + figures and are not rendered, as in production.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import random
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.assessment import (  # noqa: E402 - after the path set-up
    AssetItem,
    DisabilityCert,
    ExpenditureItem,
    HardshipEvent,
    HouseholdSnapshot,
    IncomeItem,
    MemberSnapshot,
    SelfCareAssessment,
    StandardTable,
    Supporter,
    assess_many,
)

BOARDS = ("civil_affairs", "trade_union", "disabled_federation", "youth_league", "womens_federation")
ON = dt.date(2024, 6, 1)
# (county code, share of households, share urban): the five districts are mostly urban, the four counties mostly rural
AREAS = [
    ("230602", 0.20, 0.95), ("230603", 0.12, 0.9), ("230604", 0.14, 0.9), ("230605", 0.05, 0.85), ("230606", 0.07, 0.5),
    ("230621", 0.12, 0.3), ("230622", 0.12, 0.3), ("230623", 0.09, 0.3), ("230624", 0.09, 0.3),
]


def loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "n/a"


def load_boards():
    """Every board's programmes and default standards."""
    programmes, standards = [], []
    for board in BOARDS:
        programmes += importlib.import_module(f"plugins.{board}.programmes").PROGRAMMES
        standards += importlib.import_module(f"plugins.{board}.standards").DEFAULT_STANDARDS
    return programmes, standards


def _birth(rng: random.Random, age: int) -> dt.date:
    return ON - dt.timedelta(days=age * 365 + rng.randrange(365))


def make_household(rng: random.Random, index: int) -> HouseholdSnapshot:
    """One plausible household; the mix is skewed towards the people the boards serve."""
    county, _, urban_share = rng.choices(AREAS, weights=[a[1] for a in AREAS])[0]
    region = f"{county}{rng.randrange(1, 12):03d}"
    area = "urban" if rng.random() < urban_share else "rural"
    size = rng.choices((1, 2, 3, 4, 5, 6), weights=(18, 30, 25, 15, 8, 4))[0]
    members = []
    low_income = rng.random() < 0.35
    head_age = rng.choice((rng.randrange(25, 60), rng.randrange(60, 92)))
    members_ages = [head_age]
    if size >= 2:
        members_ages.append(max(20, head_age + rng.randrange(-5, 5)))
    for _ in range(size - len(members_ages)):
        members_ages.append(rng.choice((rng.randrange(0, 18), rng.randrange(0, 16), rng.randrange(18, 30), rng.randrange(60, 90))))
    parents_away = head_age >= 50 and rng.random() < 0.3  # grandparents raising children
    for position, age in enumerate(members_ages):
        pid = f"{index}-{position}"
        inclusion = "head" if position == 0 else "spouse" if position == 1 else ("minor_child" if age < 18 else "adult_dependent_child")
        if position >= 2 and rng.random() < 0.02:
            inclusion = rng.choice(("excluded_prison", "excluded_missing"))
        incomes = ()
        if 18 <= age < 60 and rng.random() < 0.7:
            monthly = rng.randrange(300, 1500) if low_income else rng.randrange(1500, 8000)
            incomes = (IncomeItem("wage", monthly * 100, employment_cost_fen=rng.choice((0, 0, 5000))),)
        elif age >= 60:
            monthly = rng.randrange(100, 900) if low_income else rng.randrange(900, 4000)
            incomes = (IncomeItem("transfer", monthly * 100),)
            if rng.random() < 0.3:
                incomes += (IncomeItem("transfer", 15000, exempt_reason="basic_pension"),)
        disabilities = ()
        if rng.random() < 0.07:
            disabilities = (DisabilityCert(rng.randrange(1, 8), rng.choice((1, 2, 2, 3, 3, 4, 4))),)
        self_care = None
        if age >= 60 and rng.random() < 0.3:
            items = [rng.random() > 0.2 for _ in range(6)]
            self_care = SelfCareAssessment(dt.date(2024, 1, 10), *items)
        supporters = ()
        if age >= 60 and rng.random() < 0.8:
            supporters = (Supporter("子女", "child", rng.random() < 0.85, None),)
            if not supporters[0].able:
                supporters = (Supporter("子女", "child", False, rng.choice(("imprisoned", "missing", "no_civil_capacity"))),)
        father = mother = None
        if age < 18:
            if parents_away:
                father = rng.choice(("away_working", "away_working", "deceased", "unable"))
                mother = rng.choice(("away_working", "away_working", "present", "missing"))
            else:
                father = mother = "present"
        student = "compulsory" if 6 <= age < 15 else "high_school" if 15 <= age < 18 else "undergraduate" if 18 <= age < 22 and rng.random() < 0.5 else "none"
        members.append(
            MemberSnapshot(
                pid, f"居民{pid}", _birth(rng, age), rng.choice("MF"),
                inclusion=inclusion,
                labour_capacity="none" if age >= 60 or disabilities else "full",
                student_level=student,
                entered_current_level_on=dt.date(2023, 9, 1) if student in ("high_school", "undergraduate") and rng.random() < 0.3 else None,
                employment="employed" if incomes and age < 60 else "retired" if age >= 60 and rng.random() < 0.5 else "never",
                union_member=rng.random() < 0.3,
                serious_illness=rng.random() < 0.04,
                contracted_land=area == "rural" and rng.random() < 0.7,
                lives_alone=size == 1,
                long_term_care=bool(disabilities) and rng.random() < 0.3,
                father_status=father,
                mother_status=mother,
                guardian_id=f"{index}-0" if father else None,
                disabilities=disabilities,
                self_care=self_care,
                supporters=supporters,
                incomes=incomes,
                requests=("rehabilitation",) if disabilities and rng.random() < 0.2 else (),
            )
        )
    expenditures = ()
    if rng.random() < 0.25:
        expenditures = (ExpenditureItem(rng.choice(("medical", "education", "rehabilitation")), rng.randrange(500, 40000) * 100,
                                        ON - dt.timedelta(days=rng.randrange(1, 500))),)
    events = (HardshipEvent(rng.choice(("fire", "sudden_illness", "accident")), ON - dt.timedelta(days=rng.randrange(1, 200))),) if rng.random() < 0.03 else ()
    return HouseholdSnapshot(
        f"bench-{index}", region, area, tuple(members),
        assets=(AssetItem("deposit", rng.randrange(0, 80000) * 100),),
        expenditures=expenditures,
        events=events,
        only_child_deceased=head_age >= 50 and size <= 2 and rng.random() < 0.03,
        enrolled_programmes=frozenset({"civil_affairs.dibao"}) if low_income and rng.random() < 0.4 else frozenset(),
        heating=rng.choice((None, "central", "self")) if area == "urban" else "self",
        heated_area_m2=None,
    )


def generate(count: int, seed: int = 20240601) -> list[HouseholdSnapshot]:
    """``count`` households, deterministic for a seed."""
    rng = random.Random(seed)
    return [make_household(rng, i) for i in range(count)]


def _run_chunk(args: tuple[int, int, int]) -> tuple[int, float, dict]:
    start, count, seed = args
    rng = random.Random(seed + start)
    snapshots = [make_household(rng, start + i) for i in range(count)]
    programmes, standards = load_boards()
    table = StandardTable(standards)
    began = time.perf_counter()
    eligible: Counter = Counter()
    for assessment in assess_many(snapshots, programmes, table, ON):
        for finding in assessment.findings:
            if finding.status == "eligible":
                eligible[finding.programme_key] += 1
    return count, time.perf_counter() - began, dict(eligible)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=0, help="also run with this many processes (0 = cpu count)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=2, help="timed single-process runs (the machine is shared: best and worst are printed)")
    args = parser.parse_args()
    programmes, standards = load_boards()
    table = StandardTable(standards)
    began = time.perf_counter()
    snapshots = generate(args.households, args.seed)
    print(f"generated {len(snapshots):,} households in {time.perf_counter() - began:.1f} s (not timed below)")
    print(f"{len(programmes)} programmes across {len(BOARDS)} boards, {len(table)} standard records")
    # one warm-up pass over a small slice, so the per-(region, area, day) resolution is not counted as rule time
    for _ in assess_many(snapshots[:2000], programmes, table, ON):
        pass
    rates, cpu_rates = [], []
    for run in range(args.repeat):
        began, cpu = time.perf_counter(), time.process_time()
        eligible: Counter = Counter()
        findings = 0
        for assessment in assess_many(snapshots, programmes, table, ON):
            findings += len(assessment.findings)
            for finding in assessment.findings:
                if finding.status == "eligible":
                    eligible[finding.programme_key] += 1
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        rates.append(len(snapshots) / elapsed)
        cpu_rates.append(len(snapshots) / cpu)
        print(f"single process, run {run + 1}: {len(snapshots):,} households, {findings:,} findings in {elapsed:.2f} s = "
              f"{rates[-1]:,.0f} households/s (process CPU {cpu:.2f} s = {cpu_rates[-1]:,.0f}/CPU-s; load average {loadavg()})")
    rate = max(rates)
    print(f"single process: best {rate:,.0f}, worst {min(rates):,.0f} households/s; best {max(cpu_rates):,.0f} per CPU-second")
    processes = args.processes or os.cpu_count() or 1
    if processes > 1:
        chunk = -(-args.households // processes)
        jobs = [(i * chunk, min(chunk, args.households - i * chunk), args.seed) for i in range(processes)]
        began = time.perf_counter()
        with ProcessPoolExecutor(processes) as pool:
            results = list(pool.map(_run_chunk, jobs))
        wall = time.perf_counter() - began
        rule_time = max(seconds for _, seconds, _ in results)
        total = sum(count for count, _, _ in results)
        print(
            f"{processes} processes: {total:,} households, rules {rule_time:.2f} s (slowest worker) = {total / rule_time:,.0f} households/s; "
            f"wall {wall:.1f} s including each worker's own generation"
        )
    target = 50_000
    verdict = "met" if rate >= target else f"missed by {target - rate:,.0f} households/s ({rate / target:.0%} of target)"
    print(f"target {target:,} households/s single process: {verdict}")
    print("eligible findings per programme:")
    for key, count in sorted(eligible.items()):
        print(f"  {key:45s} {count:7,d}")


if __name__ == "__main__":
    main()
