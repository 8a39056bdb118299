"""The office's recurring shapes: the examine–verify–approve loop, approval and rejection tails.

Return for revision is a loop sub-process ("提交与审查") with standard loop characteristics that
repeats while the last reviewer's ``decision`` is ``"revise"`` (no sequence-flow loop). Every
reviewing task resets ``decision``/``comment`` before it opens (preScript) and appends to the
``reviews`` log when done (postScript). The sub-process ends with terminate end events so that a
pending SLA escalation task is withdrawn once the examination is finished.
"""
from __future__ import annotations

from dataclasses import dataclass

from .dsl import (
    BOUNDARY,
    END,
    RULE,
    SCRIPT,
    SERVICE,
    START,
    USER,
    XOR,
    Builder,
    Node,
    StandardLoop,
    Timer,
)

APPROVE = 'decision == "approve"'
REVISE = 'decision == "revise"'

RESET = 'decision = ""\ncomment = ""'

INIT = '\n'.join([
    'decision = "submitted"',
    'comment = ""',
    'reviews = []',
    'received_at = now()',
])

GROUP_LABELS = {
    "applicant_unit": "申请单位 Applicant unit",
    "fao_clerk": "外办综合科 FAO clerk",
    "section_chief": "科室负责人 Section chief",
    "office_director": "外办主任 Office director",
    "municipal_leader": "市领导 Municipal leader",
    "protocol_section": "礼宾科 Protocol section",
    "passport_visa_section": "护照签证科 Passport & visa section",
    "sister_city_section": "友城科 Sister-city section",
    "press_culture_section": "新闻文化科 Press & culture section",
}


def lanes(*keys: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, GROUP_LABELS[k]) for k in keys)


def log_review(step: str) -> str:
    return (f'reviews = reviews + [{{"step": "{step}", "decision": decision, '
            f'"comment": comment, "at": now()}}]')


def notify(id: str, name: str, lane: str, message_zh: str, message_en: str) -> Node:
    return Node(id=id, kind=SERVICE, name=name, lane=lane, operator="notify_applicant",
                params=(("message_zh", message_zh), ("message_en", message_en)), result=f"{id}_result")


@dataclass(frozen=True)
class Review:
    """How one process is examined, verified and approved.

    ``leader`` is "never", "always", "dmn" (the approval_authority decision) or a Python
    condition under which the municipal leader must approve too.
    """

    key: str
    examiner: str
    category: str
    submitter: str = "applicant_unit"
    examine_days: int = 5
    approve_days: int = 3
    leader: str = "never"
    subject_zh: str = "申请"
    subject_en: str = "application"
    revise_form: str | None = None  # default: the start form

    @property
    def revise_form_name(self) -> str:
        return self.revise_form or f"{self.key}.submit"


