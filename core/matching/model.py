"""Instance -> plan: an LP-exact min-cost flow with a dual certificate, and CP-SAT
around the teams the flow half-serves.

How the optimum is proven (spec "Objective"; details in docs/matching.md):

1. Every allowed pair gets a *unit gain*, doubled to stay integral: a single
   recipient's pair earns ``2 * (value + profit)``; each of a team's two pairs
   earns ``value + 2 * profit`` (half the team's value each).
2. A min-cost circulation (source -> volunteer [capacity] -> recipient [1 per
   pair] -> sink [volunteers_needed] -> source) maximises the total gain; it is
   the LP relaxation, exact without teams.  It is solved on each recipient's
   best pairs and certified over *all* pairs by duals u, w >= 0: by weak duality
   D(u, w) bounds twice the optimum whatever the duals, and D equals the flow's
   gain exactly when no left-out pair could improve it.
3. Teams the flow serves with one volunteer: their exact lower cost comes from
   shortest cycles in the certified flow's residual graph (cycles.py), and the
   plan from re-solving the LP with each team completed or dropped as those
   cycles say.  What that does not prove is left to CP-SAT: whole components
   when small, else plan models on neighbourhoods (with, when the cycle bound
   could not run, a relaxation of the penalty ``D - 2 * objective`` that lowers
   the bound).  ``optimal`` only when bound == objective.
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

from .cycles import TeamCycles, team_cycle_bound
from .edges import EncodedInstance, Edges, build_edges, half_served, pair_failures
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
    lp: dict = field(default_factory=dict)


# ----------------------------------------------------------------------- edge pruning


def _segment_starts(index: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For an index array sorted ascending: (first position, count) per value 0..n-1."""
    counts = np.bincount(index, minlength=n)
    return np.concatenate(([0], np.cumsum(counts)[:-1])), counts


def edge_ranks(edges: Edges, n_recipients: int) -> np.ndarray:
    """Position of each edge among its recipient's edges (0 = best profit; see :class:`Edges`)."""
    first, counts = _segment_starts(edges.r, n_recipients)
    return np.arange(len(edges), dtype=np.int64) - np.repeat(first, counts)


