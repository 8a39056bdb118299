"""The shape of an official trip abroad (因公出国（境）), shared by responsibilities 6, 7, 8 and 17.

1. The applicant unit submits the trip (group, task, invitation, itinerary, members, funds).
2. 政审: the unit records the political review of each member (one task per member); a member
   who fails ends the application.
3. 公示: the unit posts the trip within the unit; the case waits 5 working days
   (``working_days_after(publicity_start, 5)``), then the unit reports objections; an upheld
   objection ends the application.
4. The office examines and approves (the common review loop; ``approval_authority.dmn`` says
   whether the municipal leader approves too), then the numbered 任务批件 is issued.
5. Optionally the provincial office's answer (message ``provincial_approval``).
6. Passports / permits and visas per member (call activity ``passport_visa_handling``), the
   embassy's answer (message ``visa_result``) unless it is Hong Kong / Macao.
7. After the return date: the unit hands the passports back into custody within 7 working days
   (collected per member, visas inspected and cancelled) and reports on the trip within 15
   working days; the examining section reviews and files the report.
"""
from __future__ import annotations

from typing import Any

from processes.catalogue import by_key

from .common_forms import base_fields
from .dsl import (
    AND,
    CALL,
    END,
    MSG_CATCH,
    SCRIPT,
    START,
    TIMER_CATCH,
    USER,
    XOR,
    Builder,
    MultiInstance,
    ProcessModel,
    Timer,
)
from .forms import (
    DESTINATIONS,
    ID_NUMBER_PATTERN,
    PASSPORT_PATTERN,
    RANKS,
    Field,
    Form,
    attachment,
    boolean,
    choice,
    date,
    days_within,
    decision_form,
    integer,
    not_before,
    rule,
    text,
    textarea,
)
from .patterns import INIT, Review, deadline, lanes, notify, review_loop, script
from .patterns_fao import numbered_letter, refused

PV = "passport_visa_section"
UNIT = "applicant_unit"
PUBLICITY_DAYS = 5
HAND_BACK_DAYS = 7
REPORT_DAYS = 15

PREFILL_VETTING = ('political_review = [{"name": m["name"], "id_number": m["id_number"], "position": m["position"]} '
                   'for m in members]')
VETTING = '\n'.join([
    'vetted = [r["id_number"] for r in political_review if r.get("conclusion") == "passed"]',
    'vetting_failed = [m["name"] for m in members if m["id_number"] not in vetted]',
])


def trip_members() -> Field:
    """Members of the group: name, gender, position, ID card, passport, rank, political review."""
    props: dict[str, Any] = {
        "name": {"type": "string", "title": "姓名", "title_en": "Name", "minLength": 1, "maxLength": 50},
        "gender": {"type": "string", "title": "性别", "title_en": "Gender", "enum": ["male", "female"],
                   "enumNames": ["男", "女"], "enumNames_en": ["Male", "Female"]},
        "position": {"type": "string", "title": "工作单位及职务", "title_en": "Unit and position", "minLength": 1,
                     "maxLength": 100},
        "id_number": {"type": "string", "title": "身份证号", "title_en": "ID card number",
                      "pattern": ID_NUMBER_PATTERN, "minLength": 18, "maxLength": 18},
        "passport_no": {"type": "string", "title": "因公护照号码", "title_en": "Official passport number",
                        "pattern": PASSPORT_PATTERN,
                        "description": "在外办保管的因公护照号码；尚未办理的留空",
                        "description_en": "Passport in the office's custody; leave empty if none"},
        "rank": {"type": "string", "title": "级别", "title_en": "Rank", "enum": [r[0] for r in RANKS],
                 "enumNames": [r[1] for r in RANKS], "enumNames_en": [r[2] for r in RANKS]},
        "political_review_done": {"type": "boolean", "title": "已按干部管理权限报送政审",
                                  "title_en": "Political review requested from the competent department"},
    }
    schema = {"type": "array", "title": "团组成员", "title_en": "Members of the group", "minItems": 1, "maxItems": 50,
              "items": {"type": "object", "properties": props,
                        "required": ["name", "gender", "position", "id_number", "rank", "political_review_done"]}}
    ui = {"ui:help": "每人一行", "ui:help_en": "One row per person",
          "items": {"ui:order": list(props), "gender": {"ui:widget": "radio"},
                    "political_review_done": {"ui:widget": "radio"}}}
    return Field("members", schema, ui, True)


