"""scheduler: warnings, job runs, the monitoring baseline, APScheduler's job store; core's monitoring standards

Revision ID: 0005_scheduler
Revises: 0001_core
Create Date: 2026-11-24

A branch of its own from core's schema (the runner upgrades to all heads). Only the
tables of ``core/scheduler/models.py``. ``scheduler_job`` has APScheduler 3.11's own
layout (``SQLAlchemyJobStore``): creating it here keeps the whole schema under Alembic.

It also stores core's monitoring figures as dated standards (``core.*`` keys), so an
administrator can change them on the Standards page like any other standard; the code
falls back to the same values when a row is missing.
"""
import datetime as dt
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0005_scheduler'
down_revision: Union[str, Sequence[str], None] = '0001_core'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# key, value, unit, source note (domain-rules §7, §12.5); Daqing-wide, from the 2022 national
# guideline on visiting elderly people in special hardship.
SEED_FROM = dt.date(2022, 10, 1)
CORE_STANDARDS = (
    ("core.visit_every_days_risk3", "7", "days",
     "高风险: 至少每周探访一次 (high risk: at least weekly). domain-rules §7.2 [L-other] default tiering; edit locally"),
    ("core.visit_every_days_risk2", "30", "days",
     "重点: 至少每月探访一次 (key: at least monthly). domain-rules §7.2 [L-other] default tiering; edit locally"),
    ("core.visit_every_days_risk1", "90", "days",
     "一般: 至少每季度探访一次 (general: at least quarterly). domain-rules §7.2 [L-other] default tiering; edit locally"),
    ("core.visit_every_days_elderly_alone", "30", "days",
     "特殊困难老年人每月至少探访一次 (special-hardship elderly: at least monthly), 民政部等10部门 2022 guideline, 2025 target"),
    ("core.visit_every_days_bereaved_family", "30", "days",
     "计划生育特殊家庭: 经常联系, 本地默认每月 (bereaved-parent families: 'frequent', local default monthly), domain-rules §7.3"),
    ("core.visit_long_overdue_days", "14", "days",
     "逾期超过此天数上报责任板块 (overdue by more than this: the responsible board is warned); local default"),
    ("core.warning_income_drop_percent", "30", "percent",
     "家庭月收入骤降预警线 (household income drop that raises a warning), S8 §3(4) monitoring; local default"),
    ("core.warning_expenditure_rise_percent", "50", "percent",
     "刚性支出骤增预警线 (rigid expenditure rise that raises a warning), S8 §3(4) monitoring; local default"),
    ("core.warning_expiry_days_ahead", "30", "days",
     "渐退期、认定、背景审查、证书到期前提前预警天数 (warn this many days before expiry)"),
    ("core.deadline_warning_working_days", "3", "working_days",
     "时限到期前提前预警的工作日 (warn this many working days before a time limit ends)"),
    ("core.grid_report_grace_days", "3", "days",
     "网格员报告(含零报告)在报告期结束后几日内提交 (days after a period to file the grid report); local default"),
)


def upgrade() -> None:
    op.create_table('scheduler_job',
    sa.Column('id', sa.String(length=191), nullable=False),
    sa.Column('next_run_time', sa.Float(), nullable=True),
    sa.Column('job_state', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_job'))
    )
    with op.batch_alter_table('scheduler_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduler_job_next_run_time'), ['next_run_time'], unique=False)

    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=120), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=True),
    sa.Column('period_key', sa.String(length=32), nullable=False),
    sa.Column('claim_key', sa.String(length=160), nullable=True),
    sa.Column('trigger', sa.Enum('schedule', 'catch_up', 'manual', 'cli', name='job_run_trigger', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('run_on', sa.Date(), nullable=False),
    sa.Column('covered_from', sa.Date(), nullable=True),
    sa.Column('started_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('running', 'ok', 'error', 'skipped', name='job_run_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('warnings_created', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_job_run_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    sa.UniqueConstraint('claim_key', name=op.f('uq_job_run_claim_key'))
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_run_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_started_at'), ['started_at'], unique=False)

    op.create_table('monitor_baseline',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_monitor_baseline_household_id_household')),
    sa.PrimaryKeyConstraint('household_id', name=op.f('pk_monitor_baseline'))
    )
    op.create_table('warning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=True),
    sa.Column('audience', sa.String(length=32), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('addressee_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('level', sa.Enum('info', 'warning', 'urgent', name='warning_level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('action', sa.Enum('apply_programme', 'refer', 'joint_review', 'verify_termination', 're_assess', 'visit', 're_match', 'renew', 'file_report', 'follow_up', name='warning_action', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('dedup_key', sa.String(length=240), nullable=False),
    sa.Column('job_id', sa.String(length=120), nullable=True),
    sa.Column('period_key', sa.String(length=32), nullable=True),
    sa.Column('state', sa.Enum('open', 'acknowledged', 'resolved', name='warning_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolved_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['user_account.id'], name=op.f('fk_warning_acknowledged_by_user_account')),
    sa.ForeignKeyConstraint(['addressee_id'], ['user_account.id'], name=op.f('fk_warning_addressee_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], name=op.f('fk_warning_case_id_care_case')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_warning_person_id_person')),
    sa.ForeignKeyConstraint(['resolved_by'], ['user_account.id'], name=op.f('fk_warning_resolved_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warning')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_warning_dedup_key'))
    )
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warning_addressee_id'), ['addressee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_board'), ['board'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_state'), ['state'], unique=False)

    standard = sa.table(
        "standard", sa.column("key", sa.String), sa.column("region_code", sa.String), sa.column("area", sa.String),
        sa.column("value", sa.String), sa.column("unit", sa.String), sa.column("effective_from", sa.Date),
        sa.column("effective_to", sa.Date), sa.column("source_note", sa.Text),
        sa.column("created_at", core.db.UTCDateTime(timezone=True)),
    )
    now = dt.datetime.now(dt.timezone.utc)
    op.bulk_insert(standard, [
        {"key": key, "region_code": "230600", "area": "all", "value": value, "unit": unit,
         "effective_from": SEED_FROM, "effective_to": None, "source_note": note, "created_at": now}
        for key, value, unit, note in CORE_STANDARDS
    ])


def downgrade() -> None:
    standard = sa.table("standard", sa.column("key", sa.String))
    op.execute(standard.delete().where(standard.c.key.in_([key for key, *_ in CORE_STANDARDS])))
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warning_state'))
        batch_op.drop_index(batch_op.f('ix_warning_region_code'))
        batch_op.drop_index(batch_op.f('ix_warning_kind'))
        batch_op.drop_index(batch_op.f('ix_warning_created_at'))
        batch_op.drop_index(batch_op.f('ix_warning_case_id'))
        batch_op.drop_index(batch_op.f('ix_warning_board'))
        batch_op.drop_index(batch_op.f('ix_warning_addressee_id'))

    op.drop_table('warning')
    op.drop_table('monitor_baseline')
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_run_started_at'))
        batch_op.drop_index(batch_op.f('ix_job_run_job_id'))

    op.drop_table('job_run')
    with op.batch_alter_table('scheduler_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduler_job_next_run_time'))

    op.drop_table('scheduler_job')
