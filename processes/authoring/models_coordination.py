"""Coordination and records: responsibilities 1, 4, 5 and 19."""
from __future__ import annotations

from .dsl import BOUNDARY, END, Builder, Timer
from .forms import Form, attachment, boolean, choice, date, integer, text, textarea
from .patterns import deadline, task
from .standard import countersign, standard, steps

FAO = "fao_clerk"


def foreign_activity_plan():
    def tail(b: Builder, last: str) -> str:
        last = steps(b, last, ("protocol_arrangements", "礼宾安排与现场保障", "protocol_section", "common.preparation",
                               "市领导已审定《{{ title }}》，请落实{{ activity_date }}活动的礼宾、翻译与现场保障。"))
        deadline(b, "protocol_arrangements", "days_before(activity_date, 2)", "礼宾筹备时限",
                 text="活动前2天礼宾安排仍未落实，请督办。")
        return steps(b, last, ("activity_report", "活动总结", "applicant_unit", "common.report", "请提交活动总结。"))
    fields = (
        choice("activity_type", "活动类型", "Kind of activity",
               (("meeting", "会见", "Meeting"), ("talks", "会谈", "Talks"), ("banquet", "宴请", "Banquet"),
                ("signing", "签约仪式", "Signing ceremony"), ("other", "其他重大外事活动", "Other")),
               widget="select"),
        date("activity_date", "活动日期", "Date"),
        text("venue", "地点", "Venue", max_length=200),
        text("attending_leader", "出席的市领导", "Municipal leader attending", max_length=100),
        text("foreign_guests", "外方主宾", "Principal foreign guests", max_length=300),
        integer("attendance", "参加人数", "Attendance", minimum=1, maximum=2000),
        textarea("plan_summary", "活动方案要点", "Main points of the plan",
                 help="议程、礼宾次序、讲话要点、翻译、新闻报道等"),
        attachment("plan_document", "活动方案", "Plan document"),
    )
    return standard(
        "foreign_activity_plan", "protocol_section", "审", fields,
        (boolean("protocol_proper", "礼宾规格与次序得当", "Protocol level and order proper"),
         boolean("talking_points_ok", "讲话要点符合外事口径", "Talking points consistent with policy")),
        tail, leader="always", subject=("外事活动方案", "activity plan"), title_label=("活动名称", "Activity"),
        start_name="报送活动方案")


def foreign_incident_response():
    def tail(b: Builder, last: str) -> str:
        join = countersign(b, last, "handling", (
            ("liaise_foreign", "外方联络与使领馆通报", "protocol_section",
             "按批准的处置方案与外方、驻华使领馆联络通报。"),
            ("documents_border", "涉事人员证件与出入境协调", "passport_visa_section",
             "核查涉事人员证件，协调出入境事项。"),
            ("public_opinion", "舆情监测与媒体应对", "press_culture_section", "监测舆情，统一对外口径。"),
        ))
        return steps(b, join,
                     ("consolidate", "处置情况汇总", FAO, "common.handling", "汇总各科室处置情况，形成处置报告。"),
                     ("incident_report", "处置结果报告", "applicant_unit", "common.report", "请报告最终处置结果。"))
    fields = (
        choice("incident_kind", "事件类别", "Kind of incident",
               (("accident", "涉外事故", "Accident involving foreigners"),
                ("dispute", "涉外纠纷", "Dispute"), ("security", "涉外安全事件", "Security incident"),
                ("consular", "领事保护", "Consular protection"), ("other", "其他", "Other")), widget="select"),
        choice("severity", "事件等级", "Severity",
               (("general", "一般", "General"), ("major", "重大", "Major")), widget="radio",
               help="重大事件报市领导审批处置方案"),
        text("occurred_at", "发生时间", "When it happened", max_length=40),
        text("location", "发生地点", "Location", max_length=200),
        textarea("persons_involved", "涉及外籍人员情况", "Foreign nationals involved"),
        textarea("facts", "事件经过", "What happened"),
        textarea("proposed_measures", "已采取及拟采取措施", "Measures taken and proposed"),
        attachment("incident_attachment", "相关材料", "Documents", required=False),
    )
    return standard(
        "foreign_incident_response", FAO, "审", fields,
        (boolean("facts_clear", "基本事实清楚", "Facts established"),
         boolean("plan_feasible", "处置方案可行", "Handling plan feasible")),
        tail, leader='severity == "major"', subject=("事件报告", "incident report"),
        title_label=("事件名称", "Incident"), start_name="报告涉外事件")


