"""Retention (issue 9): the standard ``core.upload_retention_days`` (90 days, Daqing-wide).

The scheduled job ``core:upload_retention`` (core.excel.retention) deletes an uploaded
workbook's bytes this many days after its import ended (PIPL Art. 47, domain-rules §10).
Seeded as a dated standard so administrators can change it on the standards page, with
the history kept; without the row the job falls back to the same 90 days.

Revision ID: 0015_upload_retention
Revises: 0005_scheduler
"""
import datetime as dt
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0015_upload_retention'
down_revision: Union[str, Sequence[str], None] = '0005_scheduler'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KEY = 'core.upload_retention_days'
SEED_FROM = dt.date(2022, 10, 1)  # the same start as the other core.* standards (0005)
NOTE = ("上传的Excel文件在导入结束后保留的天数, 之后删除文件, 保留导入记录 (days an uploaded workbook is kept after "
        "its import ended; then the file is deleted and the import record kept), PIPL Art. 47; local default")


def _standard() -> sa.TableClause:
    return sa.table(
        'standard', sa.column('key', sa.String), sa.column('region_code', sa.String), sa.column('area', sa.String),
        sa.column('value', sa.String), sa.column('unit', sa.String), sa.column('effective_from', sa.Date),
        sa.column('effective_to', sa.Date), sa.column('source_note', sa.Text),
        sa.column('created_at', core.db.UTCDateTime(timezone=True)),
    )


def upgrade() -> None:
    op.bulk_insert(_standard(), [{
        'key': KEY, 'region_code': '230600', 'area': 'all', 'value': '90', 'unit': 'days', 'effective_from': SEED_FROM,
        'effective_to': None, 'source_note': NOTE, 'created_at': dt.datetime.now(dt.timezone.utc),
    }])


def downgrade() -> None:
    standard = _standard()
    op.execute(standard.delete().where(standard.c.key == KEY))
