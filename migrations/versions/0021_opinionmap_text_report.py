"""text_report: residents report ideas and questions (and any kind of text) to moderators;
an index for each statement's latest vote (the opinion map's cache key)

Revision ID: 0021
Revises: 0020

One new table (comments keep their comment_report) and one index.
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'text_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_text_report_consultation_id_consultation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_text_report_participant_id_participant'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_text_report')),
        sa.UniqueConstraint('kind', 'item_id', 'participant_id', name=op.f('uq_text_report_kind_item_id_participant_id')),
    )
    op.create_index('ix_text_report_consultation', 'text_report', ['consultation_id', 'resolved_at'], unique=False)
    op.create_index('ix_statement_vote_statement_voted', 'statement_vote', ['statement_id', 'voted_at'], unique=False)


def downgrade():
    op.drop_index('ix_statement_vote_statement_voted', table_name='statement_vote')
    op.drop_index('ix_text_report_consultation', table_name='text_report')
    op.drop_table('text_report')
