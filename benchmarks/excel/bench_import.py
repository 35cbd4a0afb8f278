"""Import benchmark: 50,000 households with 120,000 members from one .xlsx (issue 8).

Prints figures; it is not a test. Target on the 2-core reference machine: under 60 s
and under 1 GiB peak memory for the import (file generation is not timed and runs in a
child process so it does not inflate the peak).

    /tmp/venv/bin/python benchmarks/excel/bench_import.py [--households 50000] [--keep]

Runs against a fresh SQLite file (the embedded default) unless --database-url is given.
A second run imports the same file again to time the idempotent path (no new rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

AREAS = ("230602 萨尔图区", "230603 龙凤区", "230604 让胡路区", "230605 红岗区", "230606 大同区",
         "230621 肇州县", "230622 肇源县", "230623 林甸县", "230624 杜尔伯特蒙古族自治县")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀英桂兰玉兰淑珍国华建军志强海燕丽娟文博子涵浩然欣怡"


def generate(path: Path, households: int, members: int, seed: int = 8) -> None:
    """Write the benchmark workbook (write-only openpyxl): households + members sheets."""
    from openpyxl import Workbook

    from core.excel.households import HOUSEHOLD_SHEET, MEMBER_SHEET
    from core.idnumber import make_id_number

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    hh_ws = wb.create_sheet(HOUSEHOLD_SHEET.title)
    mem_ws = wb.create_sheet(MEMBER_SHEET.title)
    hh_ws.append([c.printed for c in HOUSEHOLD_SHEET.columns])
    mem_ws.append([c.printed for c in MEMBER_SHEET.columns])
    extra = members - households  # members beyond the heads, spread over the households
    sequence = 0

    def new_id(area: str, born: dt.date) -> str:
        nonlocal sequence
        sequence += 1
        # distinct numbers: the birth date walks with the sequence, the 3-digit part cycles
        return make_id_number(area, born + dt.timedelta(days=sequence // 999), sequence % 999 + 1)

    for n in range(households):
        region = AREAS[n % len(AREAS)]
        area = region[:6]
        head = new_id(area, dt.date(1950, 1, 1))
        rural = n % 3 == 0
        hh_ws.append([head, region, "农村" if rural else "城镇", f"第{n}号", None, None, "否", "否"])
        name = lambda: rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)  # noqa: E731
        mem_ws.append([head, name(), head, "户主", None, f"13{rng.randrange(10**9):09d}", "部分劳动能力", None,
                       "在业", "否", "否", "是" if rural else "否", "否", None, None, "汉语"])
        count = extra // households + (1 if n < extra % households else 0)
        for k in range(count):
            if k == 0:
                mem_ws.append([head, name(), new_id(area, dt.date(1955, 1, 1)), "配偶", None, None, None, None,
                               "在业", "否", "否", None, "否", None, None, None])
            else:
                mem_ws.append([head, name(), new_id(area, dt.date(2012, 1, 1)), "子女", None, None, None,
                               "义务教育", None, None, None, None, None, "在家", "外出务工", None])
    wb.save(path)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=120_000)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", action="store_true", help="keep the workbook and database in the temp folder")
    parser.add_argument("--workbook", type=Path, help="reuse a workbook made by an earlier --keep run")
    parser.add_argument("--generate-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(args.generate_only, args.households, args.members)
        return

    work = Path(tempfile.mkdtemp(prefix="bench_import_"))
    book = args.workbook or work / f"households_{args.households}.xlsx"
    if args.workbook is None:
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--households", str(args.households), "--members",
                        str(args.members), "--generate-only", str(book)], check=True)
        print(f"generated {book.name}: {book.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s "
              f"(not timed below)")

    from core import migrate
    from core.app import Platform
    from core.db import make_engine, make_session_factory
    from core.excel import importing
    from core.excel.kinds import get_kind
    from core.plugins import BoardHost, get_plugin_manager
    from core.regions import seed_regions

    url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    engine = make_engine(url)
    migrate.upgrade(engine, boards)
    platform = Platform(engine, make_session_factory(engine), boards, {})
    with platform.session() as session:
        seed_regions(session)
        session.commit()
    base_mib = peak_mib()

    data = book.read_bytes()
    kind = get_kind("households")
    phases: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        phases.setdefault(phase, time.perf_counter())

    for label in ("first import", "re-import (idempotent)"):
        phases.clear()
        t0 = time.perf_counter()
        c0 = time.process_time()
        with platform.session() as session:
            outcome = importing.run(session, kind, data, actor=None, progress=progress)
            t_commit = time.perf_counter()
            session.commit()
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0
        assert outcome.status == "done", outcome.report.get("file_errors") or outcome.report["errors"][:5]
        read_s = phases.get("writing", t_commit) - t0
        print(f"{label}: {outcome.total_rows:,} rows ({args.households:,} households, {args.members:,} members) "
              f"in {elapsed:.1f} s = {outcome.total_rows / elapsed:,.0f} rows/s; "
              f"read+validate {read_s:.1f} s, write+commit {elapsed - read_s:.1f} s; "
              f"created {outcome.created:,}, updated {outcome.updated:,}; "
              f"CPU time of this process {cpu:.1f} s (wall time includes waiting for a busy machine)")
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak memory {peak_mib():,.0f} MiB (process before import: {base_mib:,.0f} MiB); "
          f"target < 60 s and < 1024 MiB; cores: {os.cpu_count()}")
    engine.dispose()
    if not args.keep:
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
    else:
        print(f"kept {work}")


if __name__ == "__main__":
    main()
