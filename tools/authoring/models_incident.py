"""4: foreign-related incidents and disputes: a report and an urgent response measured in hours.

No application and no approval: a unit (or the duty clerk, from a phone call) reports; the duty
clerk acknowledges and makes a first assessment within 2 hours (escalated to the section chief
otherwise); at once the director is informed and gives instructions, and the municipal leader
too when the incident is major or the clerk says so (1 hour each, escalated); the sections
concerned handle their share in parallel while the clerk sends progress reports until the
incident is resolved (a standard loop); then the clerk drafts the closure report, the
director signs it, it gets a 衡外报 number and the reporting unit is told.
"""
from __future__ import annotations

from processes.catalogue import by_key

from .common_forms import base_fields
from .dsl import (
    AND,
    BOUNDARY,
    END,
    SCRIPT,
    SERVICE,
    START,
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
    integer,
    text,
    textarea,
)
from .patterns import lanes, notify
from .patterns_fao import Branch, fan_out

KEY = "foreign_incident_response"
FAO = "fao_clerk"
ACK_HOURS = 2
INFORM_HOURS = 1
LEVELS = (("general", "一般", "General"), ("serious", "较大", "Serious"), ("major", "重大", "Major"),
          ("very_major", "特别重大", "Very major"))
HANDLERS = (("protocol_section", "liaise_foreign", "外方联络与使领馆通报", "按处置要求与外方及驻华使领馆联络、通报。"),
            ("passport_visa_section", "documents_border", "涉事人员证件与出入境协调",
             "核查涉事人员证件，协调出入境事项。"),
            ("press_culture_section", "public_opinion", "舆情监测与媒体应对", "监测舆情，统一对外口径，做好媒体应对。"))


def _hours_limit(b: Builder, host: str, hours: int, name: str, text: str) -> None:
    bid = f"{host}_deadline"
    b.node(bid, BOUNDARY, name, attached_to=host, interrupting=False, timer=Timer("timeDuration", f'"PT{hours}H"'))
    esc = b.node(f"{host}_escalation", USER, f"{name}督办", lane="section_chief", form="common.escalation",
                 instructions=text)
    b.flow(bid, esc)
    b.flow(esc, b.node(f"{host}_escalation_end", END, "督办完毕", lane="section_chief"))


def foreign_incident_response():
    info = by_key(KEY)
    assert info is not None
    b = Builder()
    start = b.node("report", START, "报告涉外事件", lane="applicant_unit", form=f"{KEY}.submit")
    init = b.node("register", SCRIPT, "接报登记", lane=FAO,
                  script='reported_at = now()\nprogress_reports = []\nresolved = False\nsections = []\n'
                         'inform_leader = False')
    ack = b.node("acknowledge", USER, "值班接报与初判", lane=FAO, form=f"{KEY}.acknowledge",
                 instructions=f"{{{{ unit_name }}}}报告：《{{{{ title }}}}》（{{{{ occurred_at }}}}，"
                              f"{{{{ location }}}}）。"
                              f"请在{ACK_HOURS}小时内核实情况、研判等级并确定处置科室。",
                 post_script='needs_leader = inform_leader or confirmed_level in ("major", "very_major")')
    _hours_limit(b, ack, ACK_HOURS, "接报时限", f"《{{{{ title }}}}》报告已超过{ACK_HOURS}小时无人接报，请立即督办。")
    split = b.node("response_split", AND, "启动处置", lane=FAO)
    b.chain(start, init, ack, split)
    # leaders informed at once
    director = b.node("director_instruction", USER, "报告外办主任并请示", lane="office_director",
                      form=f"{KEY}.instruction",
                      instructions="《{{ title }}》研判等级：" + choice_text("confirmed_level", LEVELS)
                      + "。\n初步处置：{{ initial_measures }}\n请指示。")
    _hours_limit(b, director, INFORM_HOURS, "请示时限",
                 f"《{{{{ title }}}}》报主任已超过{INFORM_HOURS}小时未获指示，请跟进。")
    gw = b.node("gw_leader", XOR, "是否报市领导", lane="office_director")
    leader = b.node("leader_instruction", USER, "报告市领导并请示", lane="municipal_leader", form=f"{KEY}.instruction",
                    instructions="外办报告《{{ title }}》（" + choice_text("confirmed_level", LEVELS)
                    + "），主任意见：{{ instruction }}\n请批示。")
    merge = b.node("gw_leader_merge", XOR, "", lane="office_director")
    b.chain(split, director, gw)
    b.flow(gw, leader, "重大或须报告", condition="needs_leader")
    b.flow(gw, merge, "无须报市领导", default=True)
    b.chain(leader, merge)
    # sections in parallel
    sections_done = fan_out(b, split, "handling", FAO, tuple(
        Branch(id, name, lane, f"{KEY}.section", f"{text}\n事件：{{{{ facts }}}}",
               condition=f'"{lane}" in sections') for lane, id, name, text in HANDLERS),
        split_name="分工处置", join_name="科室处置完毕")
    # progress reports until resolved
    p = Builder(prefix="progress_")
    p.chain(p.node("progress_start", START, "", lane=FAO),
            p.node("progress_report", USER, "报送处置进展", lane=FAO, form=f"{KEY}.progress",
                   instructions="请向主任及市领导报送《{{ title }}》最新处置进展；事件平息后勾选“已妥善处置”。",
                   post_script='progress_reports = progress_reports + [{"at": now(), "note": progress_note}]'),
            p.node("progress_end", END, "", lane=FAO))
    progress = b.add(p.build_sub("foreign_incident_response_progress", "处置进展报告",
                                 loop=StandardLoop(condition="not resolved", maximum=50),
                                 documentation="每次报送一轮，直至事件妥善处置（至多50次）。"))
    b.flow(split, progress)
    join = b.node("response_join", AND, "处置完毕", lane=FAO)
    for last in (merge, sections_done, progress):
        b.flow(last, join)
    closure = b.node("closure_report", USER, "起草处置情况报告", lane=FAO, form=f"{KEY}.closure",
                     instructions="请汇总各方处置情况（共 {{ progress_reports|length }} 次进展报告），起草《"
                                  "{{ title }}》处置情况报告。")
    sign = b.node("director_sign", USER, "主任签发处置报告", lane="office_director", form=f"{KEY}.sign",
                  instructions="请签发《{{ title }}》处置情况报告：{{ closure_summary }}")
    num = b.node("assign_number", SERVICE, "编号", lane=FAO, operator="document_number",
                 params=(("category", '"报"'), ("genre", '"report"')), result="doc_number")
    note = b.add(notify("notify_closed", "通知报告单位", FAO,
                        '"您报告的涉外事件《" + title + "》已处置完毕，处置情况报告 " + doc_number',
                        '"The incident \\"" + title + "\\" you reported has been dealt with: report " + doc_number'))
    b.chain(join, closure, sign, num, note)
    b.flow(note, b.node("end_done", END, "结案", lane=FAO, terminate=True))
    model = ProcessModel(KEY, info.title_zh, lanes("applicant_unit", FAO, "protocol_section", "passport_visa_section",
                                                   "press_culture_section", "section_chief", "office_director",
                                                   "municipal_leader"),
                         tuple(b.nodes), tuple(b.flows), documentation=info.description_zh)
    return model, _forms(info)


