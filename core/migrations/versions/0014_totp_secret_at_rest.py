"""Logins (issue 9): administrators' TOTP secrets encrypted at rest.

``user_credential.totp_secret`` becomes AES-256-GCM ciphertext under the data key, the
same key and primitive as the resident ID numbers (core.privacy.crypto ``seal``; the
column name is the associated data), so a copy of the database alone cannot generate
second-factor codes. Existing secrets are encrypted here; the downgrade decrypts them.
A 64-character secret is 126 characters sealed, so the column grows to 128.

Revision ID: 0014_totp_secret_at_rest
Revises: 0010_logins
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0014_totp_secret_at_rest'
down_revision: Union[str, Sequence[str], None] = '0010_logins'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PLAIN, CIPHERTEXT = 64, 128
CONTEXT = b'user_credential.totp_secret'


def _rewrite(seal: bool) -> None:
    from core.privacy import crypto

    bind = op.get_bind()
    t = sa.table('user_credential', sa.column('user_id', sa.Integer), sa.column('totp_secret', sa.String))
    rows = bind.execute(sa.select(t.c.user_id, t.c.totp_secret).where(t.c.totp_secret.is_not(None))).all()
    stmt = t.update().where(t.c.user_id == sa.bindparam('_id')).values(totp_secret=sa.bindparam('_value'))
    changes = []
    for user_id, value in rows:
        plain = crypto.unseal(value, context=CONTEXT, what='an encrypted TOTP secret')
        changes.append({'_id': user_id, '_value': crypto.seal(plain, context=CONTEXT) if seal else plain})
    if changes:  # a handful of administrators: one executemany
        bind.execute(stmt, changes)


def upgrade() -> None:
    with op.batch_alter_table('user_credential', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=PLAIN), type_=sa.String(length=CIPHERTEXT),
                              existing_nullable=True)
    _rewrite(seal=True)


def downgrade() -> None:
    _rewrite(seal=False)
    with op.batch_alter_table('user_credential', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=CIPHERTEXT), type_=sa.String(length=PLAIN),
                              existing_nullable=True)
