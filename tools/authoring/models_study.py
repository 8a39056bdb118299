"""Responsibility 20: research and study personnel, either a selection of people to send (units
nominate, the office vets and selects, they go and come back) or the admission of people from a
sister city."""
from __future__ import annotations

from .dsl import XOR, Builder
from .forms import (
    ID_NUMBER_PATTERN,
    Field,
    Form,
    attachment,
    boolean,
    choice,
    date,
    integer,
    not_before,
    rule,
    text,
    textarea,
    units,
)
from .forms_visit import examine_form
from .patterns_sister import (
    APPROVED,
    DIRECTOR,
    SC,
    UNIT,
    ask_units,
    gate,
    info_of,
    office_fields,
    start_with_register,
)
from .patterns_visit import (
    Check,
    Redo,
    deadline,
    finish,
    make_model,
    refuse,
    review_sub,
    task,
    wait_until,
)

# --- 20: research and study personnel ------------------------------------------------------------

PERSON = {
    "name": {"type": "string", "title": "姓名", "title_en": "Name", "minLength": 1, "maxLength": 50},
    "gender": {"type": "string", "title": "性别", "title_en": "Gender", "enum": ["male", "female"],
               "enumNames": ["男", "女"], "enumNames_en": ["Male", "Female"]},
    "position": {"type": "string", "title": "职务/专业", "title_en": "Position / field", "maxLength": 100},
}


def _people(name: str, zh: str, en: str, extra: dict, required: list[str], min_items: int = 0) -> Field:
    props = {**PERSON, **extra}
    return Field(name, {"type": "array", "title": zh, "title_en": en, "minItems": min_items, "maxItems": 50,
                        "items": {"type": "object", "properties": props,
                                  "required": ["name", "gender", "position"] + required}},
                 {"items": {"ui:order": list(props), "gender": {"ui:widget": "radio"}}})


