"""Independent checks of a plan: validity (spec "valid plan") and the objective.

Deliberately written with plain Python loops and the per-pair rule functions,
not the vectorised builder, so it can catch mistakes in the fast path.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .edges import pair_failures, pair_profit
from .instance import STATUSES, UNASSIGNED_REASONS, Instance, Plan


def plan_objective(instance: Instance, plan: Plan) -> int:
    """Recompute the spec's objective: each covered recipient's value once, plus pair terms."""
    weights = instance.params.weights
    total = 0
    covered = set()
    for a in plan.assignments:
        recipient, volunteer = instance.recipient(a.recipient), instance.volunteer(a.volunteer)
        total += pair_profit(instance, recipient, volunteer)
        covered.add(recipient.id)
    total += sum(weights.risk[instance.recipient(rid).risk] for rid in covered)
    return total


def validate_plan(instance: Instance, plan: Plan) -> list[str]:
    """Every way ``plan`` breaks the spec for ``instance``; an empty list means valid."""
    problems: list[str] = []
    recipient_ids = {r.id for r in instance.recipients}
    volunteer_ids = {v.id for v in instance.volunteers}
    team: dict[str, list[str]] = defaultdict(list)
    load: Counter[str] = Counter()
    for a in plan.assignments:
        if a.recipient not in recipient_ids or a.volunteer not in volunteer_ids:
            problems.append(f"unknown id in assignment {a.recipient}–{a.volunteer}")
            continue
        if a.volunteer in team[a.recipient]:
            problems.append(f"duplicate pair {a.recipient}–{a.volunteer}")
        team[a.recipient].append(a.volunteer)
        load[a.volunteer] += 1
        for failure in pair_failures(instance, instance.recipient(a.recipient), instance.volunteer(a.volunteer)):
            problems.append(f"pair {a.recipient}–{a.volunteer} breaks rule {failure.rule}: {failure.detail}")
    for vid, count in sorted(load.items()):
        if count > instance.volunteer(vid).capacity:
            problems.append(f"volunteer {vid} has {count} recipients, capacity {instance.volunteer(vid).capacity}")
    for rid, members in sorted(team.items()):
        if rid in recipient_ids and len(set(members)) != instance.recipient(rid).volunteers_needed:
            problems.append(f"recipient {rid} has {len(set(members))} volunteers, "
                            f"needs 0 or {instance.recipient(rid).volunteers_needed}")
    unassigned = Counter(u.recipient for u in plan.unassigned)
    for rid in sorted(recipient_ids):
        appearances = (1 if rid in team else 0) + unassigned[rid]
        if appearances != 1:
            problems.append(f"recipient {rid} appears {appearances} times (assigned or unassigned), expected once")
    for rid in sorted(set(unassigned) - recipient_ids):
        problems.append(f"unknown recipient {rid} in unassigned")
    for u in plan.unassigned:
        if u.reason not in UNASSIGNED_REASONS:
            problems.append(f"unassigned {u.recipient} has unknown reason {u.reason!r}")
    if plan.status not in STATUSES:
        problems.append(f"unknown status {plan.status!r}")
    if not problems:
        recomputed = plan_objective(instance, plan)
        if recomputed != plan.objective:
            problems.append(f"claimed objective {plan.objective} != recomputed {recomputed}")
        if plan.bound < plan.objective:
            problems.append(f"bound {plan.bound} < objective {plan.objective}")
        if plan.status == "optimal" and plan.bound != plan.objective:
            problems.append(f"status optimal but bound {plan.bound} != objective {plan.objective}")
    return problems
