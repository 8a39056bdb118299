"""case_title: the case's title on each task row

``human_task.case_title`` copies ``instance.title`` (the start form's ``x-case-title`` field, else
the process title with the business key) so the inbox and the monitor's task lists show and search
it without reading the case.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("human_task", sa.Column("case_title", sa.String(300), nullable=False, server_default=""))
    op.execute("UPDATE human_task SET case_title = COALESCE((SELECT instance.title FROM instance "
               "WHERE instance.id = human_task.instance_id), '')")


def downgrade() -> None:
    op.execute("ALTER TABLE human_task DROP COLUMN case_title")
