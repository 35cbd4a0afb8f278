"""The facts the assessment engine reads that the first schema lacked: hardship events,
heating, school-level start, long-term care and service requests.

Revision ID: 0007_assessment_fields
Revises: 0001_core
Create Date: 2026-11-22 19:19:25.315879
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0007_assessment_fields'
down_revision: Union[str, Sequence[str], None] = '0001_core'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('hardship_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('fire', 'traffic_accident', 'accident', 'sudden_illness', 'disaster', 'other', name='hardship_event_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('loss_fen', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_hardship_event_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_event'))
    )
    with op.batch_alter_table('hardship_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hardship_event_household_id'), ['household_id'], unique=False)

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heating', sa.Enum('central', 'self', 'none', name='heating_kind', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('heated_area_m2', core.db.DecimalText(length=40), nullable=True))

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_current_level_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('long_term_care', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('service_requests', sa.JSON(), nullable=False, server_default='[]'))



def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('service_requests')
        batch_op.drop_column('long_term_care')
        batch_op.drop_column('entered_current_level_on')

    # SQLite keeps the enum's CHECK constraint in the rebuilt table unless it goes first
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_household_heating_kind'), type_='check')
        batch_op.drop_column('heated_area_m2')
        batch_op.drop_column('heating')

    with op.batch_alter_table('hardship_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hardship_event_household_id'))

    op.drop_table('hardship_event')
