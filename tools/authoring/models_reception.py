"""Receiving visitors: responsibilities 2, 3, 10, 14 and 18, each driven by the visit itself.

A reception starts from the notice or request of the visit; the office fixes a reception plan
(接待方案) with its protocol level, the municipal leader's meeting is arranged when the plan
asks for it, protocol, security, press and interpretation are prepared side by side, a timer
waits for the arrival date, the visit is run and summed up.
"""
from __future__ import annotations

from processes.catalogue import by_key

from .common_forms import base_fields
from .dsl import START, XOR, Builder
from .forms import (
    Form,
    attachment,
    boolean,
    choice,
    choice_text,
    date,
    members,
    not_before,
    person,
    phone,
    text,
    textarea,
)
from .forms_visit import (
    PROTOCOL_LEVELS,
    coverage_form,
    examine_form,
    guest_fields,
    guest_rules,
    meeting_form,
    plan_form,
    plan_review_form,
    visit_record_form,
)
from .patterns import INIT
from .patterns_visit import (
    Check,
    Redo,
    deadline,
    finish,
    letter,
    make_model,
    optional,
    parallel,
    refuse,
    review_sub,
    script,
    task,
    wait_message,
    wait_until,
)

PROTOCOL, SC, PC, CLERK = "protocol_section", "sister_city_section", "press_culture_section", "fao_clerk"
CHIEF, DIRECTOR, LEADER, UNIT = "section_chief", "office_director", "municipal_leader", "applicant_unit"
SECURITY_LEVELS = (("first", "一级", "First"), ("second", "二级", "Second"), ("third", "三级", "Third"))
NEEDS_LEADER = 'leader_meeting or protocol_level == "ministerial"'


def _info(key: str):
    info = by_key(key)
    assert info is not None, key
    return info


def _start(b: Builder, key: str, lane: str, name: str, extra_init: str = "") -> str:
    s = b.node("submit", START, name, lane=lane, form=f"{key}.submit")
    return script(b, s, "register", "登记", lane, INIT + ("\n" + extra_init if extra_init else ""))


def _refused(b: Builder, gw: str, lane: str, subject_zh: str, subject_en: str, id: str = "rejected") -> None:
    refuse(b, gw, id, lane, f'"您提交的{subject_zh}《" + title + "》未获批准。理由：" + comment',
           f'"Your {subject_en} \\"" + title + "\\" was not approved. Reason: " + comment')


def _gate(b: Builder, last: str, id: str, name: str, lane: str) -> str:
    gw = b.node(id, XOR, name, lane=lane)
    b.flow(last, gw)
    return gw


def _arrive_and_receive(b: Builder, last: str, key: str, host: str) -> str:
    last = wait_until(b, last, "wait_arrival", "来访抵达", host, "days_before(arrival_date, 0)")
    return task(b, last, "receive", "接待实施", host, f"{key}.visit_record",
                "{{ guest_name }}已于{{ arrival_date }}抵达。请按审定的接待方案组织接待，并记录活动情况。")


def _leader_meeting(b: Builder, last: str, key: str, host: str) -> str:
    return optional(b, last, "leader_meeting", "是否安排市领导会见", host, "leader_meeting",
                    ("meeting_arrangement", "市领导会见安排", LEADER, f"{key}.meeting",
                     "接待方案建议由{{ meeting_leader or requested_leader }}会见{{ guest_name }}"
                     "（{{ arrival_date }}至{{ departure_date }}），请确定会见时间、地点和我方出席人员。"),
                    yes_label="安排会见", no_label="不安排")


# --- 2: Party and state guests ----------------------------------------------------------------

