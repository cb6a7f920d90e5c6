"""statements from residents: moderation mode per consultation, statement uuid/language/held_reason, reports

Revision ID: 0020
Revises: 0019

`consultation.statement_moderation` ("open" for every existing consultation: their
statements were shown at once, as before); on `statement`, the client `uuid` of a
resident's statement (None for imported ones), its `language` and `held_reason`; and
`statement_report`, residents' reports of a statement.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

MODE = sa.Enum('strict', 'open', name='statementmoderation', native_enum=False, length=20)
HELD = sa.Enum('scrubber', 'premoderation', name='heldreason', native_enum=False, length=20)


def upgrade():
    with op.batch_alter_table('consultation') as batch_op:
        batch_op.add_column(sa.Column('statement_moderation', MODE, nullable=False, server_default='open'))
    with op.batch_alter_table('statement') as batch_op:
        batch_op.add_column(sa.Column('uuid', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('held_reason', HELD, nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_statement_uuid'), ['uuid'])
    op.create_table(
        'statement_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'],
                                name=op.f('fk_statement_report_statement_id_statement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name=op.f('fk_statement_report_participant_id_participant'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_report')),
        sa.UniqueConstraint('statement_id', 'participant_id',
                            name=op.f('uq_statement_report_statement_id_participant_id')),
    )


def downgrade():
    op.drop_table('statement_report')
    with op.batch_alter_table('statement') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_statement_uuid'), type_='unique')
        batch_op.drop_column('held_reason')
        batch_op.drop_column('language')
        batch_op.drop_column('uuid')
    with op.batch_alter_table('consultation') as batch_op:
        batch_op.drop_column('statement_moderation')
