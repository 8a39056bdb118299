"""Going abroad on official business: responsibilities 6, 7, 8 and 17, and the shared call activity.

The four trips share one shape (:mod:`tools.authoring.patterns_abroad`): political review per
member, 5 working days of publicity, the office's examination and approval (approval_authority),
the numbered 任务批件, documents per member, custody and the return report after the trip. They
differ in who examines, what the applicant declares, and (8) the provincial office's answer.
"""
from __future__ import annotations

from .dsl import END, SCRIPT, SERVICE, START, USER, XOR, Builder, ProcessModel
from .forms import Form, attachment, boolean, text, textarea
from .patterns import lanes
from .patterns_abroad import ABROAD_FORMS, HAND_BACK_DAYS, trip

LEDGER = "passport_register"
HOLDER = (("holder", 'member["name"]'), ("holder_unit", "unit_name"))


def passport_visa_handling() -> tuple[ProcessModel, tuple[Form, ...]]:
    """Per member: passport (issued, or taken from custody) or permit, visa; after the trip: custody.

    Called with parallel multi-instance over ``members``; ``stage`` ("issue" or "return") says
    which half to run. The first half receives the person as ``member`` and gives back
    ``lent_document`` (the person with ``document_no``, collected as ``documents_lent``); the
    second runs over ``documents_lent`` and receives each as ``returning_member`` (an
    inputDataItem id must be unique in the calling file). The passport ledger is written on the
    way: issued, lent for the trip (due back within the hand-back period), returned.
    """
    lane = "passport_visa_section"
    b = Builder()
    start = b.node("pv_start", START, "受理", lane=lane)
    stage = b.node("gw_stage", XOR, "办理阶段", lane=lane)
    who = "{{ member.name }}（{{ member.position }}）"
    gw_doc = b.node("gw_document", XOR, "证件类型", lane=lane)
    permit = b.node("issue_permit", USER, "办理往来港澳通行证及签注", lane=lane, form="pv.permit",
                    instructions=f"为{who}办理因公往来港澳通行证及签注。")
    retrieve = b.node("retrieve_passport", USER, "调用在库因公护照", lane=lane, form="pv.retrieve",
                      instructions=f"{who}的因公护照 {{{{ member.passport_no }}}} 在外办保管，请查验有效期后调出使用。")
    passport = b.node("issue_passport", USER, "办理因公护照", lane=lane, form="pv.passport",
                      instructions=f"为{who}办理因公护照。")
    gw_have = b.node("gw_passport_merge", XOR, "", lane=lane)
    visa = b.node("lodge_visa", USER, "签证送签", lane=lane, form="pv.visa_apply",
                  instructions=f"为{who}向使（领）馆送签。")
    merge = b.node("gw_document_merge", XOR, "", lane=lane)
    end_issue = b.node("end_issued", END, "办证完毕", lane=lane)
    new_passport = b.node("ledger_passport_issued", SERVICE, "护照登记入册", lane=lane, operator=LEDGER,
                          params=(("action", '"issue"'), ("number", "passport_no"), ("kind", '"passport"'),
                                  ("issued_on", "passport_issued_on"), ("expires_on", "passport_expires_on"))
                          + HOLDER, result="passport_ledger_entry")
    new_permit = b.node("ledger_permit_issued", SERVICE, "通行证登记入册", lane=lane, operator=LEDGER,
                        params=(("action", '"issue"'), ("number", "permit_no"), ("kind", '"hk_macao_permit"'))
                        + HOLDER, result="permit_ledger_entry")
    lend = b.node("ledger_lent", SERVICE, "登记证照借出", lane=lane, operator=LEDGER,
                  params=(("action", '"lend"'),
                          ("number", 'permit_no if destination_type == "hk_macao" else '
                                     '(member.get("passport_no") or passport_no)'),
                          ("kind", '"hk_macao_permit" if destination_type == "hk_macao" else "passport"'),
                          ("lent_for", "title"),
                          ("due_back_on", f"working_days_after(return_date, {HAND_BACK_DAYS})"),
                          ("member", "member")) + HOLDER, result="lent_document")
    take = b.node("take_member", SCRIPT, "确定交证人员", lane=lane, script="member = returning_member")
    collect = b.node("collect_passport", USER, "证照交回保管", lane=lane, form="pv.collect",
                     instructions=f"收回{who}的因公证照，登记入柜集中保管。")
    cancel = b.node("cancel_visa", USER, "查验并注销签证", lane=lane, form="pv.cancel",
                    instructions=f"查验{who}的签证及出入境记录，注销有效签证。")
    end_ret = b.node("end_returned", END, "证照已入库保管", lane=lane)
    back = b.node("ledger_returned", SERVICE, "登记证照交回", lane=lane, operator=LEDGER,
                  params=(("action", '"return"'), ("number", 'member["document_no"]'), ("on", "collected_on")),
                  result="returned_document")
    b.chain(start, stage)
    b.flow(stage, take, "回国后", condition='stage == "return"')
    b.flow(stage, gw_doc, "出访前", default=True)
    b.flow(gw_doc, permit, "港澳", condition='destination_type == "hk_macao"')
    b.flow(gw_doc, retrieve, "护照在库", condition='bool(member.get("passport_no"))')
    b.flow(gw_doc, passport, "新办护照", default=True)
    b.chain(retrieve, gw_have)
    b.chain(passport, new_passport, gw_have)
    b.chain(gw_have, visa, merge)
    b.chain(permit, new_permit, merge)
    b.chain(merge, lend, end_issue)
    b.chain(take, collect, back, cancel, end_ret)
    model = ProcessModel("passport_visa_handling", "因公证照签证逐人办理", lanes(lane),
                         tuple(b.nodes), tuple(b.flows),
                         documentation="每名团组成员一份：出访前新办或调用因公护照（或办理港澳通行证）并送签，"
                                       "回国后证照交回保管、查验注销签证。")
    retrieve_form = Form("pv.retrieve", "调用在库因公护照", "Take a passport out of custody", (
        boolean("passport_valid", "护照有效期满足出访要求（6个月以上）", "Valid for more than 6 months"),
        textarea("retrieve_note", "说明", "Note", required=False),
    ))
    return model, (retrieve_form,) + ABROAD_FORMS