def edge_totals(encoded: EncodedInstance, edges: Edges) -> np.ndarray:
    """Best objective change of using each edge: value + profit (+ best partner for teams).

    Relies on the :class:`Edges` order (by recipient, best profit first).
    """
    value = encoded.r_value[edges.r]
    profit = edges.profit.astype(np.int64)
    totals = value + profit
    team = encoded.r_needed[edges.r] == 2
    if team.any():
        # Best and second-best profit per recipient, so each team edge knows its best partner.
        n = encoded.n_recipients
        first, counts = _segment_starts(edges.r, n)
        best = np.full(n, np.iinfo(np.int64).min // 4, dtype=np.int64)
        second = best.copy()
        has1, has2 = counts >= 1, counts >= 2
        best[has1] = profit[first[has1]]
        second[has2] = profit[first[has2] + 1]
        partner = np.where(profit == best[edges.r], second[edges.r], best[edges.r])
        totals = np.where(team, value + profit + partner, totals)
    return totals


def prune_edges(encoded: EncodedInstance, edges: Edges, keep_keys: np.ndarray) -> Edges:
    """Drop edges that no optimal plan needs: every team or pair using them is worth <= 0.

    Exact: removing a pair whose best use adds nothing never lowers the optimum.
    Pinned pairs (``keep_keys``) always stay.
    """
    if len(edges) and int(encoded.r_value.min()) + 2 * min(0, int(edges.profit.min())) > 0:
        # Every single pair and every team of two pairs is worth more than 0, so
        # the only pairs edge_totals() would drop are those of a team with one
        # allowed volunteer (never servable).  Same result, fewer passes over the
        # 21M pairs at 50k.  True with the default weights.
        counts = np.bincount(edges.r, minlength=encoded.n_recipients)
        lone_team = (counts == 1) & (encoded.r_needed == 2)
        keep = ~lone_team[edges.r] if lone_team.any() else None
    else:
        keep = edge_totals(encoded, edges) > 0
    if keep is None:
        return edges
    if len(keep_keys):
        keep |= encoded._member(keep_keys, encoded.pair_keys(edges.r, edges.v))
    if keep.all():
        return edges          # no copy of tens of millions of pairs
    return edges.subset(keep)


# ------------------------------------------------------------------ min-cost flow model


def _unit_gains(encoded: EncodedInstance, edges: Edges) -> np.ndarray:
    # team pair: value + 2 * profit; single: 2 * value + 2 * profit.  The per-recipient
    # part is gathered once and the profit added in place: the np.where form built
    # five temporaries of 21M int64 at 50k and took 2 s, this takes 0.1 s.
    base = np.where(encoded.r_needed == 2, 1, 2) * encoded.r_value
    gains = base.astype(np.int64)[edges.r]
    gains += edges.profit
    gains += edges.profit
    return gains


def solve_flow(encoded: EncodedInstance, edges: Edges, active: np.ndarray | None = None,
               gains: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Max-gain flow over the edges (or the ``active`` edge indices only).

    Returns (chosen per edge, doubled gain per edge).  Exact for recipients
    without teams; a relaxation (upper bound) for teams.  Built as a circulation
    (source -> volunteer [capacity] -> recipient [1 per pair] -> sink
    [volunteers_needed] -> source) with no supplies: about twice as fast in
    OR-Tools' cost scaling as the supply/demand form with a bypass arc.
    """
    if gains is None:
        gains = _unit_gains(encoded, edges)
    usable = np.flatnonzero(gains > 0) if active is None else active[gains[active] > 0]
    chosen = np.zeros(len(edges), dtype=bool)
    if len(usable) == 0:
        return chosen, gains
    vols, v_local = np.unique(edges.v[usable], return_inverse=True)
    recs, r_local = np.unique(edges.r[usable], return_inverse=True)
    source, sink, first_v, first_r = 0, 1, 2, 2 + len(vols)
    flow = min_cost_flow.SimpleMinCostFlow()
    # Arc order is fixed (volunteer supply, pairs in Edges order, recipient demand,
    # return arc), which makes the solver's choice among equal optima reproducible.
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(len(vols), source), first_v + np.arange(len(vols)), encoded.v_capacity[vols],
        np.zeros(len(vols), dtype=np.int64))
    first_pair_arc = len(vols)
    flow.add_arcs_with_capacity_and_unit_cost(
        first_v + v_local.astype(np.int64), first_r + r_local.astype(np.int64),
        np.ones(len(usable), dtype=np.int64), -gains[usable])
    flow.add_arcs_with_capacity_and_unit_cost(
        first_r + np.arange(len(recs)), np.full(len(recs), sink), encoded.r_needed[recs],
        np.zeros(len(recs), dtype=np.int64))
    flow.add_arc_with_capacity_and_unit_cost(sink, source, int(encoded.r_needed[recs].sum()), 0)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    arc_flows = flow.flows(np.arange(first_pair_arc, first_pair_arc + len(usable)))
    chosen[usable[arc_flows > 0]] = True
    return chosen, gains


# ------------------------------------------------------------- LP duals and bounds
#
# The flow is the LP   max sum_e g_e x_e   s.t.  sum_{e at v} x_e <= cap_v,
# sum_{e at r} x_e <= need_r,  0 <= x_e <= 1   (g = doubled gains).  For ANY
# u >= 0 (volunteers) and w >= 0 (recipients), weak duality gives
#
#     D(u, w) = sum_v cap_v u_v + sum_r need_r w_r + sum_e max(0, g_e - u_v - w_r)
#
# >= the LP optimum >= 2 * the best valid plan.  Moreover, for every valid plan x
#
#     2 * objective(x) = D - penalty(x),   penalty(x) = sum_e rc_e x_e
#         + sum_e z_e (1 - x_e) + sum_v u_v (cap_v - load_v) + sum_r w_r (need_r - cover_r)
#
# with z_e = max(0, g_e - u_v - w_r) and rc_e = max(0, u_v + w_r - g_e): every
# term is >= 0.  The bound never depends on how u, w were found; the flow's node
# potentials make it tight (D == the flow's gain), which certifies a flow over a
# subset of the edges as optimal over all of them.

TOP_K = 10              # edges per recipient (best profit first) in the first flow
DUAL_CHUNK = 1 << 22    # edges per vectorised pass over all edges (bounds memory)
MIN_REPAIR_SHARE = 0.1
LP_TIME_SHARE = 0.6     # past this share of the time limit, stop refining the LP (bound stays valid)


@dataclass
class LpResult:
    """The LP optimum over all model edges, with duals that prove it."""

    chosen: np.ndarray   # bool per edge: the flow's (integral) optimum
    gains: np.ndarray    # doubled unit gain per edge, int64
    u: np.ndarray        # volunteer duals, int64 >= 0
    w: np.ndarray        # recipient duals, int64 >= 0
    dual_bound: int      # D(u, w) over all edges: an upper bound on 2 * optimum
    flow_gain: int       # the flow's doubled gain (== dual_bound when proven)
    rounds: int
    active_edges: int
    in_flow: np.ndarray | None = None   # bool per edge: the pairs the flows were solved on


def _potentials(encoded: EncodedInstance, edges: Edges, gains: np.ndarray, active: np.ndarray,
                chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Volunteer and recipient duals from shortest paths in the flow's residual graph.

    Bellman-Ford from a virtual root joined to every node by a zero arc,
    vectorised (Jacobi sweeps with early exit); the residual graph of an optimal
    flow has no negative cycle, so it ends within #nodes sweeps.
    """
    nv, nr = encoded.n_volunteers, encoded.n_recipients
    S, T, n = nv + nr, nv + nr + 1, nv + nr + 2
    act = active[gains[active] > 0]
    on = chosen[act]
    v_node = edges.v[act].astype(np.int64)
    r_node = nv + edges.r[act].astype(np.int64)
    g = gains[act]
    load = np.bincount(edges.v[act[on]], minlength=nv)
    cover = np.bincount(edges.r[act[on]], minlength=nr)
    recs = np.unique(edges.r[act]).astype(np.int64)
    total = int(encoded.r_needed[recs].sum())
    bypass = total - int(cover.sum())
    src, dst, cost = [v_node[~on], r_node[on]], [r_node[~on], v_node[on]], [-g[~on], g[on]]

    def zero_arcs(tails: np.ndarray | int, heads: np.ndarray | int) -> None:
        tails, heads = np.broadcast_arrays(np.asarray(tails, dtype=np.int64), np.asarray(heads, dtype=np.int64))
        src.append(tails.ravel()); dst.append(heads.ravel()); cost.append(np.zeros(tails.size, dtype=np.int64))

    # Spare capacity and uncovered demand for every node, also those without an
    # active pair (their duals are then 0, as in a flow network that had them).
    zero_arcs(S, np.flatnonzero(load < encoded.v_capacity))           # spare capacity
    zero_arcs(np.flatnonzero(load > 0), S)                            # used capacity
    zero_arcs(nv + np.flatnonzero(cover < encoded.r_needed), T)       # uncovered demand
    zero_arcs(T, nv + np.flatnonzero(cover > 0))                      # covered demand
    if bypass < total:   # the bypass S -> T (capacity total) and its reverse when used
        zero_arcs(S, T)
    if bypass > 0:
        zero_arcs(T, S)
    src, dst, cost = np.concatenate(src), np.concatenate(dst), np.concatenate(cost)
    order = np.argsort(dst, kind="stable")
    src, dst, cost = src[order], dst[order], cost[order]
    starts = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]]) if len(dst) else np.zeros(0, dtype=np.int64)
    heads = dst[starts]
    d = np.zeros(n, dtype=np.int64)
    for _ in range(n + 1):
        if len(src) == 0:
            break
        best = np.minimum.reduceat(d[src] + cost, starts)
        improve = best < d[heads]
        if not improve.any():
            break
        d[heads[improve]] = best[improve]
    else:  # pragma: no cover - an optimal flow's residual graph has no negative cycle
        raise RuntimeError("negative cycle in the residual graph of an optimal flow")
    u = np.maximum(0, d[:nv] - d[S])
    w = np.maximum(0, d[T] - d[nv:nv + nr])
    return u, w


