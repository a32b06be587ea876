"""Stages: whether a judge must give their confidence and a recommendation (None: the
stage kind's default, required except on the live roadshow).

Revision ID: 7a3c9e1f2b40
Revises: 7a4c1e9d2b80
Create Date: 2026-12-07 23:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3c9e1f2b40'
down_revision = '7a4c1e9d2b80'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opinion_required', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_column('opinion_required')
