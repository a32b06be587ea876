"""Disputes of activity records with a life: the organization's answer with evidence,
the liaison's confirmation or insistence, the organizer's decision. Activities already
disputed get an open dispute each, so they hold their tranche from now on.

Revision ID: 7d3e9a1c5b20
Revises: c4d8b2e6f1a9
Create Date: 2026-12-08 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3e9a1c5b20'
down_revision = 'c4d8b2e6f1a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'activity_dispute',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('open', 'answered', 'kept', 'resolved', 'upheld', 'dismissed',
                                    name='disputestatus', native_enum=False, create_constraint=True, length=10),
                  nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_dispute_activity_id_activity'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_dispute')),
        sa.UniqueConstraint('activity_id', name=op.f('uq_activity_dispute_activity_id')),
    )
    with op.batch_alter_table('activity_dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_dispute_status'), ['status'], unique=False)

    op.create_table(
        'dispute_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dispute_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.Enum('opened', 'answered', 'confirmed', 'kept', 'upheld', 'dismissed',
                                  name='disputestep', native_enum=False, create_constraint=True, length=10),
                  nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_dispute_entry_author_id_user')),
        sa.ForeignKeyConstraint(['dispute_id'], ['activity_dispute.id'],
                                name=op.f('fk_dispute_entry_dispute_id_activity_dispute'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_entry')),
    )
    with op.batch_alter_table('dispute_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_entry_dispute_id'), ['dispute_id'], unique=False)

    op.create_table(
        'dispute_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('stored_file_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['dispute_entry.id'],
                                name=op.f('fk_dispute_evidence_entry_id_dispute_entry'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'],
                                name=op.f('fk_dispute_evidence_stored_file_id_stored_file')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_evidence')),
    )
    with op.batch_alter_table('dispute_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_evidence_entry_id'), ['entry_id'], unique=False)

    # Every activity disputed before this revision: an open dispute whose first step is
    # the liaison's note, so it now holds its tranche and can be answered.
    op.execute(
        "INSERT INTO activity_dispute (activity_id, status, created_at, updated_at) "
        "SELECT id, 'open', COALESCE(reviewed_at, CURRENT_TIMESTAMP), COALESCE(reviewed_at, CURRENT_TIMESTAMP) "
        "FROM activity WHERE liaison_status = 'disputed'")
    op.execute(
        "INSERT INTO dispute_entry (dispute_id, step, author_id, text, created_at) "
        "SELECT d.id, 'opened', a.reviewed_by_id, a.liaison_note, d.created_at "
        "FROM activity_dispute d JOIN activity a ON a.id = d.activity_id")


def downgrade():
    with op.batch_alter_table('dispute_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_evidence_entry_id'))
    op.drop_table('dispute_evidence')
    with op.batch_alter_table('dispute_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_entry_dispute_id'))
    op.drop_table('dispute_entry')
    with op.batch_alter_table('activity_dispute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_dispute_status'))
    op.drop_table('activity_dispute')
