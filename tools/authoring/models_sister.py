"""Sister cities: responsibilities 9, 11, 12 and 13, each in the shape the work takes.

9 is the office's own annual plan (units consulted one by one, then verified, approved and
endorsed, then issued); 11 is a year of upkeep (quarterly contact records, a review of every
sister city, the annual report); 12 and 13 are applications by units (13 also needs the
provincial office's approval, a signing and years of guidance). 20 is in :mod:`tools.authoring.models_study`.
"""
from __future__ import annotations

from .common_forms import base_fields
from .dsl import BOUNDARY, END, SERVICE, START, XOR, Builder, StandardLoop, Timer
from .forms import (
    Field,
    Form,
    attachment,
    boolean,
    choice,
    date,
    integer,
    not_before,
    not_past,
    text,
    textarea,
    units,
)
from .forms_visit import examine_form
from .patterns_sister import (
    APPROVED,
    CHIEF,
    DIRECTOR,
    LEADER,
    SC,
    UNIT,
    ask_units,
    gate,
    info_of,
    office_fields,
    refused,
    start_with_register,
)
from .patterns_visit import (
    Check,
    Redo,
    each,
    finish,
    letter,
    make_model,
    refuse,
    review_sub,
    script,
    task,
    wait_message,
    wait_until,
)

# --- 9: the sister-city development plan / annual exchange programme ---------------------------

STANCE_OPTIONS = (("agree", "同意", "Agree"), ("agree_with_changes", "原则同意，有修改意见", "Agree with changes"),
                  ("disagree", "不同意", "Disagree"))
STANCES = "{" + ", ".join(f'"{v}": "{zh}"' for v, zh, _en in STANCE_OPTIONS) + "}"  # a unit's view, in words


def sister_city_development_plan():
    key = "sister_city_development_plan"
    info = info_of(key)
    b = Builder()
    last = start_with_register(b, key, SC, "起草规划（计划）", "opinions = []")
    # each unit named in the plan (by key) is asked in its own members' inboxes
    consult = ask_units(b, last, f"{key}_consultation", "逐一征求单位意见", SC, "consulted_units", "consulted",
                        "consulted_unit",
                        ("consult_units", "征求单位意见", UNIT, f"{key}.opinion",
                         '请{{ consulted_unit["name"] }}对《{{ title }}》（征求意见稿）提出书面意见，'
                         "{{ opinions_due }}前反馈。"),
                        pre_script='opinion_text = ""',
                        post_script=('opinion = consulted_unit["name"] + "：" + '
                                     f'{STANCES}.get(opinion_stance, opinion_stance) + "；" '
                                     '+ (opinion_text or "无具体意见")'),
                        collect=("opinions", "opinion"))
    last = task(b, consult, "consolidate", "汇总意见形成送审稿", SC, f"{key}.consolidation",
                "各单位意见：{% for o in opinions %}\n- {{ o }}{% endfor %}\n请逐条研究吸收，形成送审稿。")
    review = b.add(review_sub(f"{key}_plan_review", "审核审定", (
        Check("verify", "科室审核", CHIEF, "common.verify", "请审核《{{ title }}》送审稿。"),
        Check("approve", "主任审批", DIRECTOR, "common.approve", "请审批《{{ title }}》。",
              sla_days=info.sla.approve_working_days),
        Check("leader_approve", "市政府审定", LEADER, "common.leader_approve",
              "外办已审批《{{ title }}》，呈请市政府分管领导审定。")),
        redo=Redo("revise_plan", "修改送审稿", SC, f"{key}.consolidation",
                  "审定意见：{{ comment }}\n请修改《{{ title }}》送审稿后重新报审。", tell_applicant=False)))
    b.flow(last, review)
    gw = gate(b, review, "gw_adopted", "是否审定通过", SC)
    refuse(b, gw, "not_adopted", SC, "", "", end_name="未获审定", tell=False)
    num = b.node("assign_number", "service", "编发文号", lane=SC, operator="document_number",
                 params=(("category", '"友"'), ("genre", '"notice"')), result="doc_number")
    b.flow(gw, num, "审定通过", condition=APPROVED)
    last = task(b, num, "publish_plan", "印发实施", SC, "common.handling",
                "《{{ title }}》已审定，文号 {{ doc_number }}。请印发各单位并部署实施。")
    finish(b, last, SC)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, office_fields("规划名称", "Title of the plan") + (
        choice("plan_type", "规划类别", "Kind of plan",
               (("development", "友城发展规划", "Sister-city development plan"),
                ("exchange", "年度友城交流计划", "Annual exchange programme")), widget="radio"),
        text("plan_period", "规划期", "Period covered", max_length=40, help="如 2026—2030 或 2026 年度"),
        textarea("plan_summary", "主要内容", "Main contents"),
        integer("target_new_cities", "拟新结友城数", "New sister cities targeted", minimum=0, maximum=50),
        units("consulted_units", "征求意见单位", "Units consulted",
              help="勾选要征求意见的单位，各单位在本单位待办中反馈",
              help_en="Tick the units to consult; each answers in its own inbox"),
        date("opinions_due", "意见反馈截止日期", "Opinions due by"),
        attachment("plan_document", "征求意见稿", "Draft for consultation"),
    ), rules=(not_past("opinions_due", "意见反馈截止日期", "date opinions are due by"),))
    opinion = Form(f"{key}.opinion", "单位意见", "Opinion of a unit", (
        choice("opinion_stance", "总体意见", "Overall view", STANCE_OPTIONS, widget="radio"),
        textarea("opinion_text", "具体意见", "Comments", required=False),
    ))
    consolidation = Form(f"{key}.consolidation", "送审稿", "Draft for approval", (
        textarea("opinions_adopted", "意见采纳情况", "How the opinions were taken into account"),
        attachment("final_draft", "送审稿", "Draft for approval"),
    ))
    model = make_model(key, info.title_zh, b, SC, info.description_zh)
    return model, (submit, opinion, consolidation)


