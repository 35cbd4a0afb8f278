"""casework: review steps, joint review, referrals, the working-day calendar and time limits,
deadlines, evaluations, removals and grid reports; seeds the 2025/2026 holiday schedules
and the national time limits (domain-rules §12.5).

Revision ID: 0002_casework
Revises: 0001_core
Create Date: 2026-11-22 19:03:47.114750
"""
import datetime as dt
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0002_casework'
down_revision: Union[str, Sequence[str], None] = '0001_core'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('grid_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('periodic', 'zero', name='grid_report_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('case_ids', sa.JSON(), nullable=False),
    sa.Column('submitted_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_grid_report_region_code_region')),
    sa.ForeignKeyConstraint(['reporter_id'], ['user_account.id'], name=op.f('fk_grid_report_reporter_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid_report')),
    sa.UniqueConstraint('reporter_id', 'period', name='one_per_period')
    )
    with op.batch_alter_table('grid_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grid_report_reporter_id'), ['reporter_id'], unique=False)

    op.create_table('holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('holiday', 'workday', name='calendar_day_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('source_note', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['user_account.id'], name=op.f('fk_holiday_changed_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday')),
    sa.UniqueConstraint('day', name=op.f('uq_holiday_day'))
    )
    op.create_table('joint_review_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_joint_review_meeting_created_by_user_account')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_joint_review_meeting_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_review_meeting'))
    )
    op.create_table('time_limit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('unit', sa.Enum('working_days', 'days', 'months', name='time_limit_unit', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('source_note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_time_limit_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_time_limit_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_limit')),
    sa.UniqueConstraint('key', 'effective_from', name='key_from')
    )
    with op.batch_alter_table('time_limit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_time_limit_key'), ['key'], unique=False)

    op.create_table('case_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('limit_key', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_case_deadline_case_id_care_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deadline')),
    sa.UniqueConstraint('case_id', 'key', name='one_per_key')
    )
    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_deadline_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_deadline_due_on'), ['due_on'], unique=False)

    op.create_table('case_detail',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('track', sa.Enum('dibao', 'dibao_delegated', 'tekun', 'temporary', 'rigid_expenditure', 'other', name='case_track', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('extended', sa.Boolean(), nullable=False),
    sa.Column('extension_reason', sa.Text(), nullable=False),
    sa.Column('separately_filed', sa.Boolean(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('proxy_name', sa.String(length=100), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('next_evaluation_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['person.id'], name=op.f('fk_case_detail_applicant_id_person')),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_case_detail_case_id_care_case')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_detail'))
    )
    with op.batch_alter_table('case_detail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_detail_next_evaluation_on'), ['next_evaluation_on'], unique=False)

    op.create_table('case_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('re_assessment', 'effect', name='evaluation_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('still_qualifies', sa.Boolean(), nullable=True),
    sa.Column('effect', sa.Text(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_case_evaluation_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_case_evaluation_case_id_care_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_evaluation'))
    )
    with op.batch_alter_table('case_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_evaluation_case_id'), ['case_id'], unique=False)

    op.create_table('case_removal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('ground', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('grace_months', sa.Integer(), nullable=False),
    sa.Column('stops_from', sa.Date(), nullable=False),
    sa.Column('handover_board', sa.String(length=64), nullable=True),
    sa.Column('handover_programme', sa.String(length=100), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('grace_months BETWEEN 0 AND 6', name=op.f('ck_case_removal_grace_cap')),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_case_removal_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_case_removal_case_id_care_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_removal')),
    sa.UniqueConstraint('case_id', name=op.f('uq_case_removal_case_id'))
    )
    op.create_table('case_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('pre_check', 'impact_assessment', 'home_visit', 'document_check', name='case_step_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_case_step_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_case_step_case_id_care_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_step'))
    )
    with op.batch_alter_table('case_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_step_case_id'), ['case_id'], unique=False)

    op.create_table('joint_review_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('include', 'reject', name='joint_review_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('boards', sa.JSON(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_joint_review_decision_case_id_care_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['joint_review_meeting.id'], name=op.f('fk_joint_review_decision_meeting_id_joint_review_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_review_decision')),
    sa.UniqueConstraint('meeting_id', 'case_id', name='one_per_meeting')
    )
    with op.batch_alter_table('joint_review_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_review_decision_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_joint_review_decision_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_board', sa.String(length=64), nullable=False),
    sa.Column('to_board', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'accepted', 'declined', name='referral_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['user_account.id'], name=op.f('fk_referral_answered_by_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_referral_case_id_care_case')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_referral_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_to_board'), ['to_board'], unique=False)

    op.create_table('care_measure_need',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['plan_measure.id'], name=op.f('fk_care_measure_need_measure_id_plan_measure')),
    sa.ForeignKeyConstraint(['need_id'], ['care_need.id'], name=op.f('fk_care_measure_need_need_id_care_need')),
    sa.PrimaryKeyConstraint('measure_id', name=op.f('pk_care_measure_need')),
    sa.UniqueConstraint('need_id', name=op.f('uq_care_measure_need_need_id'))
    )
    _seed_calendar()


# Frozen copies of the shipped data (core/casework/calendar.py), so this revision does
# not change when the code does. Administrators edit the rows afterwards.
_SOURCE_2025 = "国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)"
_SOURCE_2026 = (
    "国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号); "
    "dates as given in the project brief, please verify against the published notice"
)
_SPANS = (
    ("元旦", "2025-01-01", "2025-01-01", (), _SOURCE_2025),
    ("春节", "2025-01-28", "2025-02-04", ("2025-01-26", "2025-02-08"), _SOURCE_2025),
    ("清明节", "2025-04-04", "2025-04-06", (), _SOURCE_2025),
    ("劳动节", "2025-05-01", "2025-05-05", ("2025-04-27",), _SOURCE_2025),
    ("端午节", "2025-05-31", "2025-06-02", (), _SOURCE_2025),
    ("国庆节、中秋节", "2025-10-01", "2025-10-08", ("2025-09-28", "2025-10-11"), _SOURCE_2025),
    ("元旦", "2026-01-01", "2026-01-03", ("2026-01-04",), _SOURCE_2026),
    ("春节", "2026-02-15", "2026-02-23", ("2026-02-14", "2026-02-28"), _SOURCE_2026),
    ("清明节", "2026-04-04", "2026-04-06", (), _SOURCE_2026),
    ("劳动节", "2026-05-01", "2026-05-05", ("2026-05-09",), _SOURCE_2026),
    ("端午节", "2026-06-19", "2026-06-21", (), _SOURCE_2026),
    ("中秋节", "2026-09-25", "2026-09-27", (), _SOURCE_2026),
    ("国庆节", "2026-10-01", "2026-10-07", ("2026-09-20", "2026-10-10"), _SOURCE_2026),
)
_LIMITS = (
    ("investigation_start", 3, "working_days", "S2 Art. 15: township starts the investigation within 3 working days of acceptance"),
    ("review.dibao", 30, "working_days", "S2 Art. 22: dibao decided within 30 working days of acceptance"),
    ("review.dibao_delegated", 20, "working_days", "S2 Art. 22; S3 §4(1): 20 working days where approval is delegated to the township"),
    ("review.extended", 45, "working_days", "S2 Art. 22: extendable to 45 working days (objection, split hukou, hard investigation)"),
    ("review.tekun", 15, "working_days", "S6 Art. 13: township investigation and preliminary opinion within 15 working days"),
    ("county_review.tekun", 15, "working_days", "S6 Art. 15: county confirms within 15 working days"),
    ("review.rigid_expenditure", 30, "working_days", "domain-rules §12.5: rigid-expenditure decision within 30 (45) working days"),
    ("review.temporary", 30, "working_days", "no national figure for the full procedure; local default, edit as needed"),
    ("review.other", 30, "working_days", "no national rule for union/disabled/care boards: the dibao limit is used as the local default"),
    ("written_notice", 3, "working_days", "S2 Art. 21; S6 Art. 17: written reasons for a denial within 3 working days"),
    ("adl_reassessment", 10, "working_days", "S6 Art. 23: reassess self-care within 10 working days of a reported change"),
    ("public_notice", 7, "days", "S2 Art. 19; S6 Art. 14: public notice for 7 days"),
    ("recheck.stable", 12, "months", "S2 Art. 31: households whose situation changes little are re-checked once a year"),
    ("recheck.unstable", 6, "months", "S2 Art. 31: unstable income or members able to work: every 6 months"),
    ("recheck.death", 3, "months", "S3 §1(3): re-check within 3 months of a member's death"),
    ("grace_period.max", 6, "months", "S2 Art. 33; S3 §1(3): grace period in principle at most 6 months"),
    ("referral_answer", 5, "working_days", "local default: the receiving board answers a referral within 5 working days"),
    ("care_plan.review", 12, "months", "domain-rules §11: plan review date; local default 12 months"),
)


def _seed_calendar() -> None:
    now = dt.datetime.now(dt.timezone.utc)
    holiday = sa.table("holiday", sa.column("day", sa.Date), sa.column("kind", sa.String),
                       sa.column("name", sa.String), sa.column("source_note", sa.Text),
                       sa.column("changed_at", core.db.UTCDateTime(timezone=True)))
    rows = []
    for name, first, last, makeup, source in _SPANS:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            rows.append({"day": day, "kind": "holiday", "name": name, "source_note": source, "changed_at": now})
            day += dt.timedelta(days=1)
        for extra in makeup:
            rows.append({"day": dt.date.fromisoformat(extra), "kind": "workday", "name": f"{name}调休上班",
                         "source_note": source, "changed_at": now})
    op.bulk_insert(holiday, rows)
    limit = sa.table("time_limit", sa.column("key", sa.String), sa.column("amount", sa.Integer),
                     sa.column("unit", sa.String), sa.column("effective_from", sa.Date),
                     sa.column("source_note", sa.Text), sa.column("created_at", core.db.UTCDateTime(timezone=True)))
    op.bulk_insert(limit, [
        {"key": key, "amount": amount, "unit": unit, "effective_from": dt.date(2021, 7, 1), "source_note": note,
         "created_at": now}
        for key, amount, unit, note in _LIMITS
    ])


def downgrade() -> None:
    op.drop_table('care_measure_need')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_to_board'))
        batch_op.drop_index(batch_op.f('ix_referral_state'))
        batch_op.drop_index(batch_op.f('ix_referral_case_id'))

    op.drop_table('referral')
    with op.batch_alter_table('joint_review_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_review_decision_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_joint_review_decision_case_id'))

    op.drop_table('joint_review_decision')
    with op.batch_alter_table('case_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_step_case_id'))

    op.drop_table('case_step')
    op.drop_table('case_removal')
    with op.batch_alter_table('case_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_evaluation_case_id'))

    op.drop_table('case_evaluation')
    with op.batch_alter_table('case_detail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_detail_next_evaluation_on'))

    op.drop_table('case_detail')
    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_deadline_due_on'))
        batch_op.drop_index(batch_op.f('ix_case_deadline_case_id'))

    op.drop_table('case_deadline')
    with op.batch_alter_table('time_limit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_limit_key'))

    op.drop_table('time_limit')
    op.drop_table('joint_review_meeting')
    op.drop_table('holiday')
    with op.batch_alter_table('grid_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grid_report_reporter_id'))

    op.drop_table('grid_report')
