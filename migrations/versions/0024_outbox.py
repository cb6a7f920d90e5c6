"""participant.client_uuid: the resident a kiosk's outbox names, so that a re-sent request
for a participation token gives the same participant

Revision ID: 0024
Revises: 0023

One new nullable column with a unique constraint; existing participants keep NULL.
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_uuid', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_participant_client_uuid'), ['client_uuid'])


def downgrade():
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_participant_client_uuid'), type_='unique')
        batch_op.drop_column('client_uuid')
