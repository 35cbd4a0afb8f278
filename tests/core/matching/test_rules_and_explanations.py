"""Each hard rule binding on its own, and the explanations that name it."""

from __future__ import annotations

import pytest

from core.matching import MatchError, haversine_km, load_instance, plan_objective, solve, validate_plan, why_not
from core.matching.instance import plan_from_json
from matching_builders import BASE_LAT, BASE_LON, instance_doc, north, recipient, volunteer

# One hand-made instance per rule: the pair r1–v1 is allowed except for that rule.
RULE_CASES = {
    1: ({}, {"required_skills": ["grief_counselling", "psych_counselling"]}, "skills"),
    2: ({"background_check": False}, {"needs_background_check": True}, "background_check"),
    3: ({"lat": north(6.0), "max_km": 5.0}, {}, "max_km"),
    4: ({"slots": ["sat_pm"]}, {"slots": ["mon_am"]}, "slots"),
    5: ({"gender": "M"}, {"gender_pref": "F", "gender_hard": True}, "gender"),
    6: ({"languages": ["zh"]}, {"languages": ["mn"], "language_hard": True}, "language"),
    7: ({}, {"excluded_volunteers": ["v1"]}, "excluded"),
}


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_each_rule_is_binding_and_named(rule: int) -> None:
    v_over, r_over, name = RULE_CASES[rule]
    instance = load_instance(instance_doc([volunteer("v1", **v_over)], [recipient("r1", **r_over)]))
    plan = solve(instance)
    assert plan.assignments == () and plan.status == "optimal" and plan.objective == 0
    (entry,) = plan.unassigned
    assert entry.reason == "no_feasible_volunteer"
    assert f"rule {rule} ({name}) eliminated the last candidates" in entry.detail
    # the same figures as data, for pages in the reader's language; they survive the JSON
    assert entry.counts["eliminated_by"] == name and (entry.counts["allowed"], entry.counts["needed"]) == (0, 1)
    assert plan_from_json(plan.to_json()).unassigned[0].counts == entry.counts
    # Relaxing exactly the binding rule restores the one candidate.
    assert [a["relax"] for a in entry.advice] == [name]
    assert entry.advice[0]["candidates"] == 1
    answer = why_not(instance, plan, "r1", "v1")
    assert answer.verdict == "forbidden"
    assert [f.rule for f in answer.rules] == [rule]
    assert f"rule {rule} ({name})" in answer.detail


def test_same_instances_without_the_rule_are_matched() -> None:
    """Guard against the per-rule cases failing for another reason."""
    instance = load_instance(instance_doc([volunteer("v1")], [recipient("r1")]))
    plan = solve(instance)
    assert plan.pairs() == {("r1", "v1")}
    assert plan.objective == 1000 - round(2 * haversine_km(north(1.0), BASE_LON, BASE_LAT, BASE_LON))


def test_distance_cap_uses_the_global_cap_too() -> None:
    doc = instance_doc([volunteer("v1", lat=north(6.0), max_km=20.0)], [recipient("r1")], max_km=5.0)
    plan = solve(load_instance(doc))
    assert plan.unassigned[0].reason == "no_feasible_volunteer"
    why = why_not(load_instance(doc), plan, "r1", "v1")
    assert "6.00 km exceeds the cap of 5 km" in why.detail


def test_gender_and_language_hard_without_preference_constrain_nothing() -> None:
    doc = instance_doc([volunteer("v1", gender="M", languages=[])],
                       [recipient("r1", gender_hard=True, language_hard=True)])
    assert solve(load_instance(doc)).pairs() == {("r1", "v1")}


def test_advice_counts_for_a_language_hard_team() -> None:
    """Worked by hand: 4 nearby volunteers lack Mongolian; 2 Mongolian speakers sit
    at 6.03 km and 9.96 km with a 5 km personal cap.  The team needs 2."""
    vols = [volunteer(f"zh{i}", languages=["zh"]) for i in range(4)]
    vols += [volunteer("mn1", lat=north(6.03), languages=["mn", "zh"], max_km=5.0),
             volunteer("mn2", lat=north(9.96), languages=["mn"], max_km=5.0)]
    doc = instance_doc(vols, [recipient("r1", languages=["mn"], language_hard=True, volunteers_needed=2)])
    (entry,) = solve(load_instance(doc)).unassigned
    assert entry.reason == "no_feasible_volunteer"
    assert list(entry.advice) == [
        {"relax": "max_km", "rule": 3, "to_km": 10.0, "candidates": 2},
        {"relax": "language", "rule": 6, "candidates": 4},
    ]
    assert "relaxing the language requirement gives 4" in entry.detail
    assert "extending the distance cap to 10 km gives 2" in entry.detail
    # Spec order: after rule 3, no Mongolian speaker is in reach ... but 4 remain;
    # rule 6 then removes the last ones.
    assert "rule 6 (language) eliminated the last candidates" in entry.detail


