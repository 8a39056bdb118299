"""Building blocks for processes that are not one application template: visits, plans, upkeep.

- :func:`review_sub` is a loop sub-process of reviewing steps (each may have an SLA and a
  condition under which it applies). It repeats while the last reviewer's decision is
  ``"revise"``: either a reviser task (the submitter corrects what was returned) or a drafting
  task (the office redrafts its own document) opens at the start of every later pass.
- :func:`parallel` splits into tasks that run side by side and joins them.
- :func:`wait_until` / :func:`wait_message` are intermediate timer / message catch events.
- :func:`letter` numbers and issues the reply letter and tells the applicant;
  :func:`refuse` tells the applicant why not and ends.
- :func:`make_model` derives the lanes from the nodes actually used.

Node ids are BPMN ids, unique across the whole process (sub-processes included).
"""
from __future__ import annotations

from dataclasses import dataclass

from .dsl import (
    AND,
    BOUNDARY,
    END,
    MSG_CATCH,
    SCRIPT,
    SERVICE,
    START,
    TIMER_CATCH,
    USER,
    XOR,
    Builder,
    MultiInstance,
    Node,
    ProcessModel,
    StandardLoop,
    Timer,
)
from .patterns import GROUP_LABELS, notify

LANE_ORDER = ("applicant_unit", "protocol_section", "sister_city_section", "press_culture_section",
              "passport_visa_section", "fao_clerk", "section_chief", "office_director", "municipal_leader")


@dataclass(frozen=True)
class Check:
    """One reviewing step of a :func:`review_sub`."""

    id: str
    name: str
    lane: str
    form: str
    text: str
    sla_days: int | None = None
    when: str | None = None  # the step applies only when this condition holds


@dataclass(frozen=True)
class Redo:
    """The task that opens when a reviewer returns the matter (``decision == "revise"``)."""

    id: str
    name: str
    lane: str
    form: str
    text: str = "审查意见：{{ comment }}\n请按意见修改《{{ title }}》后重新提交。"
    tell_applicant: bool = True  # leave the applicant a notice that it was returned


def reset(var: str = "decision", comment: str = "comment") -> str:
    return f'{var} = ""\n{comment} = ""'


def log_step(step: str, var: str = "decision", comment: str = "comment") -> str:
    return (f'reviews = reviews + [{{"step": "{step}", "decision": {var}, '
            f'"comment": {comment}, "at": now()}}]')


def _sla(s: Builder, host: str, days: int, name: str) -> None:
    s.node(f"{host}_sla", BOUNDARY, f"{name}时限", attached_to=host, interrupting=False,
           timer=Timer("timeDate", f"due_in_working_days({days})"))
    esc = s.node(f"{host}_escalation", USER, f"{name}超期督办", lane="section_chief", form="common.escalation",
                 instructions=f"《{{{{ title }}}}》{name}已超过{days}个工作日时限，请督促承办人办理。")
    end = s.node(f"{host}_escalation_end", END, "督办完毕", lane="section_chief")
    s.flow(f"{host}_sla", esc)
    s.flow(esc, end)


