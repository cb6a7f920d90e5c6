"""Parts of a questionnaire (groups) with their own display condition:
questionnaire_version.groups (JSON list) and question.group_code (its part's code)

Revision ID: 0026
Revises: 0025

Two new columns; existing versions get an empty list of parts, existing questions none.
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('groups', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_code', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('group_code')
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.drop_column('groups')
