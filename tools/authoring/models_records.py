"""19: records (备案) of institutions the city's units set up abroad, over their whole life.

The unit files the record; the clerk examines it and the section chief verifies it (either may
return it for supplementing: the common revision loop); the record gets a 衡外备 number. Then the
record lives: a standard-loop sub-process takes one filing per pass (a change, the annual report
or the cancellation), each examined by the clerk (a cancellation also by the section chief); a
non-interrupting timer reminds the unit when the annual report falls due (31 March for the year
before). The loop ends when a cancellation is accepted; a refused filing leaves the record as it was.
"""
from __future__ import annotations

from processes.catalogue import by_key

from .common_forms import base_fields
from .dsl import (
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
    date,
    decision_form,
    integer,
    text,
    textarea,
)
from .patterns import INIT, lanes, notify
from .patterns_fao import Step, approval_chain, numbered_letter, refused

KEY = "overseas_institution_registration"
FAO = "fao_clerk"
UNIT = "applicant_unit"
CHIEF = "section_chief"
MAX_FILINGS = 100

REGISTERED = '\n'.join([
    'record_status = "active"',
    'registered_on = today()',
    'next_annual_due = str(int(today()[:4]) + 1) + "-03-31"',
    'report_year = int(today()[:4])',
    'staff_on_post = chinese_staff',
    'change_items = ""',
])
APPLY_CHANGE = '\n'.join([
    'if filing_accepted:',
    '    record_changes = record_changes + [{"on": today(), "summary": filing_summary, "items": change_items}]',
])
APPLY_ANNUAL = '\n'.join([
    'if filing_accepted:',
    '    annual_reports = annual_reports + [{"year": report_year, "on": today(), "staff": staff_on_post}]',
    '    next_annual_due = str(int(next_annual_due[:4]) + 1) + "-03-31"',
])
APPLY_CANCEL = '\n'.join([
    'if filing_accepted and cancel_confirmed:',
    '    record_status = "cancelled"',
    '    cancelled_on = today()',
])
LEDGER = {"operator": "institution_register", "result": "institution_entry", "params": (
    ("record_number", "doc_number"), ("name", "institution_name"), ("country", "country_region"),
    ("unit", "unit_name"), ("status", "record_status"), ("registered_on", "registered_on"),
    ("annual_reports", "annual_reports"))}
RESET_FILING = 'filing_accepted = False\ncancel_confirmed = False\nfiling_review_note = ""'


def _lifecycle():
    s = Builder(prefix="life_")
    start = s.node("life_start", START, "存续期", lane=UNIT)
    filing = s.node("record_filing", USER, "存续期申报", lane=UNIT, form=f"{KEY}.filing",
                    instructions="备案号 {{ doc_number }}。机构事项变更、报送年度报告（每年3月31日前报上年度）"
                                 "或撤销注销时，请在此申报。下次年报截止：{{ next_annual_due }}。",
                    pre_script=RESET_FILING)
    s.node("annual_due", BOUNDARY, "年报截止", attached_to=filing, interrupting=False,
           timer=Timer("timeDate", "days_before(next_annual_due, 0)"))
    remind = s.add(notify("notify_annual_due", "催报年度报告", FAO,
                          '"《" + institution_name + "》（备案号 " + doc_number + "）年度报告已到截止日期 " + '
                          'next_annual_due + "，请尽快报送。"',
                          '"The annual report of \\"" + institution_name + "\\" (" + doc_number + ") is due: " + '
                          'next_annual_due'))
    s.flow("annual_due", remind)
    s.flow(remind, s.node("annual_due_end", END, "已催报", lane=FAO))
    gw = s.node("gw_filing", XOR, "申报类别", lane=FAO)
    s.chain(start, filing, gw)
    change = s.node("review_change", USER, "审核变更", lane=FAO, form=f"{KEY}.filing_review",
                    instructions="{{ unit_name }}申报《{{ institution_name }}》变更：{{ filing_summary }}（"
                                 "{{ change_items }}）。请审核。")
    annual = s.node("review_annual", USER, "审核年度报告", lane=FAO, form=f"{KEY}.filing_review",
                    instructions="《{{ institution_name }}》报送{{ report_year }}年度报告：{{ filing_summary }}。"
                                 "请审核。")
    cancel = s.node("review_cancellation", USER, "审核注销", lane=FAO, form=f"{KEY}.filing_review",
                    instructions="{{ unit_name }}申请注销《{{ institution_name }}》备案：{{ filing_summary }}。"
                                 "请审核。")
    confirm = s.node("confirm_cancellation", USER, "科室负责人核准注销", lane=CHIEF, form=f"{KEY}.cancel_confirm",
                     instructions="经办人意见：{{ filing_review_note }}。请核准注销《{{ institution_name }}》备案（"
                                  "{{ doc_number }}）。")
    s.flow(gw, change, "变更", condition='filing_kind == "change"')
    s.flow(gw, cancel, "注销", condition='filing_kind == "cancellation"')
    s.flow(gw, annual, "年度报告", default=True)
    gw_c = s.node("gw_cancel_accepted", XOR, "经办人是否同意注销", lane=FAO)
    s.chain(cancel, gw_c)
    s.flow(gw_c, confirm, "同意", condition="filing_accepted")
    merge = s.node("gw_filing_merge", XOR, "", lane=FAO)
    s.flow(gw_c, merge, "不同意", default=True)
    for task, code, sid, name in ((change, APPLY_CHANGE, "apply_change", "登记变更"),
                                  (annual, APPLY_ANNUAL, "apply_annual", "登记年报"),
                                  (confirm, APPLY_CANCEL, "apply_cancellation", "登记注销")):
        step = s.node(sid, SCRIPT, name, lane=FAO, script=code)
        s.chain(task, step, merge)
    ledger = s.node("ledger_filing", SERVICE, "更新境外机构名册", lane=FAO, **LEDGER)
    s.chain(merge, ledger, s.node("end_filing", END, "本次申报办结", lane=FAO, terminate=True))
    return s.build_sub(f"{KEY}_lifecycle", "存续期管理",
                       loop=StandardLoop(condition='record_status != "cancelled"', maximum=MAX_FILINGS),
                       documentation=f"每次申报一轮（至多{MAX_FILINGS}次），注销获准后结束。")