def state_guest_reception():
    key = "state_guest_reception"
    info = _info(key)
    b = Builder()
    last = _start(b, key, PROTOCOL, "登记上级接待通知", 'priority = "top"\nplan_decision = ""\nplan_comment = ""')
    review = b.add(review_sub(
        f"{key}_plan_review", "拟订与审定接待方案",
        (Check("director_review", "主任审核接待方案", DIRECTOR, f"{key}.plan_review",
               "请审核《{{ title }}》接待方案（{{ guest_name }}，{{ arrival_date }}抵达）。", sla_days=1),
         Check("leader_review", "市领导审定接待方案", LEADER, f"{key}.plan_review",
               "外办已审核《{{ title }}》接待方案，呈请市领导审定。")),
        draft=Check("draft_plan", "拟订接待方案", PROTOCOL, f"{key}.plan",
                    "根据{{ notice_from }}通知（{{ notice_number }}），拟订{{ guest_name }}来衡接待方案。"
                    "{% if plan_comment %}\n审定意见：{{ plan_comment }}{% endif %}"),
        var="plan_decision", comment="plan_comment"))
    b.flow(last, review)
    last = task(b, review, "leader_arrangements", "市领导迎送陪同安排", LEADER, f"{key}.meeting",
                "接待方案已审定。请确定出面迎送、会见和陪同的市领导及时间地点。")
    join = parallel(b, last, "prep", PROTOCOL, (
        ("protocol_arrangements", "礼宾安排", PROTOCOL, "common.preparation",
         "落实迎送、会见、宴请、礼宾次序、礼品和住地布置。"),
        ("security_liaison", "警卫安保协调", CLERK, "common.preparation",
         "按" + choice_text("security_level", SECURITY_LEVELS) + "警卫要求会同公安机关落实警卫、交通管制和现场安保。"),
        ("logistics", "车辆住宿与后勤保障", CLERK, "common.preparation", "落实车辆、住宿、餐饮、通讯和医疗保障。"),
        ("press_coverage", "新闻报道安排", PC, "common.preparation", "按上级口径安排随行记者、新闻报道和宣传管理。"),
    ))
    deadline(b, "protocol_arrangements", "days_before(arrival_date, 2)", "礼宾筹备时限",
             "距{{ guest_name }}抵达已不足2天，礼宾安排仍未落实，请督办。")
    last = _arrive_and_receive(b, join, key, PROTOCOL)
    last = task(b, last, "report", "接待总结上报", PROTOCOL, "common.report",
                "请形成《{{ title }}》接待总结，报市领导并报{{ notice_from }}。")
    finish(b, last, PROTOCOL)
    notice = Form(f"{key}.submit", info.title_zh, info.title_en, (
        text("title", "接待事项", "Reception", max_length=120, help="将显示在待办列表中", case_title=True),
        text("notice_from", "通知单位", "Notice from", max_length=100, help="如 省委接待办、省外办"),
        text("notice_number", "通知文号或电话记录号", "Reference of the notice", max_length=60),
        choice("guest_category", "来宾类别", "Kind of guest",
               (("party_state", "党和国家领导人", "Party and state leader"),
                ("foreign_state", "外国国家元首、政府首脑", "Foreign head of state or government"),
                ("central", "中央部委主要负责同志", "Head of a central ministry")), widget="radio"),
    ) + guest_fields("来宾", "Guest", foreign=False, leader=False) + (
        textarea("entourage", "主要随行人员", "Main entourage", required=False),
        choice("security_level", "警卫级别", "Security level", SECURITY_LEVELS, widget="radio"),
        person("liaison_person", "上级联络人", "Liaison of the higher authority"),
        phone("liaison_phone", "联络电话", "Liaison phone"),
        attachment("notice_attachment", "接待通知", "Notice", required=False),
    ), rules=guest_rules(foreign=False))
    forms = (notice, plan_form(key), plan_review_form(key, "审定接待方案", "Decision on the reception plan"),
             meeting_form(key), visit_record_form(key))
    return make_model(key, info.title_zh, b, PROTOCOL, info.description_zh), forms


# --- 3, 10, 18: visits asked for by a unit ------------------------------------------------------