def test_capacity_taken_names_who_took_it() -> None:
    doc = instance_doc([volunteer("v1")], [recipient("high", risk=3), recipient("low", risk=1)])
    instance = load_instance(doc)
    plan = solve(instance)
    assert plan.pairs() == {("high", "v1")}
    (entry,) = plan.unassigned
    assert entry.reason == "capacity_taken"
    assert dict(entry.taken_by) == {"v1": ("high",)}
    assert "v1 → high" in entry.detail
    assert dict(entry.counts) == {"allowed": 1, "free": 0, "needed": 1}
    answer = why_not(instance, plan, "low", "v1")
    assert answer.verdict == "capacity_taken" and answer.taken_by == ("high",)
    assert answer.delta == 900  # swapping in the risk-1 recipient loses 1000 - 100


def test_capacity_taken_for_a_team_names_both_partners() -> None:
    vols = [volunteer("v1"), volunteer("v2", lat=north(1.5)), volunteer("v3", lat=north(2.0))]
    recs = [recipient("team", volunteers_needed=2, risk=1),
            recipient("a", risk=3), recipient("b", risk=3)]
    plan = solve(load_instance(instance_doc(vols, recs)))
    (entry,) = plan.unassigned
    assert entry.recipient == "team" and entry.reason == "capacity_taken"
    served = {v: (r,) for r, v in plan.pairs()}
    assert dict(entry.taken_by) == {v: served[v] for v in entry.taken_by}
    assert len(entry.taken_by) == 2


def test_not_worth_cost() -> None:
    doc = instance_doc([volunteer("v1", lat=north(3.0))], [recipient("r1", risk=1)],
                       weights={"km": 50})
    plan = solve(load_instance(doc))
    assert plan.assignments == ()
    assert plan.unassigned[0].reason == "not_worth_cost"
    # risk 1 is worth 100 points; 50 points a km for 3 km costs 150: best total 100 - 150
    assert dict(plan.unassigned[0].counts) == {"value": 100, "best_total": -50}
    assert plan.objective == plan.bound == 0


def test_why_not_worse_by_n_points() -> None:
    doc = instance_doc([volunteer("near", lat=north(1.0)), volunteer("far", lat=north(5.0))], [recipient("r1")])
    instance = load_instance(doc)
    plan = solve(instance)
    assert plan.pairs() == {("r1", "near")}
    answer = why_not(instance, plan, "r1", "far")
    expected = round(2 * haversine_km(north(5.0), BASE_LON, BASE_LAT, BASE_LON)) - round(
        2 * haversine_km(north(1.0), BASE_LON, BASE_LAT, BASE_LON))
    assert answer.verdict == "worse" and answer.delta == expected == 8
    assert "better without the pair by 8 points" in answer.detail
    assert why_not(instance, plan, "r1", "near").verdict == "assigned"


def test_assignment_reasons() -> None:
    doc = instance_doc([volunteer("v1", languages=["mn", "zh"])],
                       [recipient("r1", current_volunteers=["v1"], gender_pref="F", languages=["mn"])])
    instance = load_instance(doc)
    plan = solve(instance)
    (a,) = plan.assignments
    assert a.reasons == ("continuity", "gender_pref", "language:mn", "grief_counselling")
    assert a.km == pytest.approx(1.0)
    assert plan.objective == 1000 + 150 + 40 + 40 - 2 == plan_objective(instance, plan)


def test_hard_preferences_earn_no_bonus() -> None:
    doc = instance_doc([volunteer("v1", languages=["mn"])],
                       [recipient("r1", gender_pref="F", gender_hard=True, languages=["mn"], language_hard=True)])
    assert solve(load_instance(doc)).objective == 1000 - 2


def test_pinned_and_forbidden() -> None:
    doc = instance_doc([volunteer("near"), volunteer("far", lat=north(5.0))], [recipient("r1")])
    instance = load_instance(doc)
    pinned = solve(instance, pinned=[("r1", "far")])
    assert pinned.pairs() == {("r1", "far")} and pinned.status == "optimal"
    forbidden = solve(instance, forbidden=[("r1", "near")])
    assert forbidden.pairs() == {("r1", "far")}
    with pytest.raises(MatchError, match="rule 7"):
        solve(instance, pinned=[("r1", "near")], forbidden=[("r1", "near")])
    with pytest.raises(MatchError):
        solve(instance, pinned=[("r1", "near"), ("r1", "far")])  # a single recipient cannot take two


def test_pinned_team_member_forces_the_whole_team() -> None:
    vols = [volunteer("v1"), volunteer("v2"), volunteer("v3", lat=north(4.0))]
    instance = load_instance(instance_doc(vols, [recipient("t", volunteers_needed=2, risk=1),
                                                 recipient("s", risk=3)]))
    plan = solve(instance, pinned=[("t", "v1")])
    assert ("t", "v1") in plan.pairs()
    assert validate_plan(instance, plan) == []
    assert sum(1 for r, _ in plan.pairs() if r == "t") == 2


def test_validate_plan_reports_violations() -> None:
    from core.matching import Assignment, Plan

    instance = load_instance(instance_doc([volunteer("v1")], [recipient("r1", volunteers_needed=2),
                                                               recipient("r2")]))
    bad = Plan(objective=5, bound=5, status="optimal",
               assignments=(Assignment("r1", "v1", 1.0), Assignment("r2", "v1", 1.0)), unassigned=())
    problems = validate_plan(instance, bad)
    assert any("capacity 1" in p for p in problems)
    assert any("r1 has 1 volunteers" in p for p in problems)