# --- 11: a year of day-to-day management ------------------------------------------------------

CITY = {
    "city": {"type": "string", "title": "友城", "title_en": "Sister city", "minLength": 1, "maxLength": 60},
    "country": {"type": "string", "title": "国家", "title_en": "Country", "minLength": 1, "maxLength": 60},
    "since": {"type": "integer", "title": "结好年份", "title_en": "Twinned since", "minimum": 1950, "maximum": 2100},
    # optional: what the sister-city register keeps beside the year (友好城市 unless said otherwise)
    "relation": {"type": "string", "title": "关系类别", "title_en": "Relation", "enum": ["sister", "exchange"],
                 "enumNames": ["友好城市", "友好交流城市"], "enumNames_en": ["Sister city", "Friendly exchange city"]},
    "approving_document": {"type": "string", "title": "批准文件", "title_en": "Approving document", "maxLength": 100},
}
CITY_REQUIRED = ["city", "country", "since"]


def sister_city_daily_management():
    key = "sister_city_daily_management"
    info = info_of(key)
    b = Builder()
    last = start_with_register(b, key, SC, "启动年度友城管理", "city_reviews = []\ndormant_cities = []")
    upkeep = task(b, last, "upkeep", "日常联络与维护（全年）", SC, f"{key}.upkeep",
                  "{{ year }}年度与各友城保持日常联络；每季度填写联络记录，年终完成本任务进入年度评估。")
    b.node("quarterly", BOUNDARY, "每季度", attached_to=upkeep, interrupting=False,
           timer=Timer("timeCycle", '"R3/P3M"'))
    q = task(b, None, "quarterly_report", "季度联络记录", SC, f"{key}.contact_record",
             "请记录本季度与各友城的往来函电、视频会议和互访。")
    b.flow("quarterly", q)
    b.flow(q, b.node("quarterly_end", END, "记录完毕", lane=SC))
    review = each(b, upkeep, f"{key}_city_reviews", "逐一评估友城", "cities", "city",
                  ("review_city", "友城年度评估", SC, f"{key}.city_review",
                   "请评估与{{ city.city }}（{{ city.country }}，{{ city.since }}年结好）本年度的交往情况。"),
                  post_script='city_review = {"city": city["city"], "level": activity_level}',
                  collect=("city_reviews", "city_review"))
    review = script(b, review, "find_dormant", "找出不活跃友城", SC,
                    'dormant_cities = [r["city"] for r in city_reviews if r["level"] == "dormant"]')
    ledger = b.node("ledger_cities", SERVICE, "登记友城名册", lane=SC, operator="sister_city_register",
                    params=(("cities", "cities"), ("reviews", "city_reviews")), result="cities_registered")
    b.flow(review, ledger)
    review = ledger
    last = task(b, review, "annual_report", "编写年度工作报告", SC, f"{key}.annual_report",
                "请汇总全年联络和各友城评估情况，编写{{ year }}年度友城工作报告。")
    check = b.add(review_sub(f"{key}_report_review", "年度报告审核", (
        Check("verify", "科室审核", CHIEF, "common.verify", "请审核{{ year }}年度友城工作报告。"),
        Check("approve", "主任审批", DIRECTOR, "common.approve", "请审批{{ year }}年度友城工作报告。",
              sla_days=info.sla.approve_working_days)),
        redo=Redo("revise", "修改年度报告", SC, f"{key}.annual_report",
                  "审核意见：{{ comment }}\n请修改年度工作报告后重新报审。", tell_applicant=False)))
    b.flow(last, check)
    gw = gate(b, check, "gw_report_accepted", "报告是否通过", SC)
    refuse(b, gw, "report_refused", SC, "", "", end_name="报告未通过", tell=False)
    revive = b.node("gw_dormant", XOR, "有无不活跃友城", lane=SC)
    b.flow(gw, revive, "通过", condition=APPROVED)
    merge = b.node("gw_dormant_merge", XOR, "", lane=SC)
    t = task(b, None, "revive_contacts", "制定激活措施", SC, "common.handling",
             "以下友城本年度交往不活跃：{{ dormant_cities | join('、') }}。请提出激活联络的措施并列入下年度计划。")
    b.flow(revive, t, "有", condition="len(dormant_cities) > 0")
    b.flow(t, merge)
    b.flow(revive, merge, "无", default=True)
    last = task(b, merge, "archive", "年度报告归档", SC, "common.handling", "请将年度工作报告及评估材料归档。")
    finish(b, last, SC)
    cities = Field("cities", {"type": "array", "title": "友好城市", "title_en": "Sister cities", "minItems": 1,
                              "maxItems": 60, "items": {"type": "object", "properties": CITY,
                                                        "required": CITY_REQUIRED}},
                   {"ui:help": "每个友城一行", "items": {"ui:order": list(CITY)}})
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, office_fields("年度工作名称", "Title") + (
        integer("year", "年度", "Year", minimum=2020, maximum=2100),
        cities,
        textarea("annual_plan", "年度联络工作安排", "Plan of contacts for the year"),
    ))
    upkeep_form = Form(f"{key}.upkeep", "全年联络情况", "Contacts over the year", (
        textarea("contacts_summary", "全年联络与互访情况", "Contacts and visits over the year"),
        integer("visits_count", "互访团组数", "Delegations exchanged", minimum=0),
    ))
    record = Form(f"{key}.contact_record", "季度联络记录", "Quarterly contact record", (
        textarea("contacts", "本季度联络情况", "Contacts this quarter", help="友城、方式（函电/视频/互访）、内容"),
        integer("quarter_visits", "本季度互访团组数", "Delegations this quarter", minimum=0),
    ))
    city_review = Form(f"{key}.city_review", "友城年度评估", "Review of one sister city", (
        choice("activity_level", "交往活跃程度", "How active the relationship is",
               (("active", "活跃", "Active"), ("normal", "一般", "Normal"), ("dormant", "不活跃", "Dormant")),
               widget="radio"),
        textarea("main_exchanges", "本年度主要交往", "Main exchanges this year"),
    ))
    annual = Form(f"{key}.annual_report", "友城年度工作报告", "Annual sister-city report", (
        textarea("report_summary", "年度工作总结", "Summary of the year"),
        textarea("next_year_plan", "下年度工作打算", "Plans for next year"),
        attachment("annual_report_attachment", "年度报告", "Annual report"),
    ))
    model = make_model(key, info.title_zh, b, SC, info.description_zh)
    return model, (submit, upkeep_form, record, city_review, annual)