def review_sub(id: str, name: str, checks: tuple[Check, ...], *, redo: Redo | None = None,
               draft: Check | None = None, var: str = "decision", comment: str = "comment",
               maximum: int = 10) -> Node:
    """A loop sub-process of reviewing steps; see the module docstring.

    ``draft`` (a task that opens on every pass, before the checks) and ``redo`` (a task that
    opens only on the passes after a return) are alternatives. Every check resets ``var`` before
    it opens and appends to ``reviews`` when done; the first refusal ends the pass.
    """
    revise = f'{var} == "revise"'
    s = Builder(prefix=f"{id}_")
    first_lane = (draft or checks[0]).lane
    cur = s.node(f"{id}_start", START, "开始", lane=first_lane)
    if redo is not None:
        gw = s.node(f"{id}_gw_returned", XOR, "是否退回", lane=checks[0].lane)
        merge = s.node(f"{id}_gw_returned_merge", XOR, "", lane=checks[0].lane)
        s.flow(cur, gw)
        src = gw
        if redo.tell_applicant:
            note = s.add(notify(f"{id}_notify_returned", "通知退回修改", checks[0].lane,
                                f'"您提交的《" + title + "》被退回修改，意见：" + {comment}',
                                f'"Your submission \\"" + title + "\\" was returned for revision: " + {comment}'))
            s.flow(gw, note, "退回修改", condition=revise)
            src = note
        t = s.node(redo.id, USER, redo.name, lane=redo.lane, form=redo.form, instructions=redo.text)
        if src == gw:
            s.flow(gw, t, "退回修改", condition=revise)
        else:
            s.flow(src, t)
        s.flow(t, merge)
        s.flow(gw, merge, "首次", default=True)
        cur = merge
    if draft is not None:
        t = s.node(draft.id, USER, draft.name, lane=draft.lane, form=draft.form, instructions=draft.text)
        s.flow(cur, t)
        cur = t
    cond: tuple[str, str] | None = None  # (label, condition) of the flow out of ``cur``
    for c in checks:
        entry_src, entry_cond = cur, cond
        skip_merge = None
        if c.when:
            gw_when = s.node(f"{c.id}_gw_applies", XOR, f"是否须{c.name}", lane=c.lane)
            skip_merge = s.node(f"{c.id}_gw_applies_merge", XOR, "", lane=c.lane)
            _link(s, entry_src, gw_when, entry_cond)
            s.flow(gw_when, skip_merge, "不需要", default=True)
            entry_src, entry_cond = gw_when, ("需要", c.when)
        t = s.node(c.id, USER, c.name, lane=c.lane, form=c.form, instructions=c.text,
                   pre_script=reset(var, comment), post_script=log_step(c.id, var, comment))
        _link(s, entry_src, t, entry_cond)
        if c.sla_days:
            _sla(s, c.id, c.sla_days, c.name)
        gw = s.node(f"{c.id}_gw", XOR, f"{c.name}结论", lane=c.lane)
        end_no = s.node(f"{c.id}_end_returned", END, "退回/不同意", lane=c.lane, terminate=True)
        s.flow(t, gw)
        s.flow(gw, end_no, "退回/不同意", default=True)
        if skip_merge is not None:
            s.flow(gw, skip_merge, "同意", condition=f'{var} == "approve"')
            cur, cond = skip_merge, None
        else:
            cur, cond = gw, ("同意", f'{var} == "approve"')
    end_ok = s.node(f"{id}_end_done", END, f"{name}完毕", lane=checks[-1].lane, terminate=True)
    _link(s, cur, end_ok, cond)
    return s.build_sub(id, name, loop=StandardLoop(condition=revise, maximum=maximum, test_before=False),
                       documentation=f"退回修改时重复（至多{maximum}轮）；{var} 为最后一位审查人的结论。")


def _link(b: Builder, src: str, dst: str, cond: tuple[str, str] | None) -> None:
    if cond is None:
        b.flow(src, dst)
    else:
        b.flow(src, dst, cond[0], condition=cond[1])


def task(b: Builder, last: str | None, id: str, name: str, lane: str, form: str, text: str, **kw) -> str:
    t = b.node(id, USER, name, lane=lane, form=form, instructions=text, **kw)
    if last is not None:
        b.flow(last, t)
    return t


def chain(b: Builder, last: str, *specs: tuple[str, str, str, str, str]) -> str:
    for spec in specs:
        last = task(b, last, *spec)
    return last


def each(b: Builder, last: str, id: str, name: str, collection: str, item: str,
         spec: tuple[str, str, str, str, str], pre_script: str | None = None,
         post_script: str | None = None, label: str = "", condition: str | None = None,
         collect: tuple[str, str] | None = None) -> str:
    """One task per item of ``collection``, side by side: a multi-instance sub-process around it.

    SpiffWorkflow runs the scripts of a multi-instance *task* once, on the whole; inside a
    multi-instance sub-process the task's scripts run for every item, and what each instance
    adds to a list of strings is merged back into the case.
    """
    s = Builder(prefix=f"{id}_")
    start = s.node(f"{id}_start", START, "开始", lane=spec[2])
    t = task(s, start, *spec, pre_script=pre_script, post_script=post_script)
    s.flow(t, s.node(f"{id}_end", END, "完成", lane=spec[2]))
    node = b.add(s.build_sub(id, name, multi=MultiInstance(collection, item, output_ref=collect and collect[0],
                                                              output_item=collect and collect[1])))
    b.flow(last, node, label, condition=condition)
    return node


def parallel(b: Builder, last: str, prefix: str, lane: str,
             branches: tuple[tuple[str, str, str, str, str], ...]) -> str:
    """Split, one task per (id, name, lane, form, instructions), join; returns the join."""
    split = b.node(f"{prefix}_split", AND, "并行", lane=lane)
    join = b.node(f"{prefix}_join", AND, "全部完成", lane=lane)
    b.flow(last, split)
    for spec in branches:
        t = task(b, split, *spec)
        b.flow(t, join)
    return join


