"""panel surveys: a pseudonymous card code per respondent

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.add_column(sa.Column('panel', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('panel_code', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_response_wave_id_panel_code'), ['wave_id', 'panel_code'])
        batch_op.create_index('ix_response_panel_code', ['panel_code'], unique=False)


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_panel_code')
        batch_op.drop_constraint(batch_op.f('uq_response_wave_id_panel_code'), type_='unique')
        batch_op.drop_column('panel_code')
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.drop_column('panel')
