"""Active discovery (issue 3): ``discovery_lead``, what the quarterly data comparison found.

The job ``core:discovery_screening`` assesses every stored household with every enabled
programme and keeps, per household and programme, a lead when the household qualifies
for a benefit it does not receive (应保未保); board staff open a discovery case from a
lead or dismiss it with a reason (seeds/004: 加强数据比对和摸底排查 … 确保应保尽保).
A handled (household, programme) is not raised again for ``core.discovery_quiet_days``,
seeded here as a dated Daqing-wide standard (365 days, a local default).

Revision ID: 0018_discovery_leads
Revises: 0015_upload_retention
Depends on: 0002_casework
"""
import datetime as dt
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0018_discovery_leads'
down_revision: Union[str, Sequence[str], None] = '0015_upload_retention'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = '0002_casework'

KEY = 'core.discovery_quiet_days'
SEED_FROM = dt.date(2022, 10, 1)  # the same start as the other core.* standards (0005)
NOTE = ("已处理(已立案或不予处理)的主动发现线索, 同一户同一项目在此天数内不再提示 (days a handled discovery lead, "
        "case opened or dismissed, is not raised again for the same household and programme); local default")


def _standard() -> sa.TableClause:
    return sa.table(
        'standard', sa.column('key', sa.String), sa.column('region_code', sa.String), sa.column('area', sa.String),
        sa.column('value', sa.String), sa.column('unit', sa.String), sa.column('effective_from', sa.Date),
        sa.column('effective_to', sa.Date), sa.column('source_note', sa.Text),
        sa.column('created_at', core.db.UTCDateTime(timezone=True)),
    )


def upgrade() -> None:
    op.create_table('discovery_lead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('programme_key', sa.String(length=120), nullable=False),
    sa.Column('monthly_fen', sa.BigInteger(), nullable=False),
    sa.Column('one_off_fen', sa.BigInteger(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('open', 'case_opened', 'dismissed', name='discovery_lead_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.Column('handled_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_discovery_lead_case_id_care_case')),
    sa.ForeignKeyConstraint(['handled_by'], ['user_account.id'], name=op.f('fk_discovery_lead_handled_by_user_account')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_discovery_lead_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discovery_lead'))
    )
    with op.batch_alter_table('discovery_lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discovery_lead_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_discovery_lead_found_on'), ['found_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_discovery_lead_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discovery_lead_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_discovery_lead_state'), ['state'], unique=False)
    op.bulk_insert(_standard(), [{
        'key': KEY, 'region_code': '230600', 'area': 'all', 'value': '365', 'unit': 'days', 'effective_from': SEED_FROM,
        'effective_to': None, 'source_note': NOTE, 'created_at': dt.datetime.now(dt.timezone.utc),
    }])


def downgrade() -> None:
    standard = _standard()
    op.execute(standard.delete().where(standard.c.key == KEY))
    with op.batch_alter_table('discovery_lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discovery_lead_state'))
        batch_op.drop_index(batch_op.f('ix_discovery_lead_region_code'))
        batch_op.drop_index(batch_op.f('ix_discovery_lead_household_id'))
        batch_op.drop_index(batch_op.f('ix_discovery_lead_found_on'))
        batch_op.drop_index(batch_op.f('ix_discovery_lead_board'))
    op.drop_table('discovery_lead')
