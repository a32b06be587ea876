"""The agreement's own reporting period (monthly or quarterly); empty means the
competition's default.

Revision ID: a7c3e9f1d2b4
Revises: c0e2993a7c78
Create Date: 2026-12-07 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1d2b4'
down_revision = 'c0e2993a7c78'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_period', sa.Enum('monthly', 'quarterly', name='reportperiod',
                                                               native_enum=False, create_constraint=True,
                                                               length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        # The enum's CHECK goes first: SQLite's table copy would otherwise keep it, naming a
        # column that no longer exists.
        batch_op.drop_constraint(op.f('ck_agreement_reportperiod_report_period'), type_='check')
        batch_op.drop_column('report_period')
