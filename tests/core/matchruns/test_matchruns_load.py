"""The instance built from the database: safeguards, continuity, exclusions and scope."""

from __future__ import annotations

import datetime as dt

from core.matchruns.load import Scope, build_instance, fingerprint, read_scope, region_prefix
from core.matchruns.settings import all_settings
from core.models import Region

from matchruns_builders import LONGFENG, SARTU, TODAY

YOUTH = ("youth_league",)


def _instance(session, region=SARTU, boards=YOUTH, categories=(), as_of=TODAY):  # type: ignore[no-untyped-def]
    rows = read_scope(session, Scope(region, tuple(boards), tuple(categories)))
    return build_instance(rows, all_settings(session, list(boards)), as_of)


def test_background_check_must_be_clear_and_at_most_a_year_old(session, make) -> None:  # type: ignore[no-untyped-def]
    fresh = make.volunteer(background_check_clear=True, background_checked_on=TODAY - dt.timedelta(days=365))
    expired = make.volunteer(background_check_clear=True, background_checked_on=TODAY - dt.timedelta(days=366))
    not_clear = make.volunteer(background_check_clear=False, background_checked_on=TODAY)
    never = make.volunteer(background_check_clear=True)
    child = make.need(category="left_behind_child", birth_date=TODAY.replace(year=TODAY.year - 10),
                      needs_background_check=False)
    instance, notes = _instance(session)
    flags = {v.id: v.background_check for v in instance.volunteers}
    assert flags == {f"v{fresh.id}": True, f"v{expired.id}": False, f"v{not_clear.id}": False,
                     f"v{never.id}": False}
    assert {"kind": "background_check_expired", "volunteer": expired.id,
            "checked_on": str(expired.background_checked_on)} in notes
    # every minor needs a checked volunteer, whatever the need row says
    assert instance.recipient(f"n{child.id}").needs_background_check is True
    # judged on the run date: a year later the fresh check has lapsed too
    later, _ = _instance(session, as_of=TODAY + dt.timedelta(days=1))
    assert later.volunteer(f"v{fresh.id}").background_check is False


def test_volunteers_under_18_lose_the_counselling_skills(session, make) -> None:  # type: ignore[no-untyped-def]
    seventeen = make.volunteer(birth_date=TODAY.replace(year=TODAY.year - 17),
                               skills=["psych_counselling", "grief_counselling", "companionship"])
    adult = make.volunteer(birth_date=TODAY.replace(year=TODAY.year - 18),
                           skills=["psych_counselling", "companionship"])
    make.need(required_skills=["psych_counselling"])
    instance, notes = _instance(session)
    assert instance.volunteer(f"v{seventeen.id}").skills == frozenset({"companionship"})
    assert instance.volunteer(f"v{adult.id}").skills == frozenset({"psych_counselling", "companionship"})
    assert {"kind": "minor_volunteer_counselling_removed", "volunteer": seventeen.id} in notes


def test_accepted_assignments_give_continuity_and_declines_exclude(session, make) -> None:  # type: ignore[no-untyped-def]
    need = make.need()
    kept, proposed, declined, ended = (make.volunteer() for _ in range(4))
    make.assignment(need, kept, "accepted")
    make.assignment(need, proposed, "proposed")
    make.assignment(need, declined, "declined")
    make.assignment(need, ended, "ended")
    instance, _ = _instance(session)
    recipient = instance.recipient(f"n{need.id}")
    assert recipient.current_volunteers == (f"v{kept.id}",)
    assert recipient.excluded_volunteers == (f"v{declined.id}",)


def test_a_household_member_is_never_matched_to_their_own_household(session, make) -> None:  # type: ignore[no-untyped-def]
    need = make.need()
    relative = make.volunteer(id_number="230602199001010011")
    need.person.id_number = "230602199001010011"
    session.flush()
    instance, _ = _instance(session)
    assert instance.recipient(f"n{need.id}").excluded_volunteers == (f"v{relative.id}",)


def test_scope_filters_by_region_prefix_board_state_and_category(session, make) -> None:  # type: ignore[no-untyped-def]
    session.add(Region(code="230602001", name="街道", level="street", parent_code=SARTU))
    session.flush()
    in_street = make.need(region="230602001")
    in_sartu = make.need()
    in_longfeng = make.need(region=LONGFENG)
    child = make.need(category="left_behind_child")
    make.need(board="womens_federation")
    make.need(status="proposed")
    v_sartu = make.volunteer()
    v_longfeng = make.volunteer(region=LONGFENG)
    make.volunteer(board="womens_federation")
    make.volunteer(state="paused")

    def ids(instance):  # type: ignore[no-untyped-def]
        return {r.id for r in instance.recipients}, {v.id for v in instance.volunteers}

    assert ids(_instance(session)[0]) == ({f"n{in_street.id}", f"n{in_sartu.id}", f"n{child.id}"},
                                          {f"v{v_sartu.id}"})
    assert ids(_instance(session, region="230602001")[0])[0] == {f"n{in_street.id}"}
    city_needs, city_vols = ids(_instance(session, region="230600")[0])
    assert city_needs == {f"n{n.id}" for n in (in_street, in_sartu, in_longfeng, child)}
    assert city_vols == {f"v{v_sartu.id}", f"v{v_longfeng.id}"}
    assert ids(_instance(session, categories=("left_behind_child",))[0])[0] == {f"n{child.id}"}
    assert region_prefix(session, "230600") == "2306"
    assert region_prefix(session, "230602001") == "230602001"


def test_capacity_already_promised_outside_the_scope_is_not_offered_again(session, make) -> None:  # type: ignore[no-untyped-def]
    volunteer = make.volunteer(capacity=2, region=SARTU)
    elsewhere = make.need(region=LONGFENG)
    make.assignment(elsewhere, volunteer, "accepted")
    make.need()
    instance, notes = _instance(session)
    assert instance.volunteer(f"v{volunteer.id}").capacity == 1
    assert {"kind": "capacity_used_elsewhere", "volunteer": volunteer.id, "count": 1} in notes


def test_needs_without_location_or_matchable_category_are_reported_not_dropped(session, make) -> None:  # type: ignore[no-untyped-def]
    other = make.need(category="other")
    nowhere = make.need()
    nowhere.person.household.lat = None
    session.flush()
    instance, notes = _instance(session)
    assert instance.recipients == ()
    assert {"kind": "need_skipped", "need": other.id, "reason": "category_not_matched"} in notes
    assert {"kind": "need_skipped", "need": nowhere.id, "reason": "no_location"} in notes


def test_the_fingerprint_moves_with_assignments_and_states_only(session, make) -> None:  # type: ignore[no-untyped-def]
    need = make.need()
    volunteer = make.volunteer()
    scope = Scope(SARTU, YOUTH)
    before = fingerprint(read_scope(session, scope), TODAY)
    assert fingerprint(read_scope(session, scope), TODAY) == before
    row = make.assignment(need, volunteer, "proposed")
    after = fingerprint(read_scope(session, scope), TODAY)
    assert after != before
    row.state = "declined"
    session.flush()
    assert fingerprint(read_scope(session, scope), TODAY) != after
    # a volunteer of another district does not concern this scope
    make.volunteer(region=LONGFENG)
    assert fingerprint(read_scope(session, scope), TODAY) == fingerprint(read_scope(session, scope), TODAY)
