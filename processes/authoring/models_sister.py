"""Sister cities: responsibilities 9, 11, 12, 13 and 20."""
from __future__ import annotations

from .dsl import BOUNDARY, END, MSG_CATCH, XOR, Builder, Timer
from .forms import (ID_NUMBER_PATTERN, Field, Form, attachment, boolean, choice, date, integer, text,
                    textarea)
from .patterns import deadline, task
from .standard import standard, steps

SC = "sister_city_section"


def sister_city_development_plan():
    def consult(b: Builder, last: str) -> str:
        return steps(b, last, ("consult_units", "征求相关单位意见", "applicant_unit", "sister_city_development_plan.opinion",
                               "请对《{{ title }}》（征求意见稿）提出书面意见。"))
    opinion = Form("sister_city_development_plan.opinion", "单位意见", "Opinion of a unit", (
        text("opinion_unit", "提出意见单位", "Unit", max_length=100),
        choice("opinion_stance", "总体意见", "Overall view",
               (("agree", "同意", "Agree"), ("agree_with_changes", "原则同意，有修改意见", "Agree with changes"),
                ("disagree", "不同意", "Disagree")), widget="radio"),
        textarea("opinion_text", "具体意见", "Comments", required=False),
    ))
    fields = (
        choice("plan_type", "规划类别", "Kind of plan",
               (("development", "友城发展规划", "Sister-city development plan"),
                ("exchange", "年度友城交流计划", "Annual exchange programme")), widget="radio"),
        text("plan_period", "规划期", "Period covered", max_length=40, help="如 2026—2030 或 2026 年度"),
        textarea("plan_summary", "主要内容", "Main contents"),
        integer("target_new_cities", "拟新结友城数", "New sister cities targeted", minimum=0, maximum=50),
        attachment("plan_document", "规划文本", "Plan document"),
    )
    return standard(
        "sister_city_development_plan", "fao_clerk", "友", fields,
        (boolean("consistent_with_policy", "符合国家外事方针与省市部署", "Consistent with national and provincial policy"),
         boolean("opinions_addressed", "已吸收相关单位意见", "Units' opinions addressed")),
        lambda b, last: steps(b, last, ("publish_plan", "印发实施", SC, "common.handling", "规划已审定，请印发并部署实施。")),
        leader="always", subject=("规划", "plan"), submitter=SC, start_name="起草规划（计划）",
        title_label=("规划名称", "Title of the plan"), before_review=consult, extra_forms=(opinion,), end_lane=SC)


def sister_city_daily_management():
    upkeep_form = Form("sister_city_daily_management.annual_report", "友城年度工作报告",
                       "Annual sister-city report", (
                           textarea("contacts_summary", "全年联络与互访情况", "Contacts and visits over the year"),
                           integer("visits_count", "互访团组数", "Delegations exchanged", minimum=0),
                           textarea("issues", "存在问题与下年度打算", "Issues and plans for next year"),
                           attachment("annual_report_attachment", "年度报告", "Annual report"),
                       ))

    def upkeep(b: Builder, last: str) -> str:
        t = task(b, "upkeep", "日常联络与维护（全年）", SC, "sister_city_daily_management.annual_report",
                 "{{ year }}年度友城日常联络与维护；年终填写年度工作报告后提交。")
        b.flow(last, t)
        # quarterly reports while the year runs: a bounded cycle (at most 3), so it cannot flood
        b.node("quarterly", BOUNDARY, "每季度", attached_to=t, interrupting=False, timer=Timer("timeCycle", '"R3/P3M"'))
        q = task(b, "quarterly_report", "季度联络情况报告", SC, "common.report", "请报告本季度与各友城的联络情况。")
        end = b.node("quarterly_end", END, "季报完毕", lane=SC)
        b.flow("quarterly", q)
        b.flow(q, end)
        return t
    fields = (
        integer("year", "年度", "Year", minimum=2020, maximum=2100),
        textarea("cities", "友好城市名单", "Sister cities", help="每行一个城市：国家、城市、结好时间"),
        textarea("annual_plan", "年度联络工作安排", "Plan of contacts for the year"),
    )
    return standard(
        "sister_city_daily_management", "fao_clerk", "友", fields,
        (boolean("report_complete", "年度报告内容完整", "Annual report complete"),),
        lambda b, last: steps(b, last, ("archive", "年度报告归档", SC, "common.handling", "请将年度报告归档。")),
        subject=("友城年度报告", "annual sister-city report"), submitter=SC, start_name="启动年度友城管理",
        title_label=("年度工作名称", "Title"), before_review=upkeep,
        revise_form="sister_city_daily_management.annual_report", extra_forms=(upkeep_form,), end_lane=SC)


