"""Assemble a typical process: submit, review loop, approval tail, process-specific work."""
from __future__ import annotations

from collections.abc import Callable

from processes.catalogue import by_key

from .common_forms import base_fields
from .dsl import AND, Builder, ProcessModel
from .forms import Field, Form, decision_form
from .patterns import Review, begin, finish, lanes, task

LANE_ORDER = ("applicant_unit", "protocol_section", "passport_visa_section", "sister_city_section",
              "press_culture_section", "fao_clerk", "section_chief", "office_director", "municipal_leader")

Tail = Callable[[Builder, str], str]


def lane_order(examiner: str, submitter: str = "applicant_unit") -> tuple[str, ...]:
    """Submitter, examiner, the chain of approval, then the other sections (unused lanes are dropped)."""
    head = (submitter, examiner, "section_chief", "office_director", "municipal_leader")
    seen: list[str] = []
    for k in head + LANE_ORDER:
        if k not in seen:
            seen.append(k)
    return tuple(seen)


def standard(key: str, examiner: str, category: str, submit_fields: tuple[Field, ...],
             checks: tuple[Field, ...], tail: Tail, *, leader: str = "never",
             subject: tuple[str, str] = ("申请", "application"), submitter: str = "applicant_unit",
             start_name: str = "提交申请", letter_body: str | None = None, init_extra: str = "",
             messages: tuple[str, ...] = (), extra_forms: tuple[Form, ...] = (),
             title_label: tuple[str, str] = ("事项名称", "Subject"), before_review=None,
             revise_form: str | None = None, end_lane: str | None = None
             ) -> tuple[ProcessModel, tuple[Form, ...]]:
    info = by_key(key)
    assert info is not None, key
    r = Review(key, examiner=examiner, category=category, submitter=submitter, leader=leader,
               examine_days=info.sla.examine_working_days, approve_days=info.sla.approve_working_days,
               subject_zh=subject[0], subject_en=subject[1], revise_form=revise_form)
    b = Builder()
    last = begin(b, r, start_name=start_name, init_extra=init_extra, letter_body=letter_body,
                 before_review=before_review)
    last = tail(b, last)
    finish(b, last, end_lane or examiner)
    model = ProcessModel(key, info.title_zh, lanes(*lane_order(examiner, submitter)), tuple(b.nodes),
                         tuple(b.flows), documentation=info.description_zh, messages=messages)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields(*title_label) + submit_fields)
    examine = decision_form(f"{key}.examine", f"{info.title_zh}审查", f"Examination: {info.title_en}", *checks)
    return model, (submit, examine) + extra_forms


def steps(b: Builder, last: str, *specs: tuple[str, str, str, str, str]) -> str:
    """A chain of user tasks: (id, name, lane, form, instructions)."""
    for id, name, lane, form, text in specs:
        nxt = task(b, id, name, lane, form, text)
        b.flow(last, nxt)
        last = nxt
    return last


def countersign(b: Builder, last: str, prefix: str, branches: tuple[tuple[str, str, str, str], ...]) -> str:
    """Parallel countersigning: split, one task per (id, name, lane, instructions), join."""
    here = next((n.lane for n in b.nodes if n.id == last and n.lane), branches[0][2])
    split = b.node(f"{prefix}_split", AND, "并行会签", lane=here)
    join = b.node(f"{prefix}_join", AND, "会签完成", lane=here)
    b.flow(last, split)
    for id, name, lane, text in branches:
        t = task(b, id, name, lane, "common.countersign", text)
        b.flow(split, t)
        b.flow(t, join)
    return join
