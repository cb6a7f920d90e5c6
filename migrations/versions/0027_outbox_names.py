"""earlier_outbox_name: the names kiosks' outboxes gave a participant in earlier visits, so
that what still waits on an earlier tablet joins the same participant

Revision ID: 0027
Revises: 0026

One new table, empty: until now an earlier name was overwritten.
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'earlier_outbox_name',
        sa.Column('client_uuid', sa.String(length=36), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name=op.f('fk_earlier_outbox_name_participant_id_participant'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('client_uuid', name=op.f('pk_earlier_outbox_name')),
    )
    op.create_index(op.f('ix_earlier_outbox_name_participant_id'), 'earlier_outbox_name', ['participant_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_earlier_outbox_name_participant_id'), table_name='earlier_outbox_name')
    op.drop_table('earlier_outbox_name')
