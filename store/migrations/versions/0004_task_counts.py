"""task_count: the inbox totals as a counter projection, kept by triggers on human_task

Each human_task INSERT, DELETE or UPDATE of status/lane/assignee/completed_by moves the counts in
the same transaction, so the navigation counts and inbox totals read a handful of rows however
many tasks are open. Kinds: ``lane`` (open, unclaimed tasks per lane), ``mine`` (open or claimed
per assignee), ``done`` (completed per user). A key's count is the sum of its rows. On PostgreSQL
each key is spread over 16 shard rows chosen by the database connection (not by the task), so one
transaction always moves the same row of a key and concurrent commands in one busy lane neither
deadlock on counter rows nor, mostly, wait for each other; a shard row alone may go negative.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from store.task_status import TaskStatus

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (kind, the condition a row counts under, the key column)
KINDS = (
    ("lane", f"{{r}}.status = '{TaskStatus.OPEN}' AND {{r}}.lane IS NOT NULL", "lane"),
    (
        "mine",
        f"{{r}}.status IN ('{TaskStatus.OPEN}', '{TaskStatus.CLAIMED}') AND {{r}}.assignee IS NOT NULL",
        "assignee",
    ),
    ("done", f"{{r}}.status = '{TaskStatus.COMPLETED}' AND {{r}}.completed_by IS NOT NULL", "completed_by"),
)
WATCHED = ("status", "lane", "assignee", "completed_by")


def _pg_body(r: str, delta: int) -> str:
    return "\n".join(
        f"IF {cond.format(r=r)} THEN "
        f"PERFORM fao_task_count_bump('{kind}', {r}.{col}, pg_backend_pid() & 15, {delta}); END IF;"
        for kind, cond, col in KINDS
    )


def _sqlite_body(r: str, delta: int) -> str:
    out = []
    for kind, cond, col in KINDS:
        c = cond.format(r=r)
        out.append(
            f"INSERT OR IGNORE INTO task_count (kind, key, shard, n) SELECT '{kind}', {r}.{col}, 0, 0 WHERE {c};"
        )
        out.append(
            f"UPDATE task_count SET n = n + ({delta}) WHERE {c} AND kind = '{kind}' AND key = {r}.{col} AND shard = 0;"
        )
    return "\n".join(out)


def rebuild_sql(dialect: str) -> list[str]:
    pg = dialect == "postgresql"
    shard = "hashtext(id) & 15" if pg else "0"
    out = ["DELETE FROM task_count"]
    for kind, cond, col in KINDS:
        out.append(f"INSERT INTO task_count (kind, key, shard, n) SELECT '{kind}', {col}, {shard}, count(*) "
                   f"FROM human_task WHERE {cond.format(r='human_task')} GROUP BY {col}{', ' + shard if pg else ''}")
    return out


def upgrade() -> None:
    op.create_table(
        "task_count",
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("shard", sa.Integer, primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION fao_task_count_bump(k text, v text, s int, d int) RETURNS void AS $$
                INSERT INTO task_count (kind, key, shard, n) VALUES (k, v, s, d)
                ON CONFLICT (kind, key, shard) DO UPDATE SET n = task_count.n + EXCLUDED.n
            $$ LANGUAGE sql
        """)
        op.execute(f"""
            CREATE OR REPLACE FUNCTION fao_task_count() RETURNS trigger AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    {_pg_body('OLD', -1)}
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    {_pg_body('NEW', 1)}
                END IF;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("""CREATE TRIGGER human_task_count_row AFTER INSERT OR DELETE ON human_task
                      FOR EACH ROW EXECUTE FUNCTION fao_task_count()""")
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
        op.execute(f"""CREATE TRIGGER human_task_count_update AFTER UPDATE OF {', '.join(WATCHED)} ON human_task
                       FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION fao_task_count()""")
    else:
        op.execute(
            f"CREATE TRIGGER human_task_count_insert AFTER INSERT ON human_task BEGIN {_sqlite_body('NEW', 1)} END"
        )
        op.execute(
            f"CREATE TRIGGER human_task_count_delete AFTER DELETE ON human_task BEGIN {_sqlite_body('OLD', -1)} END"
        )
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
        op.execute(f"""CREATE TRIGGER human_task_count_update AFTER UPDATE OF {', '.join(WATCHED)} ON human_task
                       WHEN {changed} BEGIN {_sqlite_body('OLD', -1)} {_sqlite_body('NEW', 1)} END""")
    for stmt in rebuild_sql(dialect):
        op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS human_task_count_row ON human_task")
        op.execute("DROP TRIGGER IF EXISTS human_task_count_update ON human_task")
        op.execute("DROP FUNCTION IF EXISTS fao_task_count()")
        op.execute("DROP FUNCTION IF EXISTS fao_task_count_bump(text, text, int, int)")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS human_task_count_{name}")
    op.drop_table("task_count")
