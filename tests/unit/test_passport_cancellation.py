"""The passport ledger's guards, on the handlers and on the model run by SpiffWorkflow alone: the
ledger is read before a cancellation (with the reason in Chinese), a cancelled document is not
lent, and the approved cancellation writes ``cancel`` for the number the ledger keeps."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from processes.registers import RegisterRefused, passport_lookup, passport_register
from tests.unit.test_models_run import GENERIC, Harness, clock, parser  # noqa: F401

IN_CUSTODY = {"number": "E12345678", "status": "in_custody", "kind": "passport", "holder": "周建华",
              "holder_unit": "衡阳市商务局", "due_back_on": None, "cancelled_on": None}


class Ledger:
    """A service context over one in-memory ledger."""

    instance_id, process_key, business_key, started_by, actor, locale = "i-1", "k", "HY-1", "visa_wu", None, "zh_CN"

    def __init__(self, **entries: dict[str, Any]) -> None:
        self.entries = {k: dict(v) for k, v in entries.items()}
        self.writes: list[tuple[str, str, dict[str, Any]]] = []

    def now(self) -> datetime:
        return datetime(2026, 12, 8, 2, 0, tzinfo=UTC)

    def read_register(self, register: str, key: str) -> dict[str, Any] | None:
        return self.entries.get(key)

    def write_register(self, register: str, key: str, values: dict[str, Any], action: str,
                       create: bool = True) -> int:
        self.writes.append((key, action, values))
        return 1


@pytest.mark.parametrize("entry, holder, refusal", [
    (IN_CUSTODY, "周建华", ""),
    (IN_CUSTODY, "", ""),
    (None, "周建华", "登记簿中没有该号码的证照，请核对证照号码。"),
    (dict(IN_CUSTODY, holder="王某"), "周建华", "登记簿所载持照人为王某，与所填持照人周建华不符，请核对。"),
    (dict(IN_CUSTODY, status="lent", due_back_on="2026-12-20"), "周建华",
     "该因公护照已借出（持照人周建华，应于2026-12-20交回），须交回保管后再办理注销。"),
    (dict(IN_CUSTODY, kind="hk_macao_permit", status="cancelled", cancelled_on="2026-11-30"), "周建华",
     "该往来港澳通行证已于2026-11-30注销，无需再次注销。"),
], ids=["in_custody", "no_holder_given", "unknown", "other_holder", "lent", "cancelled"])
def test_the_lookup_says_whether_the_ledger_lets_the_document_be_cancelled(entry, holder, refusal):
    ctx = Ledger(**({"E12345678": entry} if entry else {}))
    found = passport_lookup(ctx, {"number": " e12345678 ", "holder": holder})  # type: ignore[arg-type]
    assert found["refusal"] == refusal and found["found"] is (entry is not None)
    if entry:
        assert found["status"] == entry["status"] and found["holder"] == entry["holder"]
    assert ctx.writes == []


def test_a_cancelled_document_is_not_lent_and_the_reason_is_chinese():
    ctx = Ledger(E12345678=dict(IN_CUSTODY, status="cancelled", cancelled_on="2026-11-30"))
    with pytest.raises(RegisterRefused) as refused:
        passport_register(ctx, {"action": "lend", "number": "E12345678",  # type: ignore[arg-type]
                                "due_back_on": "2026-12-30", "lent_for": "赴日本经贸考察"})
    assert str(refused.value) == ("因公护照（持照人周建华）已于2026-11-30注销，不能再借出；请核对出访人员所持证照，"
                                  "或为其重新办理。")
    assert ctx.writes == []
    ctx.entries["E12345678"]["status"] = "in_custody"
    passport_register(ctx, {"action": "lend", "number": "E12345678"})  # type: ignore[arg-type]
    assert [w[1] for w in ctx.writes] == ["lent"]


def test_cancel_writes_only_what_the_ledger_holds_in_custody():
    ctx = Ledger(E12345678=IN_CUSTODY)
    assert passport_register(ctx, {"action": "cancel", "number": "e12345678",  # type: ignore[arg-type]
                                   "holder": "周建华"}) == "E12345678"
    ((key, action, values),) = ctx.writes
    assert (key, action) == ("E12345678", "cancelled")
    assert values["status"] == "cancelled" and values["cancelled_on"] == "2026-12-08"
    for entry in (None, dict(IN_CUSTODY, status="lent")):
        other = Ledger(**({"E12345678": entry} if entry else {}))
        with pytest.raises(RegisterRefused):
            passport_register(other, {"action": "cancel", "number": "E12345678"})  # type: ignore[arg-type]
        assert other.writes == []


def test_the_model_sends_a_mismatch_back_and_writes_cancel_once_the_chief_approves(parser, clock):  # noqa: F811
    h = Harness("passport_cancellation", parser, clock, **dict(GENERIC, holder="王某"))
    assert [t.task_spec.bpmn_id for t in h.ready()] == ["revise"]  # the chief never saw it
    assert h.lane("revise") == "passport_visa_section"
    assert "登记簿所载持照人为周建华，与所填持照人王某不符" in h.ready()[0].data["comment"]
    assert any("退回修改" in n[1] for n in h.notices) and h.registers == []
    h.complete("revise", holder="周建华", passport_document_no="e12345678")
    assert [t.task_spec.bpmn_id for t in h.ready()] == ["approve"] and h.lane("approve") == "section_chief"
    h.complete("approve", decision="approve")
    assert h.wf.is_completed()
    assert h.registers == [("passports", "E12345678", "cancelled",
                            {"holder": "周建华", "holder_unit": "市商务局", "status": "cancelled",
                             "cancelled_on": "2026-03-02"})]
    assert "证照已在保管登记簿中注销" in h.notices[-1][1]


def test_the_number_a_cancellation_carries_is_masked_in_case_data():
    from webui.masking import is_sensitive

    assert is_sensitive("passport_document_no") and is_sensitive("cancelled_passport_no")