def _sections_field() -> Field:
    return Field("sections", {
        "type": "array", "title": "处置科室", "title_en": "Sections to act", "uniqueItems": True,
        "maxItems": len(HANDLERS),
        "items": {"type": "string", "enum": [h[0] for h in HANDLERS], "enumNames": [h[2] for h in HANDLERS],
                  "enumNames_en": ["Liaison with the foreign side", "Documents and border",
                                   "Press and public opinion"]}},
        {"ui:widget": "checkboxes"}, False)


def _forms(info) -> tuple[Form, ...]:
    submit = Form(f"{KEY}.submit", info.title_zh, info.title_en, base_fields("事件名称", "Incident") + (
        choice("incident_kind", "事件类别", "Kind of incident",
               (("accident", "涉外事故", "Accident involving foreigners"), ("dispute", "涉外纠纷", "Dispute"),
                ("security", "涉外安全事件", "Security incident"), ("consular", "领事保护", "Consular protection"),
                ("death", "外国人死亡", "Death of a foreign national"), ("other", "其他", "Other")), widget="select"),
        choice("reported_level", "初报等级", "Level as reported", LEVELS, widget="radio"),
        text("occurred_at", "发生时间", "When it happened", max_length=40, help="如 2026-03-01 15:30"),
        text("location", "发生地点", "Location", max_length=200),
        text("nationalities", "涉事外籍人员国籍", "Nationalities involved", max_length=200),
        integer("foreigners_involved", "涉事外籍人数", "Foreign nationals involved", minimum=0, maximum=10000),
        integer("casualties", "伤亡人数", "Casualties", minimum=0, maximum=10000),
        textarea("facts", "事件经过", "What happened"),
        textarea("measures_taken", "已采取的措施", "Measures already taken"),
        textarea("help_needed", "需外办协助事项", "Help needed from the office", required=False),
        attachment("incident_attachment", "现场材料", "Documents and photos", required=False),
    ))
    ack = Form(f"{KEY}.acknowledge", "接报与初判", "Acknowledgement and first assessment", (
        choice("confirmed_level", "研判等级", "Assessed level", LEVELS, widget="radio"),
        boolean("inform_leader", "须报告市领导", "Report to the municipal leader"),
        _sections_field(),
        textarea("initial_measures", "初步处置意见", "First measures"),
    ))
    instruction = Form(f"{KEY}.instruction", "领导指示", "Instructions", (
        textarea("instruction", "指示意见", "Instructions"),
    ))
    section = Form(f"{KEY}.section", "科室处置", "Section's handling", (
        textarea("section_actions", "处置情况", "What the section did"),
        boolean("section_done", "本科室处置事项已完成", "This section's part is done"),
    ))
    progress = Form(f"{KEY}.progress", "处置进展", "Progress report", (
        textarea("progress_note", "最新进展", "Latest progress"),
        boolean("resolved", "事件已妥善处置", "The incident is resolved"),
    ))
    closure = Form(f"{KEY}.closure", "处置情况报告", "Closure report", (
        textarea("closure_summary", "处置情况及结果", "How it was handled and the outcome"),
        textarea("lessons", "经验教训及建议", "Lessons and recommendations", required=False),
        attachment("closure_attachment", "报告全文", "Full report", required=False),
    ))
    sign = Form(f"{KEY}.sign", "签发处置报告", "Sign the closure report", (
        boolean("report_signed", "同意签发，报市政府", "Signed; to be sent to the municipal government"),
        textarea("sign_note", "签发意见", "Remarks", required=False),
    ))
    return submit, ack, instruction, section, progress, closure, sign
