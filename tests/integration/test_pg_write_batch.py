"""PostgreSQL's write batch and pool: the same rows in fewer round trips, and nothing unsafe.

The write batch (store.write_batch) queues the hot-path writes and sends them with the COMMIT
in one pipeline; the pool (store.pg_pool) replaces connections the server closed, without a
pre-ping. These tests run on the real server.
"""
from __future__ import annotations

import itertools
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from engine.errors import Conflict
from store.errors import StaleState
from store.models import AuditEvent, Base, HumanTask, Instance
from tests.conftest import _pg_admin, _truncate_all, make_engine_for, model_files
from tests.integration.test_engine_scenarios import actions, open_tasks, task_of

REVIEW = ("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json")
PEOPLE = {"unit": (["applicant_unit"], []), "clerk": (["fao_clerk"], ["clerk"]),
          "chief": (["section_chief"], ["clerk"]), "boss": ([], ["supervisor"]), "analyst": ([], ["analyst"])}

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(pg_database_url):
    _truncate_all(pg_database_url)
    return pg_database_url


@pytest.fixture
def pg_engine(pg_url, clock):
    eng = make_engine_for(pg_url, clock)
    yield eng
    eng.session_factory.kw["bind"].dispose()


def unbatched_engine(url: str, clock):
    """The engine as it was before the batch: a plain pre-pinged pool, a round trip per statement."""
    from engine.workflow_engine import WorkflowEngine
    from store.db import make_session_factory
    from webui.wiring import handler_registry, start_policy

    return WorkflowEngine(make_session_factory(create_engine(url, pool_pre_ping=True)), clock=clock,
                          handlers=handler_registry(), start_policy=start_policy, script_time_limit_s=1.0)


def seed(engine) -> dict:
    from engine.people.accounts import put_user

    with engine.uow() as uow:
        for name, (groups, roles) in PEOPLE.items():
            put_user(uow, engine.clock.now(), name, "pw-" + name, groups, roles)
        uow.commit()
    return {name: engine.actor(name) for name in PEOPLE}


def scenario(engine, clock) -> None:
    """Starts, drafts, claims, completions, a timer and its escalation, a message."""
    people = seed(engine)
    engine.deploy(model_files(*REVIEW, "timers.bpmn", "message.bpmn"), people["analyst"])
    review = engine.start("review", people["unit"], {"title": "行 row"})
    examine = task_of(engine, review.id, "examine")
    engine.save_draft(examine, people["clerk"], {"decision": "approve"})
    engine.claim(examine, people["clerk"])
    engine.complete(examine, people["clerk"], {"decision": "approve"})
    engine.complete(task_of(engine, review.id, "approve"), people["chief"], {"decision": "approve"})
    timed = engine.start("timers", people["clerk"], {})
    clock.advance(days=3)
    assert engine.fire_due_timers() == 1  # the escalation notifies the supervisor
    engine.complete(task_of(engine, timed.id, "examine"), people["clerk"], {})
    engine.start("message_wait", people["clerk"], {}, business_key="BK-1")
    assert len(engine.deliver_message(people["clerk"], "visa_result", {"business_key": "BK-1"}, {"visa_ok": True})) == 1