def _dual_pass(encoded: EncodedInstance, edges: Edges, gains: np.ndarray, u: np.ndarray,
               w: np.ndarray, near: int = 0) -> tuple[int, np.ndarray, np.ndarray]:
    """D(u, w) over all edges; the edges whose constraint u_v + w_r >= g_e fails; and
    the edges within ``near`` of failing (u_v + w_r - g_e <= near)."""
    total = int((encoded.v_capacity * u).sum() + (encoded.r_needed * w).sum())
    violated, close = [], []
    for start in range(0, len(edges), DUAL_CHUNK):
        sl = slice(start, start + DUAL_CHUNK)
        excess = gains[sl] - u[edges.v[sl]] - w[edges.r[sl]]
        positive = excess > 0
        total += int(excess[positive].sum())
        violated.append(start + np.flatnonzero(positive))
        close.append(start + np.flatnonzero((excess >= -near) & (gains[sl] > 0)))
    empty = np.zeros(0, dtype=np.int64)
    return (total, np.concatenate(violated) if violated else empty, np.concatenate(close) if close else empty)


def solve_lp(encoded: EncodedInstance, edges: Edges, *, top_k: int = TOP_K,
             deadline: float | None = None, max_rounds: int | None = None, gains: np.ndarray | None = None,
             start: np.ndarray | None = None) -> LpResult:
    """The flow relaxation over all edges, solved on a few candidates per recipient.

    Start with each recipient's ``top_k`` best edges; compute duals from the
    flow; every edge whose dual constraint fails is added and the flow re-solved,
    until none fails.  Then D(u, w) over *all* edges equals the flow's gain: the
    flow is optimal for the full edge set (a pruned edge could only matter if its
    gain beat u_v + w_r, the marginal values of its volunteer and recipient).
    (Re-solving only on the nearly tight pairs was tried: at 50k about as many
    pairs are within 2 of tight as in the top 10, so it saved nothing.)  Should the duals ever not be tight
    without violations, one flow over every edge is solved (exact without any
    certificate).  Past ``deadline`` (perf_counter), after at least two rounds
    (the first bound is loose: 0.14 % at 50k, the second 0.002 %), or after
    ``max_rounds``, the loop stops with the best flow and its valid, possibly loose,
    bound D.
    """
    if gains is None:
        gains = _unit_gains(encoded, edges)
    in_flow = (edge_ranks(edges, encoded.n_recipients) < top_k) if start is None else start.copy()
    in_flow &= gains > 0
    seen = in_flow.copy()
    rounds = 0
    best: tuple | None = None
    while True:
        rounds += 1
        active = np.flatnonzero(in_flow)
        chosen, _ = solve_flow(encoded, edges, active, gains)
        flow_gain = int(gains[chosen].sum())
        u, w = _potentials(encoded, edges, gains, active, chosen)
        dual_bound, violated, _ = _dual_pass(encoded, edges, gains, u, w)
        log.debug("LP round %d: %d pairs in the flow, gain %d, dual bound %d, %d violated",
                  rounds, len(active), flow_gain, dual_bound, len(violated))
        if best is None or flow_gain > best[1] or (flow_gain == best[1] and dual_bound < best[5]):
            best = (chosen, flow_gain, u, w, rounds, dual_bound)
        fresh = violated[~seen[violated]]
        if dual_bound == flow_gain:
            break
        if len(fresh) == 0 and seen.sum() == (gains > 0).sum():
            break   # pragma: no cover - cannot happen: a flow over every edge has tight duals
        if deadline is not None and rounds >= 2 and time.perf_counter() > deadline:
            break
        if max_rounds is not None and rounds >= max_rounds:
            break
        if len(fresh) == 0:
            in_flow = gains > 0   # not tight without violations: solve over everything
        else:
            in_flow = seen.copy()
            in_flow[fresh] = True
        seen |= in_flow
    chosen, flow_gain, u, w, _, dual_bound = best
    # Any u, w >= 0 give a valid bound; keep the lowest seen with the best flow.
    return LpResult(chosen, gains, u, w, dual_bound, flow_gain, rounds, int(seen.sum()), seen)


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


