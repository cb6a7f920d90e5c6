"""sign-in failures: wrong passwords per account, to slow password guessing down

Revision ID: 0012
Revises: 0011

One new table (voix/accounts/throttle.py); nothing else changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_key', sa.String(length=64), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failure'))
    )
    op.create_index('ix_sign_in_failure_account_key_failed_at', 'sign_in_failure', ['account_key', 'failed_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_sign_in_failure_account_key_failed_at', table_name='sign_in_failure')
    op.drop_table('sign_in_failure')
