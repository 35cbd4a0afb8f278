"""``carematch match-run …`` against a test database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from matchruns_builders import LAT, SARTU
from sqlalchemy import select

from core.matchruns.cli import match_runs_group
from core.models import Assignment


@pytest.fixture
def run(app):  # type: ignore[no-untyped-def]
    from core.cli import Context

    context = Context()
    context._app = app  # the test app and its database

    def _run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(match_runs_group, list(args), obj=context, catch_exceptions=False)

    return _run


def test_create_show_export_dry_run_and_publish(run, session, make, tmp_path) -> None:  # type: ignore[no-untyped-def]
    need = make.need()
    current = make.volunteer(lat=LAT + 0.05)
    make.volunteer()
    make.assignment(need, current, "accepted")
    session.commit()
    created = run("create", "--scope", SARTU, "--board", "youth_league", "--time-limit", "5")
    assert created.exit_code == 0, created.output
    assert "draft" in created.output and "covered 1/1" in created.output and "kept 1" in created.output
    run_id = created.output.split("#", 1)[1].split()[0]
    assert "covered by risk: 2: 1/1" in run("show", run_id).output
    out = run("export", run_id, "--instance", str(tmp_path / "in.json"), "--plan", str(tmp_path / "plan.json"))
    assert out.exit_code == 0
    assert json.loads((tmp_path / "in.json").read_text())["format"] == "carematch.instance/1"
    assert json.loads((tmp_path / "plan.json").read_text())["format"] == "carematch.plan/1"
    (tmp_path / "w.json").write_text(json.dumps({"continuity": 0}))
    assert "would move 1 assignments" in run("dry-run-weights", run_id, "--weights", str(tmp_path / "w.json")).output
    published = run("publish", run_id)
    assert published.exit_code == 0 and "0 proposed, 0 ended, 1 kept" in published.output
    again = run("publish", run_id)
    assert again.exit_code != 0 and "already published" in again.output


def test_create_with_publish_and_clear_errors(run, session, make) -> None:  # type: ignore[no-untyped-def]
    make.need()
    make.volunteer()
    session.commit()
    result = run("create", "--scope", SARTU, "--time-limit", "5", "--publish")
    assert result.exit_code == 0 and "published: 1 proposed" in result.output
    session.expire_all()
    assert [a.state for a in session.execute(select(Assignment)).scalars()] == ["proposed"]
    bad = run("create", "--scope", "999999")
    assert bad.exit_code != 0 and "unknown region code 999999" in bad.output
    assert run("show", "999").exit_code != 0
