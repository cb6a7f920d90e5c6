"""offline kiosks: when a wave was closed by hand, and what each kiosk last said of its outbox

Revision ID: 0014
Revises: 0013

wave.closed_at lets a tablet that was offline send, within a grace period, responses
answered before the wave closed (surveys/submission.py). The kiosk columns hold the
state a tablet reports (voix/kiosk/views.py), shown on the staff's Kiosks screen.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('wave') as batch:
        batch.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('kiosk') as batch:
        batch.add_column(sa.Column('last_contact_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('outbox_waiting', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('outbox_oldest_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('outbox_refused', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('outbox_refusals', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('kiosk') as batch:
        batch.drop_column('outbox_refusals')
        batch.drop_column('outbox_refused')
        batch.drop_column('outbox_oldest_at')
        batch.drop_column('outbox_waiting')
        batch.drop_column('last_contact_at')
    with op.batch_alter_table('wave') as batch:
        batch.drop_column('closed_at')
