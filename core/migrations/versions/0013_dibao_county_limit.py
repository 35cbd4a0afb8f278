"""The dibao county stage: the county decides within 10 working days of receiving the file
(S2 Art. 20). Shipped as an editable time limit, like the others in 0002.

Revision ID: 0013_dibao_county_limit
Revises: 0012_public_notice
"""
import datetime as dt
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = '0013_dibao_county_limit'
down_revision: Union[str, Sequence[str], None] = '0012_public_notice'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KEY = "county_review.dibao"
NOTE = "S2 Art. 20: the county decides within 10 working days of receiving the file"


def upgrade() -> None:
    limit = sa.table("time_limit", sa.column("key", sa.String), sa.column("amount", sa.Integer),
                     sa.column("unit", sa.String), sa.column("effective_from", sa.Date),
                     sa.column("source_note", sa.Text), sa.column("created_at", core.db.UTCDateTime(timezone=True)))
    op.bulk_insert(limit, [{"key": KEY, "amount": 10, "unit": "working_days", "effective_from": dt.date(2021, 7, 1),
                            "source_note": NOTE, "created_at": dt.datetime.now(dt.timezone.utc)}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM time_limit WHERE key = :key").bindparams(key=KEY))
