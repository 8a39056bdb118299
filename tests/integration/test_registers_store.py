"""The registers' store on SQLite and PostgreSQL: a write creates or changes an entry and records
what changed (who, when, which case); reads filter overdue loans and dormant cities."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from store.repositories.registers import UnknownRegister


def test_a_write_records_each_change_and_nothing_for_no_change(engine):
    now = engine.clock.now()
    with engine.uow() as uow:
        first = uow.registers.write("passports", "E12345678", {"holder": "张三", "issued_on": "2026-03-01"},
                                    action="issued", at=now, actor="visa_wu", instance_id="c1", bpmn_id="t1")
        again = uow.registers.write("passports", "E12345678", {"status": "lent", "due_back_on": date(2026, 5, 20)},
                                    action="lent", at=now, actor="visa_wu", instance_id="c2")
        uow.registers.write("passports", "E12345678", {"status": "lent"}, action="lent", at=now, actor=None,
                            instance_id="c2")
        uow.commit()
    assert first == again
    with engine.uow() as uow:
        entry = uow.reads.registers.entry("passports", first)
        history = uow.reads.registers.history("passports", first)
        assert entry.holder == "张三" and entry.issued_on == date(2026, 3, 1) and entry.instance_id == "c2"
        assert [(h.action, h.actor, h.instance_id) for h in history] == [("issued", "visa_wu", "c1"),
                                                                         ("lent", "visa_wu", "c2")]
        assert history[0].changes["issued_on"] == [None, "2026-03-01"] and history[0].bpmn_id == "t1"
        assert history[1].changes == {"status": ["in_custody", "lent"], "due_back_on": [None, "2026-05-20"]}
        overdue = uow.reads.page(uow.reads.registers.passports(status="overdue", today=date(2026, 5, 21)))
        assert [e.number for e in overdue.items] == ["E12345678"]
        assert uow.reads.page(uow.reads.registers.passports(status="overdue", today=date(2026, 5, 20))).total == 0
        assert [e.number for e in uow.registers.overdue_passports(date(2026, 5, 21))] == ["E12345678"]


def test_unknown_registers_and_fields_are_refused(engine):
    now = engine.clock.now()
    with engine.uow() as uow, pytest.raises(UnknownRegister):
        uow.registers.write("ledgers", "x", {}, action="x", at=now, actor=None, instance_id=None)
    with engine.uow() as uow, pytest.raises(UnknownRegister, match="updated_at"):
        uow.registers.write("documents", "x", {"updated_at": now}, action="x", at=now, actor=None, instance_id=None)


def test_dormant_sister_cities_are_those_without_an_exchange_since_the_cutoff(engine):
    now = engine.clock.now()
    with engine.uow() as uow:
        for city, values in (("大分市", {"last_exchange_on": "2026-01-05"}),
                             ("弗莱堡市", {"established_on": "2000-01-01"}), ("某市", {}),
                             ("旧友城", {"status": "ended", "established_on": "1990-01-01"})):
            uow.registers.write("sister_cities", city, values, action="recorded", at=now, actor=None,
                                instance_id=None)
        uow.commit()
    with engine.uow() as uow:
        stmt = uow.reads.registers.sister_cities(status="dormant", dormant_before=date(2025, 1, 1))
        assert sorted(e.city for e in uow.reads.page(stmt).items) == sorted(["弗莱堡市", "某市"])
        assert uow.reads.page(uow.reads.registers.sister_cities(q="大分")).total == 1


def test_the_overdue_reminder_tells_the_passport_section_once_a_loan(engine):
    from engine.commands.passport_reminders import PASSPORT_OVERDUE
    from engine.people.accounts import put_user

    now = engine.clock.now()
    with engine.uow() as uow:
        put_user(uow, now, "visa_wu", None, ["passport_visa_section"], ["clerk"], "吴昊")
        put_user(uow, now, "clerk_li", None, ["fao_clerk"], ["clerk"], "李明")
        uow.registers.write("passports", "E12345678", {"holder": "张三", "status": "lent", "lent_for": "赴日本",
                                                       "due_back_on": now.date() - timedelta(days=1)},
                            action="lent", at=now, actor="visa_wu", instance_id=None)
        uow.commit()
    assert engine.remind_overdue_passports(once_per_day=True) == 1
    assert engine.remind_overdue_passports(once_per_day=True) == 0  # today's run is claimed
    assert engine.remind_overdue_passports() == 0  # and the loan was reminded of
    with engine.uow() as uow:
        (note,) = uow.misc.notifications("visa_wu")
        assert note.code == PASSPORT_OVERDUE and note.params["holder"] == "张三"
        assert uow.misc.notifications("clerk_li") == []


def test_a_read_gives_an_entry_as_plain_values_within_the_transaction(engine):
    now = engine.clock.now()
    with engine.uow() as uow:
        assert uow.registers.read("passports", "E12345678") is None
        uow.registers.write("passports", "E12345678", {"holder": "张三", "status": "cancelled",
                                                       "cancelled_on": date(2026, 11, 30)},
                            action="cancelled", at=now, actor="visa_wu", instance_id="c9")
        entry = uow.registers.read("passports", "E12345678")  # seen before the commit, as a service task sees it
        assert entry is not None and entry["holder"] == "张三" and entry["status"] == "cancelled"
        assert entry["cancelled_on"] == "2026-11-30" and entry["instance_id"] == "c9" and entry["due_back_on"] is None
        assert isinstance(entry["updated_at"], str) and entry["number"] == "E12345678"
        with pytest.raises(UnknownRegister):
            uow.registers.read("ledgers", "x")