# ------------------------------------------------- half-served teams: neighbourhoods
#
# Only teams make the LP fractional: the flow may serve a team with one volunteer.
# Around those teams we take a neighbourhood N (recipients and volunteers) and
# solve two small CP-SAT models on the pairs inside N:
#
# * F (primal): everything outside N stays as in the flow (integral there, every
#   half-served team is inside N), inside N the true rules with the capacity and
#   cover the outside already uses.  F's plan is valid for the whole instance.
# * R (bound): the penalty identity above, with every term outside N dropped
#   (they are >= 0) and, for nodes of N that also have pairs outside N ("boundary"
#   nodes), their slack term dropped and their rule relaxed (a boundary team may be
#   partly served inside N: the outside might complete it).  For every valid plan,
#   penalty >= C_N - sum_{e in N} g'_e x_e with g'_e = g_e - [v on boundary] u_v -
#   [r on boundary] w_r and C_N = sum_{e in N} z_e + sum_{inner v} cap_v u_v +
#   sum_{inner r} need_r w_r, so  2 * optimum <= D - (C_N - max R).
#
# Both decompose over the connected components of the pairs inside N.  When N is
# a whole connected component (no boundary) R and F are the same exact model.
# Neighbourhoods grow (pairs with a small reduced cost first) until proven or out
# of time; the best plan and the lowest bound over all attempts are kept.

LARGE_CLOSURE_EDGES = 150_000  # seeds' components up to this size are solved whole, exactly
NEIGHBOURHOOD_EDGES = (4_000, 20_000)   # growing neighbourhoods, by pairs inside
REDUCED_COST_STEPS = (0, 4, 16, 64, 256, None)
TEAMS_INSIDE = True   # a team reached by a neighbourhood brings all its volunteers


def _closure(edges: Edges, in_r: np.ndarray, in_v: np.ndarray, max_edges: int) -> bool:
    """Grow the marked nodes to their whole connected components, in place.

    Returns False (marks partly grown) as soon as more than ``max_edges`` pairs lie inside.
    """
    while True:
        new_r = in_v[edges.v] & ~in_r[edges.r]
        in_r[edges.r[new_r]] = True
        new_v = in_r[edges.r] & ~in_v[edges.v]
        in_v[edges.v[new_v]] = True
        if not new_r.any() and not new_v.any():
            return True
        if np.count_nonzero(in_r[edges.r] & in_v[edges.v]) > max_edges:
            return False


