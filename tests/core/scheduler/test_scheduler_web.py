"""The jobs page (administrators), the warnings inbox scoped by role, board and region, its
states and counts, the JSON API, and the CLI commands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import scheduler_builders as B
from click.testing import CliRunner
from sqlalchemy import select

from core.models import User
from core.scheduler.models import JobRun
from core.scheduler.warnings import Viewer, open_warning_count, raise_warning


def _raise(session: Any, key: str, **fields: Any) -> Any:
    fields.setdefault("kind", "deadline_soon")
    fields.setdefault("params", {"case": 1, "step": "review", "due": "2026-03-06"})
    warning = raise_warning(session, dedup_key=key, **fields)
    session.commit()
    return warning


def _user(session: Any, username: str) -> User:
    return session.execute(select(User).where(User.username == username)).scalar_one()


def test_the_jobs_page_is_for_administrators_and_runs_a_job_now(mounted, client, login, session, clock) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    assert client.get("/admin/jobs").status_code == 403
    assert client.post("/admin/jobs/core:zero_reports/run").status_code == 403
    client.post("/logout")
    login("root")
    page = client.get("/admin/jobs")
    assert page.status_code == 200 and b"core:data_changes" in page.data
    response = client.post("/admin/jobs/core:standards_effective/run", follow_redirects=True)
    assert response.status_code == 200
    run = B.runs(session, "core:standards_effective")[-1]
    assert (run.outcome, run.trigger, run.user_id) == ("ok", "manual", _user(session, "root").id)
    assert b"ok" in client.get("/admin/jobs").data
    assert client.post("/admin/jobs/nosuch:job/run").status_code == 404


def test_each_inbox_shows_only_what_the_role_board_and_region_may_see(mounted, client, login, session) -> None:  # type: ignore[no-untyped-def]
    youth_only = _raise(session, "a", board="youth_league", audience="coordinator", region_code="230602001001")
    civil_staff = _raise(session, "b", board="civil_affairs", audience="board_staff", region_code="230602001001")
    elsewhere = _raise(session, "c", board="youth_league", region_code="230603001001")
    grid = _user(session, "grid")
    grid_own = _raise(session, "d", kind="zero_report_missing", addressee_id=grid.id, region_code="230602",
                      audience="board_staff",
                      params={"worker": "grid", "period": "2026-02", "due": "2026-03-03"})
    city_wide = _raise(session, "e", kind="standard_effective", board="youth_league", audience="coordinator",
                       region_code="230600", params={"key": "k", "value": 1, "unit": "", "on": "x", "region": "230600"})
    youth = _user(session, "youth")
    youth.region_code = "230602"  # a district coordinator
    session.commit()

    def visible(username: str) -> set[int]:
        client.post("/logout")
        login(username)
        data = client.get("/api/warnings").get_json()
        return {w["id"] for w in data["warnings"]}

    assert visible("youth") == {youth_only.id, city_wide.id}  # not the other district's, not civil affairs'
    assert visible("civil") == {civil_staff.id, grid_own.id}  # board-less street warning: board staff in the area
    assert visible("women") == set()  # a coordinator elsewhere: not staff of the street
    assert visible("grid") == {grid_own.id}
    assert visible("root") == {youth_only.id, civil_staff.id, elsewhere.id, grid_own.id, city_wide.id}
    assert open_warning_count(session, Viewer.of(_user(session, "youth"))) == 2
    page = client.get("/warnings")
    assert page.status_code == 200


def test_warnings_are_acknowledged_then_resolved_and_counted(mounted, client, login, session) -> None:  # type: ignore[no-untyped-def]
    w = _raise(session, "x", board="youth_league", case_id=None)
    hidden = _raise(session, "y", board="civil_affairs", audience="board_staff")
    login("youth")
    assert client.get("/api/warnings").get_json()["counts"] == {"open": 1, "acknowledged": 0, "resolved": 0}
    assert client.post(f"/warnings/{hidden.id}/ack").status_code == 404  # another board's: not even its existence
    assert client.post(f"/warnings/{w.id}/ack").status_code == 302
    assert client.get("/api/warnings").get_json()["counts"] == {"open": 0, "acknowledged": 1, "resolved": 0}
    response = client.post(f"/warnings/{w.id}/resolve", data={"note": "已电话联系"},
                           headers={"Accept": "application/json"})
    assert response.get_json() == {"id": w.id, "state": "resolved", "changed": True}
    session.expire_all()
    stored = session.get(type(w), w.id)
    assert (stored.state, stored.resolution_note, stored.resolved_by) == ("resolved", "已电话联系", _user(session, "youth").id)
    resolved = client.get("/api/warnings?state=resolved").get_json()
    assert [x["id"] for x in resolved["warnings"]] == [w.id] and resolved["warnings"][0]["message"]
    assert b"/warnings" in client.get("/warnings?state=all").data


def test_auditors_read_but_do_not_change_warnings(mounted, client, login, session) -> None:  # type: ignore[no-untyped-def]
    w = _raise(session, "z", board="youth_league")
    login("auditor")
    assert w.id in {x["id"] for x in client.get("/api/warnings").get_json()["warnings"]}
    assert client.post(f"/warnings/{w.id}/ack").status_code == 403


def test_a_disabled_boards_warnings_leave_the_inbox(mounted, client, login, session, platform) -> None:  # type: ignore[no-untyped-def]
    w = _raise(session, "q", board="youth_league")
    login("youth")
    assert [x["id"] for x in client.get("/api/warnings").get_json()["warnings"]] == [w.id]
    platform.boards.set_enabled(session, "youth_league", False)
    session.commit()
    assert client.get("/api/warnings").get_json()["warnings"] == []


def test_jobs_commands_list_and_run_as_of_a_day(app, session) -> None:  # type: ignore[no-untyped-def]
    import click

    from core.cli import Context
    from core.scheduler.cli import jobs_group, scheduler_command

    cli = click.Group(commands={"jobs": jobs_group, "scheduler": scheduler_command})
    context = Context()
    context._app = app
    runner = CliRunner()
    listed = runner.invoke(cli, ["jobs", "list"], obj=context)
    assert listed.exit_code == 0 and "core:zero_reports" in listed.output
    ran = runner.invoke(cli, ["jobs", "run", "core:standards_effective", "--on", "2026-03-04"], obj=context)
    assert ran.exit_code == 0, ran.output
    assert "core:standards_effective: ok" in ran.output
    run = B.runs(session, "core:standards_effective")[-1]
    assert (run.run_on, run.trigger) == (dt.date(2026, 3, 4), "cli")
    assert runner.invoke(cli, ["jobs", "run", "nosuch:job"], obj=context).exit_code != 0
    assert "nothing was missed" in runner.invoke(cli, ["jobs", "catch-up", "--on", "2026-03-04"], obj=context).output
    assert session.execute(select(JobRun)).first() is not None
