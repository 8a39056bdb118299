"""What the sister-city models share: lanes, the start with its register step, gates and refusals."""
from __future__ import annotations

from processes.catalogue import by_key

from .dsl import SERVICE, START, XOR, Builder
from .forms import (
    Field,
    text,
)
from .patterns import INIT
from .patterns_visit import (
    each,
    refuse,
    script,
)

SC, CHIEF, DIRECTOR, LEADER, UNIT = ("sister_city_section", "section_chief", "office_director",
                                     "municipal_leader", "applicant_unit")
APPROVED = 'decision == "approve"'


def info_of(key: str):
    info = by_key(key)
    assert info is not None, key
    return info


def start_with_register(b: Builder, key: str, lane: str, name: str, extra_init: str = "") -> str:
    s = b.node("submit", START, name, lane=lane, form=f"{key}.submit")
    return script(b, s, "register", "登记", lane, INIT + ("\n" + extra_init if extra_init else ""))


def ask_units(b: Builder, last: str, id: str, name: str, lane: str, units_field: str, collection: str, item: str,
              spec: tuple[str, str, str, str, str], pre_script: str = "", post_script: str | None = None,
              collect: tuple[str, str] | None = None, label: str = "", condition: str | None = None) -> str:
    """One task for each unit the case names, side by side, worked by that unit's members.

    ``units_field`` holds unit keys (a form field of :func:`tools.authoring.forms.units`). A service
    task looks the units up (``unit_directory``: each unit's key and names, into ``collection``);
    every instance of the multi-instance sub-process gets one as ``item`` and binds its task to
    the unit's members with ``lane_owners`` (docs/units.md), so what it collects can name the unit.
    """
    found = b.node(f"{id}_lookup", SERVICE, "查询单位", lane=lane, operator="unit_directory",
                   params=(("units", units_field),), result=collection)
    b.flow(last, found, label, condition=condition)
    owners = f'lane_owners = {{"{spec[2]}": ["unit:" + {item}["key"]]}}'
    return each(b, found, id, name, collection, item, spec, pre_script="\n".join(filter(None, (pre_script, owners))),
                post_script=post_script, collect=collect)


def gate(b: Builder, last: str, id: str, name: str, lane: str) -> str:
    gw = b.node(id, XOR, name, lane=lane)
    b.flow(last, gw)
    return gw


def refused(b: Builder, gw: str, lane: str, subject_zh: str, subject_en: str, id: str = "rejected") -> None:
    refuse(b, gw, id, lane, f'"您提交的{subject_zh}《" + title + "》未获批准。理由：" + comment',
           f'"Your {subject_en} \\"" + title + "\\" was not approved. Reason: " + comment')


def office_fields(title_zh: str, title_en: str) -> tuple[Field, ...]:
    return (text("title", title_zh, title_en, max_length=120, help="将显示在待办列表中", case_title=True),)