def _neighbourhood(edges: Edges, slack: np.ndarray, in_r: np.ndarray, in_v: np.ndarray,
                   max_edges: int, team_pairs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Grow the marked nodes breadth-first, over pairs of small reduced cost first,
    while at most ``max_edges`` pairs lie inside (a round that overshoots is undone)."""
    if team_pairs is not None:
        team_r, team_v = edges.r[team_pairs], edges.v[team_pairs]
    deg_r = np.bincount(edges.r, minlength=len(in_r))
    deg_v = np.bincount(edges.v, minlength=len(in_v))

    def size(rr: np.ndarray, vv: np.ndarray) -> int:   # cheap upper bound on the pairs inside
        return int(min(deg_r[rr].sum(), deg_v[vv].sum()))

    for tau in REDUCED_COST_STEPS:
        pool = np.arange(len(edges)) if tau is None else np.flatnonzero(slack <= tau)
        pr, pv = edges.r[pool], edges.v[pool]
        while True:
            rr, vv = in_r.copy(), in_v.copy()
            rr[pr[vv[pv]]] = True
            vv[pv[rr[pr]]] = True
            if team_pairs is not None:   # teams inside keep their all-or-nothing rule in R
                vv[team_v[rr[team_r]]] = True
            if np.array_equal(rr, in_r) and np.array_equal(vv, in_v):
                break                                   # closed under this reduced cost
            if size(rr, vv) > max_edges:
                return in_r, in_v
            in_r, in_v = rr, vv
    return in_r, in_v


def _sub_model(encoded: EncodedInstance, sub: Edges, coefficient: np.ndarray, capacity: np.ndarray,
               lo: np.ndarray, hi: np.ndarray, even: np.ndarray, hint: np.ndarray,
               time_limit_s: float) -> tuple[int, np.ndarray | None, int | None]:
    """CP-SAT: maximise sum coefficient * x over the pairs ``sub``.

    Per volunteer: load <= capacity[v].  Per recipient: 0 or 2 pairs when even[r],
    else lo[r] <= pairs <= hi[r].  Returns (status, chosen or None, proven bound).
    """
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x_{i}") for i in range(len(sub))]
    for r, ids in _group(sub.r).items():
        terms = [x[i] for i in ids]
        if even[r]:
            covered = model.new_bool_var(f"team_{r}")
            model.add(sum(terms) == 2 * covered)
            model.add_hint(covered, bool(hint[ids].any()))
        else:
            if hi[r] < len(ids):
                model.add(sum(terms) <= int(hi[r]))
            if lo[r] > 0:
                model.add(sum(terms) >= int(lo[r]))
    for v, ids in _group(sub.v).items():
        if capacity[v] < len(ids):
            model.add(sum(x[i] for i in ids) <= int(capacity[v]))
    model.maximize(cp_model.LinearExpr.weighted_sum(x, [int(c) for c in coefficient]))
    for var, value in zip(x, hint.tolist()):
        model.add_hint(var, value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = CP_SAT_WORKERS
    solver.parameters.random_seed = CP_SAT_SEED
    solver.parameters.linearization_level = CP_SAT_LINEARIZATION
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        return status, chosen, int(np.floor(solver.best_objective_bound + 1e-6))
    return status, None, None


# The cycle bound runs a few dozen Dijkstras over every pair: about 1 s at 10k
# (837k pairs); at 50k (21M pairs) it would cost more than the time limit.
CYCLE_MAX_PAIRS = 4_000_000
DIVE_ROUNDS = 8   # LP re-solves while completing/dropping the teams each new flow half-serves


def plan_from_cycles(encoded: EncodedInstance, edges: Edges, lp: LpResult, cycles: TeamCycles,
                     *, deadline: float | None = None, rounds: int = DIVE_ROUNDS) -> tuple[np.ndarray, np.ndarray]:
    """A valid plan that completes and drops the half-served teams as their cheapest cycles say.

    The LP is re-solved with the dropped teams' pairs removed and a bonus the
    completed teams cannot refuse (warm: on the pairs the LP already used).  A
    completion may take a volunteer from another team, which the new LP then
    half-serves; its cycles decide that team the same way, for a few rounds.
    Every round's flow, with the teams it still half-serves dropped, is a valid
    plan; the best one is returned, with the flow it came from.
    """
    # Large enough that no exchange elsewhere outweighs a completion in practice;
    # small enough to keep the cost scaling fast.  (Were one refused, the team is
    # decided again next round, or dropped: the plan stays valid either way.)
    sure = 4 * int(np.abs(lp.gains).max(initial=1)) + 1
    complete = np.zeros(encoded.n_recipients, dtype=bool)
    drop = np.zeros(encoded.n_recipients, dtype=bool)
    complete[cycles.complete] = True
    drop[cycles.drop] = True
    in_flow = lp.in_flow.copy() if lp.in_flow is not None else np.ones(len(edges), dtype=bool)
    best_plan, best_flow, best_gain = None, lp.chosen, None
    for _ in range(rounds):
        gains = lp.gains.copy()
        gains[drop[edges.r]] = 0                     # solve_flow skips pairs without gain
        gains[complete[edges.r]] += sure
        node = solve_lp(encoded, edges, gains=gains, start=in_flow | complete[edges.r], deadline=deadline)
        in_flow = node.in_flow
        plan = drop_partial_teams(encoded, edges, node.chosen)
        gain = int(lp.gains[plan].sum())
        if best_gain is None or gain > best_gain:
            best_plan, best_flow, best_gain = plan, node.chosen, gain
        half = half_served(encoded, np.bincount(edges.r[node.chosen], minlength=encoded.n_recipients))
        log.debug("dive: LP %d (doubled, fixed teams' bonus removed), plan %d, %d teams half-served",
                  node.flow_gain - 2 * sure * int(complete.sum()), gain, len(half))
        if (len(half) == 0 or node.dual_bound != node.flow_gain
                or (deadline is not None and time.perf_counter() > deadline)):
            break
        more = team_cycle_bound(encoded, edges, gains, node.u, node.w, node.chosen)
        complete[more.complete] = True
        drop[more.drop] = True
    return best_plan, best_flow


# Where the cycle bound cannot run (50k: 21M pairs, and the LP stops uncertified),
# the same dive decides the half-served teams inside a region around them, with
# everything outside fixed as in the flow.  A plan only: no bound comes from it.
# Measured on the 50k generator instance (2 LP rounds, 32 half-served teams): the
# region of 50k pairs grown over tight pairs gives a plan of 31,325,332 doubled
# points in 0.8 s; over pairs within 16 or 64 of tight, or with 20k/80k pairs,
# 31,323,944-31,324,692; 100k pairs 31,325,680 in 2.1 s; the dive over all 490k
# flow pairs 31,325,236 in 7 s; the neighbourhood models alone 31,321,650.
REGION_PAIRS = 50_000   # flow pairs in the region (each dive flow then takes ~0.1 s)
REGION_SLACK = 0        # the region grows over tight flow pairs (where the cheap cycles run)


def plan_in_region(encoded: EncodedInstance, edges: Edges, lp: LpResult, seeds: np.ndarray, *,
                   deadline: float | None, max_pairs: int = REGION_PAIRS) -> tuple[np.ndarray, np.ndarray] | None:
    """A valid plan (and the flow it came from) deciding the teams ``seeds`` the flow half-serves.

    The region: the seeds, then recipients joined to its volunteers by tight flow
    pairs, layer by layer, while at most ``max_pairs`` flow pairs belong to
    its recipients (all of them: a recipient is either wholly inside or outside).
    Outside, the flow stays; inside, volunteers keep the capacity the outside
    leaves them.  On that problem the flow is still optimal with the same duals,
    so the cycles and the dive (``plan_from_cycles``) apply unchanged, on a flow of
    a few ten thousand pairs instead of half a million.  Returns None when the
    duals are not complementary on the flow's pairs (an LP stopped on an earlier
    round's flow): the caller then keeps its plan.
    """
    n_r, n_v = encoded.n_recipients, encoded.n_volunteers
    gains, x = lp.gains, lp.chosen
    active = np.flatnonzero(lp.in_flow)   # solve_lp's flow pairs (all of positive gain)
    ar, av = edges.r[active], edges.v[active]
    near = (lp.u[av] + lp.w[ar] - gains[active]) <= REGION_SLACK
    in_r = np.zeros(n_r, dtype=bool)
    in_r[seeds] = True
    while True:
        in_v = np.zeros(n_v, dtype=bool)
        in_v[av[in_r[ar]]] = True
        grown = in_r.copy()
        grown[ar[near & in_v[av]]] = True
        if np.array_equal(grown, in_r) or np.count_nonzero(grown[ar]) > max_pairs:
            break
        in_r = grown
    region = active[in_r[ar]]
    used = np.flatnonzero(x)
    outside = used[~in_r[edges.r[used]]]
    local = _RegionInstance(encoded, encoded.v_capacity - np.bincount(edges.v[outside], minlength=n_v),
                            np.where(in_r, encoded.r_needed, 0))
    sub = edges.subset(region)
    # plan_from_cycles reads only the flow, the gains and the pairs: the bound fields stay 0
    sub_lp = LpResult(x[region], gains[region], lp.u, lp.w, 0, 0, 0, len(region))
    try:
        cycles = team_cycle_bound(local, sub, sub_lp.gains, lp.u, lp.w, sub_lp.chosen)
    except ValueError:
        return None
    plan_sub, flow_sub = plan_from_cycles(local, sub, sub_lp, cycles, deadline=deadline)
    plan = x.copy()
    plan[region] = plan_sub
    flow = plan.copy()
    flow[region] = flow_sub
    return plan, flow


class _RegionInstance:
    """The encoded instance seen from a region: volunteers' capacity left by the
    outside, and no demand for recipients outside (they have no pair inside)."""

    def __init__(self, encoded: EncodedInstance, v_capacity: np.ndarray, r_needed: np.ndarray) -> None:
        self.n_recipients, self.n_volunteers = encoded.n_recipients, encoded.n_volunteers
        self.v_capacity, self.r_needed = v_capacity, r_needed


def repair_half_served(encoded: EncodedInstance, edges: Edges, lp: LpResult, *, time_limit_s: float,
                       started: float) -> Solution:
    """A valid plan and a proven bound from the LP optimum (see the comment above)."""
    n_r, n_v = encoded.n_recipients, encoded.n_volunteers
    gains, u, w, x = lp.gains, lp.u, lp.w, lp.chosen
    seeds = half_served(encoded, np.bincount(edges.r[x], minlength=n_r))
    if len(seeds) == 0:
        return Solution(x, lp.dual_bound // 2)
    is_seed = np.zeros(n_r, dtype=bool)
    is_seed[seeds] = True
    best = x & ~is_seed[edges.r]
    best_gain = int(gains[best].sum())
    best_bound = lp.dual_bound
    slack = u[edges.v] + w[edges.r] - gains        # reduced cost where >= 0; -z_e where < 0
    z = np.maximum(0, -slack)

    report: list[dict] = []
    in_r, in_v = np.zeros(n_r, dtype=bool), np.zeros(n_v, dtype=bool)
    in_r[seeds] = True
    in_v[edges.v[in_r[edges.r]]] = True
    whole_components = _closure(edges, in_r, in_v, LARGE_CLOSURE_EDGES)
    decided = None          # a flow with the half-served teams decided, when a dive ran
    dive_deadline = started + (1 - MIN_REPAIR_SHARE) * time_limit_s
    cycles_ran = lp.dual_bound == lp.flow_gain and _cycle_bound_fits(edges)
    if cycles_ran:
        # The LP is proven over every pair: its residual graph prices each team's
        # completion or removal exactly (core/matching/cycles.py).
        cycle_started = time.perf_counter()
        cycles = team_cycle_bound(encoded, edges, gains, u, w, x)
        best_bound = min(best_bound, lp.dual_bound - cycles.penalty)
        plan, decided = plan_from_cycles(encoded, edges, lp, cycles,
                                deadline=dive_deadline,
                                # the exact CP-SAT on whole components follows: one round will do
                                rounds=1 if whole_components else DIVE_ROUNDS)
        gain = int(gains[plan].sum())
        if gain > best_gain:
            best, best_gain = plan, gain
        report.append({"attempt": "cycles", "teams": len(cycles.teams), "completed": len(cycles.complete),
                       "dropped": len(cycles.drop), "paired": cycles.paired, "penalty": cycles.penalty,
                       "flow_bound": lp.dual_bound // 2,
                       "bound": best_bound // 2, "objective": gain // 2,
                       "seconds": round(time.perf_counter() - cycle_started, 2)})
        log.debug("team cycles: penalty >= %d, plan %d (doubled), bound %d", cycles.penalty, gain, best_bound)
        if best_bound // 2 <= best_gain // 2:
            return Solution(best, best_bound // 2, 0, report)
    elif not whole_components:
        # No cycle bound (too many pairs, or the LP stopped uncertified): the same
        # dive, on a region around the teams (a plan only).  At 50k it finds
        # 31,325,332 doubled points where the neighbourhood models alone found
        # 31,321,650, for 0.8 s.
        dive_started = time.perf_counter()
        dive = plan_in_region(encoded, edges, lp, seeds,
                              deadline=dive_deadline)
        if dive is not None:
            plan, decided = dive
            gain = int(gains[plan].sum())
            if gain > best_gain:
                best, best_gain = plan, gain
            report.append({"attempt": "region dive", "teams": len(seeds), "objective": gain // 2,
                           "seconds": round(time.perf_counter() - dive_started, 2)})
            log.debug("region dive: plan %d (doubled)", gain)
    bound_models = True
    if decided is not None and not whole_components:
        # Not proven, and the teams' components are too large to solve whole: the
        # plan models below start from the decided flow.  With the cycle bound the
        # bound models are skipped: beside it they add nothing (at 10k the penalty
        # relaxation lowered the LP bound by 296 points, the cycle bound by 2,971).
        still_half = half_served(encoded, np.bincount(edges.r[decided], minlength=n_r))
        x = decided
        is_seed = np.zeros(n_r, dtype=bool)
        is_seed[still_half] = True
        # Neighbourhoods around every team the LP half-served, not only those the
        # decided flow still does: the decisions themselves may be improved there.
        seeds = np.union1d(seeds, still_half)
        bound_models = not cycles_ran

    def seeds_marked() -> tuple[np.ndarray, np.ndarray]:
        in_r = np.zeros(n_r, dtype=bool)
        in_v = np.zeros(n_v, dtype=bool)
        in_r[seeds] = True
        in_v[edges.v[in_r[edges.r]]] = True      # every volunteer of a half-served team
        return in_r, in_v

    closure = (in_r, in_v) if whole_components and bound_models else None
    if closure is not None:
        # Whole components (no boundary: R and F are the exact model), as long as
        # they are small enough for CP-SAT; on 2000x3000 this proves the optimum in
        # about 7 s, where neighbourhoods first only cost time.
        attempts = [closure]
    else:
        team_pairs = np.flatnonzero(encoded.r_needed[edges.r] == 2) if TEAMS_INSIDE else None
        attempts = [_neighbourhood(edges, slack, *seeds_marked(), cap, team_pairs) for cap in NEIGHBOURHOOD_EDGES]
    for number, (in_r, in_v) in enumerate(attempts):
        left = time_limit_s - (time.perf_counter() - started)
        if left <= 0.05:
            break
        budget = left / (len(attempts) - number)
        attempt_started = time.perf_counter()
        inside_mask = in_r[edges.r] & in_v[edges.v]
        inside = np.flatnonzero(inside_mask)
        crossing = in_r[edges.r] != in_v[edges.v]
        boundary_r = np.zeros(n_r, dtype=bool)
        boundary_v = np.zeros(n_v, dtype=bool)
        boundary_r[edges.r[crossing & in_r[edges.r]]] = True
        boundary_v[edges.v[crossing & in_v[edges.v]]] = True
        outside_chosen = x & ~inside_mask
        load_out = np.bincount(edges.v[outside_chosen], minlength=n_v)
        cover_out = np.bincount(edges.r[outside_chosen], minlength=n_r)
        sub_all = edges.subset(inside)
        graph = coo_matrix((np.ones(len(inside)), (sub_all.r, n_r + sub_all.v)), shape=(n_r + n_v, n_r + n_v))
        _, labels = connected_components(graph, directed=False)
        component = labels[sub_all.r]
        order = np.argsort(component, kind="stable")
        keys, starts = np.unique(component[order], return_index=True)
        groups = np.split(order, starts[1:])
        sizes = [len(g) for g in groups]
        remaining = sum(sizes)
        plan = x & ~inside_mask
        bound = lp.dual_bound
        team = encoded.r_needed == 2
        # F's recipient rules: what the outside leaves; R's: the rules, relaxed on the boundary.
        f_even = team & (cover_out == 0)
        f_hi = np.where(team, np.where(cover_out == 2, 0, 1), 1 - np.minimum(cover_out, 1))
        f_lo = np.where(team & (cover_out == 1), 1, 0)
        r_even = team & ~boundary_r
        r_hi = np.where(team, 2, 1)
        no_lo = np.zeros(n_r, dtype=np.int64)
        f_capacity = encoded.v_capacity - load_out
        for group_ids in groups:
            ids = inside[group_ids]
            sub = edges.subset(ids)
            spent = time.perf_counter() - attempt_started
            share = max(0.05, (budget - spent) * len(ids) / max(1, remaining))
            remaining -= len(ids)
            hint = x[ids] & ~is_seed[sub.r]
            f_status, f_chosen, _ = _sub_model(encoded, sub, gains[ids], f_capacity, f_lo, f_hi, f_even,
                                               hint, share / 2)
            if f_chosen is None:
                f_chosen = hint
            plan[ids] = f_chosen
            g_prime = gains[ids] - np.where(boundary_v[sub.v], u[sub.v], 0) - np.where(boundary_r[sub.r], w[sub.r], 0)
            comp_v, comp_r = np.unique(sub.v), np.unique(sub.r)
            inner_v, inner_r = comp_v[~boundary_v[comp_v]], comp_r[~boundary_r[comp_r]]
            c_n = int(z[ids].sum() + (encoded.v_capacity[inner_v] * u[inner_v]).sum()
                      + (encoded.r_needed[inner_r] * w[inner_r]).sum())
            if not bound_models:
                r_status, r_bound = cp_model.UNKNOWN, None
            elif not boundary_v[comp_v].any() and not boundary_r[comp_r].any() and f_status == cp_model.OPTIMAL:
                r_status, r_bound = f_status, int(gains[ids][f_chosen].sum())   # R and F coincide
            else:
                left_here = max(0.05, share - (time.perf_counter() - attempt_started - spent))
                r_status, _, r_bound = _sub_model(encoded, sub, g_prime, encoded.v_capacity, no_lo, r_hi, r_even,
                                                  f_chosen, left_here)
            if r_bound is not None:
                bound -= max(0, c_n - r_bound)
            report.append({"attempt": number, "recipients": len(comp_r), "volunteers": len(comp_v),
                           "edges": len(ids), "boundary": int(boundary_v[comp_v].sum() + boundary_r[comp_r].sum()),
                           "status": _STATUS_NAMES.get(f_status, str(f_status)),
                           "bound_status": _STATUS_NAMES.get(r_status, str(r_status)),
                           "flow_bound": c_n // 2, "seconds": round(time.perf_counter() - attempt_started - spent, 2),
                           "bound": (c_n if r_bound is None else min(c_n, r_bound)) // 2})
        gain = int(gains[plan].sum())
        log.debug("team attempt %d: plan %d (doubled), bound %d, LP %d", number, gain, bound, lp.dual_bound)
        if gain > best_gain:
            best, best_gain = plan, gain
        best_bound = min(best_bound, bound)
        if best_bound // 2 <= best_gain // 2:
            break
    return Solution(best, best_bound // 2, 0, report)


# ----------------------------------------------------------------------------- solve


def _cycle_bound_fits(edges: Edges) -> bool:
    """Whether the cycle bound's Dijkstras fit the time limit (not at 50k's 21M pairs)."""
    return len(edges) <= CYCLE_MAX_PAIRS


def solve_edges(encoded: EncodedInstance, edges: Edges, *, time_limit_s: float,
                pinned_keys: np.ndarray, started: float) -> Solution:
    """Optimise over allowed, pruned edges: the LP with dual certificate, then CP-SAT
    around half-served teams (or, with pinned pairs, on whole components)."""
    if len(edges) == 0:
        return Solution(np.zeros(0, dtype=bool), 0)
    if len(pinned_keys):
        return solve_pinned_components(encoded, edges, time_limit_s=time_limit_s,
                                       pinned_keys=pinned_keys, started=started)
    max_rounds = None
    if not _cycle_bound_fits(edges) and (encoded.r_needed == 2).any():
        # Teams and too many pairs for the cycle bound: the certificate would only
        # serve the LP bound, which the half-served teams' gap dwarfs.  At 50k the
        # rounds after the second cost ~6 s for 96 points of bound (the gap is
        # ~4,800 points), so the LP stops after two rounds.  (Any team counts, even
        # one the flow happens to serve whole: whether it does is known only after.)
        max_rounds = 2
    lp = solve_lp(encoded, edges, deadline=started + LP_TIME_SHARE * time_limit_s, max_rounds=max_rounds)
    # The neighbourhood models get at least a tenth of the time limit, even when
    # building the pairs and the LP used it all (a large instance's first plan).
    started = max(started, time.perf_counter() - (1 - MIN_REPAIR_SHARE) * time_limit_s)
    solution = repair_half_served(encoded, edges, lp, time_limit_s=time_limit_s, started=started)
    solution.lp = {"rounds": lp.rounds, "flow_edges": lp.active_edges, "flow_gain": lp.flow_gain,
                   "dual_bound": lp.dual_bound}
    return solution


def solve_pinned_components(encoded: EncodedInstance, edges: Edges, *, time_limit_s: float,
                            pinned_keys: np.ndarray, started: float) -> Solution:
    """Flow over every edge; CP-SAT on each whole component with a pin or a half-served team."""
    n_r, n_v = encoded.n_recipients, encoded.n_volunteers
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
        pinned_edges = encoded._member(pinned_keys, encoded.pair_keys(edges.r, edges.v))
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
    chosen = chosen.subset(np.lexsort((chosen.v, chosen.r)))   # plans list pairs by (recipient, volunteer)
    covered = np.unique(chosen.r)
    objective = int(encoded.r_value[covered].sum() + chosen.profit.sum())
    if solution.bound < objective:
        raise RuntimeError(f"internal error: bound {solution.bound} below objective {objective}")
    bound = solution.bound
    assignments = _assignments(instance, encoded, chosen)
    unassigned = explain_unassigned(encoded, all_edges, chosen, forbidden)
    finished = time.perf_counter()
    stats = {
        "recipients": encoded.n_recipients, "volunteers": encoded.n_volunteers,
        "allowed_pairs": len(all_edges), "model_pairs": len(edges),
        "components": solution.component_count, "cp_sat_components": solution.hard_components,
        "lp": solution.lp,
        "seconds": {"edges": round(edges_done - started, 3), "solve": round(solved - edges_done, 3),
                    "explain": round(finished - solved, 3), "total": round(finished - started, 3)},
    }
    return Plan(objective=objective, bound=bound, status="optimal" if bound == objective else "feasible",
                assignments=assignments, unassigned=unassigned, stats=stats, warnings=instance.warnings)


def _assignments(instance: Instance, encoded: EncodedInstance, chosen: Edges) -> tuple[Assignment, ...]:
    from .edges import pair_reasons

    out = []
    km_exact = encoded.distances(chosen.r, chosen.v)   # Edges.km is float32
    for r, v, km in zip(chosen.r.tolist(), chosen.v.tolist(), km_exact.tolist()):
        recipient, volunteer = instance.recipients[r], instance.volunteers[v]
        out.append(Assignment(recipient.id, volunteer.id, float(km), pair_reasons(instance, recipient, volunteer)))
    return tuple(out)
