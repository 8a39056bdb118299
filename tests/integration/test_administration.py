"""The administrator's rules in the engine (engine/people/administration.py), on SQLite and PostgreSQL:
who may administer, what may change, and the account audit trail."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, NotFound
from engine.people.account_commands import UnitSpec, UserSpec
from engine.people.accounts import BadInput
from engine.people.administration import UnitForm, UserForm, generate_password, password_problems
from store.reads.people import UserFilter

GOOD = "Mima2026x"


@pytest.fixture
def admin(engine, users):
    engine.save_units([UnitSpec("commerce", "市商务局")])
    engine.save_users([UserSpec("root", "pw-root", (), ("admin",), "管理员周")])
    return engine.actor("root")


def reasons(exc: pytest.ExceptionInfo) -> set[tuple[str, str]]:
    return {(p["field"], p["reason"]) for p in exc.value.details}


def test_only_an_administrator_administers(engine, users, admin):
    adm = engine.administration
    for who in ("boss", "analyst", "clerk"):
        with pytest.raises(Forbidden):
            adm.create_user(users[who], UserForm("x1", "X", password=GOOD))
        with pytest.raises(Forbidden):
            adm.set_user_active(users[who], "clerk", False)
        with pytest.raises(Forbidden):
            adm.create_unit(users[who], UnitForm("edu", "市教育局"))
    assert adm.create_user(admin, UserForm("x1", "X", password=GOOD)) == "x1"


def test_an_administrator_keeps_their_own_account_and_admin_role(engine, admin):
    adm = engine.administration
    with pytest.raises(BadInput) as refused:
        adm.set_user_active(admin, "root", False)
    assert reasons(refused) == {("active", "disable_self")}
    with pytest.raises(BadInput) as refused:
        adm.update_user(admin, UserForm("root", "管理员周", roles=("supervisor",)))
    assert reasons(refused) == {("roles", "own_admin_role")}
    assert engine.actor("root").roles == {"admin"}


def test_create_checks_every_field_and_saves_nothing_when_refused(engine, admin):
    with pytest.raises(BadInput) as refused:
        engine.administration.create_user(admin, UserForm("bad name", " ", unit="nowhere", groups=("nobody",),
                                                          roles=("king",), locale="fr", password="short"))
    assert reasons(refused) == {("username", "bad_user_name"), ("display_name", "bad_display_name"),
                                ("unit", "unknown_unit"), ("groups", "unknown_group"), ("roles", "unknown_role"),
                                ("locale", "bad_locale"), ("password", "password_too_short")}
    with pytest.raises(BadInput) as refused:
        engine.administration.create_user(admin, UserForm("clerk", "Again", password=GOOD))
    assert reasons(refused) == {("username", "user_exists")}
    with engine.uow() as uow:
        assert uow.users.by_username("bad name") is None


def test_the_password_rules_and_generated_passwords():
    assert password_problems("Abc12345", "wang") == []
    assert [p["reason"] for p in password_problems("abcdefgh", "wang")] == ["password_letters_digits"]
    assert [p["reason"] for p in password_problems("xWang2026", "wang")] == ["password_has_login"]
    assert [p["reason"] for p in password_problems("a1" * 65, "wang")] == ["password_too_long"]
    assert all(password_problems(generate_password(), "wang") == [] for _ in range(50))


def test_disabled_units_are_not_offered_but_stay_on_their_users(engine, admin):
    adm = engine.administration
    adm.create_user(admin, UserForm("wang", "王丽", unit="commerce", password=GOOD))
    with pytest.raises(BadInput) as refused:
        adm.create_unit(admin, UnitForm("Commerce", "市商务局"))
    assert reasons(refused) == {("key", "bad_unit_key")}
    with pytest.raises(BadInput) as refused:
        adm.create_unit(admin, UnitForm("commerce", "又一个"))
    assert reasons(refused) == {("key", "unit_exists")}
    assert adm.set_unit_active(admin, "commerce", False) is True
    with pytest.raises(BadInput) as refused:
        adm.create_user(admin, UserForm("qian", "钱进", unit="commerce", password=GOOD))
    assert reasons(refused) == {("unit", "unit_disabled")}
    assert adm.update_user(admin, UserForm("wang", "王丽丽", unit="commerce")) == {
        "display_name": ["王丽", "王丽丽"]}
    with pytest.raises(NotFound):
        adm.set_unit_active(admin, "nowhere", False)
    with engine.uow() as uow:
        assert [u.key for u in uow.users.units()] == []
        assert uow.users.by_username("wang").unit_key == "commerce"


def test_every_change_is_an_account_event_and_the_list_searches(engine, users, admin):
    adm = engine.administration
    adm.create_user(admin, UserForm("wang", "王丽", unit="commerce", groups=("applicant_unit",), password=GOOD))
    adm.update_user(admin, UserForm("wang", "王丽", unit="commerce", groups=("applicant_unit", "fao_clerk"),
                                    roles=("clerk",), locale="en"))
    adm.reset_password(admin, "wang", None)
    adm.set_user_active(admin, "wang", False)
    adm.update_unit(admin, UnitForm("commerce", "市商务局", "Bureau of Commerce_%"))
    with engine.uow() as uow:
        events = list(reversed(uow.reads.people.history("user:wang")))
        assert [(e.action, e.actor, e.instance_id) for e in events] == [
            ("user_created", "root", None), ("user_updated", "root", None), ("password_reset", "root", None),
            ("user_disabled", "root", None)]
        assert events[1].detail["changes"] == {"groups": [["applicant_unit"], ["applicant_unit", "fao_clerk"]],
                                               "roles": [[], ["clerk"]], "locale": ["", "en"]}
        assert events[2].detail == {"generated": True}
        assert [e.action for e in uow.reads.people.history("unit:commerce")] == ["unit_updated"]

        def logins(**f) -> list[str]:
            return [u.username for u in uow.reads.page(uow.reads.people.users(UserFilter(**f))).items]

        assert logins(q="商务") == ["wang"]
        assert logins(q="commerce_%") == ["wang"]  # by the unit's English name, % and _ taken literally
        assert logins(q="w_ng") == []  # not a wildcard
        assert logins(group="fao_clerk", active=False) == ["wang"]
        assert logins(role="admin") == ["root"]
