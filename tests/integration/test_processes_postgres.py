"""Representative processes on PostgreSQL, and document numbers under concurrency.

The bulk of the twenty runs on SQLite copies (test_processes_<category>.py); here three that
between them use every kind of step run on PostgreSQL too: official_passport_visa (political
review, publicity timer, DMN, call activity per member, embassy message, return-date timer),
sister_city_delegation_reception (the foreign city's message) and foreign_incident_response
(hour timers, parallel handling, a looped sub-process, the leader).
"""
from __future__ import annotations

import threading

import pytest

from tests.conftest import _truncate_all
from tests.integration.process_driver import (
    DOC_RE,
    CaseDriver,
    EngineHolder,
    deploy_keys,
    dispose,
    engine_for,
    happy_path,
    seed_people,
)
from tests.integration.test_processes_abroad import HOOKS as TRIP_HOOKS
from tests.integration.test_processes_abroad import SPECS as ABROAD
from tests.integration.test_processes_abroad import refuse
from tests.integration.test_processes_coordination import (
    NUMBERED_AT,
    START_DATA,
    run_incident,
)
from tests.integration.test_processes_reception import SPECS as RECEPTION

PASSPORTS = next(s for s in ABROAD if s.key == "official_passport_visa")
SISTER_VISIT = next(s for s in RECEPTION if s.key == "sister_city_delegation_reception")
INCIDENT = "foreign_incident_response"


@pytest.fixture
def pg_url(pg_database_url):
    _truncate_all(pg_database_url)
    return pg_database_url


@pytest.mark.postgres
def test_representative_processes_on_postgresql(pg_url, clock):
    holder = EngineHolder(engine_for(pg_url, clock))
    try:
        with holder.engine.uow() as uow:
            assert uow.dialect == "postgresql"
        seed_people(holder.engine)
        deploy_keys(holder.engine, [PASSPORTS.key, SISTER_VISIT.key, INCIDENT])
        trip = happy_path(holder, PASSPORTS, 1, TRIP_HOOKS)  # DMN, call activity per member, visa_result, timers
        assert ("timer", "timer", "wait_return") in trip.audit()
        refuse(holder, PASSPORTS)
        visit = happy_path(holder, SISTER_VISIT, 1)  # the foreign city's confirmation
        assert ("message", "sister_zheng", "wait_confirmation") in visit.audit()
        incident = run_incident(holder)  # hours, parallel handling, progress loop, the municipal leader
        assert ("leader_instruction", "leader_sun") in [(s.bpmn_id, s.user) for s in incident.log]
    finally:
        dispose(holder.engine)


KEY, OTHER = "unit_foreign_affairs_coordination", "overseas_institution_registration"


def _cases_at_approval(holder, key: str, n: int, tag: str) -> list[CaseDriver]:
    data, (stop, _payload, _next) = START_DATA[key], NUMBERED_AT[key]
    cases = []
    for i in range(n):
        case = CaseDriver(holder, key, start_data=dict(data, title=f"{data['title']}（{tag}{i + 1}）")).start()
        case.task_data["route"] = {"needs_director": False}  # 5: the section chief's sign-off numbers it
        assert case.run(until={stop}) == stop
        cases.append(case)
    return cases


def _approve_concurrently(url, clock, cases: list[CaseDriver]) -> list[BaseException]:
    """Each case's numbering sign-off in its own thread with its own engine, all released at once."""
    barrier = threading.Barrier(len(cases))
    errors: list[BaseException] = []
    engines = [engine_for(url, clock) for _ in cases]
    task_ids = [c.open_tasks()[0].id for c in cases]
    keys = [c.key for c in cases]

    def work(engine, task_id, key):
        try:
            actor = engine.actor("chief_zhang")
            barrier.wait(timeout=30)
            engine.complete(task_id, actor, NUMBERED_AT[key][1])
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(e, t, k)) for e, t, k in zip(engines, task_ids, keys)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for e in engines:
        dispose(e)
    return errors


def _numbers(cases: list[CaseDriver]) -> dict[str, list[int]]:
    """Each category's numbers, after checking every case got exactly one letter and moved on."""
    out: dict[str, list[int]] = {}
    for case in cases:
        assert case.status() == "active" and case.incidents() == []
        assert case.open_ids() == [NUMBERED_AT[case.key][2]], case.open_ids()
        pdfs = [a for a in case.attachments() if a.content_type == "application/pdf"]
        assert len(pdfs) == 1 and pdfs[0].content[:5] == b"%PDF-"
        m = DOC_RE.match(case.doc_number())
        assert m and int(m["year"]) == case.engine.clock.now().year, case.doc_number()
        out.setdefault(m["cat"], []).append(int(m["n"]))
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.postgres
def test_document_numbers_have_no_gaps_or_duplicates_under_concurrency(pg_url, clock):
    """Several cases reach the numbering sign-off at once: the numbers follow on without gaps."""
    holder = EngineHolder(engine_for(pg_url, clock))
    try:
        seed_people(holder.engine)
        deploy_keys(holder.engine, [KEY, OTHER])
        (warm,) = _cases_at_approval(holder, KEY, 1, "甲")  # the year's counter for 函 exists from here on
        warm.do(NUMBERED_AT[KEY][0], **NUMBERED_AT[KEY][1])
        assert _numbers([warm]) == {"函": [1]}
        racing = _cases_at_approval(holder, KEY, 3, "乙") + _cases_at_approval(holder, OTHER, 1, "丙")
        errors = _approve_concurrently(pg_url, clock, racing)
        assert errors == [], [f"{e.__class__.__name__}: {e}"[:300] for e in errors]
        assert _numbers([warm] + racing) == {"函": [1, 2, 3, 4], "备": [1]}
    finally:
        dispose(holder.engine)


@pytest.mark.postgres
def test_the_years_first_numbers_under_concurrency(pg_url, clock):
    """The first approvals of a year race too (no counter row exists yet for the category).

    Fails today: store.repositories.MiscRepository.next_sequence SELECTs the counter FOR UPDATE
    and INSERTs it when missing, so concurrent first numbers of a (category, year) all insert:
    the losers fail with UniqueViolation on sequence_counter_pkey and engine.complete raises
    PendingRollbackError; their approvals are lost (the task stays open), though no number is
    skipped or duplicated.
    """
    holder = EngineHolder(engine_for(pg_url, clock))
    try:
        seed_people(holder.engine)
        deploy_keys(holder.engine, [KEY, OTHER])
        racing = _cases_at_approval(holder, KEY, 2, "甲") + _cases_at_approval(holder, OTHER, 2, "乙")
        errors = _approve_concurrently(pg_url, clock, racing)
        assert errors == [], [f"{e.__class__.__name__}: {e}"[:300] for e in errors]
        assert _numbers(racing) == {"函": [1, 2], "备": [1, 2]}
    finally:
        dispose(holder.engine)
