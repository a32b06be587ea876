"""Unique names of top-level districts: the (parent_id, name) constraint treats NULL parents as distinct.

Revision ID: 4820e3f5c02c
Revises: b92d1cdca03d
Create Date: 2026-11-27 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4820e3f5c02c'
down_revision = 'b92d1cdca03d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.create_index('uq_area_district_name', ['name'], unique=True,
                              sqlite_where=sa.text('parent_id IS NULL'),
                              postgresql_where=sa.text('parent_id IS NULL'))


def downgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_index('uq_area_district_name',
                            sqlite_where=sa.text('parent_id IS NULL'),
                            postgresql_where=sa.text('parent_id IS NULL'))
