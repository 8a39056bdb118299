"""Coordination and records: responsibilities 1 and 5 here, 4 in models_incident, 19 in models_records."""
from __future__ import annotations

from processes.catalogue import by_key

from .common_forms import base_fields
from .dsl import (
    END,
    SCRIPT,
    START,
    TIMER_CATCH,
    USER,
    XOR,
    Builder,
    ProcessModel,
    StandardLoop,
    Timer,
)
from .forms import (
    Field,
    Form,
    attachment,
    boolean,
    choice,
    choice_text,
    date,
    decision_form,
    integer,
    not_past,
    text,
    textarea,
)
from .models_incident import foreign_incident_response
from .models_records import overseas_institution_registration
from .patterns import INIT, deadline, lanes
from .patterns_fao import (
    Branch,
    Step,
    approval_chain,
    fan_out,
    numbered_letter,
    refused,
)

FAO = "fao_clerk"
LANGUAGES = (("english", "英语", "English"), ("japanese", "日语", "Japanese"), ("korean", "韩语", "Korean"),
             ("german", "德语", "German"), ("other", "其他", "Other"))
PROTOCOL = "protocol_section"
SECTIONS = (("protocol_section", "礼宾科", "Protocol section"),
            ("passport_visa_section", "护照签证科", "Passport & visa section"),
            ("sister_city_section", "友城科", "Sister-city section"),
            ("press_culture_section", "新闻文化科", "Press & culture section"))


def _guests() -> Field:
    props = {
        "name": {"type": "string", "title": "姓名", "title_en": "Name", "minLength": 1, "maxLength": 80},
        "position": {"type": "string", "title": "职务", "title_en": "Position", "minLength": 1, "maxLength": 120},
        "nationality": {"type": "string", "title": "国籍", "title_en": "Nationality", "minLength": 1, "maxLength": 60},
    }
    schema = {"type": "array", "title": "外方主要来宾", "title_en": "Principal foreign guests", "minItems": 1,
              "maxItems": 30, "items": {"type": "object", "properties": props, "required": list(props)}}
    return Field("foreign_guests", schema, {"items": {"ui:order": list(props)}}, True)


