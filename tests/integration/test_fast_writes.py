"""The hot-path writes' fast road (``store.fast_writes``) and the plain road through the session
write the same rows: the same commands, run once on each, leave every table alike."""
from __future__ import annotations

import itertools
import re
import uuid

from sqlalchemy import text

from store import fast_writes
from store.models import Base
from tests.conftest import _truncate_all, make_engine_for, model_files

PEOPLE = {"unit": (["applicant_unit"], []), "clerk": (["fao_clerk"], ["clerk"]),
          "chief": (["section_chief"], ["clerk"]), "boss": ([], ["supervisor"]), "analyst": ([], ["analyst"])}
MODELS = ("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json",
          "script_fail.bpmn", "timers.bpmn", "message.bpmn")
STAMP = re.compile(r'"last_state_change":\s*[0-9.eE+-]+')


def open_task(engine, instance_id: str, bpmn_id: str) -> str:
    with engine.uow() as uow:
        return next(t.id for t in uow.reads.tasks.open_of(instance_id) if t.bpmn_id == bpmn_id)


def drive_the_office(engine, clock) -> None:
    """Starts, claims, completions, drafts, an incident and its retry, timers and a message."""
    from engine.people.accounts import put_user

    with engine.uow() as uow:
        for name, (groups, roles) in PEOPLE.items():
            put_user(uow, clock.now(), name, "pw-" + name, groups, roles)
        uow.commit()
    who = {name: engine.actor(name) for name in PEOPLE}
    engine.deploy(model_files(*MODELS), who["analyst"])
    review = engine.start("review", who["unit"], {"title": "赴日访问"}, business_key="BK-1")
    examine = open_task(engine, review.id, "examine")
    engine.claim(examine, who["clerk"])
    engine.save_draft(examine, who["clerk"], {"decision": "approve"})
    engine.unclaim(examine, who["clerk"])
    engine.claim(examine, who["clerk"])
    engine.complete(examine, who["clerk"], {"decision": "approve", "comment": "齐全"})
    engine.complete(open_task(engine, review.id, "approve"), who["chief"], {"decision": "approve"})
    failing = engine.start("script_fail", who["clerk"], {"total": 10, "parts": 0})
    with engine.uow() as uow:
        incident_id = uow.incidents.open_for(failing.id)[0].id
    engine.retry_incident(incident_id, who["boss"], {"parts": 2})
    waiting = engine.start("timers", who["clerk"], {})
    clock.advance(days=3)
    engine.fire_due_timers()
    engine.complete(open_task(engine, waiting.id, "examine"), who["clerk"], {})
    engine.start("message_wait", who["clerk"], {}, business_key="BK-M")
    engine.deliver_message(who["clerk"], "visa_result", {"business_key": "BK-M"}, {"visa_ok": True})


def as_text(value) -> str:
    """A value as text, SpiffWorkflow's wall-clock stamps in a workflow state left out."""
    return STAMP.sub('"last_state_change":0', str(value))


def every_row(engine) -> dict[str, list[tuple]]:
    """Every table's rows as text, sorted; password hashes left out (each has its own salt), the
    task counters summed over their shards (PostgreSQL picks a shard by connection)."""
    selects = {t.name: f'SELECT * FROM "{t.name}"' for t in Base.metadata.sorted_tables}
    selects["task_count"] = "SELECT kind, key, sum(n) FROM task_count GROUP BY kind, key HAVING sum(n) <> 0"
    with engine.uow() as uow:
        return {name: sorted(tuple(as_text(v) for k, v in row._mapping.items() if k != "password_hash")
                             for row in uow.session.execute(text(sql)).all())
                for name, sql in selects.items()}


def rows_after_the_office(url: str, clock_start, fast: bool, monkeypatch) -> dict[str, list[tuple]]:
    from engine.timekeeping.clock import FrozenClock

    counter = itertools.count(1)
    same_ids = lambda: uuid.UUID(int=next(counter))  # noqa: E731 - the same ids on both roads
    monkeypatch.setattr(uuid, "uuid4", same_ids)
    monkeypatch.setattr("SpiffWorkflow.task.uuid4", same_ids)
    monkeypatch.setenv("FAO_FAST_WRITES", "1" if fast else "0")
    clock = FrozenClock(clock_start)
    engine = make_engine_for(url, clock)
    try:
        with engine.uow() as uow:
            assert (fast_writes.KEY in uow.session.connection().info) is fast  # the road asked for
        drive_the_office(engine, clock)
        return every_row(engine)
    finally:
        engine.session_factory.kw["bind"].dispose()


def test_the_fast_road_and_the_plain_one_leave_the_same_rows(db_url, clock, tmp_path, monkeypatch):
    fast = rows_after_the_office(db_url, clock.now(), True, monkeypatch)
    if db_url.startswith("sqlite"):
        from store.migrate import upgrade

        db_url = f"sqlite:///{tmp_path / 'plain.db'}"
        upgrade(db_url)
    else:
        _truncate_all(db_url)
    plain = rows_after_the_office(db_url, clock.now(), False, monkeypatch)
    assert sum(map(len, fast.values())) > 50  # the office wrote rows in many tables
    assert {name for name, rows in fast.items() if rows} >= {"instance", "human_task", "audit_event", "incident",
                                                             "timer", "task_count"}
    for table in fast:
        assert plain[table] == fast[table], table
