"""Going abroad on official business: responsibilities 6, 7, 8 and 17, and the shared call activity."""
from __future__ import annotations

from ..catalogue import by_key
from .common_forms import abroad_fields, base_fields
from .dsl import (CALL, END, MSG_CATCH, SCRIPT, START, TIMER_CATCH, USER, XOR, Builder,
                  MultiInstance, ProcessModel, Timer)
from .forms import Form, boolean, decision_form, text, textarea
from .patterns import Review, begin, deadline, finish, lanes, script

def _checks():
    return (
        boolean("materials_complete", "申报材料齐全", "Application complete"),
        boolean("within_limits", "团组人数、在外天数、国家数符合规定", "Within limits on size, days and countries"),
        boolean("members_eligible", "成员政审及出国（境）次数符合规定", "Members eligible (vetting, trips per year)"),
    )


def passport_visa_handling() -> tuple[ProcessModel, tuple[Form, ...]]:
    """Per member: passport or permit, visa; after the trip: collection, inspection, cancellation.

    Called with parallel multi-instance over ``members``; ``stage`` ("issue" or "return") says
    which half to run. The first half receives the person as ``member``, the second as
    ``returning_member`` (an inputDataItem id must be unique in the calling file).
    """
    lane = "passport_visa_section"
    b = Builder()
    start = b.node("pv_start", START, "受理", lane=lane)
    stage = b.node("gw_stage", XOR, "办理阶段", lane=lane)
    who = "{{ member.name }}（{{ member.position }}）"
    gw_doc = b.node("gw_document", XOR, "证件类型", lane=lane)
    permit = b.node("issue_permit", USER, "办理往来港澳通行证及签注", lane=lane, form="pv.permit",
                    instructions=f"为{who}办理因公往来港澳通行证及签注。")
    passport = b.node("issue_passport", USER, "办理因公护照", lane=lane, form="pv.passport",
                      instructions=f"为{who}办理（或调用）因公护照。")
    visa = b.node("lodge_visa", USER, "签证送签", lane=lane, form="pv.visa_apply",
                  instructions=f"为{who}向使（领）馆送签。")
    merge = b.node("gw_document_merge", XOR, "", lane=lane)
    end_issue = b.node("end_issued", END, "办证完毕", lane=lane)
    take = b.node("take_member", SCRIPT, "确定交证人员", lane=lane, script="member = returning_member")
    collect = b.node("collect_passport", USER, "收缴证照", lane=lane, form="pv.collect",
                     instructions=f"回国后7个工作日内收回{who}的证照，统一保管。")
    cancel = b.node("cancel_visa", USER, "查验并注销签证", lane=lane, form="pv.cancel",
                    instructions=f"查验{who}的签证及出入境记录，注销有效签证。")
    end_ret = b.node("end_returned", END, "证照已收缴", lane=lane)
    b.chain(start, stage)
    b.flow(stage, take, "回国后", condition='stage == "return"')
    b.flow(stage, gw_doc, "出访前", default=True)
    b.flow(gw_doc, permit, "港澳", condition='destination_type == "hk_macao"')
    b.flow(gw_doc, passport, "出国", default=True)
    b.chain(passport, visa, merge)
    b.chain(permit, merge)
    b.chain(merge, end_issue)
    b.chain(take, collect, cancel, end_ret)
    model = ProcessModel("passport_visa_handling", "因公证照签证逐人办理", lanes(lane),
                         tuple(b.nodes), tuple(b.flows),
                         documentation="每名团组成员一份：出访前办理护照/通行证与签证，回国后收缴证照、查验注销签证。")
    return model, ()


