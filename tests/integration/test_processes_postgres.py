"""Representative processes on SQLite and PostgreSQL, and document numbers under concurrency.

The bulk of the twenty runs on SQLite copies (test_processes_<category>.py); here three that
between them use every kind of step run on both databases: official_passport_visa (DMN, call
activity per member, embassy message, return-date timer), sister_city_delegation_reception (the
foreign city's message) and foreign_incident_response (parallel countersigning, the leader).
"""
from __future__ import annotations

import threading

import pytest

from tests.conftest import _truncate_all
from tests.integration.process_driver import (CaseDriver, EngineHolder, all_three, any_db_engine,  # noqa: F401
                                              deploy_keys, dispose, engine_for, happy_path, rejection,
                                              seed_people)
from tests.integration.test_processes_abroad import SPECS as ABROAD
from tests.integration.test_processes_coordination import SPECS as COORDINATION
from tests.integration.test_processes_reception import SPECS as RECEPTION

PASSPORTS = next(s for s in ABROAD if s.key == "official_passport_visa")
SISTER_VISIT = next(s for s in RECEPTION if s.key == "sister_city_delegation_reception")
INCIDENT = next(s for s in COORDINATION if s.key == "foreign_incident_response")


def test_representative_processes_on_each_database(any_db_engine):
    deploy_keys(any_db_engine.engine, [PASSPORTS.key, SISTER_VISIT.key, INCIDENT.key])
    all_three(any_db_engine, PASSPORTS)  # numbers 护 1 and 2, a rejection
    visit = happy_path(any_db_engine, SISTER_VISIT, 1)  # 接 1
    assert ("message", "sister_zheng", "wait_confirmation") in visit.audit()
    incident = happy_path(any_db_engine, INCIDENT, 1)  # 审 1
    assert incident.log[3] == type(incident.log[3])("leader_approve", "leader_sun", "approve")
    rejection(any_db_engine, INCIDENT)
    with any_db_engine.engine.uow() as uow:
        assert uow.dialect in ("sqlite", "postgresql")
        counts = {}
        for case in (visit, incident):
            counts[case.key] = uow.instances.get(case.instance_id).status
    assert set(counts.values()) == {"completed"}


@pytest.fixture
def pg_url(pg_database_url):
    _truncate_all(pg_database_url)
    return pg_database_url


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


@pytest.mark.postgres
def test_document_numbers_have_no_gaps_or_duplicates_under_concurrency(pg_url, clock):
    holder = EngineHolder(engine_for(pg_url, clock))
    try:
        seed_people(holder.engine)
        deploy_keys(holder.engine, [KEY, OTHER])
        year = clock.now().year
        # round 1: the year's first numbers (the counters do not exist yet); two categories at once
        first = _cases_at_approval(holder, KEY, 3, "甲") + _cases_at_approval(holder, OTHER, 2, "乙")
        errors = _approve_concurrently(pg_url, clock, first)
        assert errors == [], [f"{e.__class__.__name__}: {e}" for e in errors]
        # round 2: the counters exist; more approvals race for the next numbers
        second = _cases_at_approval(holder, KEY, 3, "丙")
        errors = _approve_concurrently(pg_url, clock, second)
        assert errors == [], [f"{e.__class__.__name__}: {e}" for e in errors]

        numbers: dict[str, list[str]] = {"审": [], "备": []}
        for case in first + second:
            assert case.status() == "active" and case.incidents() == []
            assert case.open_ids() in (["coordinate"], ["keep_record"])
            doc = case.doc_number()
            pdfs = [a for a in case.attachments() if a.content_type == "application/pdf"]
            assert len(pdfs) == 1 and pdfs[0].content[:5] == b"%PDF-"
            numbers[doc[2]].append(doc)
        assert sorted(numbers["审"], key=lambda d: int(d[9:-1])) == [f"衡外审〔{year}〕{n}号" for n in range(1, 7)]
        assert sorted(numbers["备"]) == [f"衡外备〔{year}〕{n}号" for n in (1, 2)]
        # the second round's numbers all follow the first round's
        assert {int(c.doc_number()[9:-1]) for c in second} == {4, 5, 6}
    finally:
        dispose(holder.engine)
