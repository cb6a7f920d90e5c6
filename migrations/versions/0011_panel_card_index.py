"""panel cards: one partial unique index instead of a unique constraint and an index

Revision ID: 0011
Revises: 0010

Only panel questionnaires give card codes, so almost every response has none. The unique
(wave_id, panel_code) constraint and the panel_code index still took an entry for each
of them: two index writes on every survey submission for nothing. A unique index on
(panel_code, wave_id) limited to responses with a card keeps both guarantees (a card
answers a wave once; a card's responses are found by its code) at no cost for the others.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

WITH_A_CARD = sa.text('panel_code IS NOT NULL')


def upgrade():
    op.drop_index('ix_response_panel_code', table_name='response')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint('uq_response_wave_id_panel_code', type_='unique')
    op.create_index('uq_response_panel_card', 'response', ['panel_code', 'wave_id'], unique=True,
                    sqlite_where=WITH_A_CARD, postgresql_where=WITH_A_CARD)


def downgrade():
    op.drop_index('uq_response_panel_card', table_name='response')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_response_wave_id_panel_code', ['wave_id', 'panel_code'])
    op.create_index('ix_response_panel_code', 'response', ['panel_code'], unique=False)
