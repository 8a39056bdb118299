"""The audit log has no update or delete path: in the code, and as the database sees it.

1. No source file updates or deletes ``AuditEvent`` / ``audit_event`` rows; the repository offers
   only ``add`` and reads.
2. On PostgreSQL, a trigger that refuses any UPDATE or DELETE of ``audit_event`` rows is put on
   a database of this module's own (the test adds it; the schema has no such migration yet: see
   docs/operations.md), and engine scenarios covering every command run on it unchanged.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from tests.conftest import ROOT, make_engine_for

# every engine command: start, claim, complete, incident + retry, timers, messages, suspend/resume
from tests.integration.test_engine_scenarios import (  # noqa: F401  (collected here again, on the guarded database)
    open_tasks,
    task_of,
    test_message_with_correlation_reaches_only_its_case,
    test_review_in_lanes_runs_to_approval_with_restore_midway,
    test_script_error_opens_incident_and_retry_with_patch_resumes,
    test_suspend_blocks_completion_until_resumed,
    test_timers_boundary_escalation_and_intermediate_wait,
)

CODE = [p for pkg in ("store", "engine", "webui", "processes") for p in (ROOT / pkg).rglob("*.py")]
WRITES = [
    re.compile(r"\b(update|delete)\(\s*(store\.models\.)?AuditEvent\b"),
    re.compile(r"\b(UPDATE|DELETE\s+FROM)\s+[\"']?audit_event\b", re.IGNORECASE),
    re.compile(r"\bquery\(\s*AuditEvent\b.*\.(update|delete)\(", re.DOTALL),
]
def test_no_source_file_updates_or_deletes_audit_events():
    offenders = []
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        for pattern in WRITES:
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}:{text[:match.start()].count(chr(10)) + 1}: {match.group(0)}")
    assert not offenders, offenders
    assert len(CODE) > 50  # the scan saw the code


def test_the_audit_repository_only_adds():
    from store.repositories import AuditRepository

    public = {name for name in vars(AuditRepository) if not name.startswith("_")}
    assert public == {"add", "add_all"}  # reads are in store.reads.audit; add_all: one multi-row insert


# --- the guarded PostgreSQL database ---------------------------------------------------------

@pytest.fixture(scope="module")
def guarded_database():
    """A freshly migrated database: migration 0003 installs the append-only guard."""
    from tests.faults.conftest import create_database, drop_database

    name, url = create_database("fao_audit")
    try:
        yield url
    finally:
        drop_database(name)


@pytest.fixture
def db_url(guarded_database):
    """Overrides the suite's ``db_url``: the imported scenarios run on the guarded database."""
    from tests.conftest import _truncate_all

    _truncate_all(guarded_database)  # TRUNCATE between tests is the fixture's, not the application's
    return guarded_database


@pytest.mark.postgres
def test_the_guard_refuses_updates_and_deletes(db_url):
    import psycopg

    from tests.faults.conftest import psycopg_url

    with psycopg.connect(psycopg_url(db_url), autocommit=True) as conn:
        conn.execute("INSERT INTO audit_event (instance_id, at, actor, action, detail) VALUES "
                     "('x', %s, 'a', 'started', '{}')", (datetime.now(timezone.utc),))
        for statement in ("UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT actor FROM audit_event").fetchall() == [("a",)]


@pytest.mark.postgres
def test_terminate_assign_unclaim_and_reindex_leave_the_audit_rows_alone(engine, users, deploy):
    deploy("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json")
    inst = engine.start("review", users["unit"], {"title": "audit"})
    examine = task_of(engine, inst.id, "examine")
    engine.claim(examine, users["clerk"])
    engine.unclaim(examine, users["clerk"])
    engine.assign(examine, users["boss"], "clerk2")
    engine.save_draft(examine, users["clerk2"], {"decision": "approve"})
    assert engine.reindex() >= 1
    engine.terminate(inst.id, users["boss"], "test")
    with engine.uow() as uow:
        actions = [e.action for e in uow.reads.audit.history(inst.id)]
    assert actions[0] == "started" and "terminated" in actions and "assigned" in actions


def test_sqlite_refuses_updates_and_deletes_too(sqlite_url):
    import sqlite3

    path = sqlite_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO audit_event (instance_id, at, actor, action, detail) VALUES "
                 "('x', '2026-01-01 00:00:00', 'a', 'started', '{}')")
    conn.commit()
    for statement in ("UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    assert conn.execute("SELECT actor FROM audit_event").fetchall() == [("a",)]
    conn.close()


def test_scenarios_above_ran_on_the_guarded_database(db_url, clock):
    engine = make_engine_for(db_url, clock)
    try:
        with engine.uow() as uow:
            assert uow.dialect == "postgresql"
            trigger = uow.session.connection().exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE tgname = 'audit_event_append_only'").scalar()
        assert trigger == "audit_event_append_only"
    finally:
        engine.session_factory.kw["bind"].dispose()

