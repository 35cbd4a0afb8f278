"""funds: fund sources, funds and the append-only fund journal

Revision ID: 0008_funds
Revises: 0001_core
Create Date: 2026-11-26

A branch of its own from core's schema (the runner upgrades to all heads). Only the
tables of ``core/funds/models.py``: ``fund_source``, ``fund`` (cached balance, version
for optimistic locking, no overdraft by CHECK) and ``fund_entry``.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0008_funds'
down_revision: Union[str, Sequence[str], None] = '0001_core'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('fund_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=True),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('donation', 'appeal', 'allocation', 'reserve', name='fund_source_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_source')),
    sa.UniqueConstraint('key', name=op.f('uq_fund_source_key'))
    )
    with op.batch_alter_table('fund_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_source_board'), ['board'], unique=False)

    op.create_table('fund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('owner_kind', sa.Enum('board', 'town', 'city', name='fund_owner_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('purposes', sa.JSON(), nullable=False),
    sa.Column('floor_fen', sa.BigInteger(), nullable=False),
    sa.Column('balance_fen', sa.BigInteger(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('balance_fen >= 0', name=op.f('ck_fund_no_overdraft')),
    sa.CheckConstraint('floor_fen >= 0', name=op.f('ck_fund_floor_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_fund_created_by_user_account')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_fund_region_code_region')),
    sa.ForeignKeyConstraint(['source_id'], ['fund_source.id'], name=op.f('fk_fund_source_id_fund_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund'))
    )
    with op.batch_alter_table('fund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_source_id'), ['source_id'], unique=False)

    op.create_table('fund_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('income', 'allocation', 'payment', 'grant', 'correction', name='fund_entry_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('balance_after_fen', sa.BigInteger(), nullable=False),
    sa.Column('donor', sa.String(length=200), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('restrictions', sa.Text(), nullable=False),
    sa.Column('receipt_no', sa.String(length=40), nullable=True),
    sa.Column('purpose_key', sa.String(length=100), nullable=True),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_fund_entry_not_zero')),
    sa.CheckConstraint('balance_after_fen >= 0', name=op.f('ck_fund_entry_balance_after_positive')),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_fund_entry_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_fund_entry_case_id_care_case')),
    sa.ForeignKeyConstraint(['corrects_id'], ['fund_entry.id'], name=op.f('fk_fund_entry_corrects_id_fund_entry')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_fund_entry_fund_id_fund')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_fund_entry_household_id_household')),
    sa.ForeignKeyConstraint(['measure_id'], ['plan_measure.id'], name=op.f('fk_fund_entry_measure_id_plan_measure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_entry')),
    sa.UniqueConstraint('receipt_no', name=op.f('uq_fund_entry_receipt_no'))
    )
    with op.batch_alter_table('fund_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_entry_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_fund_entry_fund_day', ['fund_id', 'entry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_entry_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_entry_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_entry_measure_id'), ['measure_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('fund_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_entry_measure_id'))
        batch_op.drop_index(batch_op.f('ix_fund_entry_household_id'))
        batch_op.drop_index(batch_op.f('ix_fund_entry_fund_id'))
        batch_op.drop_index('ix_fund_entry_fund_day')
        batch_op.drop_index(batch_op.f('ix_fund_entry_case_id'))

    op.drop_table('fund_entry')
    with op.batch_alter_table('fund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_source_id'))
        batch_op.drop_index(batch_op.f('ix_fund_region_code'))
        batch_op.drop_index(batch_op.f('ix_fund_board'))

    op.drop_table('fund')
    with op.batch_alter_table('fund_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_source_board'))

    op.drop_table('fund_source')