def official_passport_visa():
    return trip("official_passport_visa", "passport_visa_section", "护")


def overseas_chinese_office_trip():
    return trip("overseas_chinese_office_trip", "fao_clerk", "审", submit_extra=(
        text("managing_office", "管理单位", "Managing office", max_length=100, help="市侨办或其管理的单位"),
        attachment("declaration_letter", "侨办申报函", "Declaration by the overseas Chinese affairs office"),
    ), checks=(boolean("qiaowu_task", "属侨务工作任务", "An overseas Chinese affairs task"),))


def leader_visit_abroad_approval():
    return trip("leader_visit_abroad_approval", "fao_clerk", "审", provincial=True, submit_extra=(
        text("leader_name", "出访市领导", "Municipal leader travelling", max_length=50),
        textarea("work_arrangement", "出访期间工作安排", "Arrangements for duties during the absence"),
    ), checks=(boolean("frequency_ok", "市领导本年度出访次数符合规定", "Within the leader's yearly limit"),))


def press_culture_trip_approval():
    return trip("press_culture_trip_approval", "press_culture_section", "审", submit_extra=(
        text("programme", "演出/采访/交流项目", "Performance, reporting or exchange programme", max_length=200),
    ), checks=(boolean("content_reviewed", "演出、宣传内容已审核", "Programme content reviewed"),))


MODELS = (passport_visa_handling, official_passport_visa, overseas_chinese_office_trip,
          leader_visit_abroad_approval, press_culture_trip_approval)
