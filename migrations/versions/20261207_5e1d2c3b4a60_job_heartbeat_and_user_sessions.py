"""Jobs: the task that runs them, when it was last handed to the broker, and the
running worker's heartbeat. Server-side sessions that logout revokes.

Revision ID: 5e1d2c3b4a60
Revises: bae8a81eda58
Create Date: 2026-12-07 22:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1d2c3b4a60'
down_revision = 'bae8a81eda58'
branch_labels = None
depends_on = None

# The tasks of the job kinds that existed before the column did.
TASKS = {"compute_stage": "venture.compute_stage", "export": "venture.run_export"}


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))

    job = sa.table('job', sa.column('kind', sa.String), sa.column('task_name', sa.String))
    for kind, task in TASKS.items():
        op.execute(job.update().where(job.c.kind == kind).values(task_name=task))

    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.alter_column('task_name', server_default=None)

    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash')),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('enqueued_at')
        batch_op.drop_column('task_name')