def foreign_delegation_reception():
    key = "foreign_delegation_reception"
    info = _info(key)
    b = Builder()
    last = _start(b, key, UNIT, "报送来访接待请示")
    check = b.add(review_sub(f"{key}_request_check", "受理审查", (
        Check("examine", "审查接待请示", PROTOCOL, f"{key}.examine",
              "请审查{{ unit_name }}报送的《{{ title }}》：来访单位、邀请主体和审批权限"
              "（业务编号 {{ business_key }}）。",
              sla_days=info.sla.examine_working_days),),
        redo=Redo("revise", "修改接待请示", UNIT, f"{key}.submit")))
    b.flow(last, check)
    gw = _gate(b, check, "gw_accepted", "是否受理", PROTOCOL)
    _refused(b, gw, PROTOCOL, "接待请示", "reception request", "not_accepted")
    plan = b.add(review_sub(f"{key}_plan_review", "接待方案审批", (
        Check("verify", "科室审核接待方案", CHIEF, "common.verify", "请审核《{{ title }}》接待方案。"),
        Check("approve", "主任审批接待方案", DIRECTOR, "common.approve", "请审批《{{ title }}》接待方案。",
              sla_days=info.sla.approve_working_days),
        Check("leader_approve", "市领导审定", LEADER, "common.leader_approve",
              "《{{ title }}》按" + choice_text("protocol_level", PROTOCOL_LEVELS) + "接待并请市领导会见，呈请审定。",
              when=NEEDS_LEADER)),
        draft=Check("draft_plan", "拟订接待方案", PROTOCOL, f"{key}.plan",
                    "请拟订{{ guest_name }}（{{ arrival_date }}至{{ departure_date }}）接待方案，确定接待规格。"
                    "{% if comment %}\n审批意见：{{ comment }}{% endif %}")))
    b.flow(gw, plan, "受理", condition='decision == "approve"')
    gw2 = _gate(b, plan, "gw_plan_approved", "方案是否批准", PROTOCOL)
    _refused(b, gw2, PROTOCOL, "接待请示", "reception request")
    last = letter(b, gw2, PROTOCOL, "接", "接待请示", "reception request",
                  '"经研究，同意按审定方案接待" + guest_name + "来衡访问。请做好有关准备，接待结束后报送总结。"')
    last = _leader_meeting(b, last, key, PROTOCOL)
    join = parallel(b, last, "prep", PROTOCOL, (
        ("protocol_arrangements", "礼宾安排", PROTOCOL, "common.preparation",
         "落实迎送、会见会谈、宴请、礼宾次序和礼品。"),
        ("security_liaison", "安保与交通", CLERK, "common.preparation", "会同公安机关落实住地和活动现场安保、交通。"),
        ("press_coverage", "新闻报道", PC, "common.preparation", "确定报道口径，安排记者和新闻发布。"),
        ("interpretation", "翻译安排", CLERK, "common.preparation",
         "按方案安排{{ interpretation or '翻译' }}，提前熟悉会见会谈材料。"),
    ))
    deadline(b, "protocol_arrangements", "days_before(arrival_date, 3)", "礼宾筹备时限",
             "距来访抵达已不足3天，礼宾安排仍未落实，请督办。")
    last = _arrive_and_receive(b, join, key, PROTOCOL)
    last = task(b, last, "report", "接待总结", UNIT, "common.report", "请提交《{{ title }}》接待总结。")
    finish(b, last, PROTOCOL)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("接待事项", "Reception") + (
        choice("guest_type", "来访类别", "Type of visitor",
               (("delegation", "外国代表团", "Foreign delegation"), ("dignitary", "境外知名人士", "Overseas dignitary"),
                ("un_io", "联合国及国际组织", "UN / international organisation"),
                ("consular", "驻华使领馆", "Embassy / consulate")), widget="select"),
    ) + guest_fields() + (
        text("arranged_by", "上级安排单位及批件", "Arranged by (higher authority and reference)", max_length=200,
             help="如 外交部、省外办的安排通知及文号"),
        attachment("visit_attachment", "来访通知/邀请函", "Notice or invitation"),
    ), rules=guest_rules())
    examine = examine_form(key, "审查接待请示", "Examination of the reception request",
                           boolean("invitation_proper", "邀请主体与审批权限相符",
                                   "Invitation within the unit's authority"),
                           boolean("programme_reasonable", "日程与接待规格符合规定",
                                   "Programme and standards within rules"))
    forms = (submit, examine, plan_form(key), meeting_form(key), visit_record_form(key))
    return make_model(key, info.title_zh, b, UNIT, info.description_zh), forms


