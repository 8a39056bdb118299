"""notification: what the engine has to say as a code with parameters, worded where it is read

The engine no longer composes notification texts: an escalation or the overdue digest is stored
as ``code`` and ``params`` and worded in the reader's language. ``message``/``message_en`` stay
for the texts a process model writes itself (the ``notify`` service), so ``message`` may be empty.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification") as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.alter_column("message", existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE notification SET message = '' WHERE message IS NULL")
    with op.batch_alter_table("notification") as batch_op:
        batch_op.alter_column("message", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("params")
        batch_op.drop_column("code")
