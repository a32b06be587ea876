"""Objections: the phone delivery of a reply to an objector without email, and why an
upheld objection changes no decision.

Revision ID: bae8a81eda58
Revises: 4820e3f5c02c
Create Date: 2026-11-27 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bae8a81eda58'
down_revision = '4820e3f5c02c'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows get empty texts; the default is dropped afterwards (the models set it).
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_change_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('phone_reply_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('phone_replied_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.alter_column('no_change_reason', server_default=None)
        batch_op.alter_column('phone_reply_note', server_default=None)


def downgrade():
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_column('phone_replied_at')
        batch_op.drop_column('phone_reply_note')
        batch_op.drop_column('no_change_reason')
