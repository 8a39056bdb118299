"""admin: the accounts' audit trail

``audit_event.subject`` names what an account event is about (``user:NAME``, ``unit:KEY``), so the
administration pages read one user's or unit's history by index; case events leave it empty.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("subject", sa.String(150), nullable=True))
    op.create_index("ix_audit_subject", "audit_event", ["subject", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_subject", "audit_event")
    # a plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would lose its append-only triggers
    op.execute("ALTER TABLE audit_event DROP COLUMN subject")
