"""Forms shared by several processes (reviewing, escalation, reports, passport and visa work)."""
from __future__ import annotations

from .forms import (
    DESTINATIONS,
    HK_MACAO_PERMIT_PATTERN,
    PASSPORT_PATTERN,
    Form,
    attachment,
    boolean,
    choice,
    date,
    decision_form,
    integer,
    members,
    not_before,
    person,
    phone,
    rule,
    text,
    textarea,
)


def base_fields(title_zh: str = "事项名称", title_en: str = "Subject"):
    return (
        text("title", title_zh, title_en, max_length=120, help="将显示在待办列表和批复函中", case_title=True),
        text("unit_name", "申请单位", "Applicant unit", max_length=100, prefill="unit"),
        person(prefill="name"),
        phone(prefill="phone"),
    )


def abroad_fields():
    """Fields of an application for an official trip abroad (going-abroad processes)."""
    return (
        textarea("mission", "出访任务与必要性", "Purpose and necessity of the trip"),
        choice("destination_type", "目的地类型", "Destination type", DESTINATIONS, widget="radio"),
        text("destinations", "出访国家（地区）及城市", "Countries / regions and cities", max_length=200),
        text("inviter", "邀请单位", "Inviting organisation", max_length=200),
        date("departure_date", "出发日期", "Departure date"),
        date("return_date", "回国（境）日期", "Return date"),
        integer("trip_days", "在外天数（含路途）", "Days abroad (incl. travel)", minimum=1, maximum=60),
        members(),
        text("funding_source", "经费来源", "Source of funding", max_length=100),
        integer("budget_yuan", "经费预算（元）", "Budget (yuan)", minimum=0),
        attachment("invitation_letter", "邀请函", "Invitation letter", help="上传邀请函原件及译文"),
        attachment("schedule_attachment", "日程安排", "Itinerary", required=False),
    )


ESCALATION = Form("common.escalation", "超期督办", "SLA escalation", (
    choice("escalation_action", "督办措施", "Action taken",
           (("reminded", "已催办承办人", "Reminded the handler"),
            ("reassigned", "已调整承办人", "Reassigned"),
            ("extended", "已说明延期理由", "Extension explained")), widget="radio"),
    textarea("escalation_note", "督办说明", "Note", max_length=1000),
))

VERIFY = decision_form("common.verify", "科室审核", "Verification by the section chief",
                       description="科室负责人对承办人的审查意见进行审核。")
APPROVE = decision_form("common.approve", "主任审批", "Approval by the office director")
LEADER = decision_form("common.leader_approve", "市领导审批", "Approval by the municipal leader")

REPORT = Form("common.report", "工作总结", "Summary report", (
    date("completed_on", "完成日期", "Completed on"),
    textarea("summary", "总结报告", "Summary", help="主要活动、成果、存在问题及建议"),
    attachment("report_attachment", "附件", "Attachment", required=False),
))

HANDLING = Form("common.handling", "办理记录", "Handling record", (
    date("handled_on", "办理日期", "Handled on"),
    textarea("handling_note", "办理情况", "What was done"),
    attachment("handling_attachment", "附件", "Attachment", required=False),
))

PREPARATION = Form("common.preparation", "筹备落实", "Preparation", (
    textarea("arrangements", "筹备安排", "Arrangements", help="日程、车辆、住宿、会见、宴请、安保等落实情况"),
    boolean("ready", "筹备工作已全部落实", "All arrangements confirmed"),
    attachment("programme_attachment", "日程表", "Programme", required=False),
))

COUNTERSIGN = Form("common.countersign", "会签意见", "Countersignature", (
    boolean("agree", "同意方案", "Agree with the plan"),
    textarea("countersign_opinion", "会签意见及本科室承担事项", "Opinion and this section's share of the work"),
    attachment("countersign_attachment", "附件", "Attachment", required=False),
))