def sister_city_delegation_reception():
    key = "sister_city_delegation_reception"
    info = _info(key)
    b = Builder()
    last = _start(b, key, UNIT, "报送友城来访接待请示")
    check = b.add(review_sub(f"{key}_request_check", "审查审批", (
        Check("examine", "审查接待请示", SC, f"{key}.examine",
              "请审查{{ unit_name }}报送的《{{ title }}》：城市关系、来访时机和接待单位。",
              sla_days=info.sla.examine_working_days),
        Check("approve", "主任审批", DIRECTOR, "common.approve", "请审批《{{ title }}》。",
              sla_days=info.sla.approve_working_days)),
        redo=Redo("revise", "修改接待请示", UNIT, f"{key}.submit")))
    b.flow(last, check)
    gw = _gate(b, check, "gw_final", "是否批准", SC)
    _refused(b, gw, SC, "接待申请", "reception request")
    last = letter(b, gw, SC, "接", "接待申请", "reception request",
                  '"同意邀请" + guest_name + "来衡访问。请按友好城市交往惯例做好接待准备。"')
    last = task(b, last, "send_invitation", "发出邀请函", SC, "common.handling",
                "以市人民政府名义向{{ guest_name }}发出正式邀请函，请对方确认行程和名单。")
    last = wait_message(b, last, "wait_confirmation", "对方城市确认", SC, "foreign_city_confirmation")
    gw_ok = _gate(b, last, "gw_confirmed", "对方是否确认", SC)
    refuse(b, gw_ok, "cancelled", SC, '"《" + title + "》：对方城市未确认来访，接待取消。"',
           '"\\"" + title + "\\": the foreign city did not confirm; the visit is cancelled."',
           end_name="来访取消", label="未确认")
    last = task(b, None, "draft_plan", "拟订接待方案", SC, f"{key}.plan",
                "{{ guest_name }}已确认行程。请拟订接待方案（接待规格、日程、会见、参观和交流活动）。")
    b.flow(gw_ok, last, "已确认", condition='foreign_city_confirmation.get("confirmed", True)')
    last = _leader_meeting(b, last, key, SC)
    join = parallel(b, last, "prep", SC, (
        ("exchange_programme", "交流活动安排", SC, "common.preparation",
         "落实对口交流、参观考察和友城纪念活动，与接待单位逐项对接。"),
        ("protocol_support", "礼宾接待", PROTOCOL, "common.preparation", "落实迎送、会见、宴请和礼品。"),
        ("interpretation", "翻译安排", CLERK, "common.preparation",
         "安排{{ interpretation or '翻译' }}，准备双语材料。"),
    ))
    deadline(b, "exchange_programme", "days_before(arrival_date, 3)", "筹备时限",
             "距友城团组抵达已不足3天，交流活动安排仍未落实，请督办。")
    last = _arrive_and_receive(b, join, key, SC)
    last = task(b, last, "report", "接待总结", UNIT, "common.report", "请提交《{{ title }}》接待总结及后续合作事项。")
    finish(b, last, SC)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("接待事项", "Reception") + (
        choice("relationship", "与我市关系", "Relationship with Hengyang",
               (("sister_city", "友好城市", "Sister city"), ("friendly", "友好交流城市", "Friendly exchange city"),
                ("trade", "经贸合作城市", "Trade and economic partner")), widget="radio"),
    ) + guest_fields("来访城市团组", "Delegation of the foreign city") + (
        attachment("visit_attachment", "对方来函", "Letter from the foreign city", required=False),
    ), rules=guest_rules())
    examine = examine_form(key, "审查友城来访请示", "Examination of the request",
                           boolean("relationship_verified", "已核实城市关系", "Relationship verified"),
                           boolean("programme_reasonable", "日程与接待规格符合规定",
                                   "Programme and standards within rules"))
    forms = (submit, examine, plan_form(key), meeting_form(key), visit_record_form(key))
    return (make_model(key, info.title_zh, b, UNIT, info.description_zh, ("foreign_city_confirmation",)),
            forms)


