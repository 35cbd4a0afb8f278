"""Privacy (issue 9): resident ID numbers encrypted at rest with a keyed blind index.

``person.id_number``, ``volunteer.id_number`` and ``disability_certificate.number`` (which
embeds the holder's ID number) become AES-256-GCM ciphertext (core.privacy.crypto); exact
lookups and uniqueness move to ``id_number_index`` / ``number_index`` (HMAC-SHA256 under a
key derived separately). The existing rows are encrypted here with the same key the
application uses (CAREMATCH_DATA_KEY, else CAREMATCH_DATA_KEY_FILE, else instance/data_key);
the key itself is never written to the database. Downgrade decrypts and restores the
plain columns and their unique constraints.

Revision ID: 0011_identifiers_at_rest
Revises: 0009_privacy
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011_identifiers_at_rest'
down_revision: Union[str, Sequence[str], None] = '0009_privacy'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CIPHERTEXT = 128
INDEX = 64
# table, column, its blind index, the plain length, nullable, the AES-GCM context
COLUMNS = (
    ('person', 'id_number', 'id_number_index', 18, True, 'id_number'),
    ('volunteer', 'id_number', 'id_number_index', 18, True, 'id_number'),
    ('disability_certificate', 'number', 'number_index', 22, False, 'disability_certificate.number'),
)
CHUNK = 1000


def _rows(table: str, column: str, index: str) -> sa.TableClause:
    return sa.table(table, sa.column('id', sa.Integer), sa.column(column, sa.String), sa.column(index, sa.String))


def _rewrite(table: str, column: str, index: str, context: str, seal: bool) -> None:
    """Encrypt the column and fill its index (``seal``), or decrypt it back."""
    from core.privacy import crypto

    bind = op.get_bind()
    t = _rows(table, column, index)
    ctx = context.encode()
    changes = []
    for row_id, value in bind.execute(sa.select(t.c.id, t.c[column]).where(t.c[column].is_not(None))).all():
        plain = crypto.decrypt(value, context=ctx)
        if seal:
            changes.append({'_id': row_id, '_value': crypto.encrypt(plain, context=ctx), '_index': crypto.blind_index(plain)})
        else:
            changes.append({'_id': row_id, '_value': plain})
    values = {column: sa.bindparam('_value')}
    if seal:
        values[index] = sa.bindparam('_index')
    stmt = t.update().where(t.c.id == sa.bindparam('_id')).values(values)
    for start in range(0, len(changes), CHUNK):
        bind.execute(stmt, changes[start:start + CHUNK])


def upgrade() -> None:
    for table, column, index, length, nullable, context in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(index, sa.String(length=INDEX), nullable=True))
            batch_op.alter_column(column, existing_type=sa.String(length=length), type_=sa.String(length=CIPHERTEXT),
                                  existing_nullable=nullable)
            batch_op.drop_constraint(op.f(f'uq_{table}_{column}'), type_='unique')
        _rewrite(table, column, index, context, seal=True)
        with op.batch_alter_table(table, schema=None) as batch_op:
            if not nullable:
                batch_op.alter_column(index, existing_type=sa.String(length=INDEX), nullable=False)
            batch_op.create_unique_constraint(op.f(f'uq_{table}_{index}'), [index])


def downgrade() -> None:
    for table, column, index, length, nullable, context in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'uq_{table}_{index}'), type_='unique')
        _rewrite(table, column, index, context, seal=False)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(index)
            batch_op.alter_column(column, existing_type=sa.String(length=CIPHERTEXT), type_=sa.String(length=length),
                                  existing_nullable=nullable)
            batch_op.create_unique_constraint(op.f(f'uq_{table}_{column}'), [column])
