"""Retention of uploaded workbooks: ``core:upload_retention`` deletes the stored bytes of imports
that ended more than ``core.upload_retention_days`` (90 by default) days ago, keeps the import
records, audits each deletion, never touches a running import, and changes nothing when run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from click.testing import CliRunner
from sqlalchemy import select

from core.cli import Context
from core.excel.models import ImportBatch, ImportFile
from core.excel.retention import DEFAULT_RETENTION_DAYS, RETENTION_KEY
from core.models import AuditEvent
from core.scheduler.cli import jobs_group
from core.scheduler.context import standard_value
from core.standards import revise_standard

TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 0, 0, tzinfo=dt.timezone.utc)  # the CLI's clock: 08:00 Daqing = 00:00 UTC


def _batch(session: Any, name: str, status: str, *, ended_days_ago: float | None, created_days_ago: float) -> int:
    batch = ImportBatch(kind="households", filename=f"{name}.xlsx", size_bytes=4, sha256="0" * 64, status=status,
                        created_at=NOW - dt.timedelta(days=created_days_ago),
                        finished_at=None if ended_days_ago is None else NOW - dt.timedelta(days=ended_days_ago))
    session.add(batch)
    session.flush()
    session.add(ImportFile(batch_id=batch.id, content=b"PK" + name.encode()))
    return batch.id


def _run(app: Any, on: dt.date) -> Any:
    context = Context()
    context._app = app
    cli = click.Group(commands={"jobs": jobs_group})
    return CliRunner().invoke(cli, ["jobs", "run", "core:upload_retention", "--on", on.isoformat()], obj=context)


def _files(session: Any) -> set[int]:
    session.expire_all()
    return set(session.scalars(select(ImportFile.batch_id)))


def test_old_uploads_lose_their_bytes_but_keep_their_record(app, session) -> None:  # type: ignore[no-untyped-def]
    assert DEFAULT_RETENTION_DAYS == 90
    # migration 0015 seeds the standard, so administrators see and revise it on the standards page
    assert standard_value(session, RETENTION_KEY, TODAY, None) == 90
    done_long_ago = _batch(session, "done100", "done", ended_days_ago=100, created_days_ago=100)
    rejected_just_over = _batch(session, "rejected91", "rejected", ended_days_ago=90.5, created_days_ago=91)
    failed_no_end = _batch(session, "failed120", "failed", ended_days_ago=None, created_days_ago=120)
    done_recent = _batch(session, "done89", "done", ended_days_ago=89, created_days_ago=95)  # ended counts, not started
    still_running = _batch(session, "stuck", "validating", ended_days_ago=None, created_days_ago=200)
    session.commit()

    result = _run(app, TODAY)
    assert result.exit_code == 0, result.output
    assert "uploaded files deleted 3" in result.output and "90 days" in result.output
    assert _files(session) == {done_recent, still_running}
    kept = {b.id: b for b in session.scalars(select(ImportBatch))}
    assert {done_long_ago, rejected_just_over, failed_no_end} <= set(kept)  # the records stay
    assert kept[done_long_ago].filename == "done100.xlsx" and kept[done_long_ago].status == "done"
    audited = session.execute(select(AuditEvent.object_id, AuditEvent.user_id).where(
        AuditEvent.action == "upload_purged", AuditEvent.object_type == "import_batch")).all()
    assert sorted(int(i) for i, _ in audited) == sorted([done_long_ago, rejected_just_over, failed_no_end])
    assert all(user is None for _, user in audited)  # the scheduler, not a person

    again = _run(app, TODAY)  # nothing left to delete: no new audit rows
    assert again.exit_code == 0, again.output
    assert len(session.scalars(select(ImportBatch.id)).all()) == 5
    assert len(session.execute(select(AuditEvent.id).where(AuditEvent.action == "upload_purged")).all()) == 3


def test_the_period_is_a_dated_standard(app, session) -> None:  # type: ignore[no-untyped-def]
    recent = _batch(session, "done40", "done", ended_days_ago=40, created_days_ago=40)
    fresh = _batch(session, "done10", "done", ended_days_ago=10, created_days_ago=10)
    revise_standard(session, key=RETENTION_KEY, region_code="230600", area="all", value="30", unit="days",
                    effective_from=TODAY - dt.timedelta(days=1), source_note="test", user_id=None)
    session.commit()
    result = _run(app, TODAY)
    assert result.exit_code == 0, result.output
    assert "30 days" in result.output
    assert _files(session) == {fresh}
    assert recent not in _files(session)


def test_the_job_is_listed_with_the_other_jobs(app) -> None:  # type: ignore[no-untyped-def]
    context = Context()
    context._app = app
    listed = CliRunner().invoke(click.Group(commands={"jobs": jobs_group}), ["jobs", "list"], obj=context)
    assert listed.exit_code == 0 and "core:upload_retention" in listed.output


def test_a_restore_deletes_again_the_uploads_past_their_retention(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A backup made before the nightly run holds a workbook the run then deleted; restoring it
    must not bring the workbook back until the next night (PIPL Art. 47). A restore replaces the
    whole database, so the test makes its own SQLite instance (in both passes of CI) instead of
    restoring over the suite's database."""
    from core import backup as backup_module
    from core.app import create_app
    from core.cli import initialise
    from core.scheduler.clock import FixedClock

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
                      "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "restore", "AUTO_MIGRATE": True,
                      "SCHEDULER_CLOCK": FixedClock(TODAY)})
    platform = app.extensions["carematch"]
    initialise(platform, admin_username="root", admin_password="restore-test-2026", enable_boards=False)
    try:
        with platform.session() as session:
            old = _batch(session, "done100", "done", ended_days_ago=100, created_days_ago=100)
            recent = _batch(session, "done10", "done", ended_days_ago=10, created_days_ago=10)
            session.commit()
        context = Context()
        context._app = app
        dump = tmp_path / "before-the-night.bak"
        assert CliRunner().invoke(backup_module.backup_command, [str(dump)], obj=context).exit_code == 0
        assert _run(app, TODAY).exit_code == 0
        with platform.session() as session:
            assert _files(session) == {recent}

        result = CliRunner().invoke(backup_module.restore_command, [str(dump), "--yes"], obj=context)
        assert result.exit_code == 0, result.output
        assert "past the 90-day retention deleted again: 1" in result.output
        with platform.session() as session:
            assert _files(session) == {recent}  # the old workbook came back with the backup and went again
            assert session.scalar(select(ImportBatch.filename).where(ImportBatch.id == old)) == "done100.xlsx"
            purged = session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "upload_purged")).all()
            assert purged == [str(old)]  # the restored database records the deletion made after the restore
    finally:
        platform.engine.dispose()