def itinerary() -> Field:
    props = {
        "place": {"type": "string", "title": "国家（地区）及城市", "title_en": "Country / region and city",
                  "minLength": 1, "maxLength": 100},
        "arrive_on": {"type": "string", "format": "date", "title": "抵达日期", "title_en": "Arrival"},
        "leave_on": {"type": "string", "format": "date", "title": "离开日期", "title_en": "Departure"},
        "activity": {"type": "string", "title": "主要活动", "title_en": "Main activities", "minLength": 1,
                     "maxLength": 300},
    }
    schema = {"type": "array", "title": "行程安排", "title_en": "Itinerary", "minItems": 1, "maxItems": 20,
              "items": {"type": "object", "properties": props, "required": list(props)}}
    return Field("itinerary", schema, {"ui:help": "每站一行", "ui:help_en": "One row per stop",
                                       "items": {"ui:order": list(props)}}, True)


TRIP_RULES = (
    not_before("departure_date", "return_date", "出发日期", "回国（境）日期", "departure date", "return date"),
    days_within("trip_days", "departure_date", "return_date", "在外天数超过了出发至回国（境）的天数（含首尾两天）",
                "The days abroad are more than the days from departure to return (both counted)"),
    rule("all(stop['arrive_on'] <= stop['leave_on'] for stop in itinerary)", "itinerary",
         "行程中有一站的离开日期早于抵达日期", "A stop of the itinerary is left before it is reached"),
    rule("all(departure_date <= stop['arrive_on'] and stop['leave_on'] <= return_date for stop in itinerary)",
         "itinerary", "行程各站的日期须在出发日期与回国（境）日期之间",
         "Every stop of the itinerary must lie between the departure and the return date"),
)
"""The trip application's checks across fields (CONTRACT 8, ``x-rules``)."""


def trip_fields() -> tuple[Field, ...]:
    return (
        textarea("mission", "出访任务与必要性", "Task and necessity of the trip"),
        choice("destination_type", "目的地类型", "Destination type", DESTINATIONS, widget="radio"),
        text("destinations", "出访国家（地区）", "Countries / regions visited", max_length=200),
        itinerary(),
        text("inviter", "邀请单位", "Inviting organisation", max_length=200),
        attachment("invitation_letter", "邀请函", "Invitation letter", help="上传邀请函原件及中文译文"),
        date("departure_date", "出发日期", "Departure date"),
        date("return_date", "回国（境）日期", "Return date"),
        integer("trip_days", "在外天数（含路途）", "Days abroad (incl. travel)", minimum=1, maximum=60),
        trip_members(),
        text("funding_source", "经费来源", "Source of funding", max_length=100),
        integer("budget_yuan", "经费预算（元）", "Budget (yuan)", minimum=0),
        attachment("schedule_attachment", "日程安排表", "Detailed schedule", required=False),
    )


