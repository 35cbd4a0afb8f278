"""public notices (公示) of the preliminary opinion and of a proposed termination, and the
objections raised against them (domain-rules §1.4, §3.2, §3.4).

Revision ID: 0012_public_notice
Revises: 0002_casework
Create Date: 2026-11-30 10:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0012_public_notice'
down_revision: Union[str, Sequence[str], None] = '0002_casework'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('public_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('preliminary_opinion', 'termination', name='public_notice_purpose', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('published', sa.JSON(), nullable=False),
    sa.Column('proposal', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('posted', 'objected', name='public_notice_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('posted_by', sa.Integer(), nullable=True),
    sa.Column('posted_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_public_notice_case_id_care_case')),
    sa.ForeignKeyConstraint(['posted_by'], ['user_account.id'], name=op.f('fk_public_notice_posted_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_notice'))
    )
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_notice_case_id'), ['case_id'], unique=False)

    op.create_table('notice_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('objector', sa.String(length=100), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('founded', sa.Boolean(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_notice_objection_case_id_care_case')),
    sa.ForeignKeyConstraint(['notice_id'], ['public_notice.id'], name=op.f('fk_notice_objection_notice_id_public_notice')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_notice_objection_recorded_by_user_account')),
    sa.ForeignKeyConstraint(['resolved_by'], ['user_account.id'], name=op.f('fk_notice_objection_resolved_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_objection'))
    )
    with op.batch_alter_table('notice_objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_objection_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_objection_notice_id'), ['notice_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notice_objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_objection_notice_id'))
        batch_op.drop_index(batch_op.f('ix_notice_objection_case_id'))
    op.drop_table('notice_objection')
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_notice_case_id'))
    op.drop_table('public_notice')
