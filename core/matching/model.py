"""Instance -> plan: decomposition, an exact min-cost flow, and CP-SAT for teams.

How the optimum is proven (spec "Objective"):

1. Every allowed pair gets a *unit gain*, doubled to stay integral: a single
   recipient's pair earns ``2 * (value + profit)``; each of a team's two pairs
   earns ``value + 2 * profit`` (half the team's value each).
2. One min-cost flow (source -> volunteer [capacity] -> recipient [1 per pair]
   -> sink [volunteers_needed], plus a free source -> sink bypass) maximises the
   total gain.  Any valid plan is a flow with the same gain, so half the flow's
   gain bounds the optimum from above; for recipients without teams it *is* the
   optimum (a capacitated b-matching).
3. Connected components of the allowed-pair graph are independent.  A component
   whose flow serves every team fully or not at all is solved exactly.  The
   others (a team half-served, or a coordinator's pinned pair) go to CP-SAT,
   warm-started from the flow with half-served teams dropped, with the flow's
   gain as a bound.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .edges import EncodedInstance, Edges, build_edges, pair_failures
from .instance import Assignment, Instance, Plan

log = logging.getLogger(__name__)

# Measured on the 2000x3000 conformance instance (components of 56k and 12k pairs):
# one worker with the full LP relaxation (linearization_level 2) proves the optimum
# in 4.7 s + 1.1 s; two workers took 23 s (portfolio) or 20 s (interleaved), and only
# the interleaved mode is deterministic.  One worker is deterministic by construction,
# stays within the machine's two cores and leaves one for the rest of the process.
CP_SAT_WORKERS = 1
CP_SAT_LINEARIZATION = 2
CP_SAT_SEED = 20240601


class MatchError(ValueError):
    """A coordinator's request cannot be honoured (e.g. a pinned pair is not allowed)."""


@dataclass
class Solution:
    """Chosen edges (indices into an :class:`Edges`) and the proven bound."""

    chosen: np.ndarray          # bool per edge
    bound: int
    component_count: int = 0
    hard_components: list[dict] = field(default_factory=list)


# ----------------------------------------------------------------------- edge pruning


def edge_totals(encoded: EncodedInstance, edges: Edges) -> np.ndarray:
    """Best objective change of using each edge: value + profit (+ best partner for teams)."""
    value = encoded.r_value[edges.r]
    totals = value + edges.profit
    team = encoded.r_needed[edges.r] == 2
    if team.any():
        # Best and second-best profit per recipient, so each team edge knows its best partner.
        n = encoded.n_recipients
        best = np.full(n, np.iinfo(np.int64).min // 4, dtype=np.int64)
        second = best.copy()
        order = np.lexsort((-edges.profit, edges.r))
        r_sorted, p_sorted = edges.r[order], edges.profit[order]
        first_pos = np.searchsorted(r_sorted, np.arange(n), side="left")
        counts = np.bincount(r_sorted, minlength=n)
        has1, has2 = counts >= 1, counts >= 2
        best[has1] = p_sorted[first_pos[has1]]
        second[has2] = p_sorted[first_pos[has2] + 1]
        partner = np.where(edges.profit == best[edges.r], second[edges.r], best[edges.r])
        totals = np.where(team, value + edges.profit + partner, totals)
    return totals


def prune_edges(encoded: EncodedInstance, edges: Edges, keep_keys: np.ndarray) -> Edges:
    """Drop edges that no optimal plan needs: every team or pair using them is worth <= 0.

    Exact: removing a pair whose best use adds nothing never lowers the optimum.
    Pinned pairs (``keep_keys``) always stay.
    """
    keep = edge_totals(encoded, edges) > 0
    if len(keep_keys):
        keep |= np.isin(encoded.pair_keys(edges.r, edges.v), keep_keys)
    return edges.subset(keep)


# ------------------------------------------------------------------ min-cost flow model


def _unit_gains(encoded: EncodedInstance, edges: Edges) -> np.ndarray:
    value = encoded.r_value[edges.r]
    team = encoded.r_needed[edges.r] == 2
    return np.where(team, value + 2 * edges.profit, 2 * (value + edges.profit))


def solve_flow(encoded: EncodedInstance, edges: Edges) -> tuple[np.ndarray, np.ndarray]:
    """Max-gain flow over all edges; returns (chosen per edge, doubled gain per edge).

    Exact for recipients without teams; a relaxation (upper bound) for teams.
    """
    gains = _unit_gains(encoded, edges)
    usable = np.flatnonzero(gains > 0)
    chosen = np.zeros(len(edges), dtype=bool)
    if len(usable) == 0:
        return chosen, gains
    nv = encoded.n_volunteers
    source, sink = 0, 1
    v_nodes = 2 + edges.v[usable]
    r_nodes = 2 + nv + edges.r[usable]
    vols = np.unique(edges.v[usable])
    recs = np.unique(edges.r[usable])
    total = int(encoded.r_needed[recs].sum())
    flow = min_cost_flow.SimpleMinCostFlow()
    # Arc order is fixed (volunteer supply, pairs sorted by (r, v), recipient demand,
    # bypass), which makes the solver's choice among equal optima reproducible.
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(len(vols), source), 2 + vols, encoded.v_capacity[vols], np.zeros(len(vols), dtype=np.int64))
    first_pair_arc = len(vols)
    flow.add_arcs_with_capacity_and_unit_cost(
        v_nodes, r_nodes, np.ones(len(usable), dtype=np.int64), -gains[usable])
    flow.add_arcs_with_capacity_and_unit_cost(
        2 + nv + recs, np.full(len(recs), sink), encoded.r_needed[recs], np.zeros(len(recs), dtype=np.int64))
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    arc_flows = flow.flows(np.arange(first_pair_arc, first_pair_arc + len(usable)))
    chosen[usable[arc_flows > 0]] = True
    return chosen, gains