def review_loop(r: Review) -> Node:
    s = Builder(prefix="review_")
    start = s.node("review_start", START, "开始审查", lane=r.examiner)
    gw_rev = s.node("gw_revise", XOR, "是否退回修改", lane=r.examiner)
    note = s.add(notify("notify_revise", "通知退回修改", r.examiner,
                        '"您提交的《" + title + "》被退回修改，意见：" + comment',
                        '"Your submission \\"" + title + "\\" was returned for revision: " + comment'))
    revise = s.node("revise", USER, "修改并重新提交", lane=r.submitter, form=r.revise_form_name,
                    instructions="审查意见：{{ comment }}\n请按意见修改《{{ title }}》后重新提交。")
    merge = s.node("gw_revise_merge", XOR, "", lane=r.examiner)
    examine = s.node("examine", USER, "审查", lane=r.examiner, form=f"{r.key}.examine",
                     instructions="请审查{{ applicant_name or applicant }}提交的《{{ title }}》（业务编号 "
                                  "{{ business_key }}），"
                                  f"时限{r.examine_days}个工作日。",
                     pre_script=RESET, post_script=log_review("examine"))
    s.node("examine_sla", BOUNDARY, "审查时限", attached_to=examine, interrupting=False,
           timer=Timer("timeDate", f"due_in_working_days({r.examine_days})"))
    esc = s.node("examine_escalation", USER, "审查超期督办", lane="section_chief", form="common.escalation",
                 instructions="《{{ title }}》审查已超过时限，请督促承办人办理。")
    esc_end = s.node("examine_escalation_end", END, "督办完毕", lane="section_chief")
    s.flow("examine_sla", esc)
    s.flow(esc, esc_end)
    gw_exam = s.node("gw_examined", XOR, "审查结论", lane=r.examiner)
    end_exam = s.node("end_examine_returned", END, "审查未通过", lane=r.examiner, terminate=True)
    verify = s.node("verify", USER, "科室审核", lane="section_chief", form="common.verify",
                    instructions="承办人已审查同意《{{ title }}》，请审核。",
                    pre_script=RESET, post_script=log_review("verify"))
    gw_ver = s.node("gw_verified", XOR, "审核结论", lane="section_chief")
    end_ver = s.node("end_verify_returned", END, "审核未通过", lane="section_chief", terminate=True)
    approve = s.node("approve", USER, "主任审批", lane="office_director", form="common.approve",
                     instructions="请审批《{{ title }}》。",
                     pre_script=RESET, post_script=log_review("approve"))
    s.node("approve_sla", BOUNDARY, "审批时限", attached_to=approve, interrupting=False,
           timer=Timer("timeDate", f"due_in_working_days({r.approve_days})"))
    esc2 = s.node("approve_escalation", USER, "审批超期提醒", lane="section_chief", form="common.escalation",
                  instructions="《{{ title }}》待主任审批已超过时限，请跟进。")
    esc2_end = s.node("approve_escalation_end", END, "提醒完毕", lane="section_chief")
    s.flow("approve_sla", esc2)
    s.flow(esc2, esc2_end)
    gw_app = s.node("gw_approved", XOR, "审批结论", lane="office_director")
    end_app_no = s.node("end_approve_returned", END, "审批未通过", lane="office_director", terminate=True)

    s.chain(start, gw_rev)
    s.flow(gw_rev, note, "退回修改", condition=REVISE)
    s.chain(note, revise, merge)
    s.flow(gw_rev, merge, "首次审查", default=True)
    s.chain(merge, examine, gw_exam)
    s.flow(gw_exam, verify, "同意", condition=APPROVE)
    s.flow(gw_exam, end_exam, "退回/不同意", default=True)
    s.chain(verify, gw_ver)
    s.flow(gw_ver, approve, "同意", condition=APPROVE)
    s.flow(gw_ver, end_ver, "退回/不同意", default=True)
    s.chain(approve, gw_app)
    s.flow(gw_app, end_app_no, "退回/不同意", default=True)

    leader_task = Node(id="leader_approve", kind=USER, name="市领导审批", lane="municipal_leader",
                       form="common.leader_approve", instructions="外办已审核同意《{{ title }}》，呈请市领导审批。",
                       pre_script=RESET, post_script=log_review("leader_approve"))
    if r.leader == "never":
        end_ok = s.node("end_review_done", END, "审查完毕", lane="office_director", terminate=True)
        s.flow(gw_app, end_ok, "同意", condition=APPROVE)
    else:
        s.add(leader_task)
        end_leader = s.node("end_leader_done", END, "市领导审批完毕", lane="municipal_leader", terminate=True)
        s.flow("leader_approve", end_leader)
        if r.leader == "always":
            s.flow(gw_app, "leader_approve", "同意，呈报市领导", condition=APPROVE)
        else:
            if r.leader == "dmn":
                rule = s.node("approval_authority", RULE, "确定审批权限", lane="office_director",
                              decision_ref="approval_authority", pre_script=RANK_SCRIPT)
                s.flow(gw_app, rule, "同意", condition=APPROVE)
                cond = 'approval_level == "municipal_leader"'
                src = rule
            else:
                cond = r.leader
                src = gw_app
            gw_lvl = s.node("gw_level", XOR, "是否须市领导审批", lane="office_director")
            end_ok = s.node("end_review_done", END, "审查完毕", lane="office_director", terminate=True)
            if src == gw_app:
                s.flow(gw_app, gw_lvl, "同意", condition=APPROVE)
            else:
                s.flow(src, gw_lvl)
            s.flow(gw_lvl, "leader_approve", "须市领导审批", condition=cond)
            s.flow(gw_lvl, end_ok, "主任审批即可", default=True)
    return s.build_sub(f"{r.key}_review", "提交与审查",
                       loop=StandardLoop(condition=REVISE, maximum=10, test_before=False),
                       documentation="退回修改时重复（至多10轮）；decision 为最后一位审查人的结论。")


