"""app_user.phone: the office phone a user's start forms are prefilled with

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_column("phone")
