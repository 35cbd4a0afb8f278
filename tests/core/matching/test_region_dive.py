"""The region dive (model.plan_in_region): where the cycle bound cannot run (50k),
the half-served teams are decided inside a region with the rest of the flow fixed.
It only proposes plans, so what must hold is validity and an honest bound."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

import core.matching.model as model
from core.matching import load_instance, plan_objective, solve, validate_plan
from core.matching.edges import EncodedInstance, build_edges, half_served
from test_properties import brute_force_optimum, small_instances

DATA = Path(__file__).parent / "data"
GENERATOR = Path(__file__).resolve().parents[3] / "benchmarks" / "matching"


def _generated(recipients: int, volunteers: int, seed: int) -> dict:
    """A generator instance (benchmarks/matching/generate.py, deterministic by seed)."""
    sys.path.insert(0, str(GENERATOR))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(GENERATOR))
    return generate(recipients, volunteers, seed=seed, teams=True)


@pytest.mark.parametrize("max_pairs", [0, 200, 100_000])
@pytest.mark.parametrize("size", [(0, 0, 0), (300, 450, 3), (600, 900, 2)])
def test_region_plan_is_valid(max_pairs: int, size: tuple[int, int, int]) -> None:
    # (0, 0, 0): the teams toy; the generator instances' flows half-serve 2 and 4 teams.
    document = _generated(*size) if size[0] else DATA / "teams-toy.instance.json"
    instance = load_instance(document)
    encoded = EncodedInstance(instance)
    edges = model.prune_edges(encoded, build_edges(encoded), np.zeros(0, dtype=np.int64))
    lp = model.solve_lp(encoded, edges)
    seeds = half_served(encoded, np.bincount(edges.r[lp.chosen], minlength=encoded.n_recipients))
    assert len(seeds) > 0          # the instance exercises the dive
    plan, flow = model.plan_in_region(encoded, edges, lp, seeds, deadline=None, max_pairs=max_pairs)
    for chosen in (plan, flow):    # capacities hold for the plan and the decided flow
        assert (np.bincount(edges.v[chosen], minlength=encoded.n_volunteers) <= encoded.v_capacity).all()
        assert (np.bincount(edges.r[chosen], minlength=encoded.n_recipients) <= encoded.r_needed).all()
    plan_cover = np.bincount(edges.r[plan], minlength=encoded.n_recipients)
    assert not ((plan_cover > 0) & (plan_cover < encoded.r_needed)).any()   # all or nothing
    # At least as good as dropping every half-served team from the flow.
    dropped = lp.chosen & ~np.isin(edges.r, seeds)
    assert int(lp.gains[plan].sum()) >= int(lp.gains[dropped].sum())
    assert int(lp.gains[plan].sum()) <= lp.dual_bound


def test_solve_through_the_region_dive(monkeypatch: pytest.MonkeyPatch) -> None:
    document = _generated(600, 900, 2)
    exact = solve(load_instance(document), time_limit_s=20)      # the normal path: cycles, CP-SAT
    monkeypatch.setattr(model, "CYCLE_MAX_PAIRS", 0)
    monkeypatch.setattr(model, "LARGE_CLOSURE_EDGES", 0)
    instance = load_instance(document)
    plan = solve(instance, time_limit_s=20)
    attempts = [a["attempt"] for a in plan.stats["cp_sat_components"]]
    assert attempts[0] == "region dive"
    assert validate_plan(instance, plan) == []
    assert plan_objective(instance, plan) == plan.objective
    assert plan.objective <= exact.bound and exact.objective <= plan.bound
    again = solve(load_instance(document), time_limit_s=20)
    assert [(a.recipient, a.volunteer) for a in again.assignments] == \
        [(a.recipient, a.volunteer) for a in plan.assignments]


@settings(max_examples=200, deadline=None)   # about 1 in 16 draws half-serves a team in the flow
@given(small_instances())
def test_region_path_plans_are_valid_and_bounds_honest(document: dict) -> None:
    with pytest.MonkeyPatch.context() as patch:   # the 50k path: no cycle bound, no whole components
        patch.setattr(model, "CYCLE_MAX_PAIRS", 0)
        patch.setattr(model, "LARGE_CLOSURE_EDGES", 0)
        instance = load_instance(document)
        plan = solve(instance, time_limit_s=10)
    assert validate_plan(instance, plan) == []
    assert plan_objective(instance, plan) == plan.objective
    assert plan.objective <= brute_force_optimum(instance) <= plan.bound
