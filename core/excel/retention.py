"""Retention of uploaded workbooks (issue 9): the bytes go, the record of the import stays.

An uploaded workbook holds residents' ID numbers, incomes and disabilities in clear. Its
purpose is achieved once the import has finished and its report was read, and PIPL
Art. 47 asks for deletion when the purpose is achieved or the retention period ends
(domain-rules §10). So the scheduled job ``core:upload_retention`` deletes the stored
bytes (``import_file``) of imports that finished (done, rejected or failed) more than
``core.upload_retention_days`` days ago (a dated standard, 90 days by default, so an
administrator can change it on the standards page with its history kept). The
``import_batch`` row — who imported what, when, how many rows, the validation report —
stays, and each deletion writes an ``upload_purged`` audit row. Imports still running are
never touched. Afterwards the annotated copy and "import the good rows" of that batch
answer 404/409, as for any batch without its file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.excel.models import ImportBatch, ImportFile
from core.models import AuditEvent

RETENTION_KEY = "core.upload_retention_days"
DEFAULT_RETENTION_DAYS = 90
FINISHED_STATES = ("done", "rejected", "failed")


def purge_uploads(session: Session, cutoff: dt.datetime, *, days: int, actor_id: int | None = None) -> list[int]:
    """Delete the stored workbooks of imports that finished before ``cutoff``; returns their batch ids.

    Writes one ``upload_purged`` audit row per batch in the caller's transaction, so the
    deletion and its record commit (or roll back) together.
    """
    finished_at = func.coalesce(ImportBatch.finished_at, ImportBatch.created_at)
    batch_ids = list(session.scalars(
        select(ImportBatch.id).join(ImportFile, ImportFile.batch_id == ImportBatch.id)
        .where(ImportBatch.status.in_(FINISHED_STATES), finished_at < cutoff)
        .order_by(ImportBatch.id)))
    if not batch_ids:
        return []
    session.execute(delete(ImportFile).where(ImportFile.batch_id.in_(batch_ids)))
    session.add_all(AuditEvent(user_id=actor_id, action="upload_purged", object_type="import_batch", object_id=str(i),
                               reason=f"retention: the uploaded file is deleted {days} days after the import ended "
                                      f"(PIPL Art. 47)")
                    for i in batch_ids)
    session.flush()
    return batch_ids


def purge_expired_uploads(session: Session, now: dt.datetime, today: dt.date) -> tuple[list[int], int]:
    """Purge the uploads past the retention period in force on ``today``: (batch ids, days).

    Run by the daily job and right after a restore, which would otherwise bring back the
    workbooks deleted since the backup was made until the next night's run.
    """
    from core.scheduler.context import standard_value

    days = int(standard_value(session, RETENTION_KEY, today, DEFAULT_RETENTION_DAYS))
    if days < 1:  # 0 would delete a file the user may still be reading the report of
        days = 1
    return purge_uploads(session, now - dt.timedelta(days=days), days=days), days


def upload_retention(ctx: Any) -> str:
    """The scheduled job: purge uploads older than the retention period in force today."""
    purged, days = purge_expired_uploads(ctx.session, ctx.now, ctx.today)
    return f"uploaded files deleted {len(purged)} (imports ended more than {days} days ago)"