def _abroad_tail(b: Builder, last: str, examiner: str) -> str:
    """After approval: issue documents per member, await the embassy, the trip, then collect."""
    pv = "passport_visa_section"
    set_issue = script(b, "stage_issue", "进入办证阶段", pv, 'stage = "issue"')
    issue = b.node("handle_documents", CALL, "逐人办理证照签证", lane=pv, called_element="passport_visa_handling",
                   multi=MultiInstance("members", "member"))
    gw = b.node("gw_needs_visa", XOR, "是否需要签证", lane=pv)
    wait = b.node("wait_visa_result", MSG_CATCH, "使馆签证结果", lane=pv, message="visa_result",
                  message_var="visa_result")
    hand = b.node("hand_over", USER, "登记签证结果并交付证照", lane=pv, form="pv.handover",
                  instructions="使馆结果：{{ visa_result }}。请登记并向团组交付证照，做好行前提醒。")
    merge = b.node("gw_needs_visa_merge", XOR, "", lane=pv)
    back = b.node("wait_return", TIMER_CATCH, "回国（境）", lane=pv,
                  timer=Timer("timeDate", "working_days_after(return_date, 1)"))
    report = b.node("return_report", USER, "回国报告与交还证照", lane="applicant_unit", form="abroad.return_report",
                    instructions="团组已于{{ return_date }}回国（境）。请于7个工作日内交回证照并提交出访报告。")
    deadline(b, report, "working_days_after(return_date, 7)", "交还证照时限", escalate_lane="section_chief",
             text="《{{ title }}》团组回国已满7个工作日，证照尚未交回，请督办。")
    set_ret = script(b, "stage_return", "进入收证阶段", pv, 'stage = "return"')
    collect = b.node("collect_documents", CALL, "逐人收缴证照、注销签证", lane=pv,
                     called_element="passport_visa_handling", multi=MultiInstance("members", "returning_member"))
    b.chain(last, set_issue, issue, gw)
    b.flow(gw, merge, "港澳通行证", condition='destination_type == "hk_macao"')
    b.flow(gw, wait, "需使馆签证", default=True)
    b.chain(wait, hand, merge)
    b.chain(merge, back, report, set_ret, collect)
    return collect


def _abroad(key: str, examiner: str, category: str, leader: str = "dmn", extra_messages: tuple[str, ...] = (),
            submit_extra=(), provincial: bool = False) -> tuple[ProcessModel, tuple[Form, ...]]:
    info = by_key(key)
    assert info is not None
    r = Review(key, examiner=examiner, category=category, leader=leader,
               examine_days=info.sla.examine_working_days, approve_days=info.sla.approve_working_days,
               subject_zh="出访申请", subject_en="trip application")
    b = Builder()
    last = begin(b, r, start_name="提交出访申请",
                 letter_body='"经审查，同意" + unit_name + "《" + title + "》，在外" + str(trip_days) + "天。'
                             '请严格按批准的国家、人数和天数执行，回国后7个工作日内交回证照。"')
    messages = ("visa_result",)
    if provincial:
        wait = b.node("wait_provincial", MSG_CATCH, "省外办批复", lane=examiner, message="provincial_approval",
                      message_var="provincial_approval")
        b.flow(last, wait)
        last = wait
        messages = ("provincial_approval",) + messages
    end_of = _abroad_tail(b, last, examiner)
    finish(b, end_of, "passport_visa_section", "出访办结")
    used = ("applicant_unit", examiner, "passport_visa_section", "section_chief", "office_director",
            "municipal_leader")
    order = tuple(dict.fromkeys(used))  # the examiner's lane next to the applicant's
    model = ProcessModel(key, info.title_zh, lanes(*order), tuple(b.nodes), tuple(b.flows),
                         documentation=info.description_zh, messages=messages)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en,
                  base_fields("团组名称", "Delegation / trip name") + tuple(submit_extra) + abroad_fields())
    examine = decision_form(f"{key}.examine", "出访申请审查", "Examination of the trip application", *_checks())
    return model, (submit, examine)


def official_passport_visa():
    return _abroad("official_passport_visa", "passport_visa_section", "护")


def overseas_chinese_office_trip():
    return _abroad("overseas_chinese_office_trip", "fao_clerk", "审", submit_extra=(
        text("managing_office", "管理单位", "Managing office", max_length=100,
             help="市侨办或其管理的单位"),))


def leader_visit_abroad_approval():
    return _abroad("leader_visit_abroad_approval", "fao_clerk", "审", provincial=True, submit_extra=(
        text("leader_name", "出访市领导", "Municipal leader travelling", max_length=50),
        textarea("work_arrangement", "出访期间工作安排", "Arrangements for duties during the absence"),))


def press_culture_trip_approval():
    return _abroad("press_culture_trip_approval", "press_culture_section", "审", submit_extra=(
        text("programme", "演出/采访/交流项目", "Performance, reporting or exchange programme", max_length=200),))


MODELS = (passport_visa_handling, official_passport_visa, overseas_chinese_office_trip,
          leader_visit_abroad_approval, press_culture_trip_approval)
