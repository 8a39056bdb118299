"""因公证照注销: the passport section records a holder leaving office, the section chief approves,
and the process writes ``cancel`` to the custody ledger with the case as its source. The ledger
is read first (a document it does not hold in custody for that holder goes back with the ledger's
reason), and a cancelled document can no longer be lent to a trip."""
from __future__ import annotations

from typing import Any

import pytest

from tests.integration.process_driver import (  # noqa: F401
    CaseDriver,
    fast_engine,
    processes_template,
)
from tests.integration.test_processes_abroad import HOOKS, SPECS
from tests.integration.test_registers import api, app  # noqa: F401

KEY = "passport_cancellation"
PV, CHIEF, CLERK, UNIT = "visa_wu", "chief_zhang", "clerk_li", "unit_wang"
NUMBER = "E12345678"  # 周建华's passport, in custody, as the trade delegation of SPECS[0] uses it
LEAVING = {"title": "周建华退休因公护照注销", "passport_document_no": NUMBER, "holder": "周建华",
           "holder_unit": "衡阳市商务局", "leave_reason": "retired", "left_on": "{Y}-11-30",
           "leave_document": "衡人社〔{Y}〕88号"}


def _in_custody(eng, number: str = NUMBER, **values: Any) -> None:
    with eng.uow() as uow:
        uow.registers.write("passports", number, {"kind": "passport", "holder": "周建华", "holder_unit": "衡阳市商务局",
                                                  "status": "in_custody", "issued_on": "2022-03-01", **values},
                            action="issued", at=eng.clock.now(), actor=PV, instance_id=None)
        uow.commit()


def _entry(eng, number: str = NUMBER) -> dict[str, Any] | None:
    with eng.uow() as uow:
        return uow.registers.read("passports", number)


def _cancel(holder, **data: Any) -> CaseDriver:
    return CaseDriver(holder, KEY, start_data=dict(LEAVING, **data), starter=PV).start()


def test_only_the_passport_section_starts_a_cancellation(fast_engine):  # noqa: F811
    from engine.errors import Forbidden
    from processes.catalogue import by_key

    info = by_key(KEY)
    assert info is not None and info.starters == ("passport_visa_section",) and info.title_zh == "因公证照注销"
    eng = fast_engine.engine
    for outsider in (CLERK, UNIT, CHIEF):
        with pytest.raises(Forbidden):
            eng.start(KEY, eng.actor(outsider), dict(LEAVING))


def test_the_chief_approves_and_the_ledger_cancels_with_the_case_as_its_source(fast_engine, api):  # noqa: F811
    eng = fast_engine.engine
    _in_custody(eng)
    case = _cancel(fast_engine)
    (task,) = case.open_tasks()
    assert task.bpmn_id == "approve" and task.lane == "section_chief"
    assert _entry(eng)["status"] == "in_custody"  # nothing written before the chief decides
    case.do("approve", decision="approve", user=CHIEF)
    assert case.status() == "completed"
    entry = _entry(eng)
    assert entry is not None and entry["status"] == "cancelled" and entry["instance_id"] == case.instance_id
    assert entry["cancelled_on"] == eng.clock.now().astimezone(eng.calendar().tz).date().isoformat()
    r = api(PV).get(f"/api/v1/registers/passports/{entry['id']}")
    history = r.get_json()["history"]
    assert [h["action"] for h in history] == ["issued", "cancelled"]
    last = history[-1]
    assert last["instance_id"] == case.instance_id and last["bpmn_id"] == "ledger_cancelled"
    assert last["actor"] == CHIEF and last["changes"]["status"] == ["in_custody", "cancelled"]
    assert any("已在保管登记簿中注销" in n for n in case.notifications(PV))
    listed = api(CLERK).get("/api/v1/registers/passports", query_string={"status": "cancelled"}).get_json()
    assert [e["holder"] for e in listed["items"]] == ["周建华"]


def test_a_refusal_by_the_chief_leaves_the_ledger_as_it_was(fast_engine):  # noqa: F811
    eng = fast_engine.engine
    _in_custody(eng)
    case = _cancel(fast_engine)
    case.do("approve", decision="reject", user=CHIEF, comment="离任手续尚未办结")
    assert case.status() == "completed"
    assert _entry(eng)["status"] == "in_custody"
    assert any("未获同意" in n and "离任手续尚未办结" in n for n in case.notifications(PV))


@pytest.mark.parametrize("ledger, reason", [
    (None, "登记簿中没有该号码的证照"),
    ({"holder": "王某"}, "登记簿所载持照人为王某，与所填持照人周建华不符"),
    ({"status": "lent", "due_back_on": "2026-01-20"}, "已借出（持照人周建华，应于2026-01-20交回）"),
    ({"status": "cancelled", "cancelled_on": "2025-06-01"}, "已于2025-06-01注销，无需再次注销"),
], ids=["unknown", "other_holder", "lent", "cancelled"])
def test_a_document_the_ledger_does_not_hold_goes_back_with_the_reason(fast_engine, ledger, reason):  # noqa: F811
    eng = fast_engine.engine
    if ledger is not None:
        _in_custody(eng, **ledger)
    before = _entry(eng)
    case = _cancel(fast_engine)
    (task,) = case.open_tasks()
    assert task.bpmn_id == "revise" and task.lane == "passport_visa_section"  # never reaches the chief
    assert any("退回修改" in n and reason in n for n in case.notifications(PV)), case.notifications(PV)
    assert _entry(eng) == before


def test_a_corrected_number_then_reaches_the_chief(fast_engine):  # noqa: F811
    eng = fast_engine.engine
    _in_custody(eng)
    case = _cancel(fast_engine, passport_document_no="e12345679")  # a slip of one digit, lower case
    assert case.open_ids() == ["revise"]
    case.do("revise", passport_document_no="e12345678")  # the number is read as the ledger keeps it
    assert case.open_ids() == ["approve"]
    case.do("approve", decision="approve", user=CHIEF)
    assert _entry(eng)["status"] == "cancelled" and _entry(eng, "E12345679") is None


def test_a_cancelled_passport_can_no_longer_be_lent_to_a_trip(fast_engine, api):  # noqa: F811
    eng = fast_engine.engine
    _in_custody(eng)
    _cancel(fast_engine).do("approve", decision="approve", user=CHIEF)
    spec = SPECS[0]  # official_passport_visa: 周建华 travels on E12345678
    trip = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data),
                      task_data={"issue_passport": {"passport_no": "E76543210"}})
    trip._check_no_incident = lambda where: None  # type: ignore[method-assign]  # the incident is the point
    trip.start()
    trip.run(hooks=dict(HOOKS))
    incidents = [i for i in trip.incidents() if i[0] == "ledger_lent"]
    assert incidents, trip.incidents()
    message = incidents[0][2]
    assert "已于" in message and "注销，不能再借出" in message and "周建华" in message
    entry = _entry(eng)
    assert entry["status"] == "cancelled" and entry["lent_instance_id"] is None
    # the monitor words it as the register's refusal, in Chinese
    listed = api("supervisor_he").get("/api/v1/incidents").get_json()  # the app speaks Chinese by default
    (shown,) = [i["error"] for i in listed["items"] if i["instance_id"] == trip.instance_id]
    assert shown.startswith("登记簿拒绝办理此步骤：因公护照（持照人周建华）已于") and "Service operator" not in shown
