"""Explanations: why each recipient is unassigned, and "why not this volunteer?".

Reasons follow spec "Plan": ``no_feasible_volunteer`` (with the rule that removed
the last candidates and what relaxing each rule would give), ``capacity_taken``
(naming who took the capacity) and ``not_worth_cost``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scipy.spatial import cKDTree

from .edges import (RULE_NAMES, EncodedInstance, Edges, RuleFailure, _chord, distance_km, pair_failures,
                    pair_profit)
from .instance import Instance, Plan, Unassigned

RULE_LABELS = {
    1: "技能要求 (required skills)",
    2: "背景审查 (background check)",
    3: "距离上限 (distance cap)",
    4: "共同时段 (common slots)",
    5: "性别要求 (gender requirement)",
    6: "语言要求 (language requirement)",
    7: "排除名单 (exclusion list)",
}
TAKEN_BY_LIMIT = 5  # volunteers named in a capacity_taken detail
EXPLAIN_CHUNK = 256  # recipients per spatial query in the no_feasible_volunteer pass (< 2**15)


def explanation_radius_km(instance: Instance) -> float:
    """Volunteers farther than this are not counted as candidates in advice."""
    return 2.0 * instance.params.max_km


def _no_feasible(encoded: EncodedInstance, recipients: np.ndarray) -> dict[int, Unassigned]:
    """Explain recipients with fewer allowed volunteers than they need, in one vectorised pass."""
    out: dict[int, Unassigned] = {}
    if encoded.n_volunteers == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _no_feasible_chunk(encoded, recipients, empty, np.zeros(0), np.zeros(0, dtype=np.uint8), empty)
    radius = explanation_radius_km(encoded.instance)
    v_tree = cKDTree(encoded._v_xyz)
    # Recipients in chunks, against one volunteer tree: memory stays bounded even
    # when thousands of recipients each have tens of thousands of volunteers within
    # 2 x max_km (50k x 75k), and the answer is the same pair set as one query.
    for start in range(0, len(recipients), EXPLAIN_CHUNK):
        chunk = np.sort(recipients[start:start + EXPLAIN_CHUNK])
        found = cKDTree(encoded._r_xyz[chunk]).sparse_distance_matrix(v_tree, _chord(radius), output_type="ndarray")
        local = found["i"].astype(np.int16)             # position in the chunk (< EXPLAIN_CHUNK)
        r_idx = chunk[local].astype(np.int64)
        v_idx = found["j"].astype(np.int64)
        km = encoded.distances(r_idx, v_idx)
        keep = km <= radius
        r_idx, v_idx, km, local = r_idx[keep], v_idx[keep], km[keep], local[keep]
        masks = encoded.failure_masks(r_idx, v_idx, km)
        # Grouped by recipient (the chunk is sorted, so by recipient index); the
        # order within a recipient does not matter to the counts and advice.  A
        # stable sort on the int16 position is a radix sort: lexsort((km, r_idx))
        # took 1 s of the 2.4 s at 50k.
        order = np.argsort(local, kind="stable")
        out.update(_no_feasible_chunk(encoded, chunk, v_idx[order], km[order], masks[order], r_idx[order]))
    return out


def _no_feasible_chunk(encoded: EncodedInstance, recipients: np.ndarray, v_idx: np.ndarray, km: np.ndarray,
                       masks: np.ndarray, r_idx: np.ndarray | None = None) -> dict[int, Unassigned]:
    instance = encoded.instance
    radius = explanation_radius_km(instance)
    if r_idx is None:
        r_idx = np.zeros(0, dtype=np.int64)
    starts = np.searchsorted(r_idx, recipients, side="left")
    ends = np.searchsorted(r_idx, recipients, side="right")
    out = {}
    for r, s, e in zip(recipients.tolist(), starts.tolist(), ends.tolist()):
        recipient = instance.recipients[r]
        need = recipient.volunteers_needed
        m, dist = masks[s:e], km[s:e]
        allowed = int(np.count_nonzero(m == 0))
        # Filter in spec order; the rule after which fewer than `need` remain is
        # the one that eliminated the last candidates.
        survivors = np.ones(len(m), dtype=bool)
        eliminating = 3  # nobody within the radius at all: distance is the binding rule
        if len(m) >= need:
            for rule in RULE_NAMES:
                survivors &= (m & (1 << (rule - 1))) == 0
                if np.count_nonzero(survivors) < need:
                    eliminating = rule
                    break
        advice: list[dict[str, Any]] = []
        phrases = []
        for rule in RULE_NAMES:
            only_this = m == (1 << (rule - 1))
            extra = int(np.count_nonzero(only_this))
            if extra == 0:
                continue
            if rule == 3:
                # Smallest cap (0.1 km steps) that reaches `need` candidates.
                extra_km = np.sort(dist[only_this])
                k = min(len(extra_km), max(1, need - allowed))
                reach = float(extra_km[k - 1])
                to_km = math.ceil(reach * 10) / 10
                if to_km < reach:  # the division can land a hair below the distance
                    to_km = round(to_km + 0.1, 1)
                gained = int(np.count_nonzero(extra_km <= to_km))
                advice.append({"relax": "max_km", "rule": 3, "to_km": to_km, "candidates": allowed + gained})
                phrases.append(f"将距离上限放宽到 {to_km:g} km 可得 {allowed + gained} 名候选 "
                               f"(extending the distance cap to {to_km:g} km gives {allowed + gained})")
            else:
                advice.append({"relax": RULE_NAMES[rule], "rule": rule, "candidates": allowed + extra})
                phrases.append(f"放宽{RULE_LABELS[rule].split(' ')[0]}可得 {allowed + extra} 名候选 "
                               f"(relaxing the {RULE_NAMES[rule]} requirement gives {allowed + extra})")
        detail = (f"{radius:g} km 内 {len(m)} 名志愿者, 允许 {allowed} 名, 需要 {need} 名; "
                  f"最后的候选被{RULE_LABELS[eliminating]}排除 "
                  f"({len(m)} volunteers within {radius:g} km, {allowed} allowed, {need} needed; "
                  f"rule {eliminating} ({RULE_NAMES[eliminating]}) eliminated the last candidates)")
        if phrases:
            detail += "; " + "; ".join(phrases)
        out[r] = Unassigned(instance.recipients[r].id, "no_feasible_volunteer", detail,
                            advice=tuple(advice),
                            counts={"within_km": radius, "volunteers": len(m), "allowed": allowed, "needed": need,
                                    "eliminated_by": RULE_NAMES[eliminating]})
    return out


def explain_unassigned(encoded: EncodedInstance, all_edges: Edges, chosen: Edges,
                       forbidden: Iterable[tuple[str, str]] = ()) -> tuple[Unassigned, ...]:
    """An :class:`Unassigned` entry, with reason and detail, for every uncovered recipient."""
    instance = encoded.instance
    n_r = encoded.n_recipients
    covered = np.zeros(n_r, dtype=bool)
    covered[chosen.r] = True
    allowed_count = np.bincount(all_edges.r, minlength=n_r)
    uncovered = np.flatnonzero(~covered)
    hopeless = uncovered[allowed_count[uncovered] < encoded.r_needed[uncovered]]
    result = _no_feasible(encoded, hopeless) if len(hopeless) else {}
    load = np.bincount(chosen.v, minlength=encoded.n_volunteers)
    served_by: dict[int, list[int]] = defaultdict(list)
    for r, v in zip(chosen.r.tolist(), chosen.v.tolist()):
        served_by[v].append(r)
    starts = np.searchsorted(all_edges.r, uncovered, side="left")
    ends = np.searchsorted(all_edges.r, uncovered, side="right")
    for r, s, e in zip(uncovered.tolist(), starts.tolist(), ends.tolist()):
        if r in result:
            continue
        recipient = instance.recipients[r]
        need = recipient.volunteers_needed
        value = int(encoded.r_value[r])
        profit, vols = all_edges.profit[s:e], all_edges.v[s:e]
        order = np.lexsort((vols, -profit))
        profit, vols = profit[order], vols[order]
        best_total = value + int(profit[:need].sum())
        free = load[vols] < encoded.v_capacity[vols]
        free_total = value + int(profit[free][:need].sum()) if np.count_nonzero(free) >= need else None
        if best_total <= 0:
            result[r] = Unassigned(recipient.id, "not_worth_cost",
                                   f"价值 {value} 不足以抵消任何允许组合的成本, 最佳合计 {best_total} "
                                   f"(value {value} does not cover the cost of any allowed team; "
                                   f"best total {best_total})", counts={"value": value, "best_total": best_total})
            continue
        # The capacity that mattered: full volunteers better than the free ones.
        full = [int(v) for v in vols[~free]][:TAKEN_BY_LIMIT]
        taken_by = {instance.volunteers[v].id: tuple(instance.recipients[x].id for x in sorted(served_by[v]))
                    for v in full}
        names = "; ".join(f"{vid} → {', '.join(rids)}" for vid, rids in taken_by.items())
        free_count = int(np.count_nonzero(free))
        detail = (f"{len(vols)} 名允许的志愿者中 {free_count} 名尚有余量, 需要 {need} 名; 容量被占用: {names} "
                  f"({len(vols)} allowed volunteers, {free_count} with capacity left, {need} needed; "
                  f"capacity taken by: {names})")
        counts = {"allowed": len(vols), "free": free_count, "needed": need}
        if free_total is not None and free_total <= 0:
            detail += (f"; 剩余志愿者组合合计 {free_total}, 不值得 "
                       f"(the free volunteers would total {free_total}, not worth it)")
            counts["free_total"] = free_total
        result[r] = Unassigned(recipient.id, "capacity_taken", detail, taken_by=taken_by, counts=counts)
    return tuple(result[r] for r in uncovered.tolist())


@dataclass(frozen=True)
class Explanation:
    """Answer to "why not volunteer V for recipient R?".

    ``verdict`` is ``assigned``, ``forbidden`` (hard rules in ``rules``),
    ``capacity_taken`` (V's capacity went to ``taken_by``) or ``worse`` (the best
    plan with the pair is ``delta`` points lower).
    """

    recipient: str
    volunteer: str
    verdict: str
    detail: str
    rules: tuple[RuleFailure, ...] = ()
    taken_by: tuple[str, ...] = ()
    delta: int | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)


def why_not(instance: Instance, plan: Plan, recipient_id: str, volunteer_id: str, *,
            forbidden: Sequence[tuple[str, str]] = (), time_limit_s: float = 10.0) -> Explanation:
    """Why is ``volunteer_id`` not serving ``recipient_id`` in ``plan``?

    Names every hard rule that fails, with its figures; for an allowed pair, the
    recipients that took the volunteer's capacity and how many points the best
    plan containing the pair loses (found by re-solving with the pair pinned).
    """
    from .model import MatchError, solve

    recipient, volunteer = instance.recipient(recipient_id), instance.volunteer(volunteer_id)
    km = distance_km(recipient, volunteer)
    facts = {"km": round(km, 2), "pair_profit": pair_profit(instance, recipient, volunteer)}
    if (recipient_id, volunteer_id) in plan.pairs():
        return Explanation(recipient_id, volunteer_id, "assigned",
                           f"{volunteer_id} 已服务 {recipient_id} ({volunteer_id} already serves {recipient_id})",
                           facts=facts)
    failures = tuple(pair_failures(instance, recipient, volunteer, forbidden))
    if failures:
        text = "; ".join(f"rule {f.rule} ({f.name}): {f.detail}" for f in failures)
        return Explanation(recipient_id, volunteer_id, "forbidden", text, rules=failures, facts=facts)
    serves = tuple(sorted(a.recipient for a in plan.assignments if a.volunteer == volunteer_id))
    full = len(serves) >= volunteer.capacity
    try:
        pinned_plan = solve(instance, time_limit_s=time_limit_s, pinned=[(recipient_id, volunteer_id)],
                            forbidden=forbidden)
        delta: int | None = plan.objective - pinned_plan.objective
    except MatchError:
        delta = None
    loss = (f"; 含此配对的最佳方案低 {delta} 分 (the best plan with this pair is {delta} points lower)"
            if delta is not None else "")
    if full:
        names = ", ".join(serves)
        return Explanation(recipient_id, volunteer_id, "capacity_taken",
                           f"{volunteer_id} 的容量 {volunteer.capacity} 已用于 {names} "
                           f"({volunteer_id}'s capacity of {volunteer.capacity} went to {names})" + loss,
                           taken_by=serves, delta=delta, facts=facts)
    return Explanation(recipient_id, volunteer_id, "worse",
                       f"方案不含此配对更好, 差 {delta} 分 (the plan is better without the pair by {delta} points)",
                       delta=delta, facts=facts)
