"""The optimised engine gives exactly the findings the engine gave before the performance work.

``assessment_fingerprints.txt`` holds, per scenario and household, the first 16 hex
digits of the SHA-256 of ``Assessment.to_json()`` (statuses, amounts, reason keys,
parameters, standards used, both rendered texts, subjects, labels, approval, facts),
computed with the engine of commit 663bb6f. ``assess`` and ``assess_many`` must both
reproduce them. Regenerate (only from a known-good engine) with
``python tests/core/assessment/test_assessment_regression.py --write``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from regression_households import households, load_boards, scenarios
else:
    from .regression_households import households, load_boards, scenarios

from core.assessment import StandardTable, assess, assess_many

FIXTURE = Path(__file__).with_name("assessment_fingerprints.txt")
COUNT = 1000
SEED = 20240601


def fingerprint(assessment) -> str:
    text = json.dumps(assessment.to_json(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def compute(use_many: bool = True) -> dict[str, list[str]]:
    programmes, defaults = load_boards()
    result = {}
    for number, (name, on, extra) in enumerate(scenarios()):
        table = StandardTable(list(defaults) + list(extra))
        snapshots = households(COUNT, on, SEED + number)
        if use_many:
            assessments = list(assess_many(snapshots, programmes, table, on))
        else:
            assessments = [assess(s, programmes, table, on) for s in snapshots]
        result[name] = [fingerprint(a) for a in assessments]
    return result


def read_fixture() -> dict[str, list[str]]:
    stored: dict[str, list[str]] = {}
    current = None
    for line in FIXTURE.read_text().splitlines():
        if line.startswith("# "):
            current = line[2:].strip()
            stored[current] = []
        elif line.strip():
            stored[current].append(line.strip())
    return stored


def _compare(computed: dict[str, list[str]]) -> None:
    stored = read_fixture()
    assert list(computed) == list(stored)
    for name, hashes in stored.items():
        changed = [i for i, (a, b) in enumerate(zip(hashes, computed[name])) if a != b]
        assert len(computed[name]) == len(hashes)
        assert not changed, f"scenario {name}: {len(changed)} households assess differently, first indices {changed[:10]}"


def test_assess_many_reproduces_the_stored_findings() -> None:
    _compare(compute(use_many=True))


@pytest.mark.parametrize("scenario", [0])
def test_assess_reproduces_the_stored_findings(scenario: int) -> None:
    programmes, defaults = load_boards()
    name, on, extra = scenarios()[scenario]
    table = StandardTable(list(defaults) + list(extra))
    snapshots = households(COUNT, on, SEED + scenario)[:300]
    stored = read_fixture()[name][:300]
    assert [fingerprint(assess(s, programmes, table, on)) for s in snapshots] == stored


if __name__ == "__main__":
    if "--write" in sys.argv:
        computed = compute()
        FIXTURE.write_text("".join(f"# {name}\n" + "".join(h + "\n" for h in hashes) for name, hashes in computed.items()))
        print(f"wrote {sum(map(len, computed.values()))} fingerprints to {FIXTURE}")
    else:
        _compare(compute())
        print("all fingerprints match")