POLITICAL_REVIEW = Form("abroad.political_review", "成员政审", "Political review of the members", (
    Field("political_review", {
        "type": "array", "title": "逐人政审结论", "title_en": "Political review of each member", "minItems": 1,
        "maxItems": 50, "items": {"type": "object", "required": ["name", "id_number", "conclusion", "authority", "on"],
                                  "properties": {
            "name": {"type": "string", "title": "姓名", "title_en": "Name", "minLength": 1, "maxLength": 50},
            "id_number": {"type": "string", "title": "身份证号", "title_en": "ID card number",
                          "pattern": ID_NUMBER_PATTERN, "minLength": 18, "maxLength": 18},
            "position": {"type": "string", "title": "职务", "title_en": "Position", "maxLength": 100},
            "conclusion": {"type": "string", "title": "政审结论", "title_en": "Conclusion",
                           "enum": ["passed", "failed"],
                           "enumNames": ["同意出国（境）", "不同意出国（境）"],
                           "enumNames_en": ["May travel", "May not travel"]},
            "authority": {"type": "string", "title": "政审单位", "title_en": "Reviewing department", "minLength": 1,
                          "maxLength": 100},
            "on": {"type": "string", "format": "date", "title": "政审日期", "title_en": "Date of the review"}}}},
        {"ui:help": "每名成员一行，已按申报名单列出",
         "ui:help_en": "One row per member, listed from the application",
         "items": {"ui:order": ["name", "id_number", "position", "conclusion", "authority", "on"],
                   "conclusion": {"ui:widget": "radio"}}}, True),
    attachment("review_document", "政审意见表", "Political review forms", required=False),
), description="按干部管理权限，由组织人事部门对每名成员出具政审意见；名单外人员不得出访。")
PUBLICITY = Form("abroad.publicity", "出国（境）前公示", "Pre-departure publicity", (
    date("publicity_start", "公示开始日期", "Publicity starts on"),
    text("publicity_place", "公示方式及地点", "Where it is posted", max_length=200, help="如单位公示栏、内网"),
    textarea("publicity_content", "公示内容", "What is published",
             help="团组名称、出访任务、国家（地区）、天数、人员姓名及职务、经费来源"),
), description=f"公示期不少于{PUBLICITY_DAYS}个工作日。")
PUBLICITY_RESULT = Form("abroad.publicity_result", "公示结果", "Outcome of the publicity", (
    choice("publicity_objection", "公示结果", "Outcome",
           (("none", "无异议", "No objection"), ("resolved", "有异议，已核实澄清", "Objection cleared"),
            ("upheld", "有异议，经核实不宜出访", "Objection upheld")), widget="radio"),
    textarea("publicity_note", "情况说明", "Note", required=False),
))
HAND_BACK = Form("abroad.hand_back", "交回证照", "Hand back passports", (
    date("actual_return_date", "实际回国（境）日期", "Actual return date"),
    boolean("passports_returned", "已将全部因公证照交回外办保管", "All passports / permits handed back"),
    textarea("hand_back_note", "说明", "Note", required=False),
), description=f"回国（境）后{HAND_BACK_DAYS}个工作日内交回。")
FILE_REPORT = Form("abroad.file_report", "出访报告审阅归档", "Review and file the trip report", (
    boolean("report_complete", "出访报告内容完整，按批准的任务执行", "Report complete; the approved task was kept to"),
    textarea("filing_note", "审阅意见", "Remarks", required=False),
))

ABROAD_FORMS = (POLITICAL_REVIEW, PUBLICITY, PUBLICITY_RESULT, HAND_BACK, FILE_REPORT)


def _checks(extra: tuple[Field, ...]) -> tuple[Field, ...]:
    return (
        boolean("materials_complete", "申报材料齐全（邀请函、日程、政审、公示）", "Application complete"),
        boolean("within_limits", "团组人数、在外天数、国家数符合规定", "Within limits on size, days and countries"),
        boolean("members_eligible", "成员出国（境）次数及身份符合规定", "Members eligible (trips per year, status)"),
    ) + extra


def _vetting_and_publicity(b: Builder, last: str, examiner: str) -> str:
    vet = b.node("political_review", USER, "成员政审", lane=UNIT, form="abroad.political_review",
                 instructions="请按干部管理权限对《{{ title }}》的每名成员（"
                              "{{ members|map(attribute='name')|join('、') }}）"
                              "进行出国（境）政审，逐人填报政审结论。",
                 pre_script=PREFILL_VETTING, post_script=VETTING)
    gw = b.node("gw_vetting", XOR, "政审是否通过", lane=UNIT)
    post = b.node("publicity_post", USER, "出国（境）前公示", lane=UNIT, form="abroad.publicity",
                  instructions=f"政审已通过。请在本单位公示《{{{{ title }}}}》团组信息，"
                               f"公示期{PUBLICITY_DAYS}个工作日。",
                  post_script=f"publicity_ends = working_days_after(publicity_start, {PUBLICITY_DAYS})")
    period = b.node("publicity_period", TIMER_CATCH, f"公示期（{PUBLICITY_DAYS}个工作日）", lane=UNIT,
                    timer=Timer("timeDate", "publicity_ends"))
    result = b.node("publicity_result", USER, "报告公示结果", lane=UNIT, form="abroad.publicity_result",
                    instructions="公示期已于{{ publicity_ends[:10] }}届满，请报告公示结果。")
    gw_pub = b.node("gw_publicity", XOR, "公示是否有异议", lane=UNIT)
    b.chain(last, vet, gw)
    b.flow(gw, post, "全部通过", condition="not vetting_failed")
    refused(b, gw, "vetting_failed", UNIT, "有成员未通过",
            '"《" + title + "》成员政审未通过（" + "、".join(vetting_failed) + "），出访申请终止。"',
            '"Political review failed for members of \\"" + title + "\\"; the application ends."', "政审未通过")
    b.chain(post, period, result, gw_pub)
    refused(b, gw_pub, "publicity_upheld", UNIT, "异议成立",
            '"《" + title + "》公示期间异议经核实成立，出访申请终止。"',
            '"An objection raised during the publicity of \\"" + title + "\\" was upheld; the application ends."',
            "公示异议成立")
    return gw_pub


