"""Privacy (issue 9): consent records.

Revision ID: 0009_privacy
Revises: 0007_assessment_fields
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0009_privacy'
down_revision: Union[str, Sequence[str], None] = '0007_assessment_fields'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


APPEND_ONLY = ('audit_event', 'ledger_entry')


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum('consent_kind', 'sensitive_data', 'share_with_volunteers'), nullable=False),
    sa.Column('legal_basis', _enum('consent_legal_basis', 'consent', 'statutory_duty', 'vital_interest'), nullable=False),
    sa.Column('given_by', _enum('consent_given_by', 'self', 'guardian'), nullable=False),
    sa.Column('guardian_person_id', sa.Integer(), nullable=True),
    sa.Column('guardian_name', sa.String(length=100), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("given_by = 'self' OR guardian_person_id IS NOT NULL OR guardian_name <> ''", name=op.f('ck_consent_guardian_named')),
    sa.ForeignKeyConstraint(['guardian_person_id'], ['person.id'], name=op.f('fk_consent_guardian_person_id_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_consent_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_consent_recorded_by_user_account')),
    sa.ForeignKeyConstraint(['withdrawn_by'], ['user_account.id'], name=op.f('fk_consent_withdrawn_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_person_id'), ['person_id'], unique=False)
    # the recipient_consent rows of 0004 (when that branch is already applied) move here:
    # the consent table is the one source of truth for sharing with volunteers
    if 'recipient_consent' in sa.inspect(op.get_bind()).get_table_names():
        op.execute(
        "INSERT INTO consent (person_id, kind, legal_basis, given_by, guardian_person_id, guardian_name, given_on,"
        " withdrawn_on, note, recorded_by, recorded_at)"
        " SELECT person_id, 'share_with_volunteers', 'consent', 'guardian', NULL, guardian_name, given_on,"
        " withdrawn_on, 'recipient_consent', recorded_by, CURRENT_TIMESTAMP FROM recipient_consent")


    if op.get_bind().dialect.name == 'postgresql':
        # the ORM listener refuses changes from the application; this refuses them from anyone
        op.execute("CREATE FUNCTION carematch_refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$"
                   " BEGIN RAISE EXCEPTION '% is append-only: add a correcting row instead', TG_TABLE_NAME; END $$")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
                       " FOR EACH ROW EXECUTE FUNCTION carematch_refuse_append_only_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS carematch_refuse_append_only_change()")
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_person_id'))
    op.drop_table('consent')