def sister_city_exchange():
    fields = (
        text("partner_city", "对方友城", "Sister city", max_length=100),
        text("partner_organisation", "对方机构", "Partner organisation", max_length=200),
        choice("exchange_kind", "交流类别", "Kind of exchange",
               (("ngo", "民间交流", "Non-governmental"), ("counterpart", "对口交流", "Counterpart"),
                ("youth", "青少年交流", "Youth"), ("economic", "经贸交流", "Economic")), widget="select"),
        date("start_date", "开始日期", "Start date"),
        date("end_date", "结束日期", "End date"),
        textarea("project_content", "项目内容", "Project content"),
        integer("participants", "参加人数", "Participants", minimum=1, maximum=1000),
        attachment("project_attachment", "项目方案", "Project plan"),
    )
    return standard(
        "sister_city_exchange", SC, "友", fields,
        (boolean("partner_verified", "对方机构情况已核实", "Partner verified"),
         boolean("content_appropriate", "交流内容适当", "Content appropriate")),
        lambda b, last: steps(b, last,
                              ("liaise", "对外联络与协调", SC, "common.handling", "联系{{ partner_city }}落实交流安排。"),
                              ("exchange_report", "交流成果报告", "applicant_unit", "common.report", "请提交交流成果报告。")),
        subject=("交流项目", "exchange project"), title_label=("项目名称", "Project"))


def sister_institution_approval():
    signing = Form("sister_institution_approval.signing", "签订友好协议", "Signing the agreement", (
        date("signed_on", "签约日期", "Signed on"),
        text("signed_by", "签约人", "Signed by", max_length=100),
        attachment("agreement", "友好协议文本", "Agreement"),
    ))

    def tail(b: Builder, last: str) -> str:
        wait = b.node("wait_provincial", MSG_CATCH, "省外办批复", lane=SC, message="provincial_approval",
                      message_var="provincial_approval")
        b.flow(last, wait)
        return steps(b, wait,
                     ("sign", "签订友好协议", "applicant_unit", "sister_institution_approval.signing",
                      "省外办已批复（{{ provincial_approval }}），请签订协议并上传文本。"),
                     ("guide", "备案并指导交流活动", SC, "common.handling", "将协议备案，并指导双方制定交流计划。"))
    fields = (
        choice("institution_type", "机构类别", "Kind of institution",
               (("school", "学校", "School"), ("hospital", "医院", "Hospital"), ("other", "其他", "Other")),
               widget="radio"),
        text("partner_institution", "对方机构", "Partner institution", max_length=200),
        text("partner_country_city", "对方国家及城市", "Partner's country and city", max_length=100),
        textarea("cooperation_content", "合作内容", "Areas of cooperation"),
        attachment("partner_profile", "对方机构简介", "Partner profile"),
        attachment("draft_agreement", "协议草案", "Draft agreement"),
    )
    return standard(
        "sister_institution_approval", SC, "友", fields,
        (boolean("partner_verified", "对方机构资质已核实", "Partner's standing verified"),
         boolean("agreement_proper", "协议文本合规", "Agreement proper")),
        tail, subject=("结好申请", "application"), title_label=("结好事项", "Relationship"),
        messages=("provincial_approval",), extra_forms=(signing,))