def foreign_press_group_reception():
    key = "foreign_press_group_reception"
    info = _info(key)
    b = Builder()
    last = _start(b, key, UNIT, "报送团组来访接待请示")
    check = b.add(review_sub(f"{key}_request_check", "审查审批", (
        Check("examine", "审查团组背景与活动", PC, f"{key}.examine",
              "请审查《{{ title }}》：团组背景、采访或演出内容（业务编号 {{ business_key }}）。",
              sla_days=info.sla.examine_working_days),
        Check("approve", "主任审批", DIRECTOR, "common.approve", "请审批《{{ title }}》。",
              sla_days=info.sla.approve_working_days)),
        redo=Redo("revise", "修改接待请示", UNIT, f"{key}.submit")))
    b.flow(last, check)
    gw = _gate(b, check, "gw_final", "是否批准", PC)
    _refused(b, gw, PC, "接待申请", "reception request")
    last = letter(b, gw, PC, "接", "接待申请", "reception request",
                  '"同意接待" + guest_name + "来衡采访（交流）。请按审定的活动内容组织，并做好报道跟踪。"')
    last = task(b, last, "draft_plan", "拟订接待方案", PC, f"{key}.plan",
                "请拟订{{ guest_name }}接待方案：采访（演出）安排、接待规格、会见和新闻口径。")
    last = _leader_meeting(b, last, key, PC)
    join = parallel(b, last, "prep", PC, (
        ("press_programme", "采访与演出活动安排", PC, "common.preparation", "安排采访对象、演出场地和媒体对接。"),
        ("protocol_support", "礼宾接待配合", PROTOCOL, "common.preparation", "配合落实迎送、会见、宴请等礼宾事项。"),
        ("security_liaison", "安保协调", CLERK, "common.preparation", "会同公安、文旅部门落实活动现场安全。"),
        ("interpretation", "翻译安排", CLERK, "common.preparation", "安排{{ interpretation or '翻译' }}。"),
    ))
    deadline(b, "press_programme", "days_before(arrival_date, 3)", "活动安排时限",
             "团组抵达前3天活动安排仍未落实，请督办。")
    last = _arrive_and_receive(b, join, key, PC)
    last = wait_until(b, last, "wait_coverage", "报道跟踪期", PC, "working_days_after(departure_date, 10)")
    last = task(b, last, "follow_coverage", "跟踪报道情况", PC, f"{key}.coverage",
                "{{ guest_name }}离衡已10个工作日，请汇总其刊发、播出的报道及倾向。")
    last = optional(b, last, "negative", "报道是否负面", PC, 'coverage_tone == "negative"',
                    ("respond_coverage", "舆情应对", PC, "common.handling",
                     "报道出现负面倾向，请会同宣传部门研判并应对，报主任。"), yes_label="负面", no_label="正面或中性")
    last = task(b, last, "report", "接待总结", UNIT, "common.report", "请提交《{{ title }}》接待总结。")
    finish(b, last, PC)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("接待事项", "Reception") + (
        choice("group_type", "团组类别", "Type of group",
               (("press", "新闻团组", "Press"), ("culture", "文化艺术团组", "Culture and arts")), widget="radio"),
    ) + guest_fields("来访新闻文化团组", "Visiting press or cultural group") + (
        textarea("media_programme", "拟采访内容或演出节目", "Intended interviews or performances"),
        attachment("visit_attachment", "邀请函及团组介绍", "Invitation and profile of the group"),
    ), rules=guest_rules())
    examine = examine_form(key, "审查新闻文化团组来访", "Examination of the group's visit",
                           boolean("group_verified", "已核实团组背景", "Group background verified"),
                           boolean("programme_reasonable", "活动内容符合规定", "Programme within rules"))
    forms = (submit, examine, plan_form(key, levels=False), meeting_form(key), visit_record_form(key),
             coverage_form(key))
    return make_model(key, info.title_zh, b, UNIT, info.description_zh), forms


# --- 14: journalists from abroad, Hong Kong and Macao ---------------------------------------------

