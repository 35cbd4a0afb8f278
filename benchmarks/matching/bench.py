"""End-to-end matcher benchmark: JSON instance in, plan out, one subprocess per size.

    python benchmarks/matching/bench.py [--sizes 2000x3000 10000x15000 50000x75000] [--time-limit 30] [--repeat 2]

Peak memory is the child process's ``resource.getrusage(RUSAGE_SELF).ru_maxrss``
(KiB on Linux), so each size reports its own peak, including the JSON parse.
CPU s is the child's ``time.process_time()`` over the same span as the wall time,
and load avg the 1-minute load average when the run ended: on a shared machine
the wall time alone says little.  Each row lists every run (``--repeat``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from core.matching import dump_plan, load_instance, solve
started = time.perf_counter()
cpu_started = time.process_time()
instance = load_instance({instance!r})
plan = solve(instance, time_limit_s={limit})
dump_plan(plan, {out!r})
wall = time.perf_counter() - started
cpu = time.process_time() - cpu_started
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"wall_s": wall, "cpu_s": cpu, "peak_mib": peak_kib / 1024, "objective": plan.objective,
                  "bound": plan.bound, "gap": plan.gap, "status": plan.status,
                  "pairs": plan.stats["allowed_pairs"], "seconds": plan.stats["seconds"]}}))
"""


def load_average() -> str:
    """The 1-minute load average: this 2-core machine is shared, so wall times need it beside them."""
    with open("/proc/loadavg", encoding="ascii") as handle:
        return handle.read().split()[0]


def run(recipients: int, volunteers: int, teams: bool, limit: float, workdir: Path) -> dict:
    """Generate one instance (once), then time the matcher on it in a fresh interpreter."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    instance_path = workdir / f"{recipients}x{volunteers}-{'teams' if teams else 'noteams'}.json"
    if not instance_path.exists():
        instance_path.write_text(json.dumps(generate(recipients, volunteers, seed=1, teams=teams)),
                                 encoding="utf-8")
    code = CHILD.format(repo=str(REPO), instance=str(instance_path), limit=limit,
                        out=str(instance_path.with_suffix(".plan.json")))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["load"] = load_average()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description="carematch matcher benchmark")
    parser.add_argument("--sizes", nargs="+", default=["2000x3000", "10000x15000", "50000x75000"])
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--teams", choices=["both", "yes", "no"], default="both")
    parser.add_argument("--repeat", type=int, default=2, help="runs per row (timings are noisy here)")
    args = parser.parse_args()
    variants = {"both": [False, True], "yes": [True], "no": [False]}[args.teams]
    print("| recipients × volunteers | teams | allowed pairs | wall s | CPU s | load avg | peak MiB (ru_maxrss) "
          "| objective | bound | gap | status |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            recipients, volunteers = (int(x) for x in size.split("x"))
            for teams in variants:
                runs = [run(recipients, volunteers, teams, args.time_limit, Path(tmp)) for _ in range(args.repeat)]
                r = runs[-1]
                joined = lambda key, fmt: " / ".join(format(x[key], fmt) for x in runs)  # noqa: E731
                print(f"| {recipients:,} × {volunteers:,} | {'~12 %' if teams else 'none'} | {r['pairs']:,} "
                      f"| {joined('wall_s', '.1f')} | {joined('cpu_s', '.1f')} | {joined('load', 's')} "
                      f"| {joined('peak_mib', '.0f')} | {joined('objective', ',')} | {joined('bound', ',')} "
                      f"| {joined('gap', '.4%')} | {joined('status', 's')} |", flush=True)


if __name__ == "__main__":
    main()
