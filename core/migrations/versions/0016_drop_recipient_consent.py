"""Privacy (issue 9): drop ``recipient_consent``, which nothing reads any more.

Since 0009 the ``consent`` table (kind ``share_with_volunteers``) is the one source of
truth for sharing a recipient's data with volunteers; ``core.volunteering`` reads and
writes only that. Rows still in the old table (when 0004 ran after 0009, so 0009 could
not copy them) are copied into ``consent`` first, unless an equal consent is already
there, so no guardian's consent is lost. The downgrade recreates the empty table.

Revision ID: 0016_drop_recipient_consent
Revises: 0004_volunteering
Depends on: 0009_privacy
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0016_drop_recipient_consent'
down_revision: Union[str, Sequence[str], None] = '0004_volunteering'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = '0009_privacy'


def upgrade() -> None:
    op.execute(
        "INSERT INTO consent (person_id, kind, legal_basis, given_by, guardian_person_id, guardian_name, given_on,"
        " withdrawn_on, note, recorded_by, recorded_at)"
        " SELECT r.person_id, 'share_with_volunteers', 'consent', 'guardian', NULL, r.guardian_name, r.given_on,"
        " r.withdrawn_on, 'recipient_consent', r.recorded_by, CURRENT_TIMESTAMP FROM recipient_consent r"
        " WHERE NOT EXISTS (SELECT 1 FROM consent c WHERE c.person_id = r.person_id"
        " AND c.kind = 'share_with_volunteers' AND c.given_on = r.given_on AND c.guardian_name = r.guardian_name)")
    with op.batch_alter_table('recipient_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipient_consent_person_id'))
    op.drop_table('recipient_consent')


def downgrade() -> None:
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
