"""The pure, database-free care matcher (spec/matching.md).

Load a `carematch.instance/1`, :func:`solve` it exactly where possible, and get a
`carematch.plan/1` whose every decision is explained::

    instance = load_instance("problem.json")
    plan = solve(instance, time_limit_s=30)
    dump_plan(plan, "plan.json")
"""

from .edges import RuleFailure, haversine_km, pair_failures, pair_profit
from .explain import Explanation, why_not
from .instance import (
    Assignment,
    Instance,
    InstanceError,
    InstanceWarning,
    Params,
    Plan,
    Recipient,
    Unassigned,
    Volunteer,
    Weights,
    dump_plan,
    instance_from_json,
    load_instance,
    plan_from_json,
)
from .model import MatchError, solve
from .validate import plan_objective, validate_plan

__all__ = [
    "Assignment", "Explanation", "Instance", "InstanceError", "InstanceWarning", "MatchError",
    "Params", "Plan", "Recipient", "RuleFailure", "Unassigned", "Volunteer", "Weights",
    "dump_plan", "haversine_km", "instance_from_json", "load_instance", "pair_failures",
    "pair_profit", "plan_from_json", "plan_objective", "solve", "validate_plan", "why_not",
]