def _documents_and_return(b: Builder, last: str, examiner: str) -> str:
    set_issue = script(b, "stage_issue", "进入办证阶段", PV, 'stage = "issue"')
    issue = b.node("handle_documents", CALL, "逐人办理证照签证", lane=PV, called_element="passport_visa_handling",
                   multi=MultiInstance("members", "member", output_ref="documents_lent",
                                       output_item="lent_document"))
    gw = b.node("gw_needs_visa", XOR, "是否需要签证", lane=PV)
    wait = b.node("wait_visa_result", MSG_CATCH, "使馆签证结果", lane=PV, message="visa_result",
                  message_var="visa_result")
    hand = b.node("hand_over", USER, "登记签证结果并交付证照", lane=PV, form="pv.handover",
                  instructions="使馆结果：{{ visa_result }}。请登记并向团组交付证照，进行行前外事纪律教育。")
    merge = b.node("gw_needs_visa_merge", XOR, "", lane=PV)
    back = b.node("wait_return", TIMER_CATCH, "回国（境）", lane=PV,
                  timer=Timer("timeDate", "working_days_after(return_date, 1)"))
    split = b.node("after_return_split", AND, "回国后", lane=UNIT)
    hand_back = b.node("hand_back", USER, "交回证照", lane=UNIT, form="abroad.hand_back",
                       instructions=f"团组已于{{{{ return_date }}}}回国（境）。请于{HAND_BACK_DAYS}个工作日内将全部因公"
                                    "证照交回外办保管。")
    deadline(b, hand_back, f"working_days_after(return_date, {HAND_BACK_DAYS})", "交回证照时限",
             text=f"《{{{{ title }}}}》团组回国已满{HAND_BACK_DAYS}个工作日，证照尚未交回，请督办。")
    set_ret = script(b, "stage_return", "进入收证阶段", PV, 'stage = "return"')
    collect = b.node("collect_documents", CALL, "逐人收缴保管证照、注销签证", lane=PV,
                     called_element="passport_visa_handling", multi=MultiInstance("documents_lent", "returning_member"))
    report = b.node("return_report", USER, "回国报告", lane=UNIT, form="abroad.return_report",
                    instructions=f"请于回国后{REPORT_DAYS}个工作日内报送《{{{{ title }}}}》出访报告（任务完成情况、成果"
                                 "、经费使用）。")
    deadline(b, report, f"working_days_after(return_date, {REPORT_DAYS})", "回国报告时限",
             text=f"《{{{{ title }}}}》团组回国已满{REPORT_DAYS}个工作日，出访报告尚未报送，请督办。")
    join = b.node("after_return_join", AND, "证照交回、报告已报", lane=examiner)
    file = b.node("file_report", USER, "出访报告审阅归档", lane=examiner, form="abroad.file_report",
                  instructions="证照已全部收回保管。请审阅《{{ title }}》出访报告并归档。")
    b.chain(last, set_issue, issue, gw)
    b.flow(gw, merge, "港澳通行证", condition='destination_type == "hk_macao"')
    b.flow(gw, wait, "需使馆签证", default=True)
    b.chain(wait, hand, merge)
    b.chain(merge, back, split)
    b.chain(split, hand_back, set_ret, collect, join)
    b.chain(split, report, join)
    b.flow(join, file)
    return file