def research_study_personnel():
    def tail(b: Builder, last: str) -> str:
        gw = b.node("gw_direction", XOR, "派出或接收", lane=SC)
        merge = b.node("gw_direction_merge", XOR, "", lane=SC)
        out = task(b, "send_out", "派出手续与行前培训", SC, "common.handling",
                   "办理派出人员的出国手续（证照另按因公出国程序办理）并组织行前培训。")
        inn = task(b, "admit", "接收安排（邀请函、住宿、导师）", SC, "common.handling",
                   "向来衡研修人员发出邀请函，落实住宿、导师和安全管理。")
        b.flow(last, gw)
        b.flow(gw, out, "派出", condition='direction == "outbound"')
        b.flow(gw, inn, "接收", default=True)
        b.flow(out, merge)
        b.flow(inn, merge)
        manage = task(b, "manage_study", "研修期间管理", SC, "common.handling",
                      "跟踪研修进展，处理研修期间的事项；研修结束后填写管理记录。")
        b.flow(merge, manage)
        deadline(b, manage, "working_days_after(end_date, 5)", "研修期满", escalate_lane="section_chief",
                 text="研修期已满5个工作日，请督促完成研修总结。")
        return steps(b, manage, ("study_report", "研修总结与评估", "applicant_unit", "common.report",
                                 "请提交研修总结及考核评估意见。"))
    person = {
        "name": {"type": "string", "title": "姓名", "title_en": "Name", "minLength": 1, "maxLength": 50},
        "gender": {"type": "string", "title": "性别", "title_en": "Gender", "enum": ["male", "female"],
                   "enumNames": ["男", "女"], "enumNames_en": ["Male", "Female"]},
        "nationality": {"type": "string", "title": "国籍", "title_en": "Nationality", "maxLength": 60},
        "id_number": {"type": "string", "title": "身份证号", "title_en": "ID card number",
                      "pattern": ID_NUMBER_PATTERN},
        "passport_no": {"type": "string", "title": "护照号码", "title_en": "Passport number",
                        "pattern": "^[0-9A-Z]{5,12}$"},
        "position": {"type": "string", "title": "职务/专业", "title_en": "Position / field", "maxLength": 100},
    }
    people = Field("trainees", {"type": "array", "title": "研修人员", "title_en": "Trainees", "minItems": 1,
                                "maxItems": 50, "items": {"type": "object", "properties": person,
                                                          "required": ["name", "gender", "position"]}},
                   {"ui:help": "派出人员填身份证号，来衡人员填国籍和护照号",
                    "items": {"ui:order": list(person), "gender": {"ui:widget": "radio"}}})
    fields = (
        choice("direction", "类别", "Direction",
               (("outbound", "选派赴友城研修", "Sent to a sister city"),
                ("inbound", "接收来衡研修", "Coming to Hengyang")), widget="radio"),
        text("partner_city", "友城", "Sister city", max_length=100),
        text("host_institution", "研修机构", "Host institution", max_length=200),
        text("study_field", "研修方向", "Field of study", max_length=100),
        date("start_date", "研修开始日期", "Study starts"),
        date("end_date", "研修结束日期", "Study ends"),
        people,
        attachment("selection_attachment", "选拔/接收材料", "Selection or admission documents"),
    )
    return standard(
        "research_study_personnel", SC, "友", fields,
        (boolean("selection_proper", "人选（来衡人员）情况已核实", "Persons vetted"),
         boolean("host_confirmed", "研修机构已确认", "Host institution confirmed")),
        tail, subject=("研修申请", "study application"), title_label=("研修项目", "Study programme"))


MODELS = (sister_city_development_plan, sister_city_daily_management, sister_city_exchange,
          sister_institution_approval, research_study_personnel)