def unit_foreign_affairs_coordination():
    fields = (
        choice("matter_kind", "协调事项类别", "Kind of matter",
               (("visit", "涉外来访", "Foreign visit"), ("cooperation", "对外合作项目", "Cooperation project"),
                ("personnel", "外籍人员管理", "Foreign staff"), ("other", "其他", "Other")), widget="select"),
        text("foreign_party", "涉及外方", "Foreign party", max_length=200),
        textarea("matter", "需协调事项", "What needs coordinating"),
        textarea("requested_support", "请求外办支持的内容", "Support requested from the office"),
        date("needed_by", "期望完成日期", "Needed by", required=False),
        attachment("matter_attachment", "相关材料", "Documents", required=False),
    )
    return standard(
        "unit_foreign_affairs_coordination", FAO, "审", fields,
        (boolean("within_remit", "属外办协调职责范围", "Within the office's remit"),),
        lambda b, last: steps(b, last,
                              ("coordinate", "出具协调意见并协调落实", FAO, "common.handling",
                               "出具协调意见，联系相关部门落实。"),
                              ("feedback", "落实情况反馈", "applicant_unit", "common.report", "请反馈落实情况。")),
        subject=("协调申请", "coordination request"), title_label=("协调事项", "Matter"))


def overseas_institution_registration():
    upkeep = Form("overseas_institution_registration.status", "存续期管理", "Management while the institution exists", (
        choice("institution_status", "机构状态", "Status",
               (("closed", "已撤销", "Closed"), ("merged", "已合并/转设", "Merged or transferred")), widget="radio",
               help="机构撤销或转设时填写并提交，结束备案管理"),
        date("status_date", "变更日期", "Date of change"),
        textarea("status_note", "说明", "Note"),
    ))

    def tail(b: Builder, last: str) -> str:
        t = task(b, "keep_record", "存续期管理", FAO, "overseas_institution_registration.status",
                 "备案号 {{ doc_number }}。机构存续期间每年复核一次；机构撤销或转设时提交本表。")
        b.flow(last, t)
        # yearly review while the institution exists: a bounded cycle (at most 5 years), cannot flood
        b.node("yearly", BOUNDARY, "每年", attached_to=t, interrupting=False, timer=Timer("timeCycle", '"R5/P1Y"'))
        rep = task(b, "annual_report", "报送年度情况", "applicant_unit", "common.report",
                   "请报送驻外机构本年度运行情况（人员、业务、合规）。")
        rev = task(b, "annual_review", "年度复核", FAO, "common.handling", "请复核驻外机构年度情况。")
        end = b.node("annual_end", END, "年度复核完毕", lane=FAO)
        b.flow("yearly", rep)
        b.chain(rep, rev, end)
        return t
    fields = (
        text("institution_name", "驻外机构名称", "Name of the institution", max_length=200),
        text("country_region", "所在国家（地区）", "Country / region", max_length=100),
        text("address", "地址", "Address", max_length=300),
        choice("institution_kind", "机构性质", "Kind of institution",
               (("representative_office", "代表处", "Representative office"),
                ("company", "企业", "Company"), ("liaison", "联络处", "Liaison office"),
                ("other", "其他", "Other")), widget="select"),
        date("established_on", "设立日期", "Established on"),
        integer("chinese_staff", "派驻人数", "Staff sent from China", minimum=0, maximum=1000),
        textarea("business_scope", "业务范围", "Business scope"),
        attachment("registration_certificate", "当地注册证明", "Local registration certificate"),
        attachment("approval_document", "主管部门批准文件", "Approval by the competent department"),
    )
    return standard(
        "overseas_institution_registration", FAO, "备", fields,
        (boolean("documents_valid", "注册及批准文件有效", "Registration and approval documents valid"),),
        tail, subject=("备案申请", "registration"), title_label=("备案事项", "Registration"),
        letter_body='"经审查，" + institution_name + "已予备案，备案号 " + doc_number + "。请每年报送运行情况。"',
        extra_forms=(upkeep,))


MODELS = (foreign_activity_plan, foreign_incident_response, unit_foreign_affairs_coordination,
          overseas_institution_registration)