def foreign_journalist_management():
    key = "foreign_journalist_management"
    info = _info(key)
    b = Builder()
    last = _start(b, key, UNIT, "登记境外记者采访")
    check = b.add(review_sub(f"{key}_registration_check", "采访登记审核", (
        Check("examine", "审核采访登记", PC, f"{key}.examine",
              "请核验{{ media_outlet }}记者证件（{{ press_card_no }}）和采访内容（业务编号 {{ business_key }}）。",
              sla_days=info.sla.examine_working_days),),
        redo=Redo("revise", "补正采访登记", UNIT, f"{key}.submit")))
    b.flow(last, check)
    gw = _gate(b, check, "gw_registered", "是否同意接待采访", PC)
    _refused(b, gw, PC, "采访申请", "interview request")
    consent = task(b, None, "interviewee_consent", "征得采访对象同意", UNIT, f"{key}.consent",
                   "请逐一征求采访对象（{{ interviewees }}）意见；外国记者采访须经被采访单位和个人同意。")
    b.flow(gw, consent, "证件有效", condition='decision == "approve"')
    gw2 = _gate(b, consent, "gw_consent", "采访对象是否同意", PC)
    refuse(b, gw2, "no_consent", PC, '"您申报的《" + title + "》因采访对象不同意，未予安排。"',
           '"\\"" + title + "\\": the interviewees declined; no interview is arranged."',
           end_name="采访对象不同意", label="不同意")
    last = letter(b, gw2, PC, "新", "采访申请", "interview request",
                  '"同意接待" + media_outlet + "记者来衡采访。请按登记的内容和对象安排，并做好陪同。"',
                  label="同意", condition="interviewees_agree")
    last = task(b, last, "arrange_interviews", "安排采访与陪同", PC, "common.preparation",
                "安排{{ media_outlet }}记者的采访对象、线路与陪同人员。")
    deadline(b, "arrange_interviews", "days_before(interview_start, 1)", "采访安排时限",
             "记者采访前一天采访安排仍未落实，请督办。")
    last = wait_until(b, last, "wait_interview", "采访开始", PC, "days_before(interview_start, 0)")
    last = task(b, last, "accompany", "采访陪同", PC, f"{key}.accompany",
                "{{ interview_start }}至{{ interview_end }}陪同采访，记录采访对象、提问要点和敏感问题。")
    last = wait_until(b, last, "wait_coverage", "报道跟踪期", PC, "working_days_after(interview_end, 10)")
    last = task(b, last, "follow_coverage", "跟踪报道情况", PC, f"{key}.coverage",
                "采访结束已10个工作日，请汇总{{ media_outlet }}刊发的报道及倾向。")
    last = optional(b, last, "negative", "报道是否负面", PC, 'coverage_tone == "negative"',
                    ("respond_coverage", "舆情应对", PC, "common.handling",
                     "报道出现负面倾向，请研判、澄清并报主任和宣传部门。"), yes_label="负面", no_label="正面或中性")
    last = task(b, last, "interview_report", "采访情况报告", PC, "common.report", "请报告采访及报道情况。")
    finish(b, last, PC)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("采访事项", "Interview") + (
        text("media_outlet", "新闻机构", "Media outlet", max_length=100),
        choice("journalist_origin", "记者来源", "Journalists from",
               (("hk", "香港", "Hong Kong"), ("macao", "澳门", "Macao"), ("foreign", "外国", "Foreign country")),
               widget="radio"),
        members("journalists", "记者名单", "Journalists", foreign=True, max_items=20),
        text("press_card_no", "记者证号", "Press card number", max_length=40,
             help="外交部或国务院港澳办核发的记者证号码"),
        date("interview_start", "采访开始日期", "Interviews from"),
        date("interview_end", "采访结束日期", "Interviews until"),
        textarea("topics", "采访内容", "Topics"),
        textarea("interviewees", "采访对象", "Interviewees", help="单位及人员，每行一个"),
        attachment("interview_request", "采访申请函", "Interview request"),
    ), rules=(not_before("interview_start", "interview_end", "采访开始日期", "采访结束日期", "first day of the "
                         "interviews", "last day of the interviews"),))
    examine = examine_form(key, "审核境外记者采访登记", "Check of the interview registration",
                           boolean("credentials_valid", "记者证件有效", "Press credentials valid"),
                           boolean("topics_acceptable", "采访内容与对象适当", "Topics and interviewees acceptable"))
    consent_form = Form(f"{key}.consent", "采访对象意见", "Consent of the interviewees", (
        boolean("interviewees_agree", "采访对象同意接受采访", "The interviewees agree"),
        textarea("consent_note", "意见说明", "Note", required=False),
    ))
    accompany = Form(f"{key}.accompany", "采访陪同记录", "Record of the accompanied interviews", (
        text("accompanied_by", "陪同人员", "Accompanied by", max_length=100),
        textarea("interviews_done", "已完成的采访", "Interviews done"),
        boolean("sensitive_issues", "涉及敏感问题", "Sensitive questions raised", required=False),
        textarea("sensitive_note", "敏感问题及应答", "Sensitive questions and answers", required=False),
    ))
    forms = (submit, examine, consent_form, accompany, coverage_form(key))
    return make_model(key, info.title_zh, b, UNIT, info.description_zh), forms


MODELS = (state_guest_reception, foreign_delegation_reception, sister_city_delegation_reception,
          foreign_journalist_management, foreign_press_group_reception)