# ----------------------------------------------------------------------- CP-SAT model


@dataclass
class _Variables:
    """CP-SAT variables of one component: one Boolean per pair, one per team."""

    pair: list[cp_model.IntVar]
    team_covered: dict[int, cp_model.IntVar]


class TeamModel:
    """CP-SAT model of one component (spec "Feasibility" + "Objective").

    Feasibility rules 1–7 are already enforced by the edge list (a pair without
    an edge cannot be chosen); the model adds the plan-level rules.
    """

    def __init__(self, encoded: EncodedInstance, edges: Edges, pinned_keys: np.ndarray) -> None:
        self.encoded, self.edges = encoded, edges
        self.model = cp_model.CpModel()
        self.vars = _Variables(
            pair=[self.model.new_bool_var(f"x_{i}") for i in range(len(edges))],
            team_covered={},
        )
        self.by_recipient = _group(edges.r)
        self.by_volunteer = _group(edges.v)
        self._add_team_all_or_nothing()
        self._add_single_cover()
        self._add_capacity()
        self._add_pinned(pinned_keys)
        self._add_objective()

    def _add_team_all_or_nothing(self) -> None:
        # Spec "valid plan": 0 or exactly volunteers_needed distinct volunteers.
        for r, edge_ids in self.by_recipient.items():
            if self.encoded.r_needed[r] == 2:
                covered = self.model.new_bool_var(f"team_{r}")
                self.vars.team_covered[r] = covered
                self.model.add(sum(self.vars.pair[e] for e in edge_ids) == 2 * covered)

    def _add_single_cover(self) -> None:
        for r, edge_ids in self.by_recipient.items():
            if self.encoded.r_needed[r] == 1 and len(edge_ids) > 1:
                self.model.add_at_most_one(self.vars.pair[e] for e in edge_ids)

    def _add_capacity(self) -> None:
        # Spec "valid plan": no volunteer has more than `capacity` recipients.
        for v, edge_ids in self.by_volunteer.items():
            capacity = int(self.encoded.v_capacity[v])
            if capacity < len(edge_ids):
                self.model.add(sum(self.vars.pair[e] for e in edge_ids) <= capacity)

    def _add_pinned(self, pinned_keys: np.ndarray) -> None:
        if len(pinned_keys):
            keys = self.encoded.pair_keys(self.edges.r, self.edges.v)
            for e in np.flatnonzero(np.isin(keys, pinned_keys)):
                self.model.add(self.vars.pair[int(e)] == 1)

    def _add_objective(self) -> None:
        # A covered recipient's value counts once: on the team variable for teams,
        # on the (single) pair variable otherwise.
        terms, coefficients = [], []
        for e in range(len(self.edges)):
            r = int(self.edges.r[e])
            coefficient = int(self.edges.profit[e])
            if self.encoded.r_needed[r] == 1:
                coefficient += int(self.encoded.r_value[r])
            terms.append(self.vars.pair[e])
            coefficients.append(coefficient)
        for r, covered in self.vars.team_covered.items():
            terms.append(covered)
            coefficients.append(int(self.encoded.r_value[r]))
        self.model.maximize(cp_model.LinearExpr.weighted_sum(terms, coefficients))

    def hint(self, chosen: np.ndarray) -> None:
        """Warm start from a valid selection of this component's edges."""
        for e, var in enumerate(self.vars.pair):
            self.model.add_hint(var, bool(chosen[e]))
        for r, covered in self.vars.team_covered.items():
            self.model.add_hint(covered, bool(chosen[self.by_recipient[r]].any()))

    def solve(self, time_limit_s: float) -> tuple[int, np.ndarray | None, int | None]:
        """Solve; returns (CP-SAT status, chosen per edge or None, proven bound)."""
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = CP_SAT_WORKERS
        solver.parameters.random_seed = CP_SAT_SEED
        solver.parameters.linearization_level = CP_SAT_LINEARIZATION
        solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
        status = solver.solve(self.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = np.array([solver.boolean_value(x) for x in self.vars.pair], dtype=bool)
            return status, chosen, int(np.floor(solver.best_objective_bound + 1e-6))
        # Without a solution CP-SAT's bound is not meaningful: callers keep the flow bound.
        return status, None, None


def _group(index: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(index, kind="stable")
    keys, starts = np.unique(index[order], return_index=True)
    return {int(k): order[s:e] for k, s, e in zip(keys, starts, list(starts[1:]) + [len(order)])}


# ------------------------------------------------------------------------- repairs


def drop_partial_teams(encoded: EncodedInstance, edges: Edges, chosen: np.ndarray) -> np.ndarray:
    """Remove the pairs of teams that are not fully served (all or nothing)."""
    chosen = chosen.copy()
    counts = np.bincount(edges.r[chosen], minlength=encoded.n_recipients)
    partial = (counts > 0) & (counts < encoded.r_needed)
    chosen &= ~partial[edges.r]
    return chosen


def greedy_fill(encoded: EncodedInstance, edges: Edges, chosen: np.ndarray) -> np.ndarray:
    """Add recipients that free capacity can still cover at a positive gain (valid plans stay valid)."""
    chosen = chosen.copy()
    load = np.bincount(edges.v[chosen], minlength=encoded.n_volunteers)
    covered = np.bincount(edges.r[chosen], minlength=encoded.n_recipients) > 0
    for r, edge_ids in _group(edges.r).items():
        if covered[r]:
            continue
        free = [e for e in edge_ids if load[edges.v[e]] < encoded.v_capacity[edges.v[e]]]
        # Best profit first, ties broken by volunteer index (determinism).
        free.sort(key=lambda e: (-edges.profit[e], edges.v[e]))
        need = int(encoded.r_needed[r])
        if len(free) < need:
            continue
        picked = free[:need]
        if encoded.r_value[r] + sum(int(edges.profit[e]) for e in picked) > 0:
            chosen[picked] = True
            load[edges.v[picked]] += 1
    return chosen


# ----------------------------------------------------------------------------- solve


def solve_edges(encoded: EncodedInstance, edges: Edges, *, time_limit_s: float,
                pinned_keys: np.ndarray, started: float) -> Solution:
    """Optimise over allowed, pruned edges: flow everywhere, CP-SAT where teams need it."""
    n_r, n_v = encoded.n_recipients, encoded.n_volunteers
    if len(edges) == 0:
        return Solution(np.zeros(0, dtype=bool), 0)
    graph = coo_matrix((np.ones(len(edges)), (edges.r, n_r + edges.v)), shape=(n_r + n_v, n_r + n_v))
    n_components, labels = connected_components(graph, directed=False)
    edge_component = labels[edges.r]
    chosen, gains = solve_flow(encoded, edges)
    doubled_gain = np.bincount(edge_component, weights=np.where(chosen, gains, 0), minlength=n_components)
    counts = np.bincount(edges.r[chosen], minlength=n_r)
    partial_team = (counts > 0) & (counts < encoded.r_needed)
    hard = np.zeros(n_components, dtype=bool)
    hard[labels[np.flatnonzero(partial_team)]] = True
    if len(pinned_keys):
        pinned_edges = np.isin(encoded.pair_keys(edges.r, edges.v), pinned_keys)
        hard[edge_component[pinned_edges]] = True
    flow_bound = np.floor(doubled_gain / 2 + 1e-9).astype(np.int64)
    chosen = drop_partial_teams(encoded, edges, chosen)
    bound = int(flow_bound[~hard].sum())
    hard_ids = np.flatnonzero(hard)
    sizes = {int(c): int(np.count_nonzero(edge_component == c)) for c in hard_ids}
    remaining_size = sum(sizes.values())
    report = []
    for c in hard_ids:
        c = int(c)
        in_c = np.flatnonzero(edge_component == c)
        sub = edges.subset(in_c)
        start_guess = greedy_fill(encoded, sub, chosen[in_c])
        model = TeamModel(encoded, sub, pinned_keys)
        model.hint(start_guess)
        left = time_limit_s - (time.perf_counter() - started)
        share = left * sizes[c] / max(1, remaining_size)
        remaining_size -= sizes[c]
        status, cp_chosen, cp_bound = model.solve(share)
        component_bound = int(flow_bound[c]) if cp_bound is None else min(int(flow_bound[c]), cp_bound)
        if status == cp_model.INFEASIBLE:
            raise MatchError("固定的配对无法同时满足 (the pinned pairs cannot all hold in one valid plan)")
        if cp_chosen is None:
            # No solution within the time limit: keep the repaired flow plan.
            if len(pinned_keys) and np.isin(encoded.pair_keys(sub.r, sub.v), pinned_keys).any():
                raise MatchError("时间内未找到满足固定配对的方案 (no plan with the pinned pairs found in time)")
            cp_chosen = start_guess
        elif status != cp_model.OPTIMAL:
            cp_chosen = greedy_fill(encoded, sub, cp_chosen)
        chosen[in_c] = cp_chosen
        bound += component_bound
        report.append({"recipients": int(np.unique(sub.r).size), "volunteers": int(np.unique(sub.v).size),
                       "edges": len(sub), "status": _STATUS_NAMES.get(status, str(status)),
                       "flow_bound": int(flow_bound[c]), "bound": component_bound})
    return Solution(chosen, bound, n_components, report)


_STATUS_NAMES = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
                 cp_model.INFEASIBLE: "INFEASIBLE", cp_model.UNKNOWN: "UNKNOWN",
                 cp_model.MODEL_INVALID: "MODEL_INVALID"}


def _pin_keys(encoded: EncodedInstance, pinned: Sequence[tuple[str, str]], forbidden: Iterable[tuple[str, str]]) -> np.ndarray:
    keys = []
    instance = encoded.instance
    for rid, vid in pinned:
        if rid not in encoded.recipient_index or vid not in encoded.volunteer_index:
            raise MatchError(f"固定配对中的编号未知 (unknown id in pinned pair) {(rid, vid)}")
        failures = pair_failures(instance, instance.recipient(rid), instance.volunteer(vid), forbidden)
        if failures:
            reasons = "; ".join(f"rule {f.rule} ({f.name}): {f.detail}" for f in failures)
            raise MatchError(f"固定配对 {rid}–{vid} 不被允许 (pinned pair not allowed): {reasons}")
        keys.append(encoded.recipient_index[rid] * max(1, encoded.n_volunteers) + encoded.volunteer_index[vid])
    return np.unique(np.array(keys, dtype=np.int64))


def solve(instance: Instance, *, time_limit_s: float = 30.0,
          pinned: Sequence[tuple[str, str]] = (), forbidden: Sequence[tuple[str, str]] = ()) -> Plan:
    """Compute a plan maximising the spec's objective, with its proven bound.

    ``pinned`` pairs are forced into the plan (a :class:`MatchError` if a pinned
    pair breaks a hard rule or the pins cannot hold together); ``forbidden``
    pairs are treated like ``excluded_volunteers`` (spec rule 7).  The status is
    ``optimal`` only when the bound equals the objective.
    """
    from .explain import explain_unassigned  # explanations need the model's outputs

    started = time.perf_counter()
    pinned, forbidden = tuple(pinned), tuple(forbidden)
    encoded = EncodedInstance(instance, forbidden)
    all_edges = build_edges(encoded)
    edges_done = time.perf_counter()
    pinned_keys = _pin_keys(encoded, pinned, forbidden)
    edges = prune_edges(encoded, all_edges, pinned_keys)
    solution = solve_edges(encoded, edges, time_limit_s=time_limit_s, pinned_keys=pinned_keys,
                           started=started)
    solved = time.perf_counter()
    chosen = edges.subset(solution.chosen) if len(edges) else edges
    covered = np.unique(chosen.r)
    objective = int(encoded.r_value[covered].sum() + chosen.profit.sum())
    if solution.bound < objective:
        raise RuntimeError(f"internal error: bound {solution.bound} below objective {objective}")
    bound = solution.bound
    assignments = _assignments(instance, chosen)
    unassigned = explain_unassigned(encoded, all_edges, chosen, forbidden)
    finished = time.perf_counter()
    stats = {
        "recipients": encoded.n_recipients, "volunteers": encoded.n_volunteers,
        "allowed_pairs": len(all_edges), "model_pairs": len(edges),
        "components": solution.component_count, "cp_sat_components": solution.hard_components,
        "seconds": {"edges": round(edges_done - started, 3), "solve": round(solved - edges_done, 3),
                    "explain": round(finished - solved, 3), "total": round(finished - started, 3)},
    }
    return Plan(objective=objective, bound=bound, status="optimal" if bound == objective else "feasible",
                assignments=assignments, unassigned=unassigned, stats=stats, warnings=instance.warnings)


def _assignments(instance: Instance, chosen: Edges) -> tuple[Assignment, ...]:
    from .edges import pair_reasons

    out = []
    for r, v, km in zip(chosen.r.tolist(), chosen.v.tolist(), chosen.km.tolist()):
        recipient, volunteer = instance.recipients[r], instance.volunteers[v]
        out.append(Assignment(recipient.id, volunteer.id, float(km), pair_reasons(instance, recipient, volunteer)))
    return tuple(out)