def overseas_institution_registration():
    info = by_key(KEY)
    assert info is not None
    b = Builder()
    start = b.node("submit", START, "申请备案", lane=UNIT, form=f"{KEY}.submit")
    init = b.node("register", SCRIPT, "受理登记", lane=FAO,
                  script=INIT + '\nrecord_status = "pending"\nrecord_changes = []\nannual_reports = []')
    loop = b.add(approval_chain(KEY, UNIT, (
        Step("examine", "审核备案材料", FAO, f"{KEY}.examine",
             "请审核{{ unit_name }}报送的《{{ institution_name }}》（{{ country_region }}）备案材料。",
             info.sla.examine_working_days),
        Step("verify", "科室审核", CHIEF, "common.verify", "经办人已审核《{{ title }}》备案材料，请审核。"),
    ), revise_form=f"{KEY}.submit"))
    gw = b.node("gw_final", XOR, "是否予以备案", lane=FAO)
    b.chain(start, init, loop, gw)
    refused(b, gw, "rejected", FAO, "不予备案",
            '"您提交的备案申请《" + title + "》未获批准。理由：" + comment',
            '"Your registration \\"" + title + "\\" was not accepted. Reason: " + comment', "不予备案")
    ok = b.node("registered", SCRIPT, "登记备案", lane=FAO, script=REGISTERED)
    b.flow(gw, ok, "予以备案", condition='decision == "approve"')
    last = numbered_letter(
        b, ok, FAO, "备",
        '"经审查，" + institution_name + "已予备案，备案号 " + doc_number + "。'
        '存续期间请于每年3月31日前报送上年度报告；'
        '名称、负责人、地址、业务范围、派出人员等事项变更的，请于变更后30日内申报；机构撤销的，请申请注销备案。"',
        '"《" + title + "》已予备案，备案号 " + doc_number',
        '"\\"" + title + "\\" is on record: " + doc_number')
    ledger = b.node("ledger_registered", SERVICE, "登记境外机构名册", lane=FAO, **LEDGER)
    b.flow(last, ledger)
    last = ledger
    life = b.add(_lifecycle())
    done = b.add(notify("notify_cancelled", "通知注销备案", FAO,
                        '"《" + institution_name + "》（备案号 " + doc_number + "）已注销备案。"',
                        '"The record of \\"" + institution_name + "\\" (" + doc_number + ") is cancelled."'))
    b.chain(last, life, done)
    b.flow(done, b.node("end_done", END, "注销备案", lane=FAO, terminate=True))
    model = ProcessModel(KEY, info.title_zh, lanes(UNIT, FAO, CHIEF), tuple(b.nodes), tuple(b.flows),
                         documentation=info.description_zh)
    return model, _forms(info)