# --- 12: exchanges with sister cities ----------------------------------------------------------

def sister_city_exchange():
    key = "sister_city_exchange"
    info = info_of(key)
    b = Builder()
    last = start_with_register(b, key, UNIT, "申报友城交流项目")
    check = b.add(review_sub(f"{key}_project_review", "审查审批", (
        Check("examine", "审查交流项目", SC, f"{key}.examine",
              "请审查{{ unit_name }}申报的《{{ title }}》（业务编号 {{ business_key }}）。",
              sla_days=info.sla.examine_working_days),
        Check("approve", "主任审批", DIRECTOR, "common.approve", "请审批《{{ title }}》。",
              sla_days=info.sla.approve_working_days)),
        redo=Redo("revise", "修改项目申报", UNIT, f"{key}.submit")))
    b.flow(last, check)
    gw = gate(b, check, "gw_final", "是否批准", SC)
    refused(b, gw, SC, "交流项目", "exchange project")
    last = letter(b, gw, SC, "友", "交流项目", "exchange project",
                  '"同意与" + partner_city + "开展该交流项目。请与对方落实细节，项目结束后报送成果。"')
    last = task(b, last, "liaise", "函告对方友城", SC, "common.handling",
                "将项目安排函告{{ partner_city }}（{{ partner_organisation }}），请对方书面确认。")
    last = wait_message(b, last, "wait_partner", "对方回复", SC, "partner_reply")
    gw2 = gate(b, last, "gw_partner", "对方是否同意", SC)
    refuse(b, gw2, "partner_declined", SC, '"《" + title + "》：对方友城未同意，项目暂缓。"',
           '"\\"" + title + "\\": the sister city declined; the project is postponed."',
           end_name="对方未同意", label="不同意")
    route = b.node("gw_direction", XOR, "交流方式", lane=SC)
    b.flow(gw2, route, "同意", condition='partner_reply.get("agreed", True)')
    merge = b.node("gw_direction_merge", XOR, "", lane=SC)
    out = task(b, None, "outbound_formalities", "办理出访手续", UNIT, "common.handling",
               "我方人员赴{{ partner_city }}：请按因公出国（境）程序报批并办理证照。")
    inn = task(b, None, "host_arrangements", "接待对方人员", SC, "common.preparation",
               "{{ partner_city }}人员来衡：请会同{{ unit_name }}落实接待。")
    b.flow(route, out, "我方出访", condition='direction == "outbound"')
    b.flow(route, inn, "对方来访", condition='direction == "inbound"')
    b.flow(route, merge, "线上或互寄", default=True)
    b.flow(out, merge)
    b.flow(inn, merge)
    last = wait_until(b, merge, "wait_project_end", "项目结束", SC, "days_before(end_date, 0)")
    last = task(b, last, "exchange_report", "交流成果报告", UNIT, "common.report", "项目已结束，请提交交流成果报告。")
    last = task(b, last, "assess", "成果评估与归档", SC, f"{key}.assessment", "请评估项目成果并提出后续建议。")
    ledger = b.node("ledger_exchange", SERVICE, "登记友城交往", lane=SC, operator="sister_city_register",
                    params=(("city", "partner_city"), ("last_exchange_on", "end_date")), result="exchange_registered")
    b.flow(last, ledger)
    finish(b, ledger, SC)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("项目名称", "Project") + (
        text("partner_city", "对方友城", "Sister city", max_length=100),
        text("partner_organisation", "对方机构", "Partner organisation", max_length=200),
        choice("exchange_kind", "交流类别", "Kind of exchange",
               (("ngo", "民间交流", "Non-governmental"), ("counterpart", "对口交流", "Counterpart"),
                ("youth", "青少年交流", "Youth"), ("economic", "经贸交流", "Economic")), widget="select"),
        choice("direction", "交流方式", "How the exchange takes place",
               (("outbound", "我方出访", "We visit them"), ("inbound", "对方来访", "They visit us"),
                ("online", "线上交流或互寄展品", "Online or by post")), widget="radio"),
        date("start_date", "开始日期", "Start date"),
        date("end_date", "结束日期", "End date"),
        textarea("project_content", "项目内容", "Project content"),
        integer("participants", "参加人数", "Participants", minimum=1, maximum=1000),
        text("funding_source", "经费来源", "Source of funding", max_length=100),
        attachment("project_attachment", "项目方案", "Project plan"),
    ), rules=(not_before("start_date", "end_date", "开始日期", "结束日期", "start date", "end date"),))
    examine = examine_form(key, "审查友城交流项目", "Examination of the exchange project",
                           boolean("partner_verified", "对方机构情况已核实", "Partner verified"),
                           boolean("content_appropriate", "交流内容适当", "Content appropriate"))
    assessment = Form(f"{key}.assessment", "成果评估", "Assessment of the results", (
        choice("outcome", "成果评价", "Outcome",
               (("good", "成效显著", "Good"), ("fair", "基本达到预期", "Fair"), ("poor", "未达预期", "Poor")),
               widget="radio"),
        textarea("follow_up", "后续合作建议", "Proposals for follow-up", required=False),
    ))
    model = make_model(key, info.title_zh, b, UNIT, info.description_zh, ("partner_reply",))
    return model, (submit, examine, assessment)


