"""matrix questions: question.rows, the rows of a matrix or the items of a multiple question

Revision ID: 0019
Revises: 0018

One JSON column, an empty list for every existing question. The new question types need
no change to the type column (a VARCHAR(20), see voix/models.enum_type).
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question') as batch:
        batch.add_column(sa.Column('rows', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('question') as batch:
        batch.drop_column('rows')