RETURN_REPORT = Form("abroad.return_report", "回国报告", "Return report", (
    textarea("trip_report", "出访报告", "Trip report", help="任务完成情况、主要成果、经费使用、后续工作"),
    integer("actual_spent_yuan", "实际支出（元）", "Actual spending (yuan)", minimum=0),
    attachment("trip_report_attachment", "出访报告附件", "Trip report attachment", required=False),
))

VISA_HANDOVER = Form("pv.handover", "登记签证结果并交付证照", "Record visa result and hand over documents", (
    choice("visa_outcome", "签证结果", "Visa outcome",
           (("granted", "全部获签", "All granted"), ("partial", "部分获签", "Partly granted"),
            ("refused", "拒签", "Refused")), widget="radio"),
    textarea("visa_note", "说明", "Note", required=False),
    date("handed_over_on", "证照交付日期", "Handed over on"),
))

RETURN_DATE = "{} >= date.fromisoformat(case['return_date'])"
HAS_RETURN_DATE = "isinstance(case.get('return_date'), str)"
"""A document must last the trip: the case's return date (from the trip application) read as a date."""

PASSPORT = Form("pv.passport", "办理因公护照", "Issue official passport", (
    text("passport_no", "护照号码", "Passport number", pattern=PASSPORT_PATTERN, max_length=9,
         help="因公护照号码，如 E12345678 / G12345678"),
    date("passport_issued_on", "签发日期", "Issue date"),
    date("passport_expires_on", "有效期至", "Valid until"),
), rules=(not_before("passport_issued_on", "passport_expires_on", "签发日期", "有效期截止日期", "issue date",
                     "expiry date"),
          rule(RETURN_DATE.format("passport_expires_on"), "passport_expires_on", "护照有效期须至少到回国（境）日期",
               "The passport must be valid until the return date", when=HAS_RETURN_DATE)))

PERMIT = Form("pv.permit", "办理往来港澳通行证及签注", "Issue Hong Kong–Macao permit and endorsement", (
    text("permit_no", "通行证号码", "Permit number", pattern=HK_MACAO_PERMIT_PATTERN, max_length=9),
    choice("endorsement_type", "签注类型", "Endorsement type",
           (("official", "公务签注", "Official"), ("business", "商务签注", "Business")), widget="radio"),
    date("endorsement_valid_until", "签注有效期至", "Endorsement valid until"),
), rules=(rule(RETURN_DATE.format("endorsement_valid_until"), "endorsement_valid_until",
               "签注有效期须至少到回国（境）日期", "The endorsement must be valid until the return date",
               when=HAS_RETURN_DATE),))

VISA_APPLY = Form("pv.visa_apply", "签证送签", "Lodge visa application", (
    text("embassy", "受理使（领）馆", "Embassy / consulate", max_length=100),
    date("lodged_on", "送签日期", "Lodged on"),
    choice("visa_type", "签证种类", "Visa type",
           (("official", "公务签证", "Official"), ("business", "商务签证", "Business"),
            ("other", "其他", "Other")), widget="select"),
))

COLLECT = Form("pv.collect", "收缴证照", "Collect passport after the trip", (
    date("collected_on", "交回日期", "Collected on"),
    boolean("document_intact", "证照完好", "Document intact"),
    textarea("collect_note", "说明", "Note", required=False),
))

CANCEL = Form("pv.cancel", "查验并注销签证", "Inspect and cancel visa", (
    boolean("visa_inspected", "已查验签证及出入境记录", "Visa and border stamps inspected"),
    boolean("visa_cancelled", "已注销签证（或无需注销）", "Visa cancelled (or nothing to cancel)"),
    date("cancelled_on", "办理日期", "Done on"),
))

FORMS = (ESCALATION, VERIFY, APPROVE, LEADER, REPORT, HANDLING, PREPARATION, COUNTERSIGN, RETURN_REPORT,
         VISA_HANDOVER, PASSPORT, PERMIT, VISA_APPLY, COLLECT, CANCEL)

__all__ = ["FORMS", "base_fields", "abroad_fields", "Form", "attachment", "boolean", "choice", "date",
           "decision_form", "integer", "members", "person", "phone", "text", "textarea"]