RANK_SCRIPT = '\n'.join([
    'delegation_size = len(members)',
    'member_ranks = [m["rank"] for m in members]',
    'highest_rank = "municipal" if "municipal" in member_ranks else ("bureau" if "bureau" in member_ranks else '
    '"division")',
])


def begin(b: Builder, r: Review, start_name: str = "提交申请", init_extra: str = "",
          letter_body: str | None = None, before_review=None) -> str:
    """Start, registration, review loop, final decision; returns the last node of the approved path.

    ``before_review(b, last) -> last`` may insert work between registration and the review.
    """
    start = b.node("submit", START, start_name, lane=r.submitter, form=f"{r.key}.submit")
    init = b.node("register", SCRIPT, "受理登记", lane=r.examiner,
                  script=INIT + ("\n" + init_extra if init_extra else ""))
    b.chain(start, init)
    last = before_review(b, init) if before_review else init
    loop = b.add(review_loop(r))
    gw = b.node("gw_final", XOR, "是否批准", lane=r.examiner)
    b.chain(last, loop, gw)
    rej = b.add(notify("notify_rejected", "通知不予批准", r.examiner,
                       f'"您提交的{r.subject_zh}《" + title + "》未获批准。理由：" + comment',
                       f'"Your {r.subject_en} \\"" + title + "\\" was not approved. Reason: " + comment'))
    end_rej = b.node("end_rejected", END, "不予批准", lane=r.examiner)
    b.flow(gw, rej, "不予批准", default=True)
    b.flow(rej, end_rej)
    body = letter_body or f'"经审查，同意{r.subject_zh}《" + title + "》。请按规定组织实施，并在完成后报送总结。"'
    num = b.node("assign_number", SERVICE, "编发文号", lane=r.examiner, operator="document_number",
                 params=(("category", f'"{r.category}"'),), result="doc_number")
    letter = b.node("issue_letter", SERVICE, "生成批复函", lane=r.examiner, operator="approval_letter",
                    params=(("doc_number", "doc_number"), ("title", "title"), ("body", body),
                            ("decision", "decision"), ("applicant", "applicant")),
                    result="approval_letter_id")
    note = b.add(notify("notify_approved", "通知批准", r.examiner,
                        f'"您提交的{r.subject_zh}《" + title + "》已批准，文号 " + doc_number',
                        f'"Your {r.subject_en} \\"" + title + "\\" was approved: " + doc_number'))
    b.flow(gw, num, "批准", condition=APPROVE)
    b.chain(num, letter, note)
    return note


def task(b: Builder, id: str, name: str, lane: str, form: str, instructions: str, **kw) -> str:
    return b.node(id, USER, name, lane=lane, form=form, instructions=instructions, **kw)


def deadline(b: Builder, host: str, expr: str, name: str, escalate_lane: str = "section_chief",
             text: str = "《{{ title }}》相关工作临近时限，请督办。") -> None:
    """A non-interrupting timer on ``host`` leading to an escalation task."""
    bid = f"{host}_deadline"
    b.node(bid, BOUNDARY, name, attached_to=host, interrupting=False, timer=Timer("timeDate", expr))
    esc = b.node(f"{host}_escalation", USER, f"{name}督办", lane=escalate_lane, form="common.escalation",
                 instructions=text)
    end = b.node(f"{host}_escalation_end", END, "督办完毕", lane=escalate_lane)
    b.flow(bid, esc)
    b.flow(esc, end)


def finish(b: Builder, last: str, lane: str, name: str = "办结", terminate: bool = True) -> None:
    end = b.node("end_done", END, name, lane=lane, terminate=terminate)
    b.flow(last, end)


def script(b: Builder, id: str, name: str, lane: str, code: str) -> str:
    return b.node(id, SCRIPT, name, lane=lane, script=code)
