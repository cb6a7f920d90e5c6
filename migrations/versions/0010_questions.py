"""questions: residents' questions to an institution, and the institutions' answers

Revision ID: 0010
Revises: 0009

Two new tables, nothing else changes: an existing database upgrades and downgrades
without copying any table, on SQLite as on PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('institution_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('visibility', sa.Enum('visible', 'hidden', name='visibility', native_enum=False, length=20), nullable=False),
    sa.Column('hidden_reason', sa.String(length=300), nullable=True),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asker_id'], ['participant.id'], name=op.f('fk_institution_question_asker_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_institution_question_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_institution_question_institution_id_institution')),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['account.id'], name=op.f('fk_institution_question_moderated_by_id_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution_question')),
    sa.UniqueConstraint('uuid', name=op.f('uq_institution_question_uuid'))
    )
    with op.batch_alter_table('institution_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_question_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index('ix_institution_question_created', ['created_at', 'asker_id'], unique=False)

    op.create_table('question_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['account.id'], name=op.f('fk_question_answer_author_id_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['institution_question.id'], name=op.f('fk_question_answer_question_id_institution_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_answer')),
    sa.UniqueConstraint('uuid', name=op.f('uq_question_answer_uuid'))
    )
    with op.batch_alter_table('question_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_answer_question_id'), ['question_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_answer_question_id'))

    op.drop_table('question_answer')
    with op.batch_alter_table('institution_question', schema=None) as batch_op:
        batch_op.drop_index('ix_institution_question_created')
        batch_op.drop_index(batch_op.f('ix_institution_question_consultation_id'))

    op.drop_table('institution_question')
