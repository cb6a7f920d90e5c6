"""sign-in places per address; API tokens that expire and can be revoked

Revision ID: 0013
Revises: 0012

- sign_in_failure gets the (keyed hash of the) address each wrong password came from, and
  sign_in_place remembers where each account signed in (voix/accounts/throttle.py).
  Failures recorded before the upgrade have no address (''): they count for their
  account only, and are gone 15 minutes later.
- api_token gets expires_at, revoked_at and last_used_at. Tokens that exist at the
  upgrade expire 90 days after the upgrade (not after their creation: scripts that use an
  old token keep working while their owners list them with `flask users tokens` and
  replace them).
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
    token = sa.table('api_token', sa.column('expires_at', sa.DateTime(timezone=True)))
    op.execute(token.update().values(expires_at=datetime.now(timezone.utc) + timedelta(days=90)))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)
    with op.batch_alter_table('sign_in_failure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_key', sa.String(length=64), nullable=False, server_default=''))
    with op.batch_alter_table('sign_in_failure', schema=None) as batch_op:
        batch_op.alter_column('address_key', server_default=None)
    op.create_index('ix_sign_in_failure_address_key_failed_at', 'sign_in_failure', ['address_key', 'failed_at'],
                    unique=False)
    op.create_table('sign_in_place',
    sa.Column('account_key', sa.String(length=64), nullable=False),
    sa.Column('address_key', sa.String(length=64), nullable=False),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account_key', 'address_key', name=op.f('pk_sign_in_place'))
    )


def downgrade():
    op.drop_table('sign_in_place')
    op.drop_index('ix_sign_in_failure_address_key_failed_at', table_name='sign_in_failure')
    with op.batch_alter_table('sign_in_failure', schema=None) as batch_op:
        batch_op.drop_column('address_key')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
