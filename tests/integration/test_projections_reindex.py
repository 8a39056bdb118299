"""`fao reindex` rebuilds every projection exactly as the commands wrote it (SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import text

from store.access import WorkScope

REVIEW = ("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json")
TASK_COLS = ("id", "instance_id", "bpmn_id", "name", "lane", "form_file", "instructions", "status", "assignee",
             "priority", "created_at", "due_at", "completed_by", "completed_at", "business_key", "applicant")


def snapshot(engine) -> dict:
    """Every projection row, without surrogate ids (timer and subscription rows are rewritten)."""
    with engine.uow() as uow:
        q = lambda sql: sorted(tuple(str(v) for v in r) for r in uow.session.execute(text(sql)).all())  # noqa: E731
        return {
            "human_task": q(f"SELECT {', '.join(TASK_COLS)} FROM human_task"),
            "timer": q("SELECT instance_id, task_id, bpmn_id, due_at FROM timer"),
            "message_subscription": q("SELECT instance_id, message_name, task_id, bpmn_id, correlation_key "
                                      "FROM message_subscription"),
            "task_count": q("SELECT kind, key, SUM(n) FROM task_count GROUP BY kind, key HAVING SUM(n) <> 0"),
            "instance": q("SELECT id, status, due_at, ended_at FROM instance"),
        }


def recount(engine) -> list:
    """The counts computed straight from the task rows (what the counter projection must say)."""
    with engine.uow() as uow:
        rows = uow.session.execute(text(
            "SELECT 'lane', lane, COUNT(*) FROM human_task WHERE status = 'open' AND lane IS NOT NULL GROUP BY lane "
            "UNION ALL SELECT 'mine', assignee, COUNT(*) FROM human_task "
            "WHERE status IN ('open', 'claimed') AND assignee IS NOT NULL GROUP BY assignee "
            "UNION ALL SELECT 'done', completed_by, COUNT(*) FROM human_task "
            "WHERE status = 'completed' AND completed_by IS NOT NULL GROUP BY completed_by")).all()
    return sorted(tuple(str(v) for v in r) for r in rows)


def test_reindex_rebuilds_the_projections_identically(engine, users, deploy, clock):
    deploy(*REVIEW, "timers.bpmn", "message.bpmn", "parallel.bpmn")
    done = engine.start("review", users["unit"], {"title": "done"})
    claimed = engine.start("review", users["unit"], {"title": "claimed"})
    engine.start("review", users["unit"], {"title": "open"})
    engine.start("timers", users["clerk"], {})
    engine.start("message_wait", users["clerk"], {}, business_key="BK-1")
    engine.start("parallel", users["clerk"], {})
    with engine.uow() as uow:
        first = uow.reads.tasks.open_of(done.id)[0].id
        second = uow.reads.tasks.open_of(claimed.id)[0].id
    engine.claim(first, users["clerk"])
    engine.complete(first, users["clerk"], {"decision": "reject", "comment": "incomplete"})
    engine.claim(second, users["clerk2"])
    clock.advance(days=3)
    engine.fire_due_timers()

    before = snapshot(engine)
    assert before["task_count"] == recount(engine)  # the triggers kept the counters exact
    with engine.uow() as uow:
        assert uow.reads.tasks.counts(WorkScope("clerk2", ("fao_clerk",))) == {"mine": 1, "group": 2, "done": 0, "owned": 0}
    bind = engine.session_factory.kw["bind"]
    with bind.begin() as conn:  # lose the projections, and let a counter drift as a hand edit would
        conn.execute(text("DELETE FROM timer WHERE instance_id IS NOT NULL"))
        conn.execute(text("DELETE FROM message_subscription"))
        conn.execute(text("UPDATE task_count SET n = n + 5"))
    assert snapshot(engine) != before
    engine.reindex()
    assert snapshot(engine) == before
