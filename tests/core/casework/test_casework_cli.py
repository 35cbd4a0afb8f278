"""``carematch case …``: the main transitions from the command line, as named users."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from casework_builders import id_number
from core.casework.cli import case_group
from core.cli import cli


@pytest.fixture
def run(monkeypatch, tmp_path, database_url):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CAREMATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CAREMATCH_INSTANCE", str(tmp_path / "instance"))
    if "case" not in cli.commands:
        cli.add_command(case_group)
    runner = CliRunner()

    def _run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["case", *args], catch_exceptions=False)

    return _run


def test_a_case_from_intake_to_joint_review_on_the_command_line(run) -> None:  # type: ignore[no-untyped-def]
    result = run("open", "--as", "civil", "--region", "230602", "--member", f"孙丽:{id_number(dt.date(1960, 1, 1))}",
                 "--on", "2026-09-30")
    assert result.exit_code == 0, result.output
    case_id = result.output.split()[1]
    assert "review due" in result.output

    assert run("step", "--as", "union", case_id, "pre-check").exit_code == 1  # not the owner
    assert run("step", "--as", "civil", case_id, "pre-check", "--on", "2026-10-09").exit_code == 0
    assert run("step", "--as", "civil", case_id, "impact", "--level", "high", "--notes", "无收入").exit_code == 0
    refused = run("step", "--as", "civil", case_id, "home-visit", "--investigator", "王敏", "--notes", "属实", "--signed")
    assert refused.exit_code == 1 and "two investigators" in refused.output
    assert run("step", "--as", "civil", case_id, "home-visit", "--investigator", "王敏", "--investigator", "刘洋",
               "--notes", "属实", "--signed").exit_code == 0
    shown = json.loads(run("show", case_id).output)
    assert [d["due_on"] for d in shown["deadlines"] if d["key"] == "investigation_start"] == ["2026-10-10"]


def test_due_dates_and_the_calendar_from_the_command_line(run) -> None:  # type: ignore[no-untyped-def]
    assert run("due", "2026-09-30", "investigation_start").output.strip() == "2026-10-10"
    assert run("due", "2026-09-30", "written_notice").output.strip() == "2026-10-10"
    assert run("holiday", "2026-10-08", "ordinary").exit_code == 0
    assert run("holiday", "2026-10-09", "holiday", "--name", "test").exit_code == 0
    assert run("due", "2026-09-30", "investigation_start").output.strip() == "2026-10-12"
    assert run("due", "2026-09-30", "no_such_limit").exit_code == 1


def test_overdue_lists_open_deadlines(run) -> None:  # type: ignore[no-untyped-def]
    run("open", "--as", "civil", "--region", "230602", "--member", f"孙丽:{id_number()}", "--on", "2026-03-02")
    result = run("overdue", "--on", "2026-03-20")
    assert result.exit_code == 1 and "investigation_start" in result.output
    assert run("overdue", "--on", "2026-03-03").exit_code == 0