# --- 13: sister schools, hospitals and other institutions ---------------------------------------

def sister_institution_approval():
    key = "sister_institution_approval"
    info = info_of(key)
    b = Builder()
    last = start_with_register(b, key, UNIT, "申请缔结友好关系", "relationship_active = False\nguidance_due = \"\"")
    check = b.add(review_sub(f"{key}_application_review", "审查审核审批", (
        Check("examine", "审查结好申请", SC, f"{key}.examine",
              "请审查{{ unit_name }}与{{ partner_institution }}缔结友好关系的申请（业务编号 {{ business_key }}）。",
              sla_days=info.sla.examine_working_days),
        Check("verify", "科室审核", CHIEF, "common.verify", "请审核《{{ title }}》。"),
        Check("approve", "主任审批", DIRECTOR, "common.approve", "请审批《{{ title }}》，同意后报省外办。",
              sla_days=info.sla.approve_working_days)),
        redo=Redo("revise", "修改结好申请", UNIT, f"{key}.submit")))
    b.flow(last, check)
    gw = gate(b, check, "gw_final", "是否同意报省", SC)
    refused(b, gw, SC, "结好申请", "application")
    report = task(b, None, "report_province", "报省外办审批", SC, f"{key}.province",
                  "请将《{{ title }}》及外办意见报省外办审批。")
    b.flow(gw, report, "同意", condition=APPROVED)
    last = wait_message(b, report, "wait_provincial", "省外办批复", SC, "provincial_approval")
    gw2 = gate(b, last, "gw_provincial", "省外办是否批准", SC)
    refuse(b, gw2, "province_refused", SC, '"您提交的结好申请《" + title + "》未获省外办批准。"',
           '"Your application \\"" + title + "\\" was not approved by the provincial office."',
           end_name="省外办未批准", label="未批准")
    last = letter(b, gw2, SC, "友", "结好申请", "application",
                  '"经报省外办同意（" + provincial_approval.get("reference", "") + "），同意你单位与"'
                  ' + partner_institution + "缔结友好关系。请签署协议后报外办备案。"',
                  label="批准", condition='provincial_approval.get("approved", True)')
    last = task(b, last, "sign", "签订友好协议", UNIT, f"{key}.signing",
                "省外办已批复（{{ provincial_approval }}），请签订协议并上传文本。")
    last = task(b, last, "record_agreement", "协议备案", SC, "common.handling", "将友好协议备案，建立交流档案。")
    g = Builder(prefix="guidance_")
    gs = g.node("guidance_start", START, "开始", lane=SC)
    due = script(g, gs, "next_guidance_due", "下次报告日期", SC,
                 "guidance_due = days_before(guidance_due or signed_on, -365)")
    w = wait_until(g, due, "wait_next_year", "满一年", SC, "guidance_due")
    r = task(g, w, "activity_report", "年度交流活动报告", UNIT, f"{key}.activity_report",
             "请报告过去一年与{{ partner_institution }}的交流活动及下一年度计划。")
    gd = task(g, r, "guide", "指导交流活动", SC, f"{key}.guidance",
              "请审阅年度交流活动报告，提出指导意见；关系不再存续时不再跟踪。",
              pre_script="relationship_active = False")
    g.flow(gd, g.node("guidance_end", END, "本年度完毕", lane=SC))
    loop = b.add(g.build_sub(f"{key}_guidance", "逐年指导交流活动",
                             loop=StandardLoop(condition="relationship_active", maximum=10),
                             documentation="自签约起每满一年一次；指导意见认为关系存续时继续（至多10年）。"))
    b.flow(last, loop)
    finish(b, loop, SC)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("结好事项", "Relationship") + (
        choice("institution_type", "机构类别", "Kind of institution",
               (("school", "学校", "School"), ("hospital", "医院", "Hospital"), ("other", "其他", "Other")),
               widget="radio"),
        text("partner_institution", "对方机构", "Partner institution", max_length=200),
        text("partner_country_city", "对方国家及城市", "Partner's country and city", max_length=100),
        textarea("contacts_so_far", "双方交往基础", "Contacts so far"),
        textarea("cooperation_content", "合作内容", "Areas of cooperation"),
        attachment("authority_opinion", "主管部门意见", "Opinion of the competent department",
                   help="教育、卫健等主管部门同意的书面意见"),
        attachment("partner_profile", "对方机构简介", "Partner profile"),
        attachment("draft_agreement", "协议草案（中外文）", "Draft agreement"),
    ))
    examine = examine_form(key, "审查结好申请", "Examination of the application",
                           boolean("partner_verified", "对方机构资质已核实", "Partner's standing verified"),
                           boolean("agreement_proper", "协议文本合规", "Agreement proper"))
    province = Form(f"{key}.province", "报省外办", "Submission to the provincial office", (
        date("submitted_on", "报送日期", "Submitted on"),
        text("submission_ref", "报送文号", "Reference", max_length=60),
    ))
    signing = Form(f"{key}.signing", "签订友好协议", "Signing the agreement", (
        date("signed_on", "签约日期", "Signed on"),
        text("signed_by", "签约人", "Signed by", max_length=100),
        attachment("agreement", "友好协议文本", "Agreement"),
    ))
    activity = Form(f"{key}.activity_report", "年度交流活动报告", "Annual report of the exchanges", (
        textarea("activities", "本年度交流活动", "Exchanges this year"),
        textarea("next_plan", "下一年度计划", "Plan for next year"),
    ))
    guidance = Form(f"{key}.guidance", "指导意见", "Guidance", (
        textarea("guidance_note", "指导意见", "Guidance"),
        boolean("relationship_active", "关系存续，继续跟踪指导", "The relationship continues; keep guiding"),
    ))
    model = make_model(key, info.title_zh, b, UNIT, info.description_zh, ("provincial_approval",))
    return model, (submit, examine, province, signing, activity, guidance)


MODELS = (sister_city_development_plan, sister_city_daily_management, sister_city_exchange,
          sister_institution_approval)