def foreign_activity_plan():
    """1: a unit's plan for a meeting, talks or banquet with a municipal leader.

    Protocol section examines it, the director verifies it and submits it to the municipal
    leader (each may return it for revision); then protocol, interpretation and, when the
    press covers it, the press section prepare in parallel before the day (a deadline two days
    before); after the activity the protocol section writes the minutes.
    """
    key = "foreign_activity_plan"
    info = by_key(key)
    assert info is not None
    b = Builder()
    start = b.node("submit", START, "报送活动方案", lane="applicant_unit", form=f"{key}.submit")
    init = b.node("register", SCRIPT, "受理登记", lane=PROTOCOL, script=INIT)
    loop = b.add(approval_chain(key, "applicant_unit", (
        Step("examine", "礼宾科审核方案", PROTOCOL, f"{key}.examine",
             "请审核{{ unit_name }}报送的《{{ title }}》：礼宾规格、会见/宴请名单与座次、讲话要点口径。",
             info.sla.examine_working_days),
        Step("director_review", "外办主任审核", "office_director", "common.approve",
             "礼宾科已审核《{{ title }}》，请审核后呈报市领导。"),
        Step("leader_approve", "呈报市领导审定", "municipal_leader", "common.leader_approve",
             "外办呈报《{{ title }}》（{{ activity_date }}，{{ venue }}），请审定。"),
    ), revise_form=f"{key}.submit"))
    gw = b.node("gw_final", XOR, "是否审定同意", lane=PROTOCOL)
    b.chain(start, init, loop, gw)
    refused(b, gw, "rejected", PROTOCOL, "不同意",
            '"您提交的外事活动方案《" + title + "》未获批准。理由：" + comment',
            '"Your activity plan \\"" + title + "\\" was not approved. Reason: " + comment', "不予批准")
    ok = b.node("approved", SCRIPT, "方案审定", lane=PROTOCOL, script='plan_approved_on = today()')
    b.flow(gw, ok, "同意", condition='decision == "approve"')
    last = numbered_letter(b, ok, PROTOCOL, "审",
                           '"经市领导审定，同意《" + title + "》活动方案。外办礼宾科将会同你单位落实礼宾、翻译和新闻报'
                           '道等工作。"',
                           '"您提交的外事活动方案《" + title + "》已批准，文号 " + doc_number',
                           '"Your activity plan \\"" + title + "\\" was approved: " + doc_number')
    join = fan_out(b, last, "prepare", PROTOCOL, (
        Branch("protocol_arrangements", "礼宾安排", PROTOCOL, "common.preparation",
               "请落实{{ activity_date }}《{{ title }}》的礼宾安排：会场、座次、旗帜、名签、迎送。"),
        Branch("interpretation", "翻译安排", FAO, "foreign_activity_plan.interpretation",
               "请为《{{ title }}》安排" + choice_text("interpretation_language",
                                                       LANGUAGES) + "翻译，并审校讲话稿译文。"),
        Branch("press_arrangements", "新闻报道安排", "press_culture_section", "common.preparation",
               "《{{ title }}》安排媒体报道，请审定新闻通稿、安排记者。", condition="media_coverage"),
    ), split_name="分工筹备", join_name="筹备就绪")
    deadline(b, "protocol_arrangements", "days_before(activity_date, 2)", "礼宾筹备时限",
             text="距《{{ title }}》举行不足2天，礼宾安排仍未落实，请督办。")
    held = b.node("activity_held", TIMER_CATCH, "活动举行", lane=PROTOCOL,
                  timer=Timer("timeDate", "days_before(activity_date, -1)"))
    minutes = b.node("activity_minutes", USER, "活动纪要", lane=PROTOCOL, form="common.report",
                     instructions="《{{ title }}》已于{{ activity_date }}举行。请整理活动纪要，报送外办主任并抄"
                                  "送{{ unit_name }}。")
    b.chain(join, held, minutes)
    b.flow(minutes, b.node("end_done", END, "办结", lane=PROTOCOL, terminate=True))
    model = ProcessModel(key, info.title_zh, lanes("applicant_unit", PROTOCOL, FAO, "press_culture_section",
                                                   "section_chief", "office_director", "municipal_leader"),
                         tuple(b.nodes), tuple(b.flows), documentation=info.description_zh)
    fields = (
        choice("activity_type", "活动类型", "Kind of activity",
               (("meeting", "会见", "Meeting"), ("talks", "会谈", "Talks"), ("banquet", "宴请", "Banquet"),
                ("signing", "签约仪式", "Signing ceremony"), ("other", "其他重大外事活动", "Other")),
               widget="select"),
        date("activity_date", "活动日期", "Date"),
        text("activity_time", "活动时间", "Time", max_length=20, help="如 10:00—11:30"),
        text("venue", "地点", "Venue", max_length=200),
        text("attending_leader", "出席的市领导", "Municipal leader attending", max_length=100),
        _guests(),
        textarea("chinese_attendees", "中方出席人员", "Chinese attendees", help="姓名、单位及职务"),
        integer("attendance", "参加总人数", "Attendance", minimum=1, maximum=2000),
        textarea("plan_summary", "活动议程与方案要点", "Agenda and main points",
                 help="议程、礼宾次序、会谈/讲话要点、礼品、安保等"),
        choice("interpretation_language", "翻译语种", "Interpretation", LANGUAGES, widget="select"),
        boolean("media_coverage", "安排媒体报道", "Press coverage"),
        attachment("plan_document", "活动方案", "Plan document"),
        attachment("talking_points", "讲话要点/会谈参考", "Talking points", required=False),
    )
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("活动名称", "Activity") + fields)
    examine = decision_form(f"{key}.examine", "活动方案审核", "Examination of the activity plan",
                            boolean("protocol_proper", "礼宾规格与次序得当", "Protocol level and order proper"),
                            boolean("talking_points_ok", "讲话要点符合外事口径",
                                    "Talking points consistent with policy"))
    interp = Form(f"{key}.interpretation", "翻译安排", "Interpretation", (
        text("interpreters", "翻译人员", "Interpreters", max_length=200),
        boolean("texts_translated", "讲话稿及名签译文已审校", "Speeches and name cards translated and checked"),
    ))
    return model, (submit, examine, interp)