def database_rows(url: str) -> dict[str, list[str]]:
    """Every row of every table, as PostgreSQL renders it; password hashes (their salt is random)
    left out, and counters summed over their shards (a shard is chosen by the connection)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = {t.name: list(conn.execute(text(
            f"SELECT (to_jsonb(x) - 'password_hash')::text AS r FROM \"{t.name}\" x ORDER BY r")).scalars())
            for t in Base.metadata.sorted_tables if t.name != "task_count"}
        rows["task_count"] = [tuple(r) for r in conn.execute(text(
            "SELECT kind, key, sum(n) FROM task_count GROUP BY kind, key ORDER BY kind, key"))]
    engine.dispose()
    return rows


def test_the_batch_writes_the_rows_written_one_statement_at_a_time(pg_url, clock, monkeypatch):
    start = clock.now()
    written = {}
    for kind in ("unbatched", "batched"):
        _truncate_all(pg_url)
        clock.set(start)
        ids = itertools.count(1)  # the same task and case ids in both runs
        monkeypatch.setattr("SpiffWorkflow.task.uuid4", lambda: uuid.UUID(int=next(ids)))
        monkeypatch.setattr("SpiffWorkflow.task.time", SimpleNamespace(time=lambda: clock.now().timestamp()))
        engine = unbatched_engine(pg_url, clock) if kind == "unbatched" else make_engine_for(pg_url, clock)
        monkeypatch.setattr(engine.runner, "new_instance_id", lambda: f"{next(ids):032x}")
        try:
            scenario(engine, clock)
        finally:
            engine.session_factory.kw["bind"].dispose()
        written[kind] = database_rows(pg_url)
    assert written["batched"]["instance"] and written["batched"]["notification"] and written["batched"]["timer"]
    assert written["batched"] == written["unbatched"]


def start_review(engine):
    people = seed(engine)
    engine.deploy(model_files(*REVIEW), people["analyst"])
    inst = engine.start("review", people["unit"], {"title": "t"})
    return people, inst, task_of(engine, inst.id, "examine")


def test_a_lost_revision_race_is_a_conflict_and_writes_nothing(pg_engine, pg_url, clock, monkeypatch):
    people, inst, examine = start_review(pg_engine)
    pg_engine.save_draft(examine, people["clerk"], {"decision": "approve"})
    history = actions(pg_engine, inst.id)
    # the row lock makes the race impossible through the engine: take it away, then lose the race
    from store import repositories

    monkeypatch.setitem(repositories._WITH_ROWS_BY_TASK_LOCKED, "postgresql", repositories._WITH_ROWS_BY_TASK)
    other = create_engine(pg_url)

    def another_writer_saves_first(cmd):
        with other.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '5s'"))  # fail, not hang, if the row were locked
            conn.execute(text("UPDATE instance SET revision = revision + 1 WHERE id = :id"), {"id": inst.id})

    pg_engine.runner.before_commit = another_writer_saves_first
    with pytest.raises(Conflict, match="case_changed"):
        pg_engine.complete(examine, people["clerk"], {"decision": "approve"})
    pg_engine.runner.before_commit = None
    other.dispose()
    assert actions(pg_engine, inst.id) == history
    assert open_tasks(pg_engine, inst.id) == [(examine, "examine", "fao_clerk", "open", None)]
    with pg_engine.uow() as uow:
        assert uow.misc.draft(examine, "clerk") is not None  # the queued delete went nowhere
    pg_engine.complete(examine, people["clerk"], {"decision": "approve"})  # and the case still works
    assert [t[1] for t in open_tasks(pg_engine, inst.id)] == ["approve"]


def test_two_sessions_the_second_state_write_raises_stale_state(pg_engine, clock):
    _people, inst, _examine = start_review(pg_engine)
    with pg_engine.uow() as first, pg_engine.uow() as second:
        mine, theirs = first.instances.get(inst.id), second.instances.get(inst.id)
        assert second.instances.save_state(theirs, {"status": "active"})
        second.commit()
        assert first.instances.save_state(mine, {"status": "active"})  # queued: the check is in the database
        first.audit.add(AuditEvent(instance_id=inst.id, at=clock.now(), actor="x", action="note", detail={}))
        with pytest.raises(StaleState):
            first.commit()
    with pg_engine.uow() as uow:
        assert uow.instances.get(inst.id).revision == inst.revision + 1
        assert "note" not in [e.action for e in uow.audit.for_instance(inst.id)]


def test_a_failing_queued_write_fails_the_commit_and_writes_nothing(pg_engine, clock):
    _people, inst, examine = start_review(pg_engine)
    history = actions(pg_engine, inst.id)
    with pg_engine.uow() as uow:
        uow.audit.add(AuditEvent(instance_id=inst.id, at=clock.now(), actor="x", action="note", detail={}))
        existing = uow.tasks.get(examine)
        uow.session.expunge(existing)
        uow.tasks.add(existing)  # the same primary key again: a unique violation, sent at the commit
        with pytest.raises(IntegrityError):
            uow.commit()
    assert actions(pg_engine, inst.id) == history


def test_a_failing_queued_write_fails_the_next_read(pg_engine, clock):
    _people, inst, examine = start_review(pg_engine)
    with pg_engine.uow() as uow:
        dup = uow.tasks.get(examine)
        uow.session.expunge(dup)
        uow.tasks.add(dup)
        with pytest.raises(IntegrityError):
            uow.tasks.rows_of(inst.id)


def test_reads_in_the_transaction_see_its_queued_writes(pg_engine, clock):
    _people, inst, examine = start_review(pg_engine)
    with pg_engine.uow() as uow:
        uow.misc.delete_drafts(examine)
        uow.audit.add(AuditEvent(instance_id=inst.id, at=clock.now(), actor="x", action="note", detail={"a": 1}))
        assert uow.audit.for_instance(inst.id)[-1].detail == {"a": 1}  # ORM read
        row = HumanTask(id=str(uuid.uuid4()), instance_id=inst.id, process_key="review", bpmn_id="extra",
                        name="Extra", lane=None, form_file=None, ui_form_file=None, instructions="",
                        status="open", assignee=None, priority=50, created_at=clock.now(), due_at=None,
                        completed_by=None, completed_at=None, business_key=None, applicant=None)
        uow.tasks.add(row)
        core = uow.session.connection().execute(select(HumanTask.bpmn_id).where(HumanTask.id == row.id))
        assert core.scalar() == "extra"  # Core read on the session's connection
        instance = uow.instances.get(inst.id)
        uow.instances.save_state(instance, {"status": "suspended", "updated_at": clock.now() + timedelta(hours=1)})
        fresh = uow.session.scalars(select(Instance.status).where(Instance.id == inst.id)).one()
        assert fresh == "suspended"
        uow.rollback()
    with pg_engine.uow() as uow:  # rolled back: nothing queued survives into the next transaction
        assert uow.instances.get(inst.id).status == "active"
        assert uow.tasks.get(row.id) is None
        assert "note" not in [e.action for e in uow.audit.for_instance(inst.id)]
        uow.commit()
    assert [t[1] for t in open_tasks(pg_engine, inst.id)] == ["examine"]


def test_a_completion_sends_its_writes_and_commit_in_one_round_trip(pg_engine, tmp_path):
    from psycopg.pq import Trace
    from sqlalchemy import event

    people, inst, examine = start_review(pg_engine)
    bind = pg_engine.session_factory.kw["bind"]
    seen = []
    event.listen(bind, "checkout", lambda dbapi_conn, _r, _p: seen.append(dbapi_conn))
    with pg_engine.uow() as uow:  # the connection the completion will check out again
        uow.tasks.get(examine)
    pgconn = seen[-1].pgconn
    trace = tmp_path / "trace.txt"
    with open(trace, "w") as f:
        pgconn.trace(f.fileno())
        pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
        pg_engine.complete(examine, people["clerk"], {"decision": "approve"})
        pgconn.untrace()
    directions = [line.split("\t", 1)[0] for line in trace.read_text().splitlines()]
    trips = sum(1 for a, b in zip(["B"] + directions, directions) if (a, b) == ("B", "F"))
    assert trips == 3  # BEGIN, lock the case with its task rows, then the writes with the COMMIT


def test_the_next_command_succeeds_after_the_server_closed_every_connection(pg_engine, pg_url):
    people, inst, examine = start_review(pg_engine)
    with pg_engine.uow() as uow:
        before = uow.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    name = pg_url.rsplit("/", 1)[1]
    with _pg_admin() as admin:
        killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchone()[0]
        assert killed >= 1
        # pg_terminate_backend only signals: wait until the backends are gone (their sockets closed)
        deadline = time.monotonic() + 10
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                            (name,)).fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.02)
    pg_engine.complete(examine, people["clerk"], {"decision": "approve"})
    with pg_engine.uow() as uow:
        after = uow.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    assert after != before
    assert [t[1] for t in open_tasks(pg_engine, inst.id)] == ["approve"]


def test_a_connection_lost_before_the_commit_fails_that_command_only_and_writes_nothing(pg_engine):
    from sqlalchemy.exc import OperationalError

    people, inst, examine = start_review(pg_engine)
    history = actions(pg_engine, inst.id)

    def server_goes_away(cmd):
        pid = cmd.uow.session.connection().connection.dbapi_connection.info.backend_pid  # no statement: the writes stay queued
        with _pg_admin() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    pg_engine.runner.before_commit = server_goes_away
    with pytest.raises(OperationalError) as lost:
        pg_engine.complete(examine, people["clerk"], {"decision": "approve"})  # never retried: writes were sent
    pg_engine.runner.before_commit = None
    assert lost.value.connection_invalidated
    assert actions(pg_engine, inst.id) == history
    assert open_tasks(pg_engine, inst.id) == [(examine, "examine", "fao_clerk", "open", None)]
    pg_engine.complete(examine, people["clerk"], {"decision": "approve"})
    assert [t[1] for t in open_tasks(pg_engine, inst.id)] == ["approve"]


def prepared_statements(engine) -> int:
    with engine.uow(read_only=True) as uow:
        return uow.session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()


def test_a_read_between_commands_keeps_the_statements_prepared(pg_engine):
    """A read ends with COMMIT, not ROLLBACK, after which psycopg would drop what it prepared."""
    people, inst, examine = start_review(pg_engine)
    for _ in range(6):  # psycopg prepares a statement on its fifth execution
        pg_engine.save_draft(examine, people["clerk"], {"decision": "approve"})
        with pg_engine.uow(read_only=True) as uow:
            assert uow.tasks.get(examine).status == "open"
    assert pg_engine.session_factory.kw["bind"].pool.checkedin() == 1  # one connection did it all
    assert prepared_statements(pg_engine) >= 2
    with pg_engine.uow() as uow:  # an ordinary unit of work left uncommitted still rolls back
        uow.tasks.get(examine)
    assert prepared_statements(pg_engine) == 0


def test_a_read_only_unit_of_work_writes_nothing(pg_engine):
    people, inst, examine = start_review(pg_engine)
    with pytest.raises(Exception, match="read-only transaction"):
        with pg_engine.uow(read_only=True) as uow:
            uow.session.execute(text("UPDATE human_task SET priority = 1"))
    with pg_engine.uow(read_only=True) as uow:
        uow.tasks.get(examine).priority = 7  # changed in memory while reading: thrown away
    with pg_engine.uow() as uow:
        assert uow.tasks.get(examine).priority != 7
        uow.session.execute(text("UPDATE human_task SET priority = 9 WHERE id = :id"), {"id": examine})
        uow.commit()  # the connection is writable again after a read-only use
    with pg_engine.uow(read_only=True) as uow:
        assert uow.tasks.get(examine).priority == 9
