"""deliberation, the rest: idea photo descriptions

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Adding a nullable column is a plain ALTER TABLE, in batch mode too (no table copy).
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_alt', sa.String(length=200), nullable=True))


def downgrade():
    # Never copy the idea table on SQLite: with foreign keys on, dropping the old copy
    # would cascade to every support and comment. SQLite >= 3.35 drops a column in place.
    with op.batch_alter_table('idea', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('photo_alt')
