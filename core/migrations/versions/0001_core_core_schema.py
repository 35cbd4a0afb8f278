"""core schema

Revision ID: 0001_core
Revises: 
Create Date: 2026-11-22 18:54:57.562647
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0001_core'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('region',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('level', sa.Enum('province', 'city', 'district', 'county', 'street', 'town', 'community', 'village', 'grid', name='region_level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=12), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('active_from', sa.Date(), nullable=True),
    sa.Column('active_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['region.code'], name=op.f('fk_region_parent_code_region')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_parent_code'), ['parent_code'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('area_type', sa.Enum('urban', 'rural', name='area_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('near_relative_of_staff', sa.Boolean(), nullable=False),
    sa.Column('only_child_deceased', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_household_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_region_code'), ['region_code'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.Enum('admin', 'board_staff', 'coordinator', 'volunteer', 'grid_worker', 'reviewer', 'auditor', name='user_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role NOT IN ('board_staff', 'coordinator') OR board IS NOT NULL", name=op.f('ck_user_account_board_bound_roles')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_user_account_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('asset_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('exempt', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_asset_item_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_item'))
    )
    with op.batch_alter_table('asset_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_item_household_id'), ['household_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_event_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('expenditure_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('living', 'medical', 'education', 'rehabilitation', 'other', name='expenditure_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('incurred_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_expenditure_item_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expenditure_item'))
    )
    with op.batch_alter_table('expenditure_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expenditure_item_household_id'), ['household_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.Enum('M', 'F', name='sex', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('relation', sa.String(length=32), nullable=False),
    sa.Column('included', sa.Boolean(), nullable=False),
    sa.Column('inclusion_reason', sa.Enum('head', 'spouse', 'minor_child', 'adult_dependent_child', 'co_resident_supporter', 'excluded_clergy', 'excluded_prison', 'excluded_rehab', 'excluded_missing', 'excluded_other', name='inclusion_reason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('labour_capacity', sa.Enum('full', 'partial', 'none', name='labour_capacity', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('student_level', sa.Enum('none', 'preschool', 'compulsory', 'high_school', 'vocational', 'undergraduate', 'postgraduate', name='student_level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('employment', sa.Enum('employed', 'unemployed', 'retired', 'never', name='employment', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('union_member', sa.Boolean(), nullable=False),
    sa.Column('serious_illness', sa.Boolean(), nullable=False),
    sa.Column('contracted_land', sa.Boolean(), nullable=False),
    sa.Column('lives_alone', sa.Boolean(), nullable=False),
    sa.Column('father_status', sa.Enum('present', 'away_working', 'deceased', 'missing', 'unable', 'imprisoned', name='father_status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('mother_status', sa.Enum('present', 'away_working', 'deceased', 'missing', 'unable', 'imprisoned', name='mother_status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('guardian_id', sa.Integer(), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('deceased_on', sa.Date(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['guardian_id'], ['person.id'], name=op.f('fk_person_guardian_id_person')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_person_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('id_number', name=op.f('uq_person_id_number'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_household_id'), ['household_id'], unique=False)

    op.create_table('plugin_setting',
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('changed_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by'], ['user_account.id'], name=op.f('fk_plugin_setting_changed_by_user_account')),
    sa.PrimaryKeyConstraint('board', name=op.f('pk_plugin_setting'))
    )
    op.create_table('standard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('area', sa.Enum('urban', 'rural', 'all', name='standard_area', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('value', core.db.DecimalText(length=40), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('source_note', sa.Text(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_standard_created_by_user_account')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['standard.id'], name=op.f('fk_standard_supersedes_id_standard')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standard'))
    )
    with op.batch_alter_table('standard', schema=None) as batch_op:
        batch_op.create_index('ix_standard_lookup', ['key', 'region_code', 'area'], unique=False)

    op.create_table('volunteer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.Enum('M', 'F', name='volunteer_sex', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('max_km', sa.Float(), nullable=True),
    sa.Column('background_checked_on', sa.Date(), nullable=True),
    sa.Column('background_check_clear', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('applied', 'approved', 'active', 'paused', 'left', name='volunteer_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_volunteer_region_code_region')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_volunteer_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer')),
    sa.UniqueConstraint('id_number', name=op.f('uq_volunteer_id_number')),
    sa.UniqueConstraint('user_id', name=op.f('uq_volunteer_user_id'))
    )
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_state'), ['state'], unique=False)

    op.create_table('care_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.Enum('application', 'proxy', 'discovery', name='case_channel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('first_reporter_board', sa.String(length=64), nullable=False),
    sa.Column('owner_board', sa.String(length=64), nullable=False),
    sa.Column('reported_by', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=True),
    sa.Column('review_due_on', sa.Date(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_care_case_household_id_household')),
    sa.ForeignKeyConstraint(['reported_by'], ['user_account.id'], name=op.f('fk_care_case_reported_by_user_account')),
    sa.ForeignKeyConstraint(['subject_id'], ['person.id'], name=op.f('fk_care_case_subject_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_case'))
    )
    with op.batch_alter_table('care_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_case_first_reporter_board'), ['first_reporter_board'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_case_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_case_owner_board'), ['owner_board'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_case_stage'), ['stage'], unique=False)

    op.create_table('disability_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=22), nullable=False),
    sa.Column('category', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.CheckConstraint('category BETWEEN 1 AND 7', name=op.f('ck_disability_certificate_category_range')),
    sa.CheckConstraint('grade BETWEEN 1 AND 4', name=op.f('ck_disability_certificate_grade_range')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_disability_certificate_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disability_certificate')),
    sa.UniqueConstraint('number', name=op.f('uq_disability_certificate_number'))
    )
    with op.batch_alter_table('disability_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disability_certificate_person_id'), ['person_id'], unique=False)

    op.create_table('income_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('wage', 'business', 'property', 'transfer', 'other', name='income_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('monthly_fen', sa.BigInteger(), nullable=False),
    sa.Column('employment_cost_fen', sa.BigInteger(), nullable=False),
    sa.Column('exempt_reason', sa.String(length=64), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_income_item_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_income_item'))
    )
    with op.batch_alter_table('income_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_income_item_person_id'), ['person_id'], unique=False)

    op.create_table('self_care_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('eating', sa.Boolean(), nullable=False),
    sa.Column('dressing', sa.Boolean(), nullable=False),
    sa.Column('transferring', sa.Boolean(), nullable=False),
    sa.Column('toileting', sa.Boolean(), nullable=False),
    sa.Column('walking_indoors', sa.Boolean(), nullable=False),
    sa.Column('bathing', sa.Boolean(), nullable=False),
    sa.Column('assessor', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_self_care_assessment_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_care_assessment'))
    )
    with op.batch_alter_table('self_care_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_care_assessment_person_id'), ['person_id'], unique=False)

    op.create_table('supporter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('relationship_kind', sa.String(length=32), nullable=False),
    sa.Column('able', sa.Boolean(), nullable=False),
    sa.Column('unable_reason', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_supporter_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supporter'))
    )
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supporter_person_id'), ['person_id'], unique=False)

    op.create_table('care_need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('need_type', sa.String(length=100), nullable=False),
    sa.Column('category', sa.Enum('left_behind_child', 'elderly_alone', 'bereaved_family', 'other', name='care_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('risk', sa.Integer(), nullable=False),
    sa.Column('required_skills', sa.JSON(), nullable=False),
    sa.Column('needs_background_check', sa.Boolean(), nullable=False),
    sa.Column('gender_pref', sa.String(length=1), nullable=True),
    sa.Column('gender_hard', sa.Boolean(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('language_hard', sa.Boolean(), nullable=False),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.Column('volunteers_needed', sa.Integer(), nullable=False),
    sa.Column('visit_every_days', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'approved', 'ended', name='need_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('risk BETWEEN 1 AND 3', name=op.f('ck_care_need_risk_range')),
    sa.CheckConstraint('volunteers_needed IN (1, 2)', name=op.f('ck_care_need_team_size')),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_care_need_case_id_care_case')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_care_need_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_need'))
    )
    with op.batch_alter_table('care_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_need_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_need_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_need_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_need_status'), ['status'], unique=False)

    op.create_table('care_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_care_plan_case_id_care_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_plan')),
    sa.UniqueConstraint('case_id', name=op.f('uq_care_plan_case_id'))
    )
    op.create_table('case_responsibility',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('named_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_case_responsibility_case_id_care_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_responsibility')),
    sa.UniqueConstraint('case_id', 'board', name='one_per_board')
    )
    with op.batch_alter_table('case_responsibility', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_responsibility_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_responsibility_case_id'), ['case_id'], unique=False)

    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('board', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_ledger_entry_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_ledger_entry_case_id_care_case')),
    sa.ForeignKeyConstraint(['corrects_id'], ['ledger_entry.id'], name=op.f('fk_ledger_entry_corrects_id_ledger_entry')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_ledger_entry_household_id_household')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_ledger_entry_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_person_id'), ['person_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'accepted', 'declined', 'ended', name='assignment_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['care_need.id'], name=op.f('fk_assignment_need_id_care_need')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_assignment_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('plan_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('material', 'care', name='measure_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('programme_key', sa.String(length=100), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('monthly_fen', sa.BigInteger(), nullable=True),
    sa.Column('one_off_fen', sa.BigInteger(), nullable=True),
    sa.Column('start_month', sa.Date(), nullable=True),
    sa.Column('end_month', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('active', 'ended', name='measure_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_plan_measure_person_id_person')),
    sa.ForeignKeyConstraint(['plan_id'], ['care_plan.id'], name=op.f('fk_plan_measure_plan_id_care_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_measure'))
    )
    with op.batch_alter_table('plan_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_measure_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_measure_plan_id'), ['plan_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plan_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_measure_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_measure_board'))

    op.drop_table('plan_measure')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_state'))
        batch_op.drop_index(batch_op.f('ix_assignment_need_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entry_person_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entry_household_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entry_case_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entry_board'))
        batch_op.drop_index(batch_op.f('ix_ledger_entry_at'))

    op.drop_table('ledger_entry')
    with op.batch_alter_table('case_responsibility', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_responsibility_case_id'))
        batch_op.drop_index(batch_op.f('ix_case_responsibility_board'))

    op.drop_table('case_responsibility')
    op.drop_table('care_plan')
    with op.batch_alter_table('care_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_need_status'))
        batch_op.drop_index(batch_op.f('ix_care_need_person_id'))
        batch_op.drop_index(batch_op.f('ix_care_need_case_id'))
        batch_op.drop_index(batch_op.f('ix_care_need_board'))

    op.drop_table('care_need')
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supporter_person_id'))

    op.drop_table('supporter')
    with op.batch_alter_table('self_care_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_care_assessment_person_id'))

    op.drop_table('self_care_assessment')
    with op.batch_alter_table('income_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_income_item_person_id'))

    op.drop_table('income_item')
    with op.batch_alter_table('disability_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disability_certificate_person_id'))

    op.drop_table('disability_certificate')
    with op.batch_alter_table('care_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_case_stage'))
        batch_op.drop_index(batch_op.f('ix_care_case_owner_board'))
        batch_op.drop_index(batch_op.f('ix_care_case_household_id'))
        batch_op.drop_index(batch_op.f('ix_care_case_first_reporter_board'))

    op.drop_table('care_case')
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_state'))
        batch_op.drop_index(batch_op.f('ix_volunteer_region_code'))
        batch_op.drop_index(batch_op.f('ix_volunteer_board'))

    op.drop_table('volunteer')
    with op.batch_alter_table('standard', schema=None) as batch_op:
        batch_op.drop_index('ix_standard_lookup')

    op.drop_table('standard')
    op.drop_table('plugin_setting')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_household_id'))

    op.drop_table('person')
    with op.batch_alter_table('expenditure_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expenditure_item_household_id'))

    op.drop_table('expenditure_item')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('asset_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_item_household_id'))

    op.drop_table('asset_item')
    op.drop_table('user_account')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_region_code'))

    op.drop_table('household')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_parent_code'))

    op.drop_table('region')