SIGN = (("approve", "同意签发", "Sign"), ("revise", "退回修改", "Return for redrafting"))
SIGN_RULE = {
    "if": {"properties": {"sign_off": {"const": "revise"}}, "required": ["sign_off"]},
    "then": {"required": ["sign_comment"], "properties": {"sign_comment": {"minLength": 2}}},
}


def unit_foreign_affairs_coordination():
    """5: a unit asks the office to coordinate; the clerk routes it to the sections concerned.

    The clerk registers and routes it (or declines it as outside the office's remit); each chosen
    section gives its opinion in parallel; the clerk drafts the reply, the section chief (and
    the director when the clerk asked for it) signs it off or returns the draft (a standard
    loop, no applicant revision); the numbered reply letter goes out and the unit reports back.
    """
    key = "unit_foreign_affairs_coordination"
    info = by_key(key)
    assert info is not None
    b = Builder()
    start = b.node("submit", START, "提请协调", lane="applicant_unit", form=f"{key}.submit")
    init = b.node("register", SCRIPT, "登记", lane=FAO,
                  script=INIT + "\nopinions = {}\nsign_off = \"\"\nsign_comment = \"\"\nsections = []")
    route = b.node("route", USER, "登记分办", lane=FAO, form=f"{key}.route",
                   instructions="{{ unit_name }}提请协调《{{ title }}》。请判断是否属外办职责，选定承办科室。")
    deadline(b, route, "due_in_working_days(2)", "分办时限", text="《{{ title }}》收文已满2个工作日仍未分办，请督办。")
    gw = b.node("gw_remit", XOR, "是否属外办职责", lane=FAO)
    b.chain(start, init, route, gw)
    refused(b, gw, "declined", FAO, "不属外办职责",
            '"您提请协调的《" + title + "》不属外办职责范围，已退回。说明：" + routing_note',
            '"\\"" + title + "\\" is outside the office\'s remit: " + routing_note', "退回不予受理")
    ok = b.node("accepted", SCRIPT, "受理", lane=FAO, script='accepted_on = today()')
    b.flow(gw, ok, "受理", condition="within_remit")
    branches = tuple(
        Branch(f"opinion_{lane.split('_')[0]}", f"{zh}办理意见", lane, f"{key}.opinion",
               f"外办综合科分办：{{{{ routing_note }}}}\n请就《{{{{ title }}}}》提出{zh}意见。",
               condition=f'"{lane}" in sections',
               post_script=f'opinions["{lane}"] = section_opinion')
        for lane, zh, _en in SECTIONS)
    join = fan_out(b, ok, "opinions", FAO, branches, split_name="分送科室", join_name="意见汇齐")
    loop = b.add(_reply_loop(key))
    b.chain(join, loop)
    last = numbered_letter(b, loop, FAO, "函", '"关于你单位提请协调的《" + title + "》，现函复如下：" + reply_text',
                           '"您提请协调的《" + title + "》已函复，文号 " + doc_number',
                           '"Your coordination request \\"" + title + "\\" was answered: " + doc_number')
    fb = b.node("feedback", USER, "落实情况反馈", lane="applicant_unit", form="common.report",
                instructions="外办已函复（{{ doc_number }}）：{{ reply_text }}\n请反馈落实情况。")
    b.chain(last, fb)
    b.flow(fb, b.node("end_done", END, "办结", lane=FAO, terminate=True))
    model = ProcessModel(key, info.title_zh, lanes("applicant_unit", FAO, *[s[0] for s in SECTIONS],
                                                   "section_chief", "office_director"),
                         tuple(b.nodes), tuple(b.flows), documentation=info.description_zh)
    return model, _coordination_forms(key, info)


