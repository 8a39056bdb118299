"""inbox: indexes that serve each queue in order (created or due), with the id as tie-breaker

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_human_task_lane_status", table_name="human_task")
    op.drop_index("ix_human_task_assignee_status", table_name="human_task")
    op.create_index("ix_human_task_lane_status", "human_task", ["lane", "status", "created_at", "id"])
    op.create_index("ix_human_task_assignee_status", "human_task", ["assignee", "status", "created_at", "id"])
    op.create_index("ix_human_task_lane_due", "human_task", ["lane", "status", "due_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_human_task_lane_due", table_name="human_task")
    op.drop_index("ix_human_task_assignee_status", table_name="human_task")
    op.drop_index("ix_human_task_lane_status", table_name="human_task")
    op.create_index("ix_human_task_lane_status", "human_task", ["lane", "status", "created_at"])
    op.create_index("ix_human_task_assignee_status", "human_task", ["assignee", "status", "created_at"])