def research_study_personnel():
    key = "research_study_personnel"
    info = info_of(key)
    b = Builder()
    last = start_with_register(b, key, SC, "发布研修项目或登记来衡申请", "nominations = []")
    route = gate(b, last, "gw_direction", "选派或接收", SC)
    # outbound: units nominate, the office vets and selects, they go and come back
    # each unit named (by key) nominates in its own members' inboxes
    nominate = ask_units(b, route, f"{key}_nominations", "各单位推荐", SC, "nominating_units", "nominators",
                         "nominating_unit",
                         ("nominate", "推荐人选", UNIT, f"{key}.nomination",
                          '请{{ nominating_unit["name"] }}按《{{ title }}》条件（{{ study_field }}，'
                          "名额{{ places }}人）推荐人选。"),
                         post_script='nomination = nominating_unit["name"] + "：" + nominees',
                         collect=("nominations", "nomination"),
                         label="选派", condition='direction == "outbound"')
    sel = task(b, nominate, "vet_nominees", "资格审查与遴选", SC, f"{key}.selection",
               "各单位推荐：{% for n in nominations %}\n- {{ n }}{% endfor %}\n请审查资格并提出拟选派人员。")
    pick = b.add(review_sub(f"{key}_selection_review", "确定人选", (
        Check("approve", "主任审定人选", DIRECTOR, "common.approve",
              "友城科拟选派：{{ selected }}。请审定。", sla_days=info.sla.approve_working_days),),
        redo=Redo("revise_selection", "调整人选", SC, f"{key}.selection",
                  "审定意见：{{ comment }}\n请调整拟选派人员。", tell_applicant=False)))
    b.flow(sel, pick)
    gw_out = gate(b, pick, "gw_selected", "是否审定", SC)
    refuse(b, gw_out, "not_selected", SC, "", "", end_name="未选派", tell=False)
    num = b.node("assign_number", "service", "编发文号", lane=SC, operator="document_number",
                 params=(("category", '"友"'),), result="doc_number")
    let = b.node("issue_letter", "service", "生成选派通知", lane=SC, operator="approval_letter",
                 params=(("doc_number", "doc_number"), ("title", "title"),
                         ("body", '"经审定，选派" + selected + "赴" + partner_city + host_institution + "研修。"'
                                  '"请所在单位做好派出准备，研修结束后报送回国报告。"'),
                         ("decision", '"approve"'), ("recipient", '"各推荐单位"')),
                 result="approval_letter_id")
    b.flow(gw_out, num, "审定", condition=APPROVED)
    b.flow(num, let)
    last = task(b, let, "dispatch", "派出手续与行前培训", SC, "common.handling",
                "通知入选人员（{{ selected }}），办理因公出国手续（证照另按因公出国程序办理）并组织行前培训。")
    last = wait_until(b, last, "wait_return", "研修期满", SC, "days_before(end_date, -1)")
    last = task(b, last, "return_report", "回国报告", UNIT, "common.report", "研修已结束，请提交研修人员回国报告。")
    out_end = task(b, last, "assess_outbound", "研修评估", SC, f"{key}.assessment", "请评估本期选派研修的成效。")
    # inbound: the host agrees, the office examines and admits, manages the stay
    host = task(b, None, "host_consent", "接收单位意见", UNIT, f"{key}.host",
                "{{ partner_city }}申请选派人员来{{ host_institution }}研修，请接收单位提出意见并确定导师。")
    b.flow(route, host, "接收", default=True)
    adm = b.add(review_sub(f"{key}_admission_review", "审查审批", (
        Check("examine", "审查来衡人员", SC, f"{key}.examine", "请审查来衡研修人员的资格和接收条件。",
              sla_days=info.sla.examine_working_days),
        Check("approve_admission", "主任审批", DIRECTOR, "common.approve", "请审批接收《{{ title }}》。",
              sla_days=info.sla.approve_working_days)),
        redo=Redo("supplement", "补充来衡人员材料", SC, "common.handling",
                  "审查意见：{{ comment }}\n请向{{ partner_city }}索取补充材料。", tell_applicant=False)))
    b.flow(host, adm)
    gw_in = gate(b, adm, "gw_admitted", "是否接收", SC)
    refuse(b, gw_in, "not_admitted", SC, "", "", end_name="不予接收", tell=False)
    num2 = b.node("assign_number_in", "service", "编发文号", lane=SC, operator="document_number",
                  params=(("category", '"友"'),), result="doc_number")
    let2 = b.node("issue_admission", "service", "生成接收函", lane=SC, operator="approval_letter",
                  params=(("doc_number", "doc_number"), ("title", "title"),
                          ("body", '"同意接收" + partner_city + "人员来" + host_institution + "研修。"'
                                   '"请接收单位做好导师、住宿和安全管理。"'),
                          ("decision", '"approve"'), ("recipient", "partner_city")),
                  result="approval_letter_id")
    b.flow(gw_in, num2, "接收", condition='decision == "approve"')
    b.flow(num2, let2)
    last = wait_until(b, let2, "wait_arrival", "来衡报到", SC, "days_before(start_date, 0)")
    manage = task(b, last, "manage_study", "研修期间管理", SC, "common.handling",
                  "跟踪研修进展，处理签证延期、住宿和安全事项；研修结束后填写管理记录。")
    deadline(b, manage, "working_days_after(end_date, 5)", "研修期满",
             "研修期已满5个工作日，请督促完成研修总结。")
    in_end = task(b, manage, "assess_inbound", "结业评估", SC, f"{key}.assessment",
                  "请会同接收单位对来衡研修人员作结业评估。")
    merge = b.node("gw_direction_merge", XOR, "", lane=SC)
    b.flow(out_end, merge)
    b.flow(in_end, merge)
    finish(b, merge, SC)
    foreign = {"nationality": {"type": "string", "title": "国籍", "title_en": "Nationality", "maxLength": 60},
               "passport_no": {"type": "string", "title": "护照号码", "title_en": "Passport number",
                               "pattern": "^[0-9A-Z]{5,12}$"}}
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, office_fields("研修项目", "Study programme") + (
        choice("direction", "类别", "Direction",
               (("outbound", "选派赴友城研修", "Sent to a sister city"),
                ("inbound", "接收来衡研修", "Coming to Hengyang")), widget="radio"),
        text("partner_city", "友城", "Sister city", max_length=100),
        text("host_institution", "研修机构", "Host institution", max_length=200),
        text("study_field", "研修方向", "Field of study", max_length=100),
        integer("places", "名额", "Places", minimum=1, maximum=50),
        date("start_date", "研修开始日期", "Study starts"),
        date("end_date", "研修结束日期", "Study ends"),
        units("nominating_units", "推荐单位（选派）", "Nominating units (outbound)", min_items=0,
              help="选派时勾选推荐单位，各单位在本单位待办中推荐人选",
              help_en="When sending: tick the units that nominate; each nominates in its own inbox"),
        _people("applicants", "来衡研修人员（接收）", "Trainees coming to Hengyang (inbound)", foreign,
                ["nationality", "passport_no"]),
        attachment("programme_attachment", "项目文件或对方来函", "Programme or the sister city's letter"),
    ), extra={"if": {"properties": {"direction": {"const": "outbound"}}, "required": ["direction"]},
              "then": {"properties": {"nominating_units": {"minItems": 1}}},
              "else": {"properties": {"applicants": {"minItems": 1}}}},
       rules=(not_before("start_date", "end_date", "研修开始日期", "研修结束日期", "start of the study",
                         "end of the study"),
              rule("len(applicants) <= places", "applicants", "来衡研修人员多于名额", "More trainees than places",
                   when="direction == 'inbound'")))
    nomination = Form(f"{key}.nomination", "推荐人选", "Nomination", (
        text("nominees", "推荐人员（姓名、职务）", "Nominees (name, position)", max_length=500),
        _people("nominee_details", "推荐人员详细信息", "Nominees in detail",
                {"id_number": {"type": "string", "title": "身份证号", "title_en": "ID card number",
                               "pattern": ID_NUMBER_PATTERN}}, ["id_number"], min_items=1),
        attachment("nomination_attachment", "推荐表", "Nomination form"),
    ))
    selection = Form(f"{key}.selection", "拟选派人员", "Proposed selection", (
        text("selected", "拟选派人员", "Proposed for selection", max_length=500),
        textarea("selection_reason", "遴选说明", "Reasons"),
    ))
    host_form = Form(f"{key}.host", "接收单位意见", "Opinion of the host", (
        boolean("host_agrees", "同意接收", "Agrees to host"),
        text("supervisor", "指导老师", "Supervisor", max_length=100),
        text("lodging", "住宿安排", "Lodging", max_length=200),
    ))
    examine = examine_form(key, "审查来衡研修人员", "Examination of the trainees",
                           boolean("persons_vetted", "来衡人员情况已核实", "Persons vetted"),
                           boolean("host_confirmed", "接收条件已落实", "Host confirmed"))
    assessment = Form(f"{key}.assessment", "研修评估", "Assessment", (
        choice("rating", "评估等次", "Rating",
               (("excellent", "优秀", "Excellent"), ("good", "良好", "Good"), ("pass", "合格", "Pass"),
                ("fail", "不合格", "Fail")), widget="radio"),
        textarea("assessment_note", "评估意见", "Assessment"),
    ))
    model = make_model(key, info.title_zh, b, SC, info.description_zh)
    return model, (submit, nomination, selection, host_form, examine, assessment)


MODELS = (research_study_personnel,)