def optional(b: Builder, last: str, id: str, name: str, lane: str, condition: str,
             yes: tuple[str, str, str, str, str], yes_label: str = "是", no_label: str = "否") -> str:
    """A task only when ``condition`` holds; returns the merge gateway."""
    gw = b.node(f"gw_{id}", XOR, name, lane=lane)
    merge = b.node(f"gw_{id}_merge", XOR, "", lane=lane)
    b.flow(last, gw)
    t = b.node(yes[0], USER, yes[1], lane=yes[2], form=yes[3], instructions=yes[4])
    b.flow(gw, t, yes_label, condition=condition)
    b.flow(t, merge)
    b.flow(gw, merge, no_label, default=True)
    return merge


def wait_until(b: Builder, last: str, id: str, name: str, lane: str, expr: str) -> str:
    t = b.node(id, TIMER_CATCH, name, lane=lane, timer=Timer("timeDate", expr))
    b.flow(last, t)
    return t


def wait_message(b: Builder, last: str, id: str, name: str, lane: str, message: str) -> str:
    t = b.node(id, MSG_CATCH, name, lane=lane, message=message, message_var=message)
    b.flow(last, t)
    return t


def deadline(b: Builder, host: str, expr: str, name: str, text: str, lane: str = "section_chief") -> None:
    """A non-interrupting timer on ``host`` that opens an escalation task."""
    bid = f"{host}_deadline"
    b.node(bid, BOUNDARY, name, attached_to=host, interrupting=False, timer=Timer("timeDate", expr))
    esc = b.node(f"{host}_escalation", USER, f"{name}督办", lane=lane, form="common.escalation", instructions=text)
    end = b.node(f"{host}_escalation_end", END, "督办完毕", lane=lane)
    b.flow(bid, esc)
    b.flow(esc, end)


def script(b: Builder, last: str | None, id: str, name: str, lane: str, code: str) -> str:
    t = b.node(id, SCRIPT, name, lane=lane, script=code)
    if last is not None:
        b.flow(last, t)
    return t


def refuse(b: Builder, gw: str, id: str, lane: str, zh: str, en: str, end_name: str = "不予批准",
           label: str = "不同意", tell: bool = True) -> None:
    """The default flow of ``gw``: a notice to the applicant (``zh``/``en`` are expressions), an end."""
    end = b.node(f"end_{id}", END, end_name, lane=lane)
    if tell:
        note = b.add(notify(f"notify_{id}", f"通知{end_name}", lane, zh, en))
        b.flow(gw, note, label, default=True)
        b.flow(note, end)
    else:
        b.flow(gw, end, label, default=True)


def letter(b: Builder, gw: str, lane: str, category: str, subject_zh: str, subject_en: str, body: str,
           label: str = "同意", condition: str = 'decision == "approve"') -> str:
    """From ``gw`` when ``condition``: document number, PDF letter, notice; returns the notice."""
    num = b.node("assign_number", SERVICE, "编发文号", lane=lane, operator="document_number",
                 params=(("category", f'"{category}"'),), result="doc_number")
    let = b.node("issue_letter", SERVICE, "生成复函", lane=lane, operator="approval_letter",
                 params=(("doc_number", "doc_number"), ("title", "title"), ("body", body),
                         ("decision", '"approve"'), ("applicant", "applicant")),
                 result="approval_letter_id")
    note = b.add(notify("notify_approved", "通知批准", lane,
                        f'"您提交的{subject_zh}《" + title + "》已批准，文号 " + doc_number',
                        f'"Your {subject_en} \\"" + title + "\\" was approved: " + doc_number'))
    b.flow(gw, num, label, condition=condition)
    b.chain(num, let, note)
    return note


def finish(b: Builder, last: str, lane: str, name: str = "办结") -> None:
    end = b.node("end_done", END, name, lane=lane, terminate=True)
    b.flow(last, end)


def _lanes_used(nodes) -> set[str]:
    out: set[str] = set()
    for n in nodes:
        if n.lane:
            out.add(n.lane)
        out |= _lanes_used(n.children)
    return out


def make_model(key: str, name: str, b: Builder, first_lane: str, documentation: str = "",
               messages: tuple[str, ...] = ()) -> ProcessModel:
    """The model with the lanes its nodes use: the starter's first, then the office's order."""
    used = _lanes_used(b.nodes)
    order = [first_lane] + [k for k in LANE_ORDER if k != first_lane and k in used]
    lanes = tuple((k, GROUP_LABELS[k]) for k in order)
    return ProcessModel(key, name, lanes, tuple(b.nodes), tuple(b.flows), documentation=documentation,
                        messages=messages)
