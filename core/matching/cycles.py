"""An exact lower bound on what the half-served teams cost: shortest cycles in the
flow's residual graph, paired by a tiny matching.

Setting (see :mod:`core.matching.model`): the flow x* is an optimal LP solution
over *every* allowed pair, with duals u, w >= 0 that are complementary to it
(D(u, w) == the flow's doubled gain).  For every valid plan x

    D - 2 * objective(x) = penalty(x) = sum_e rc_e x_e + sum_e z_e (1 - x_e)
                           + sum_v u_v (cap_v - load_v) + sum_r w_r (need_r - cover_r).

Complementary slackness makes every term zero at x*, so penalty(x) is a sum of
non-negative costs on the *changes* from x* to x:

    raise an unused pair (v -> r)        rc_e = u_v + w_r - g_e >= 0
    drop a used pair (r -> v)            z_e  = g_e - u_v - w_r >= 0
    raise a volunteer's load (S -> v)    0      (only where load* < cap, so u_v = 0)
    lower a volunteer's load (v -> S)    u_v
    raise a recipient's cover (r -> T)   0      (only where cover* < need, so w_r = 0)
    lower a recipient's cover (T -> r)   w_r
    the return arc T <-> S               0

x - x* is a circulation in this residual graph (source S, sink T), integral, so
it splits into unit cycles, and penalty(x) is the sum of their costs.  A team that
x* serves with one volunteer must end with cover 0 or 2 in x: its arc r -> T or
T -> r carries one unit, on exactly one cycle.  A simple cycle passes T once, so
it carries at most two such arcs: one team completed (r -> T) and one dropped
(T -> r').  Hence

    penalty(x) >= min over ways to cover the half-served teams by cycles of the
                  cycles' shortest costs,

where a team is covered alone (the cheaper of its shortest "complete" and "drop"
cycle that meets no other half-served team at T) or together with another one
(the shortest path from the dropped team to the completed one, avoiding T).
Relaxing everything else (capacities shared between cycles, other teams left
half-served) only lowers the costs, so the bound holds.  The covering is a
minimum-cost matching on the half-served teams, solved exactly by CP-SAT.

It is also a recipe for a plan: complete or drop each team as its cycle says and
re-solve the flow with those choices fixed.  When the cycles do not compete for
the same capacity, that plan meets the bound, which proves it optimal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .edges import EncodedInstance, Edges, half_served


@dataclass
class TeamCycles:
    """The cycle bound on the penalty and the choice that attains it."""

    penalty: int                 # lower bound on D - 2 * objective of every valid plan (doubled points)
    complete: np.ndarray         # recipients (half-served teams) whose cheapest cover completes them
    drop: np.ndarray             # recipients whose cheapest cover drops them
    cost_complete: np.ndarray    # per half-served team (order of ``teams``): shortest lone completing cycle
    cost_drop: np.ndarray        # the same for dropping
    teams: np.ndarray
    paired: int                  # covers that serve two teams with one cycle
    between: np.ndarray | None = None   # [i, j]: shortest cycle dropping teams[i] and completing teams[j]
    share_complete: np.ndarray | None = None   # [i, j]: two cycles completing both from one full team
    share_drop: np.ndarray | None = None       # [i, j]: two cycles dropping both into one unserved team

    def cheapest_cover(self, forced: dict[int, bool] | None = None) -> tuple[int, np.ndarray, np.ndarray, int]:
        """Minimum total cost of cycles covering every half-served team once.

        ``forced`` maps a position in ``teams`` to True (must be completed) or
        False (must be dropped).  Returns (cost, completed teams, dropped teams,
        number of paired cycles); cost is -1 when the forcing leaves no cover.
        """
        forced = forced or {}
        k = len(self.teams)
        unreachable = -1
        model = cp_model.CpModel()
        covers: dict[int, list] = {i: [] for i in range(k)}
        terms, coefficients, roles = [], [], []
        for i in range(k):
            for completes, cost in ((True, self.cost_complete[i]), (False, self.cost_drop[i])):
                if cost == unreachable or forced.get(i, completes) != completes:
                    continue
                var = model.new_bool_var(f"{'complete' if completes else 'drop'}_{i}")
                covers[i].append(var)
                terms.append(var)
                coefficients.append(int(cost))
                roles.append(((i, completes),))
        alone = [min((c for c in (self.cost_complete[i], self.cost_drop[i]) if c != unreachable), default=None)
                 for i in range(k)]
        # (costs, role of the first team, role of the second, symmetric)
        joint = [(self.between, False, True, False), (self.share_complete, True, True, True),
                 (self.share_drop, False, False, True)]
        for matrix, first_completes, second_completes, symmetric in joint:
            if matrix is None:
                continue
            for i, j in zip(*np.nonzero(matrix >= 0)):
                i, j = int(i), int(j)
                if i == j or (symmetric and j < i):
                    continue
                if forced.get(i, first_completes) != first_completes or forced.get(j, second_completes) != second_completes:
                    continue
                if (not forced and alone[i] is not None and alone[j] is not None
                        and matrix[i, j] >= alone[i] + alone[j]):
                    continue      # joining saves nothing
                var = model.new_bool_var(f"join_{i}_{j}")
                covers[i].append(var)
                covers[j].append(var)
                terms.append(var)
                coefficients.append(int(matrix[i, j]))
                roles.append(((i, first_completes), (j, second_completes)))
        for options in covers.values():
            if not options:
                return -1, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
            model.add_exactly_one(options)
        model.minimize(cp_model.LinearExpr.weighted_sum(terms, coefficients))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10.0
        status = solver.solve(model)
        if status != cp_model.OPTIMAL:   # pragma: no cover - a tiny matching problem
            raise RuntimeError("the team cycle cover was not solved to optimality")
        complete, drop, paired = [], [], 0
        for var, role in zip(terms, roles):
            if solver.boolean_value(var):
                paired += len(role) == 2
                for i, completes in role:
                    (complete if completes else drop).append(int(self.teams[i]))
        return (int(round(solver.objective_value)), np.array(sorted(complete), dtype=np.int64),
                np.array(sorted(drop), dtype=np.int64), paired)


def team_cycle_bound(encoded: EncodedInstance, edges: Edges, gains: np.ndarray, u: np.ndarray,
                     w: np.ndarray, chosen: np.ndarray, *, max_cost: int | None = None) -> TeamCycles:
    """The lower bound described in the module docstring.

    ``chosen`` must be a flow optimal over every pair in ``edges`` with duals ``u``,
    ``w`` complementary to it (checked: the residual costs must be >= 0).
    ``max_cost`` caps the search: a distance above it is counted as ``max_cost``
    (still a valid lower bound), which bounds the Dijkstra balls on large instances.
    """
    nv, nr = encoded.n_volunteers, encoded.n_recipients
    source, sink, extra = nv + nr, nv + nr + 1, nv + nr + 2
    n = nv + nr + 3
    excess = gains - u[edges.v] - w[edges.r]
    if (excess[~chosen] > 0).any() or (excess[chosen] < 0).any():
        raise ValueError("the duals are not complementary to the flow")
    load = np.bincount(edges.v[chosen], minlength=nv)
    cover = np.bincount(edges.r[chosen], minlength=nr)
    if ((u > 0) & (load < encoded.v_capacity)).any() or ((w > 0) & (cover < encoded.r_needed)).any():
        raise ValueError("the duals are not complementary to the flow")
    teams = half_served(encoded, cover)
    empty = np.zeros(0, dtype=np.int64)
    if len(teams) == 0:
        return TeamCycles(0, empty, empty, empty, empty, teams, 0)
    is_team = np.zeros(nr, dtype=bool)
    is_team[teams] = True

    v_node = edges.v.astype(np.int64)
    r_node = nv + edges.r.astype(np.int64)
    volunteers = np.arange(nv)
    spare = volunteers[load < encoded.v_capacity]
    loaded = volunteers[load > 0]
    keep = np.ones(len(edges), dtype=bool)
    if max_cost is not None:   # arcs dearer than the cap cannot shorten a path below it
        keep = np.where(chosen, excess, -excess) <= max_cost
    unused, used = keep & ~chosen, keep & chosen
    # The residual graph without T (a simple cycle passes T once, at its ends).
    tails = np.concatenate([v_node[unused], r_node[used], np.full(len(spare), source), loaded])
    heads = np.concatenate([r_node[unused], v_node[used], spare, np.full(len(loaded), source)])
    costs = np.concatenate([-excess[unused], excess[used], np.zeros(len(spare), dtype=np.int64), u[loaded]])
    costs = costs.astype(np.float64)
    limit = np.inf if max_cost is None else float(max_cost)

    def distances(graph_tails, graph_heads, graph_costs, start, **kwargs) -> np.ndarray:
        graph = csr_matrix((graph_costs, (graph_tails, graph_heads)), shape=(n, n))
        found = dijkstra(graph, indices=start, limit=limit, **kwargs)
        return np.minimum(found, limit)

    recipients = np.arange(nr)
    single = encoded.r_needed == 1
    pair_team = ~single & ~is_team
    full_teams = recipients[pair_team & (cover == encoded.r_needed)]     # cover 2
    unserved_teams = recipients[pair_team & (cover == 0)]
    covered_singles = recipients[single & (cover > 0)]
    open_singles = recipients[single & (cover == 0)]

    def from_start(ends: np.ndarray, end_costs: np.ndarray) -> np.ndarray:
        """Distances from T (leaving by T -> S at 0 or T -> r at end_costs) to every node."""
        return distances(np.concatenate([tails, [extra], np.full(len(ends), extra)]),
                         np.concatenate([heads, [source], nv + ends]),
                         np.concatenate([costs, [0.0], end_costs.astype(np.float64)]), extra)

    def to_end(ends: np.ndarray, end_costs: np.ndarray) -> np.ndarray:
        """Distances from every node to T (entering by S -> T at 0 or r -> T at end_costs)."""
        return distances(np.concatenate([heads, [extra], np.full(len(ends), extra)]),
                         np.concatenate([tails, [source], nv + ends]),
                         np.concatenate([costs, [0.0], end_costs.astype(np.float64)]), extra)

    # Relaxed: any recipient's cover may move by one.  These bound a cycle that
    # is not otherwise counted (the second unit of a team below).
    reach = from_start(np.concatenate([covered_singles, full_teams]),
                       w[np.concatenate([covered_singles, full_teams])])
    leave = to_end(np.concatenate([open_singles, unserved_teams]),
                   np.zeros(len(open_singles) + len(unserved_teams)))
    # A full team that gives up one volunteer (T -> r) must give up the other too:
    # a second cycle through T -> r, costing at least w_r + leave[r], unless it
    # completes another half-served team (then it is that team's cycle: the
    # "shared" covers below).  Likewise an unserved team that receives one
    # volunteer (r -> T) must receive a second, at least reach[r].  One uncounted
    # cycle could be both a full team's second and an unserved team's second, so
    # only one side may be charged at a time: variant A charges completions,
    # variant B drops, and the larger of the two bounds holds.
    complete_relaxed = reach[nv + teams]
    drop_relaxed = leave[nv + teams] + w[teams]
    complete_alone = from_start(np.concatenate([covered_singles, full_teams]),
                                np.concatenate([w[covered_singles], 2 * w[full_teams] + leave[nv + full_teams]]))
    complete_alone = complete_alone[nv + teams]
    drop_alone = to_end(np.concatenate([open_singles, unserved_teams]),
                        np.concatenate([np.zeros(len(open_singles)), reach[nv + unserved_teams]]))
    drop_alone = drop_alone[nv + teams] + w[teams]
    alone = np.minimum(complete_alone, drop_alone)   # >= either variant's lone cost
    # Cycles that join two half-served teams, all avoiding T inside:
    #   drop t_i, complete t_j        T -> t_i ... -> t_j -> T
    #   complete both from one full team r:    T -> r ... -> t_i -> T, T -> r ... -> t_j -> T
    #   drop both into one unserved team r:    T -> t_i ... -> r -> T, T -> t_j ... -> r -> T
    pair_limit = float(2 * alone.max())
    if max_cost is not None:
        pair_limit = min(pair_limit, float(max_cost))
    graph = csr_matrix((costs, (tails, heads)), shape=(n, n))
    reverse = graph.T.tocsr()
    k = len(teams)
    between = np.empty((k, k))
    share_complete = np.full((k, k), pair_limit)
    share_drop = np.full((k, k), pair_limit)
    out_full = np.empty((k, len(full_teams)))     # r -> t_i, for full teams r
    out_unserved = np.empty((k, len(unserved_teams)))   # t_i -> r, for unserved teams r
    for first in range(0, k, 16):
        rows = slice(first, first + 16)
        # Distances beyond the limit are not found; the limit is then a valid lower bound.
        forward = np.minimum(dijkstra(graph, indices=nv + teams[rows], limit=pair_limit), pair_limit)
        backward = np.minimum(dijkstra(reverse, indices=nv + teams[rows], limit=pair_limit), pair_limit)
        between[rows] = forward[:, nv + teams]
        out_unserved[rows] = forward[:, nv + unserved_teams]
        out_full[rows] = backward[:, nv + full_teams] + w[full_teams]
    for i in range(k):
        if len(full_teams):
            share_complete[i] = np.minimum(pair_limit, (out_full[i][None, :] + out_full).min(axis=1))
        if len(unserved_teams):
            share_drop[i] = np.minimum(pair_limit, (out_unserved[i][None, :] + out_unserved).min(axis=1))
    between = between + w[teams][:, None]

    def to_int(values: np.ndarray) -> np.ndarray:   # integer costs, exact in float64; -1 = unreachable
        return np.where(np.isfinite(values), np.rint(np.where(np.isfinite(values), values, 0)), -1).astype(np.int64)

    best = None
    for charged_complete, charged_drop in ((complete_alone, drop_relaxed), (complete_relaxed, drop_alone)):
        cycles = TeamCycles(0, empty, empty, to_int(charged_complete), to_int(charged_drop), teams, 0,
                            to_int(between), to_int(share_complete), to_int(share_drop))
        cost, complete, drop, paired = cycles.cheapest_cover()
        cycles.penalty, cycles.complete, cycles.drop, cycles.paired = cost, complete, drop, paired
        if best is None or cost > best.penalty:
            best = cycles
    return best
