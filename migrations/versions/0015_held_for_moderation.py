"""held for moderation: consultations that pre-moderate, texts held until approved

Revision ID: 0015
Revises: 0014

`consultation.premoderation` (every idea, comment and question waits for a moderator) and
`held_reason` on ideas, comments and questions (why a hidden text waits: the personal-data
scrubber was unsure, or pre-moderation). Existing rows: not pre-moderated, not held.
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

HELD = sa.Enum('scrubber', 'premoderation', name='heldreason', native_enum=False, length=20)
TABLES = ('idea', 'comment', 'institution_question')


def upgrade():
    with op.batch_alter_table('consultation') as batch_op:
        batch_op.add_column(sa.Column('premoderation', sa.Boolean(), nullable=False, server_default=sa.false()))
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('held_reason', HELD, nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('held_reason')
    with op.batch_alter_table('consultation') as batch_op:
        batch_op.drop_column('premoderation')
