"""Stages the organizer controls: the real opening and closing beside the planned dates,
and extensions of a stage for one person or one organization.

Revision ID: 7a4c1e9d2b80
Revises: 7d3e9a1c5b20
Create Date: 2026-12-07 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a4c1e9d2b80'
down_revision = '7d3e9a1c5b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actual_opens_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('actual_closes_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        'stage_extension',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=True),
        sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('(user_id IS NULL) <> (organization_id IS NULL)',
                           name=op.f('ck_stage_extension_one_beneficiary')),
        sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_stage_extension_stage_id_stage'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_stage_extension_user_id_user'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_stage_extension_organization_id_organization'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_stage_extension_granted_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_extension')),
    )
    with op.batch_alter_table('stage_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_extension_stage_id'), ['stage_id'], unique=False)


def downgrade():
    with op.batch_alter_table('stage_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_extension_stage_id'))
    op.drop_table('stage_extension')
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_column('actual_closes_at')
        batch_op.drop_column('actual_opens_at')
