"""``carematch volunteers …``: list, show, approve, activate, pause, leave, record-check."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from volunteering_builders import TODAY, assign, recipient, volunteer

from core.db import make_engine, make_session_factory
from core.models import Assignment, Volunteer
from core.volunteering.cli import volunteers_group


@pytest.fixture
def cli_db(monkeypatch, tmp_path, database_url):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CAREMATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CAREMATCH_INSTANCE", str(tmp_path / "instance"))
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(volunteers_group, list(args), catch_exceptions=False)


def test_the_registry_commands(cli_db) -> None:  # type: ignore[no-untyped-def]
    with cli_db() as s:
        v = volunteer(s, username=None, name="孙丽", state="applied")
        other = volunteer(s, username=None, name="钱多", board="youth_league", state="active")
        a = assign(s, recipient(s), other, state="accepted", started_on=TODAY)
        s.commit()
        vid, oid, aid, number = v.id, other.id, a.id, v.id_number
    listing = _run("list", "--board", "womens_federation")
    assert "孙丽" in listing.output and "钱多" not in listing.output and number not in listing.output
    assert _run("approve", str(vid), "--as", "women").exit_code == 0
    assert "active" in _run("activate", str(vid), "--as", "women").output
    # a coordinator of another board may not touch this volunteer
    assert _run("pause", str(vid), "--as", "youth", "--note", "x").exit_code != 0
    result = _run("record-check", str(vid), "--as", "women", "--on", (TODAY - dt.timedelta(days=10)).isoformat(),
                  "--reference", "Q-9")
    assert "valid for child-facing work until" in result.output
    assert "child-facing eligible today=True" in _run("show", str(vid)).output
    refused = CliRunner().invoke(volunteers_group, ["pause", str(oid), "--as", "youth"])
    assert refused.exit_code != 0  # the hand-over note is required
    assert "1 assignments released" in _run("leave", str(oid), "--as", "youth", "--note", "moved to Harbin").output
    with cli_db() as s:
        assert s.get(Volunteer, vid).state == "active"
        assert s.get(Volunteer, vid).background_checked_on == TODAY - dt.timedelta(days=10)
        assert s.get(Volunteer, oid).state == "left"
        assert s.get(Assignment, aid).state == "ended" and "moved to Harbin" in s.get(Assignment, aid).note
    assert "check≤" in _run("list", "--check-expiring", "400").output