def trip(key: str, examiner: str, category: str, *, submit_extra: tuple[Field, ...] = (),
         checks: tuple[Field, ...] = (), provincial: bool = False, leader: str = "dmn"
         ) -> tuple[ProcessModel, tuple[Form, ...]]:
    """The whole trip process for ``key`` (see the module docstring)."""
    info = by_key(key)
    assert info is not None, key
    r = Review(key, examiner=examiner, category=category, leader=leader,
               examine_days=info.sla.examine_working_days, approve_days=info.sla.approve_working_days,
               subject_zh="出访申请", subject_en="trip application")
    b = Builder()
    start = b.node("submit", START, "提交出访申请", lane=UNIT, form=f"{key}.submit")
    init = b.node("register", SCRIPT, "受理登记", lane=examiner, script=INIT)
    b.flow(start, init)
    last = _vetting_and_publicity(b, init, examiner)
    loop = b.add(review_loop(r))
    b.flow(last, loop, "无异议或已澄清", condition='publicity_objection != "upheld"')
    gw = b.node("gw_final", XOR, "是否批准", lane=examiner)
    b.flow(loop, gw)
    rej = b.add(notify("notify_rejected", "通知不予批准", examiner,
                       '"您提交的出访申请《" + title + "》未获批准。理由：" + comment',
                       '"Your trip application \\"" + title + "\\" was not approved. Reason: " + comment'))
    b.flow(gw, rej, "不予批准", default=True)
    b.flow(rej, b.node("end_rejected", END, "不予批准", lane=examiner))
    ok = b.node("approved", SCRIPT, "出具任务批件", lane=examiner, script='task_approved_on = today()')
    b.flow(gw, ok, "批准", condition='decision == "approve"')
    last = numbered_letter(
        b, ok, examiner, category,
        '"经审查，同意" + unit_name + "《" + title + "》，赴" + destinations + "，在外" + str(trip_days) + "天。'
        f'请严格按批准的国家、人数和天数执行，回国后{HAND_BACK_DAYS}个工作日内交回证照，{REPORT_DAYS}个工作日内报送出访报告。"',
        '"您提交的出访申请《" + title + "》已批准，文号 " + doc_number',
        '"Your trip application \\"" + title + "\\" was approved: " + doc_number')
    messages: tuple[str, ...] = ("visa_result",)
    if provincial:
        wait = b.node("wait_provincial", MSG_CATCH, "省外办批复", lane=examiner, message="provincial_approval",
                      message_var="provincial_approval")
        gw_p = b.node("gw_provincial", XOR, "省外办是否同意", lane=examiner)
        b.chain(last, wait, gw_p)
        refused(b, gw_p, "provincial_refused", examiner, "省外办不同意",
                '"《" + title + "》未获省外办批准，出访取消。"',
                '"The provincial office did not approve \\"" + title + "\\"; the trip is cancelled."', "省外办未批准")
        proceed = script(b, "provincial_ok", "登记省外办批件", examiner,
                         'provincial_reference = provincial_approval.get("reference", "")')
        b.flow(gw_p, proceed, "同意", condition='provincial_approval.get("approved", False)')
        last = proceed
        messages = ("provincial_approval",) + messages
    end_of = _documents_and_return(b, last, examiner)
    b.flow(end_of, b.node("end_done", END, "出访办结", lane=examiner, terminate=True))
    order = tuple(dict.fromkeys((UNIT, examiner, PV, "section_chief", "office_director", "municipal_leader")))
    model = ProcessModel(key, info.title_zh, lanes(*order), tuple(b.nodes), tuple(b.flows),
                         documentation=info.description_zh, messages=messages)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en,
                  base_fields("团组名称", "Name of the group") + tuple(submit_extra) + trip_fields(),
                  rules=TRIP_RULES)
    examine = decision_form(f"{key}.examine", "出访申请审查", "Examination of the trip application", *_checks(checks))
    return model, (submit, examine)
