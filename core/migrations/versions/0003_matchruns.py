"""match runs: match_run, match_setting, match_scope_lock, match_notification

Revision ID: 0003_matchruns
Revises: 0002_casework
Create Date: 2026-11-22 19:04:58.360328
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0003_matchruns'
down_revision: Union[str, Sequence[str], None] = '0002_casework'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('match_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope_code', sa.String(length=12), nullable=False),
    sa.Column('boards', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('running', 'draft', 'failed', 'published', 'superseded', name='match_run_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('time_limit_s', sa.Float(), nullable=False),
    sa.Column('run_on', sa.Date(), nullable=False),
    sa.Column('instance', sa.JSON(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=True),
    sa.Column('pinned', sa.JSON(), nullable=False),
    sa.Column('forbidden', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('scope_version', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('published_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_match_run_created_by_user_account')),
    sa.ForeignKeyConstraint(['parent_id'], ['match_run.id'], name=op.f('fk_match_run_parent_id_match_run')),
    sa.ForeignKeyConstraint(['published_by'], ['user_account.id'], name=op.f('fk_match_run_published_by_user_account')),
    sa.ForeignKeyConstraint(['scope_code'], ['region.code'], name=op.f('fk_match_run_scope_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_run'))
    )
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_run_scope_code'), ['scope_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_run_status'), ['status'], unique=False)

    op.create_table('match_setting',
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('max_km', sa.Float(), nullable=False),
    sa.Column('capacity_cap', sa.Integer(), nullable=True),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['user_account.id'], name=op.f('fk_match_setting_updated_by_user_account')),
    sa.PrimaryKeyConstraint('board', name=op.f('pk_match_setting'))
    )
    op.create_table('match_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['match_run.id'], name=op.f('fk_match_notification_run_id_match_run')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_match_notification_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_notification'))
    )
    with op.batch_alter_table('match_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_notification_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_notification_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('match_scope_lock',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('last_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['last_run_id'], ['match_run.id'], name=op.f('fk_match_scope_lock_last_run_id_match_run')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_match_scope_lock'))
    )


def downgrade() -> None:
    op.drop_table('match_scope_lock')
    with op.batch_alter_table('match_notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_notification_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_match_notification_run_id'))

    op.drop_table('match_notification')
    op.drop_table('match_setting')
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_run_status'))
        batch_op.drop_index(batch_op.f('ix_match_run_scope_code'))

    op.drop_table('match_run')