def _reply_loop(key: str):
    s = Builder(prefix="reply_")
    start = s.node("reply_start", START, "拟稿", lane=FAO)
    draft = s.node("draft_reply", USER, "拟写协调意见", lane=FAO, form=f"{key}.draft",
                   instructions="各科室意见：{{ opinions }}\n{% if sign_comment %}核稿意见："
                                "{{ sign_comment }}\n{% endif %}"
                                "请拟写对《{{ title }}》的协调意见（复函）。")
    chief = s.node("sign_off", USER, "科室负责人核稿", lane="section_chief", form=f"{key}.sign_off",
                   instructions="请核《{{ title }}》复函稿：{{ reply_text }}",
                   pre_script='sign_off = ""\nsign_comment = ""')
    gw = s.node("gw_signed", XOR, "核稿结论", lane="section_chief")
    back = s.node("end_redraft", END, "退回修改", lane="section_chief", terminate=True)
    director = s.node("director_sign", USER, "主任签发", lane="office_director", form=f"{key}.sign_off",
                      instructions="请签发《{{ title }}》复函：{{ reply_text }}",
                      pre_script='sign_off = ""\nsign_comment = ""')
    gw_dir = s.node("gw_director", XOR, "是否须主任签发", lane="section_chief")
    done = s.node("end_signed", END, "已签发", lane="section_chief", terminate=True)
    done_dir = s.node("end_director_signed", END, "已签发", lane="office_director", terminate=True)
    s.chain(start, draft, chief, gw)
    s.flow(gw, back, "退回修改", default=True)
    s.flow(gw, gw_dir, "同意", condition='sign_off == "approve"')
    s.flow(gw_dir, director, "须主任签发", condition="needs_director")
    s.flow(gw_dir, done, "科室签发", default=True)
    s.chain(director, done_dir)
    return s.build_sub(f"{key}_reply", "拟稿与签发", loop=StandardLoop(condition='sign_off == "revise"', maximum=10),
                       documentation="核稿或签发退回时重新拟稿（至多10轮）。")


def _coordination_forms(key: str, info) -> tuple[Form, ...]:
    fields = (
        choice("matter_kind", "协调事项类别", "Kind of matter",
               (("visit", "涉外来访", "Foreign visit"), ("cooperation", "对外合作项目", "Cooperation project"),
                ("personnel", "外籍人员管理", "Foreign staff"), ("conference", "国际会议", "International conference"),
                ("other", "其他", "Other")), widget="select"),
        text("foreign_party", "涉及外方", "Foreign party", max_length=200),
        textarea("matter", "需协调事项及背景", "What needs coordinating, and why"),
        textarea("requested_support", "请求外办支持的内容", "Support requested from the office"),
        textarea("units_involved", "涉及的其他部门", "Other departments involved", required=False),
        date("needed_by", "期望办结日期", "Needed by"),
        attachment("matter_attachment", "相关材料", "Documents", required=False),
    )
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("协调事项", "Matter") + fields,
                  rules=(not_past("needed_by", "期望办结日期", "date the matter is needed by"),))
    route = Form(f"{key}.route", "登记分办", "Registration and routing", (
        boolean("within_remit", "属外办协调职责范围", "Within the office's remit"),
        Field("sections", {
            "type": "array", "title": "承办科室", "title_en": "Sections concerned", "uniqueItems": True,
            "maxItems": len(SECTIONS),
            "items": {"type": "string", "enum": [s[0] for s in SECTIONS], "enumNames": [s[1] for s in SECTIONS],
                      "enumNames_en": [s[2] for s in SECTIONS]}},
            {"ui:widget": "checkboxes", "ui:help": "不选则由综合科直接答复"}, False),
        boolean("needs_director", "须主任签发", "Reply to be signed by the director"),
        textarea("routing_note", "分办意见", "Routing note"),
    ))
    opinion = Form(f"{key}.opinion", "科室办理意见", "Section's opinion", (
        boolean("can_support", "可以支持", "Can support"),
        textarea("section_opinion", "办理意见", "Opinion"),
    ))
    draft = Form(f"{key}.draft", "拟写协调意见", "Draft the reply", (
        textarea("reply_text", "协调意见（复函正文）", "Reply"),
    ))
    sign = Form(f"{key}.sign_off", "核稿签发", "Sign-off", (
        choice("sign_off", "核稿意见", "Sign-off", SIGN, widget="radio"),
        textarea("sign_comment", "修改意见", "Comments", required=False),
    ), extra=dict(SIGN_RULE))
    return submit, route, opinion, draft, sign


MODELS = (foreign_activity_plan, foreign_incident_response, unit_foreign_affairs_coordination,
          overseas_institution_registration)
