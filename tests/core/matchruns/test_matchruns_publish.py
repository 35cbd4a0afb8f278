"""Runs, publishing and its guards: stale scopes, concurrent publishes, declines, re-runs, dry runs."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from matchruns_builders import LAT, LONGFENG, SARTU, TODAY
from sqlalchemy import func, select

from core.matchruns import services
from core.matchruns.models import MatchNotification, MatchRun
from core.matchruns.services import Actor, MatchRunError, PublishConflict, StaleRunError
from core.models import Assignment, AuditEvent, LedgerEntry

YOUTH_COORDINATOR = Actor(id=None, role="coordinator", board="youth_league", region_code="230600")


def _run(session, platform, actor=services.SYSTEM, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("region", SARTU)
    kwargs.setdefault("boards", ["youth_league"])
    kwargs.setdefault("time_limit_s", 5)
    run = services.create_run(session, platform.boards, platform.boards.enabled(session), actor, **kwargs)
    services.solve_run(session, run.id)
    session.refresh(run)
    assert run.status == "draft", run.error
    return run


def _count(session, model, *where) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _pairs(session, state: str) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    rows = session.execute(select(Assignment.need_id, Assignment.volunteer_id).where(Assignment.state == state))
    return {tuple(r) for r in rows}


def test_publish_proposes_new_pairs_keeps_current_ones_and_ends_dropped_ones(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    kept_need, new_need, dropped_need = make.need(), make.need(), make.need()
    kept_vol, new_vol = make.volunteer(capacity=1), make.volunteer(capacity=1)
    gone_vol = make.volunteer(state="paused")
    make.assignment(kept_need, kept_vol, "accepted")
    make.assignment(dropped_need, gone_vol, "accepted")
    session.commit()
    run = _run(session, platform)
    summary = services.summarise(session, run)
    counts = summary["diff"]["counts"]
    # new_vol goes to new_need (new) or to dropped_need (moved from the paused volunteer)
    assert counts["kept"] == 1 and counts["new"] + counts["moved"] == 1 and counts["ended"] + counts["moved"] == 1
    result = services.publish_run(session, services.SYSTEM, run.id)
    assert result.kept == [(kept_need.id, kept_vol.id)]
    assert result.ended == [(dropped_need.id, gone_vol.id)]
    assert len(result.created) == 1 and result.created[0][1] == new_vol.id
    assert result.created[0][0] in (new_need.id, dropped_need.id)
    session.expire_all()
    assert _pairs(session, "accepted") == {(kept_need.id, kept_vol.id)}
    assert _pairs(session, "proposed") == set(result.created)
    ended = session.execute(select(Assignment).where(Assignment.state == "ended")).scalar_one()
    assert (ended.need_id, ended.volunteer_id, ended.ended_on) == (dropped_need.id, gone_vol.id, TODAY)
    entries = session.execute(select(LedgerEntry).where(LedgerEntry.kind == "assignment")
                              .order_by(LedgerEntry.id)).scalars().all()
    assert len(entries) == 2
    by_change = {e.data["change"]: e for e in entries}
    assert by_change["new"].person_id == session.get(type(new_need), result.created[0][0]).person_id
    assert by_change["ended"].person_id == dropped_need.person_id
    assert by_change["ended"].data["match_run"] == run.id
    notified = {n.volunteer_id: n.data for n in session.execute(select(MatchNotification)).scalars()}
    assert notified == {new_vol.id: {"new": [result.created[0][0]], "ended": []},
                        gone_vol.id: {"new": [], "ended": [dropped_need.id]}}
    assert session.get(MatchRun, run.id).status == "published"
    assert _count(session, AuditEvent, AuditEvent.action == "match_publish") == 1
    with pytest.raises(MatchRunError, match="already published"):
        services.publish_run(session, services.SYSTEM, run.id)


def test_a_stale_run_is_refused_and_changes_nothing(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    need = make.need()
    volunteer = make.volunteer()
    session.commit()
    run = _run(session, platform)
    # meanwhile someone assigns by hand
    make.assignment(need, make.volunteer(), "proposed")
    session.commit()
    before = (_count(session, Assignment), _count(session, LedgerEntry), _count(session, MatchNotification))
    assert services.summarise(session, run)["stale"] is True
    with pytest.raises(StaleRunError, match="changed since the run started"):
        services.publish_run(session, services.SYSTEM, run.id)
    session.expire_all()
    assert (_count(session, Assignment), _count(session, LedgerEntry), _count(session, MatchNotification)) == before
    assert session.get(MatchRun, run.id).status == "draft"
    assert volunteer.id not in {v for _, v in _pairs(session, "proposed")}


def test_a_lapsed_background_check_between_run_and_publish_makes_the_run_stale(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    make.need(category="left_behind_child", birth_date=TODAY.replace(year=TODAY.year - 9))
    make.volunteer(background_check_clear=True, background_checked_on=TODAY - dt.timedelta(days=365))
    session.commit()
    run = _run(session, platform)
    assert run.plan["assignments"]
    with pytest.raises(StaleRunError):
        services.publish_run(session, services.SYSTEM, run.id, today=TODAY + dt.timedelta(days=1))


def test_two_concurrent_publishes_on_one_scope_exactly_one_wins(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    needs = [make.need() for _ in range(3)]
    vols = [make.volunteer(capacity=3) for _ in range(2)]
    session.commit()
    first = _run(session, platform)
    second = _run(session, platform, forbidden=[[f"n{needs[0].id}", f"v{v.id}"] for v in vols[:1]])
    assert first.scope_version == second.scope_version
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def publish(run_id: int) -> None:
        with platform.session() as own:
            barrier.wait()
            try:
                outcomes[run_id] = services.publish_run(own, services.SYSTEM, run_id)
            except MatchRunError as exc:
                outcomes[run_id] = exc

    threads = [threading.Thread(target=publish, args=(r.id,)) for r in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    wins = [r for r, o in outcomes.items() if isinstance(o, services.PublishResult)]
    losses = [o for o in outcomes.values() if isinstance(o, MatchRunError)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    assert isinstance(losses[0], PublishConflict)
    session.expire_all()
    winner = outcomes[wins[0]]
    assert _pairs(session, "proposed") == set(winner.created)  # type: ignore[attr-defined]
    assert _count(session, LedgerEntry, LedgerEntry.kind == "assignment") == len(winner.created)  # type: ignore[attr-defined]
    statuses = {r.id: r.status for r in session.execute(select(MatchRun)).scalars()}
    assert sorted(statuses.values()) == ["published", "superseded"]


def test_concurrent_publishes_on_overlapping_scopes_are_serialised(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    make.need()
    make.volunteer()
    session.commit()
    district = _run(session, platform)
    city = _run(session, platform, region="230600")
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def publish(run_id: int) -> None:
        with platform.session() as own:
            barrier.wait()
            try:
                outcomes[run_id] = services.publish_run(own, services.SYSTEM, run_id)
            except MatchRunError as exc:
                outcomes[run_id] = exc

    threads = [threading.Thread(target=publish, args=(r.id,)) for r in (district, city)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # different lock keys, but the board row serialises them and the loser sees the winner's rows
    kinds = sorted(type(o).__name__ for o in outcomes.values())
    assert kinds == ["PublishResult", "StaleRunError"], outcomes
    session.expire_all()
    assert len(_pairs(session, "proposed")) == 1


def test_a_decline_excludes_the_pair_from_the_next_run(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    need = make.need()
    near = make.volunteer()
    far = make.volunteer(lat=LAT + 0.05)
    session.commit()
    run = _run(session, platform)
    assert {(a["recipient"], a["volunteer"]) for a in run.plan["assignments"]} == {(f"n{need.id}", f"v{near.id}")}
    services.publish_run(session, services.SYSTEM, run.id)
    proposed = session.execute(select(Assignment).where(Assignment.state == "proposed")).scalar_one()
    proposed.state = "declined"  # the volunteer says no
    session.commit()
    again = _run(session, platform)
    recipient = next(r for r in again.instance["recipients"] if r["id"] == f"n{need.id}")
    assert recipient["excluded_volunteers"] == [f"v{near.id}"]
    assert {(a["recipient"], a["volunteer"]) for a in again.plan["assignments"]} == {(f"n{need.id}", f"v{far.id}")}


def test_forbid_and_pin_make_a_child_run_and_supersede_the_draft(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    need = make.need()
    near, far = make.volunteer(), make.volunteer(lat=LAT + 0.05)
    stranger = make.volunteer(skills=[], slots=["sun_eve"])
    session.commit()
    run = _run(session, platform)
    enabled = platform.boards.enabled(session)
    child = services.rerun(session, platform.boards, enabled, services.SYSTEM, run,
                           forbid=[f"n{need.id}", f"v{near.id}"])
    services.solve_run(session, child.id)
    session.refresh(child)
    assert child.parent_id == run.id and session.get(MatchRun, run.id).status == "superseded"
    assert child.plan["assignments"][0]["volunteer"] == f"v{far.id}"
    with pytest.raises(MatchRunError, match="cannot be pinned"):
        services.rerun(session, platform.boards, enabled, services.SYSTEM, child, pin=[f"n{need.id}", f"v{stranger.id}"])
    assert _count(session, MatchRun) == 2


def test_dry_run_of_a_weight_change_counts_the_moves_and_saves_nothing(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    need = make.need()
    current = make.volunteer(lat=LAT + 0.05)  # about 5.6 km away
    near = make.volunteer()
    make.assignment(need, current, "accepted")
    session.commit()
    run = _run(session, platform)
    assert run.plan["assignments"][0]["volunteer"] == f"v{current.id}"  # continuity 150 > 11 km points
    answer = services.dry_run_weights(run, {"continuity": 0})
    assert (answer["would_move"], answer["would_add"], answer["recipients_changed"]) == (1, 1, 1)
    assert services.dry_run_weights(run, {})["would_move"] == 0
    session.refresh(run)
    assert run.plan["assignments"][0]["volunteer"] == f"v{current.id}"
    assert near.id


def test_coordinators_run_only_their_own_board_and_area(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    make.need()
    session.commit()
    enabled = platform.boards.enabled(session)
    women = Actor(id=None, role="coordinator", board="womens_federation", region_code="230600")
    with pytest.raises(services.AccessDenied):
        services.create_run(session, platform.boards, enabled, women, region=SARTU, boards=["youth_league"])
    local = Actor(id=None, role="coordinator", board="youth_league", region_code=LONGFENG)
    with pytest.raises(services.AccessDenied):
        services.create_run(session, platform.boards, enabled, local, region=SARTU, boards=["youth_league"])
    with pytest.raises(MatchRunError, match="not an enabled care board"):
        services.create_run(session, platform.boards, enabled, services.SYSTEM, region=SARTU, boards=["civil_affairs"])
    run = _run(session, platform, actor=YOUTH_COORDINATOR)
    assert services.can_see(YOUTH_COORDINATOR, run) and not services.can_see(women, run)
    with pytest.raises(services.NotFound):
        services.get_run(session, women, run.id)


def test_the_background_thread_solves_with_its_own_session(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    make.need()
    make.volunteer()
    session.commit()
    run = services.create_run(session, platform.boards, platform.boards.enabled(session), services.SYSTEM,
                              region=SARTU, boards=["youth_league"], time_limit_s=5)
    assert run.status == "running"
    thread = services.start_solve(platform.sessions, run.id)
    assert thread is not None
    thread.join(60)
    session.expire_all()
    assert session.get(MatchRun, run.id).status == "draft"


def test_a_team_need_gets_both_volunteers_or_none(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    team = make.need(volunteers_needed=2, risk=3)
    first, second = make.volunteer(), make.volunteer()
    session.commit()
    run = _run(session, platform)
    result = services.publish_run(session, services.SYSTEM, run.id)
    assert sorted(result.created) == [(team.id, first.id), (team.id, second.id)]
    assert sorted(result.notified) == [first.id, second.id]


def test_a_run_whose_solver_died_is_marked_failed(session, platform, make) -> None:  # type: ignore[no-untyped-def]
    make.need()
    session.commit()
    run = services.create_run(session, platform.boards, platform.boards.enabled(session), services.SYSTEM,
                              region=SARTU, boards=["youth_league"], time_limit_s=5)
    run.created_at = run.created_at - dt.timedelta(hours=1)
    session.commit()
    assert services.fail_abandoned(session) == 1
    assert session.get(MatchRun, run.id).status == "failed"
    with pytest.raises(MatchRunError, match="only a finished draft"):
        services.publish_run(session, services.SYSTEM, run.id)
