"""The spec's conformance instances: proven optima, valid plans, honest bounds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.matching import dump_plan, load_instance, plan_from_json, plan_objective, solve, validate_plan

DATA = Path(__file__).parent / "data"
SHARED_EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared/spec/examples"


def _check(path: Path, optimum: int) -> None:
    instance = load_instance(path)
    plan = solve(instance, time_limit_s=60)
    assert plan.status == "optimal"
    assert plan.objective == plan.bound == optimum
    assert validate_plan(instance, plan) == []
    assert plan_objective(instance, plan) == plan.objective
    # The JSON round trip keeps the spec fields.
    document = json.loads(dump_plan(plan))
    assert list(document)[:6] == ["format", "objective", "bound", "status", "assignments", "unassigned"]
    assert validate_plan(instance, plan_from_json(document)) == []


def test_teams_toy() -> None:
    _check(DATA / "teams-toy.instance.json", 2286)


def test_200x300_teamheavy() -> None:
    _check(DATA / "200x300-teamheavy-seed7.instance.json", 26599)


def test_2000x3000_teamheavy() -> None:
    path = SHARED_EXAMPLES / "2000x3000-teamheavy-seed7.instance.json"
    if not path.exists():
        pytest.skip(f"the shared conformance instance {path} is not available in this checkout")
    _check(path, 452348)


def test_teams_toy_half_served_team_is_not_claimed() -> None:
    """The flow relaxation (bound 2646) half-serves a team; the plan must not."""
    instance = load_instance(DATA / "teams-toy.instance.json")
    plan = solve(instance)
    per_recipient: dict[str, int] = {}
    for a in plan.assignments:
        per_recipient[a.recipient] = per_recipient.get(a.recipient, 0) + 1
    for r in instance.recipients:
        assert per_recipient.get(r.id, 0) in (0, r.volunteers_needed)
    assert plan.stats["cp_sat_components"][0]["flow_bound"] == 2646


def test_teams_toy_cycle_bound_is_exact() -> None:
    """The flow half-serves one team (flow bound 2646); the cheapest cycle that
    completes or drops it costs 720 doubled points, which lowers the bound to the
    proven optimum 2286 without CP-SAT."""
    plan = solve(load_instance(DATA / "teams-toy.instance.json"))
    cycles = plan.stats["cp_sat_components"][0]
    assert cycles["attempt"] == "cycles" and cycles["teams"] == 1
    assert cycles["flow_bound"] == 2646
    assert cycles["penalty"] == 720 and cycles["bound"] == 2286 == plan.bound
