"""invitation depth: each person's place in an invitation chain, stored on arrival

Revision ID: 0009
Revises: 0008

The social-link indicator followed invitation codes up their chains at read time: on a
million responses that was most of its cost. Each respondent and participant now
carries their depth (0: came on their own or with a code that is not real; else 1 +
their inviter's), and the covering index of responses holds it, and the panel card
code too: a panel respondent is one person however many waves they answer.
"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PEOPLE = ('response', 'participant')
RESPONSE_INDEX = ['territory_id', 'submitted_at', 'channel', 'gender', 'age_bracket', 'invited_by_code']
MAX_DEPTH = 100


def upgrade():
    for table in PEOPLE:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('invitation_depth', sa.SmallInteger(), server_default='0', nullable=False))
    _fill_depths()
    op.drop_index('ix_response_territory_submitted', table_name='response')
    op.create_index('ix_response_territory_submitted', 'response', RESPONSE_INDEX + ['invitation_depth', 'panel_code'])


def _fill_depths():
    """Level by level: first everyone who came with a real code, then everyone whose inviter
    reached the previous level. A row reaches its true depth at the level that equals it."""
    owners = ' UNION ALL '.join(f'SELECT invitation_code FROM {t} WHERE invitation_code IS NOT NULL' for t in PEOPLE)
    at_level = ' UNION ALL '.join(f'SELECT invitation_code FROM {t} WHERE invitation_depth = :previous' for t in PEOPLE)
    connection = op.get_bind()
    for level in range(1, MAX_DEPTH + 1):
        inviters = owners if level == 1 else at_level
        changed = 0
        for table in PEOPLE:
            changed += connection.execute(sa.text(
                f'UPDATE {table} SET invitation_depth = :level WHERE invited_by_code IN ({inviters})'),
                {'level': level, 'previous': level - 1}).rowcount
        if not changed:
            break


def downgrade():
    op.drop_index('ix_response_territory_submitted', table_name='response')
    op.create_index('ix_response_territory_submitted', 'response', RESPONSE_INDEX)
    for table in PEOPLE:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('invitation_depth')
