"""units: organisations as units, a case's unit, and tasks bound to owners

- ``unit`` (key, name, name_en, active) and ``app_user.unit_key``: the unit a user works for.
- ``instance.unit_key``: the starter's unit, fixed at the start.
- ``human_task.owners`` and ``task_owner``: a task bound to owners (an ``applicant_unit`` task to
  its case's unit, or a lane named in the task's ``lane_owners``) is worked only by them; one
  ``task_owner`` row per owner (``unit:KEY`` or ``user:NAME``) lets the lists find them by index.
- The applicant-unit tasks already there are bound to their case's starter (no case has a unit
  yet), as a task becoming ready is bound from now on.
- The counter triggers of 0004 count a task under its lane (``lane`` kind) only when it is bound
  to no owners: a lane's shared queue; the counts are rebuilt by that rule. Tasks bound to owners
  are counted by a query over ``task_owner`` for the reader's own keys
  (``store.reads.tasks.TaskReads.counts``).

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from store.task_status import TaskStatus

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

WATCHED = ("status", "lane", "assignee", "completed_by")


def _kinds(lane_rule: str) -> tuple[tuple[str, str, str], ...]:
    return (
        ("lane", f"{{r}}.status = '{TaskStatus.OPEN}' AND {{r}}.lane IS NOT NULL{lane_rule}", "lane"),
        (
            "mine",
            f"{{r}}.status IN ('{TaskStatus.OPEN}', '{TaskStatus.CLAIMED}') AND {{r}}.assignee IS NOT NULL",
            "assignee",
        ),
        ("done", f"{{r}}.status = '{TaskStatus.COMPLETED}' AND {{r}}.completed_by IS NOT NULL", "completed_by"),
    )


UNOWNED = " AND {r}.owners IS NULL"


def _pg_body(kinds: tuple[tuple[str, str, str], ...], r: str, delta: int) -> str:
    return "\n".join(
        f"IF {cond.format(r=r)} THEN "
        f"PERFORM fao_task_count_bump('{kind}', {r}.{col}, pg_backend_pid() & 15, {delta}); END IF;"
        for kind, cond, col in kinds
    )


def _sqlite_body(kinds: tuple[tuple[str, str, str], ...], r: str, delta: int) -> str:
    out = []
    for kind, cond, col in kinds:
        c = cond.format(r=r)
        out.append(
            f"INSERT OR IGNORE INTO task_count (kind, key, shard, n) SELECT '{kind}', {r}.{col}, 0, 0 WHERE {c};"
        )
        out.append(
            f"UPDATE task_count SET n = n + ({delta}) WHERE {c} AND kind = '{kind}' AND key = {r}.{col} AND shard = 0;"
        )
    return "\n".join(out)


def _triggers(lane_rule: str) -> None:
    """(Re)create the counter triggers, the ``lane`` kind counting under ``lane_rule``."""
    kinds = _kinds(lane_rule)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE OR REPLACE FUNCTION fao_task_count() RETURNS trigger AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    {_pg_body(kinds, 'OLD', -1)}
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    {_pg_body(kinds, 'NEW', 1)}
                END IF;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
        """)
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS human_task_count_{name}")
    op.execute(
        f"CREATE TRIGGER human_task_count_insert AFTER INSERT ON human_task BEGIN {_sqlite_body(kinds, 'NEW', 1)} END"
    )
    op.execute(
        f"CREATE TRIGGER human_task_count_delete AFTER DELETE ON human_task BEGIN {_sqlite_body(kinds, 'OLD', -1)} END"
    )
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    op.execute(f"""CREATE TRIGGER human_task_count_update AFTER UPDATE OF {', '.join(WATCHED)} ON human_task
                   WHEN {changed} BEGIN {_sqlite_body(kinds, 'OLD', -1)} {_sqlite_body(kinds, 'NEW', 1)} END""")


def upgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("key", sa.String(50), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(sa.Column("unit_key", sa.String(50), nullable=True))
        batch_op.create_index("ix_app_user_unit_key", ["unit_key"])
        batch_op.create_foreign_key("fk_app_user_unit_key", "unit", ["unit_key"], ["key"])
    op.add_column("instance", sa.Column("unit_key", sa.String(50), nullable=True))
    op.create_index("ix_instance_unit_key", "instance", ["unit_key"])
    op.add_column("human_task", sa.Column("owners", sa.String(1000), nullable=True))
    op.create_table(
        "task_owner",
        sa.Column("owner", sa.String(150), primary_key=True),
        sa.Column("task_id", sa.String(36), sa.ForeignKey("human_task.id", ondelete="CASCADE"), primary_key=True),
    )
    # the applicant-unit tasks already there: their cases have no unit, so they are the starter's
    op.execute("UPDATE human_task SET owners = 'user:' || COALESCE((SELECT instance.started_by FROM instance "
               "WHERE instance.id = human_task.instance_id), 'system') WHERE lane = 'applicant_unit'")
    op.execute("INSERT INTO task_owner (owner, task_id) SELECT owners, id FROM human_task WHERE owners IS NOT NULL")
    _triggers(UNOWNED)
    for stmt in _rebuild(op.get_bind().dialect.name, UNOWNED):
        op.execute(stmt)


def _rebuild(dialect: str, lane_rule: str) -> list[str]:
    """Recount ``task_count`` from the task rows (as ``HumanTaskRepository.rebuild_counts``)."""
    pg = dialect == "postgresql"
    shard = "hashtext(id) & 15" if pg else "0"
    out = ["DELETE FROM task_count"]
    for kind, cond, col in _kinds(lane_rule):
        out.append(f"INSERT INTO task_count (kind, key, shard, n) SELECT '{kind}', {col}, {shard}, count(*) "
                   f"FROM human_task WHERE {cond.format(r='human_task')} GROUP BY {col}{', ' + shard if pg else ''}")
    return out


def downgrade() -> None:
    _triggers("")
    for stmt in _rebuild(op.get_bind().dialect.name, ""):
        op.execute(stmt)
    op.drop_table("task_owner")
    op.drop_column("human_task", "owners")
    op.drop_index("ix_instance_unit_key", "instance")
    op.drop_column("instance", "unit_key")
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_constraint("fk_app_user_unit_key", type_="foreignkey")
        batch_op.drop_index("ix_app_user_unit_key")
        batch_op.drop_column("unit_key")
    op.drop_table("unit")