def _staff() -> Field:
    props = {
        "name": {"type": "string", "title": "姓名", "title_en": "Name", "minLength": 1, "maxLength": 50},
        "position": {"type": "string", "title": "职务", "title_en": "Position", "minLength": 1, "maxLength": 100},
        "id_number": {"type": "string", "title": "身份证号", "title_en": "ID card number",
                      "pattern": "^[1-9][0-9]{16}[0-9X]$", "minLength": 18, "maxLength": 18},
        "term": {"type": "string", "title": "派驻期限", "title_en": "Term abroad", "minLength": 1, "maxLength": 50},
    }
    schema = {"type": "array", "title": "境内派出人员", "title_en": "Staff sent from China", "minItems": 0,
              "maxItems": 100, "items": {"type": "object", "properties": props, "required": list(props)}}
    return Field("staff_sent", schema, {"items": {"ui:order": list(props)}}, False)


def _forms(info) -> tuple[Form, ...]:
    submit = Form(f"{KEY}.submit", info.title_zh, info.title_en, base_fields("备案事项", "Record") + (
        text("institution_name", "驻外机构中文名称", "Name of the institution (Chinese)", max_length=200),
        text("institution_name_foreign", "外文名称", "Name in the local language", max_length=200),
        choice("institution_kind", "机构性质", "Kind of institution",
               (("representative_office", "代表处", "Representative office"), ("company", "企业", "Company"),
                ("liaison", "联络处", "Liaison office"), ("other", "其他", "Other")), widget="select"),
        text("country_region", "所在国家（地区）", "Country / region", max_length=100),
        text("address", "详细地址", "Address", max_length=300),
        text("legal_representative", "负责人（法定代表人）", "Head / legal representative", max_length=100),
        text("parent_unit", "境内主办单位", "Parent unit in China", max_length=200),
        date("established_on", "设立日期", "Established on"),
        text("local_registration_no", "当地注册号", "Local registration number", max_length=100),
        textarea("business_scope", "业务范围", "Business scope"),
        integer("chinese_staff", "派驻人数", "Number of staff sent from China", minimum=0, maximum=1000),
        _staff(),
        text("funding", "经费来源", "Funding", max_length=200),
        attachment("registration_certificate", "当地注册证明", "Local registration certificate"),
        attachment("approval_document", "主管部门批准文件", "Approval by the competent department"),
    ))
    examine = decision_form(f"{KEY}.examine", "备案材料审核", "Examination of the record",
                            boolean("documents_valid", "注册及批准文件有效",
                                    "Registration and approval documents valid"),
                            boolean("staff_vetted", "派出人员已履行审批手续", "Staff sent with the required approvals"))
    filing = Form(f"{KEY}.filing", "存续期申报", "Filing while the institution exists", (
        choice("filing_kind", "申报类别", "Kind of filing",
               (("change", "事项变更", "Change"), ("annual_report", "年度报告", "Annual report"),
                ("cancellation", "注销备案", "Cancellation")), widget="radio"),
        textarea("filing_summary", "申报内容", "Summary"),
        text("change_items", "变更事项", "What changed", required=False, max_length=300,
             help="变更时填写：名称、负责人、地址、业务范围、派出人员等"),
        integer("report_year", "报告年度", "Year reported", minimum=2000, maximum=2100, required=False,
                help="年度报告时填写"),
        integer("staff_on_post", "在岗派出人数", "Staff on post", minimum=0, maximum=1000, required=False),
        textarea("cancellation_reason", "注销原因", "Reason for cancellation", required=False),
        attachment("filing_attachment", "附件", "Attachment", required=False),
    ))
    review = Form(f"{KEY}.filing_review", "申报审核", "Examination of the filing", (
        boolean("filing_accepted", "同意", "Accepted"),
        textarea("filing_review_note", "审核意见", "Remarks"),
    ))
    confirm = Form(f"{KEY}.cancel_confirm", "核准注销", "Confirm the cancellation", (
        boolean("cancel_confirmed", "核准注销备案", "Cancellation confirmed"),
        textarea("cancel_note", "意见", "Remarks", required=False),
    ))
    return submit, examine, filing, review, confirm
