"""statement.is_meta: meta statements are shown but left out of the opinion groups

Revision ID: 0018
Revises: 0016

One new column, false for every existing statement.
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_meta', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('is_meta')
