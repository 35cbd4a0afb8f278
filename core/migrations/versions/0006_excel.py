"""excel: import_batch, import_file

Revision ID: 0006_excel
Revises: 0001_core
Create Date: 2026-11-23 10:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import core.db


revision: str = '0006_excel'
down_revision: Union[str, Sequence[str], None] = '0001_core'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('households', 'incomes', 'disabilities', 'volunteers', 'standards', name='import_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('queued', 'validating', 'writing', 'done', 'rejected', 'failed', name='import_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('good_rows_only', sa.Boolean(), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('good_rows', sa.Integer(), nullable=False),
    sa.Column('bad_rows', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('updated_count', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('board', sa.String(length=64), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_import_batch_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    op.create_index(op.f('ix_import_batch_sha256'), 'import_batch', ['sha256'], unique=False)
    op.create_index(op.f('ix_import_batch_status'), 'import_batch', ['status'], unique=False)
    op.create_table('import_file',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_import_file_batch_id_import_batch')),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_import_file'))
    )


def downgrade() -> None:
    op.drop_table('import_file')
    op.drop_index(op.f('ix_import_batch_status'), table_name='import_batch')
    op.drop_index(op.f('ix_import_batch_sha256'), table_name='import_batch')
    op.drop_table('import_batch')
