"""Representative processes on PostgreSQL, and document numbers under concurrency.

The bulk of the twenty runs on SQLite copies (test_processes_<category>.py); here three that
between them use every kind of step run on PostgreSQL too: official_passport_visa (DMN, call
activity per member, embassy message, return-date timer), sister_city_delegation_reception (the
foreign city's message) and foreign_incident_response (parallel countersigning, the leader).
"""
from __future__ import annotations

import threading

import pytest

from tests.conftest import _truncate_all
from tests.integration.process_driver import (DOC_RE, CaseDriver, EngineHolder,
                                              deploy_keys, dispose, engine_for, happy_path, rejection,
                                              seed_people)
from tests.integration.test_processes_abroad import SPECS as ABROAD
from tests.integration.test_processes_coordination import SPECS as COORDINATION
from tests.integration.test_processes_reception import SPECS as RECEPTION

PASSPORTS = next(s for s in ABROAD if s.key == "official_passport_visa")
SISTER_VISIT = next(s for s in RECEPTION if s.key == "sister_city_delegation_reception")
INCIDENT = next(s for s in COORDINATION if s.key == "foreign_incident_response")


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
        deploy_keys(holder.engine, [PASSPORTS.key, SISTER_VISIT.key, INCIDENT.key])
        trip = happy_path(holder, PASSPORTS, 1)  # DMN, call activity per member, visa_result, return timer
        assert ("timer", "timer", "wait_return") in trip.audit()
        rejection(holder, PASSPORTS)
        visit = happy_path(holder, SISTER_VISIT, 1)  # the foreign city's confirmation
        assert ("message", "sister_zheng", "wait_confirmation") in visit.audit()
        incident = happy_path(holder, INCIDENT, 1)  # parallel countersigning, the municipal leader
        assert ("leader_approve", "leader_sun") in [(s.bpmn_id, s.user) for s in incident.log]
    finally:
        dispose(holder.engine)


KEY, OTHER = "unit_foreign_affairs_coordination", "overseas_institution_registration"


def _cases_at_approval(holder, key: str, n: int, tag: str) -> list[CaseDriver]:
    spec = next(s for s in COORDINATION if s.key == key)
    cases = []
    for i in range(n):
        case = CaseDriver(holder, key, start_data=dict(spec.data, title=f"{spec.data['title']}（{tag}{i + 1}）")).start()
        assert case.run(until={"approve"}) == "approve"
        cases.append(case)
    return cases


def _approve_concurrently(url, clock, cases: list[CaseDriver]) -> list[BaseException]:
    """Each case's director approval in its own thread with its own engine, all released at once."""
    barrier = threading.Barrier(len(cases))
    errors: list[BaseException] = []
    engines = [engine_for(url, clock) for _ in cases]
    task_ids = [c.open_tasks()[0].id for c in cases]

    def work(engine, task_id):
        try:
            actor = engine.actor("director_liu")
            barrier.wait(timeout=30)
            engine.complete(task_id, actor, {"decision": "approve"})
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(e, t)) for e, t in zip(engines, task_ids)]
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
        assert case.open_ids() in (["coordinate"], ["keep_record"]), case.open_ids()
        pdfs = [a for a in case.attachments() if a.content_type == "application/pdf"]
        assert len(pdfs) == 1 and pdfs[0].content[:5] == b"%PDF-"
        m = DOC_RE.match(case.doc_number())
        assert m and int(m["year"]) == case.engine.clock.now().year, case.doc_number()
        out.setdefault(m["cat"], []).append(int(m["n"]))
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.postgres
def test_document_numbers_have_no_gaps_or_duplicates_under_concurrency(pg_url, clock):
    """Several cases reach the director's approval at once: the numbers follow on without gaps."""
    holder = EngineHolder(engine_for(pg_url, clock))
    try:
        seed_people(holder.engine)
        deploy_keys(holder.engine, [KEY, OTHER])
        (warm,) = _cases_at_approval(holder, KEY, 1, "甲")  # the year's counter for 审 exists from here on
        warm.do("approve")
        assert _numbers([warm]) == {"审": [1]}
        racing = _cases_at_approval(holder, KEY, 3, "乙") + _cases_at_approval(holder, OTHER, 1, "丙")
        errors = _approve_concurrently(pg_url, clock, racing)
        assert errors == [], [f"{e.__class__.__name__}: {e}"[:300] for e in errors]
        assert _numbers([warm] + racing) == {"审": [1, 2, 3, 4], "备": [1]}
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
        assert _numbers(racing) == {"审": [1, 2], "备": [1, 2]}
    finally:
        dispose(holder.engine)
