"""Attachments: how long a document stays valid (a registration certificate, a charter),
and the earlier application's attachment a document was reused from.

Revision ID: c4d8b2e6f1a9
Revises: a7c3e9f1d2b4
Create Date: 2026-12-07 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8b2e6f1a9'
down_revision = 'a7c3e9f1d2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reused_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attachment_reused_from_id_attachment'), 'attachment',
                                    ['reused_from_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachment_reused_from_id_attachment'), type_='foreignkey')
        batch_op.drop_column('reused_from_id')
        batch_op.drop_column('valid_until')
