"""volunteering: registry side tables, assignment responses, visits, concerns, notifications

Revision ID: 0004_volunteering
Revises: 0001_core
Create Date: 2026-11-23

A branch of its own from core's schema (the runner upgrades to all heads). Only the
tables of ``core/volunteering/models.py``.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0004_volunteering'
down_revision: Union[str, Sequence[str], None] = '0001_core'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('board', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_user_id'), ['user_id'], unique=False)

    op.create_table('recipient_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('guardian_name', sa.String(length=100), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_recipient_consent_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_recipient_consent_recorded_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_consent'))
    )
    with op.batch_alter_table('recipient_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recipient_consent_person_id'), ['person_id'], unique=False)

    op.create_table('volunteer_background_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('clear', sa.Boolean(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_volunteer_background_check_recorded_by_user_account')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_background_check_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_background_check'))
    )
    with op.batch_alter_table('volunteer_background_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_background_check_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_certification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('issuer', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_certification_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_certification'))
    )
    with op.batch_alter_table('volunteer_certification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_certification_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('guardian_name', sa.String(length=100), nullable=False),
    sa.Column('guardian_relation', sa.String(length=32), nullable=False),
    sa.Column('guardian_phone', sa.String(length=20), nullable=True),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_volunteer_consent_recorded_by_user_account')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_consent_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_consent'))
    )
    with op.batch_alter_table('volunteer_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_consent_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_insurance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('insurer', sa.String(length=100), nullable=False),
    sa.Column('policy_number', sa.String(length=64), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_insurance_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_insurance'))
    )
    with op.batch_alter_table('volunteer_insurance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_insurance_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_profile',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('service_categories', sa.JSON(), nullable=False),
    sa.Column('data_entry_consent', sa.Boolean(), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('state_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by'], ['user_account.id'], name=op.f('fk_volunteer_profile_approved_by_user_account')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_profile_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('volunteer_id', name=op.f('pk_volunteer_profile'))
    )
    op.create_table('assignment_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('accepted', 'declined', 'released', name='assignment_event_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_assignment_event_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_assignment_event_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_event'))
    )
    with op.batch_alter_table('assignment_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_event_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('concern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('risk', 'child_alone_or_missing', 'guardian_unable', 'suspected_abuse', name='concern_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('raised_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('escalated_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('open', 'acknowledged', 'closed', name='concern_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['user_account.id'], name=op.f('fk_concern_acknowledged_by_user_account')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_concern_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_concern_person_id_person')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_concern_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern'))
    )
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('mode', sa.Enum('home', 'phone', 'video', name='visit_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('activities', sa.Text(), nullable=False),
    sa.Column('person_state', sa.Enum('well', 'stable', 'worse', 'urgent', name='visit_person_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state_note', sa.Text(), nullable=False),
    sa.Column('record_due_on', sa.Date(), nullable=False),
    sa.Column('confirmation', sa.Enum('confirmed', 'pending', 'rejected', name='visit_confirmation', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('confirmed_by', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes > 0 AND minutes <= 1440', name=op.f('ck_visit_minutes_range')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_visit_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['confirmed_by'], ['user_account.id'], name=op.f('fk_visit_confirmed_by_user_account')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_visit_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_visit_recorded_by_user_account')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_visit_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_confirmation'), ['confirmation'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_visited_on'), ['visited_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_volunteer_id'), ['volunteer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_visit_visited_on'))
        batch_op.drop_index(batch_op.f('ix_visit_person_id'))
        batch_op.drop_index(batch_op.f('ix_visit_confirmation'))
        batch_op.drop_index(batch_op.f('ix_visit_assignment_id'))

    op.drop_table('visit')
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_concern_status'))
        batch_op.drop_index(batch_op.f('ix_concern_person_id'))
        batch_op.drop_index(batch_op.f('ix_concern_board'))
        batch_op.drop_index(batch_op.f('ix_concern_assignment_id'))

    op.drop_table('concern')
    with op.batch_alter_table('assignment_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_event_assignment_id'))

    op.drop_table('assignment_event')
    op.drop_table('volunteer_profile')
    with op.batch_alter_table('volunteer_insurance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_insurance_volunteer_id'))

    op.drop_table('volunteer_insurance')
    with op.batch_alter_table('volunteer_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_consent_volunteer_id'))

    op.drop_table('volunteer_consent')
    with op.batch_alter_table('volunteer_certification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_certification_volunteer_id'))

    op.drop_table('volunteer_certification')
    with op.batch_alter_table('volunteer_background_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_background_check_volunteer_id'))

    op.drop_table('volunteer_background_check')
    with op.batch_alter_table('recipient_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipient_consent_person_id'))

    op.drop_table('recipient_consent')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_user_id'))
        batch_op.drop_index(batch_op.f('ix_notification_created_at'))
        batch_op.drop_index(batch_op.f('ix_notification_board'))

    op.drop_table('notification')
