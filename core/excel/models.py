"""Import batches: one row per uploaded file, its progress and its validation report.

The uploaded bytes are kept in a side table (``import_file``) so that status polls
never load them, and so the annotated copy can be rebuilt by any app process (the
app is stateless behind a load balancer; the instance folder is not shared).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

IMPORT_KINDS = ("households", "incomes", "disabilities", "volunteers", "standards")
# queued → validating → (rejected | writing → done) ; failed on an unexpected error
IMPORT_STATES = ("queued", "validating", "writing", "done", "rejected", "failed")


class ImportBatch(Base):
    """One import of one file: who, what kind, how far, and the row-level report."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(
        Enum(*IMPORT_KINDS, name="import_kind", native_enum=False, create_constraint=True, length=32)
    )
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(
        Enum(*IMPORT_STATES, name="import_status", native_enum=False, create_constraint=True, length=32),
        default="queued",
        index=True,
    )
    # the user's explicit choice to write the good rows of a file that has bad ones
    good_rows_only: Mapped[bool] = mapped_column(Boolean, default=False)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    good_rows: Mapped[int] = mapped_column(Integer, default=0)
    bad_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    # {"file_errors": [...], "errors": [...], "warnings": [...], "truncated": n}
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    board: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ImportFile(Base):
    """The uploaded workbook as received (bounded by the upload limit)."""

    __tablename__ = "import_file"

    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
