"""indicator indexes: a quartier's year read from indexes alone

Revision ID: 0008
Revises: 0007

With a million responses, reading a quartier's year row by row from the tables took
most of the indicators' time. Each index below holds every column its indicator
reads, so the database answers from the index: on both databases the extra columns
are plain index keys (SQLite has no INCLUDE).
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Respondents of a territory and period: who they say they are, how they came, who invited them.
RESPONSE_SCOPE = ['territory_id', 'submitted_at']
RESPONSE_ABOUT = ['channel', 'gender', 'age_bracket', 'invited_by_code']
# Who did what in a period (people.py, exchanges.py): the moment, then the participant.
ACTIVITY = {
    'ix_support_created': ('support', ['created_at', 'participant_id', 'idea_id']),
    'ix_statement_vote_voted': ('statement_vote', ['voted_at', 'participant_id']),
    'ix_pairwise_vote_created': ('pairwise_vote', ['created_at', 'participant_id']),
    'ix_comment_created': ('comment', ['created_at', 'participant_id']),
}


def upgrade():
    op.drop_index('ix_response_territory_submitted', table_name='response')
    op.create_index('ix_response_territory_submitted', 'response', RESPONSE_SCOPE + RESPONSE_ABOUT, unique=False)
    for name, (table, columns) in ACTIVITY.items():
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, (table, _columns) in ACTIVITY.items():
        op.drop_index(name, table_name=table)
    op.drop_index('ix_response_territory_submitted', table_name='response')
    op.create_index('ix_response_territory_submitted', 'response', RESPONSE_SCOPE, unique=False)
