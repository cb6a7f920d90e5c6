"""deliberation, the rest: idea photo descriptions, paper ballots, resident sign-in sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Adding a nullable column is a plain ALTER TABLE, in batch mode too (no table copy).
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_alt', sa.String(length=200), nullable=True))

    op.create_table('paper_ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('supports', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_paper_ballot_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['account.id'], name=op.f('fk_paper_ballot_recorded_by_id_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_ballot')),
    sa.UniqueConstraint('uuid', name=op.f('uq_paper_ballot_uuid'))
    )
    with op.batch_alter_table('paper_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_ballot_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('resident_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident_account.id'], name=op.f('fk_resident_session_resident_id_resident_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_session'))
    )
    with op.batch_alter_table('resident_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_session_resident_id'), ['resident_id'], unique=False)


def downgrade():
    with op.batch_alter_table('resident_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_session_resident_id'))

    op.drop_table('resident_session')
    with op.batch_alter_table('paper_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_ballot_consultation_id'))

    op.drop_table('paper_ballot')
    # Never copy the idea table on SQLite: with foreign keys on, dropping the old copy
    # would cascade to every support and comment. SQLite >= 3.35 drops a column in place.
    with op.batch_alter_table('idea', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('photo_alt')
