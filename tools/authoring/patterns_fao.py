"""Shapes of the coordination and going-abroad processes that the common review loop does not give.

- :func:`approval_chain`: a return-for-revision loop sub-process (``{key}_review``) over any chain
  of reviewing steps, e.g. protocol section -> director -> municipal leader; the applicant's
  ``revise`` task opens each further pass; every step resets and logs ``decision`` like the
  common review loop does, and the first step carries a working-day SLA.
- :func:`fan_out`: work routed to the sections a clerk chose (``sections`` list): a parallel split,
  one conditional branch per section (skipped when not chosen), a parallel join.
- :func:`numbered_letter`: a document number, a PDF letter and a notice to the applicant.
"""
from __future__ import annotations

from dataclasses import dataclass

from .dsl import (
    AND,
    BOUNDARY,
    END,
    SERVICE,
    START,
    USER,
    XOR,
    Builder,
    Node,
    StandardLoop,
    Timer,
)
from .patterns import APPROVE, RESET, REVISE, log_review, notify


@dataclass(frozen=True)
class Step:
    """One reviewing step of an approval chain (its form has ``decision`` and ``comment``)."""

    id: str
    name: str
    lane: str
    form: str
    instructions: str
    sla_working_days: int | None = None


def approval_chain(key: str, submitter: str, steps: tuple[Step, ...], revise_form: str,
                   before_first=None) -> Node:
    """The loop sub-process ``{key}_review``: revise (on later passes), then ``steps`` in order.

    Each step's default way out ends the pass (terminate, withdrawing pending escalations)
    with ``decision`` as that reviewer left it; the loop repeats while it is ``"revise"``.
    ``before_first(s, last) -> last`` may add work before the first step of every pass.
    """
    first = steps[0]
    s = Builder(prefix="review_")
    start = s.node("review_start", START, "开始审查", lane=first.lane)
    gw_rev = s.node("gw_revise", XOR, "是否退回修改", lane=first.lane)
    note = s.add(notify("notify_revise", "通知退回修改", first.lane,
                        '"您提交的《" + title + "》被退回修改，意见：" + comment',
                        '"Your submission \\"" + title + "\\" was returned for revision: " + comment'))
    revise = s.node("revise", USER, "修改并重新提交", lane=submitter, form=revise_form,
                    instructions="审查意见：{{ comment }}\n请按意见修改《{{ title }}》后重新提交。")
    merge = s.node("gw_revise_merge", XOR, "", lane=first.lane)
    s.chain(start, gw_rev)
    s.flow(gw_rev, note, "退回修改", condition=REVISE)
    s.chain(note, revise, merge)
    s.flow(gw_rev, merge, "首次审查", default=True)
    last = before_first(s, merge) if before_first else merge
    from_gateway = False
    for st in steps:
        task = s.node(st.id, USER, st.name, lane=st.lane, form=st.form, instructions=st.instructions,
                      pre_script=RESET, post_script=log_review(st.id))
        if from_gateway:
            s.flow(last, task, "同意", condition=APPROVE)
        else:
            s.flow(last, task)
        if st.sla_working_days:
            s.node(f"{st.id}_sla", BOUNDARY, "办理时限", attached_to=task, interrupting=False,
                   timer=Timer("timeDate", f"due_in_working_days({st.sla_working_days})"))
            esc = s.node(f"{st.id}_escalation", USER, "超期督办", lane="section_chief", form="common.escalation",
                         instructions=f"《{{{{ title }}}}》{st.name}已超过{st.sla_working_days}个工作日时限，请督办。")
            s.flow(f"{st.id}_sla", esc)
            s.flow(esc, s.node(f"{st.id}_escalation_end", END, "督办完毕", lane="section_chief"))
        gw = s.node(f"gw_{st.id}", XOR, f"{st.name}结论", lane=st.lane)
        s.flow(task, gw)
        stop = s.node(f"end_{st.id}_returned", END, "退回/不同意", lane=st.lane, terminate=True)
        s.flow(gw, stop, "退回/不同意", default=True)
        last, from_gateway = gw, True
    done = s.node("end_review_done", END, "审查完毕", lane=steps[-1].lane, terminate=True)
    s.flow(last, done, "同意", condition=APPROVE)
    return s.build_sub(f"{key}_review", "提交与审查",
                       loop=StandardLoop(condition=REVISE, maximum=10, test_before=False),
                       documentation="退回修改时重复（至多10轮）；decision 为最后一位审查人的结论。")


@dataclass(frozen=True)
class Branch:
    """One section's share of routed work: runs when ``condition`` holds (always when None)."""

    id: str
    name: str
    lane: str
    form: str
    instructions: str
    condition: str | None = None
    post_script: str | None = None


def fan_out(b: Builder, last: str, prefix: str, lane: str, branches: tuple[Branch, ...],
            split_name: str = "分送办理", join_name: str = "办理完毕") -> str:
    """Parallel split; per branch an optional skip (exclusive gateway with a default); join."""
    split = b.node(f"{prefix}_split", AND, split_name, lane=lane)
    join = b.node(f"{prefix}_join", AND, join_name, lane=lane)
    b.flow(last, split)
    for br in branches:
        task = b.node(br.id, USER, br.name, lane=br.lane, form=br.form, instructions=br.instructions,
                      post_script=br.post_script)
        if br.condition is None:
            b.flow(split, task)
            b.flow(task, join)
            continue
        gw = b.node(f"gw_{br.id}", XOR, f"是否{br.name}", lane=lane)
        merge = b.node(f"gw_{br.id}_merge", XOR, "", lane=lane)
        b.flow(split, gw)
        b.flow(gw, task, "涉及", condition=br.condition)
        b.flow(gw, merge, "不涉及", default=True)
        b.flow(task, merge)
        b.flow(merge, join)
    return join


def numbered_letter(b: Builder, last: str, lane: str, category: str, body: str, notice_zh: str,
                    notice_en: str, prefix: str = "") -> str:
    """Document number (``doc_number``), the PDF letter (``approval_letter_id``), a notice."""
    num = b.node(f"{prefix}assign_number", SERVICE, "编发文号", lane=lane, operator="document_number",
                 params=(("category", f'"{category}"'),), result="doc_number")
    letter = b.node(f"{prefix}issue_letter", SERVICE, "生成文书", lane=lane, operator="approval_letter",
                    params=(("doc_number", "doc_number"), ("title", "title"), ("body", body),
                            ("decision", '"approve"'), ("applicant", "applicant")),
                    result="approval_letter_id")
    note = b.add(notify(f"{prefix}notify_approved", "通知申请单位", lane, notice_zh, notice_en))
    b.chain(last, num, letter, note)
    return note


def refused(b: Builder, source: str, id: str, lane: str, label: str, message_zh: str, message_en: str,
            end_name: str) -> None:
    """The default way out of ``source``: a notice to the applicant and a plain end."""
    note = b.add(notify(f"notify_{id}", f"通知{end_name}", lane, message_zh, message_en))
    end = b.node(f"end_{id}", END, end_name, lane=lane)
    b.flow(source, note, label, default=True)
    b.flow(note, end)
