"""The carematch command as an administrator uses it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from core.cli import cli, main


@pytest.fixture
def run(monkeypatch, tmp_path, database_url):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CAREMATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CAREMATCH_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()

    def _run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return _run


def test_boards_list_shows_the_five_boards(run) -> None:  # type: ignore[no-untyped-def]
    result = run("boards", "list")
    assert result.exit_code == 0
    for key in ("civil_affairs", "trade_union", "disabled_federation", "youth_league", "womens_federation"):
        assert key in result.output
    assert result.output.count("enabled ") == 5


def test_boards_disable_and_enable(run) -> None:  # type: ignore[no-untyped-def]
    assert "trade_union disabled" in run("boards", "disable", "trade_union").output
    assert "trade_union was already disabled" in run("boards", "disable", "trade_union").output
    listing = run("boards", "list").output
    assert [line for line in listing.splitlines() if line.startswith("trade_union")][0].split()[1] == "disabled"
    assert "trade_union enabled" in run("boards", "enable", "trade_union").output


def test_an_unknown_board_is_a_clear_error(run) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["boards", "enable", "nope"])
    assert result.exit_code != 0 and "no installed board" in result.output


def test_init_is_idempotent_and_prints_a_generated_password_once(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CAREMATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    monkeypatch.setenv("CAREMATCH_INSTANCE", str(tmp_path / "instance"))
    first = CliRunner().invoke(cli, ["init"], catch_exceptions=False)
    assert first.exit_code == 0 and "administrator 'admin' created with password" in first.output
    second = CliRunner().invoke(cli, ["init"], catch_exceptions=False)
    assert second.exit_code == 0 and "created" not in second.output
    listing = CliRunner().invoke(cli, ["boards", "list"], catch_exceptions=False).output
    assert listing.count("enabled ") == 5


def test_db_pending_says_up_to_date(run) -> None:  # type: ignore[no-untyped-def]
    result = run("db", "pending")
    assert result.exit_code == 0 and "up to date" in result.output


def test_main_adds_core_and_board_commands() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "case" in cli.commands and "boards" in cli.commands


def test_match_needs_exactly_one_of_a_file_or_a_scope(run) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["match"])
    assert result.exit_code != 0 and "exactly one of --instance FILE or --scope AREA" in result.output


def test_match_solves_a_file_without_the_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    from pathlib import Path

    toy = Path(__file__).resolve().parent / "matching" / "data" / "teams-toy.instance.json"
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(cli, ["match", "--instance", str(toy), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0
    plan = json.loads(out.read_text())
    assert plan["status"] == "optimal" and plan["objective"] == plan["bound"] == 2286  # spec/examples/README.md


def test_match_a_scope_leaves_a_draft(run) -> None:  # type: ignore[no-untyped-def]
    result = run("match", "--scope", "230602", "--board", "youth_league", "--time-limit", "5")
    assert result.exit_code == 0 and "draft run" in result.output


def test_an_export_from_the_cli_is_audited_and_masks_like_the_web(run, tmp_path, database_url) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from core.db import make_engine, make_session_factory
    from core.models import AuditEvent

    out = tmp_path / "notice.xlsx"
    result = run("export", "public-notice", "--as", "civil", "--programme", "civil_affairs.dibao", "--out", str(out))
    assert result.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalar_one()
        assert event.object_type == "public_notice" and event.remote_addr == "cli"
    engine.dispose()
    refused = CliRunner().invoke(cli, ["export", "ledger", "--as", "nobody", "--out", str(out)])
    assert refused.exit_code != 0 and "no active user" in refused.output
