"""The 2026 holiday schedule checked against the published notice.

0002_casework shipped the 2026 holidays and make-up working days with the note "please
verify against the published notice". Every day matches the State Council General
Office notice on the 2026 holiday arrangements, dated 4 November 2025 (元旦 1–3 Jan, work
4 Jan; 春节 15–23 Feb, work 14 and 28 Feb; 清明 4–6 Apr; 劳动节 1–5 May, work 9 May; 端午
19–21 Jun; 中秋 25–27 Sep; 国庆 1–7 Oct, work 20 Sep and 10 Oct), so the note now says so.
Only rows that still carry the old note change: a day an administrator edited keeps its own.

Revision ID: 0017_holidays_2026_checked
Revises: 0013_dibao_county_limit
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0017_holidays_2026_checked'
down_revision: Union[str, Sequence[str], None] = '0013_dibao_county_limit'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD_NOTE = (
    "国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号); "
    "dates as given in the project brief, please verify against the published notice"
)
NEW_NOTE = "国务院办公厅关于2026年部分节假日安排的通知 (2025年11月4日); checked against the published text"


def _holiday() -> sa.TableClause:
    return sa.table('holiday', sa.column('source_note', sa.Text))


def _replace(old: str, new: str) -> None:
    holiday = _holiday()
    op.execute(holiday.update().where(holiday.c.source_note == old).values(source_note=new))


def upgrade() -> None:
    _replace(OLD_NOTE, NEW_NOTE)


def downgrade() -> None:
    _replace(NEW_NOTE, OLD_NOTE)
