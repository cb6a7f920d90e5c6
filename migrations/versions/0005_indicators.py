"""indicators: where responses count, participants' "about you" and invitations

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('territory_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_response_territory_id_territory'), 'territory', ['territory_id'], ['id'])
        batch_op.create_index('ix_response_territory_submitted', ['territory_id', 'submitted_at'], unique=False)
    # Existing responses count where they always did: the respondent's quartier, else the wave's territory.
    op.execute("UPDATE response SET territory_id = COALESCE(quartier_id, "
               "(SELECT wave.territory_id FROM wave WHERE wave.id = response.wave_id))")

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('age_bracket', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('quartier_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('invitation_code', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('invited_by_code', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('opinion_group', sa.SmallInteger(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_participant_quartier_id_territory'), 'territory', ['quartier_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_participant_invitation_code'), ['invitation_code'])
    # Participants from before this migration get their code lazily: NULL never collides.

    with op.batch_alter_table('text_analysis', schema=None) as batch_op:
        batch_op.drop_index('ix_text_analysis_quartier')
        batch_op.create_index('ix_text_analysis_quartier', ['quartier_id', 'written_at'], unique=False)


def downgrade():
    with op.batch_alter_table('text_analysis', schema=None) as batch_op:
        batch_op.drop_index('ix_text_analysis_quartier')
        batch_op.create_index('ix_text_analysis_quartier', ['quartier_id'], unique=False)

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_participant_invitation_code'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_participant_quartier_id_territory'), type_='foreignkey')
        for column in ('opinion_group', 'invited_by_code', 'invitation_code', 'quartier_id', 'age_bracket', 'gender'):
            batch_op.drop_column(column)

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_territory_submitted')
        batch_op.drop_constraint(batch_op.f('fk_response_territory_id_territory'), type_='foreignkey')
        batch_op.drop_column('territory_id')
