"""consultation.opinion_k_state: Pol.is's k smoothing memory between opinion group updates

Revision ID: 0022
Revises: 0021

One new nullable JSON column; None means no update yet (the first one shows its best k).
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opinion_k_state', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('opinion_k_state')
