"""21: cancellation of an official passport or Hong Kong–Macao permit (因公证照注销).

The passport and visa section records a holder who left office: the document's number from the
custody ledger, the holder and unit, why and since when. Every pass of the review first reads the
ledger (``passport_lookup``): a number the ledger does not hold in custody for that holder (unknown,
lent and not back, already cancelled, another holder) goes straight back to the section with the
ledger's reason (the common revision loop); otherwise the section chief approves. Approved, the
service task ``ledger_cancelled`` writes ``cancel`` to the ledger with the case as its source; a
cancelled document can no longer be lent (``passport_register`` refuses it). Opened from a ledger
entry's page (``?passport=<id>``), the form starts with the entry's number, holder and unit.
"""
from __future__ import annotations

from processes.catalogue import by_key

from .common_forms import base_fields
from .dsl import END, SCRIPT, SERVICE, START, XOR, Builder, ProcessModel
from .forms import Form, attachment, choice, choice_text, date, decision_form, text, textarea
from .patterns import INIT, lanes, notify
from .patterns_fao import Step, approval_chain, refused

KEY = "passport_cancellation"
PV = "passport_visa_section"
CHIEF = "section_chief"
DOCUMENT_PATTERN = "^[CDEGPScdegps][0-9A-Za-z]{8}$"  # a passport (E, G, ...) or a permit (C, G); read in capitals
REASONS = (("retired", "退休", "Retired"), ("transferred", "调离", "Transferred"),
           ("resigned", "辞职、辞退", "Resigned or dismissed"), ("deceased", "去世", "Deceased"),
           ("other", "其他", "Other"))
NORMALISE = 'passport_document_no = passport_document_no.strip().upper()\nholder = holder.strip()'
SENT_BACK = 'decision = "revise"\ncomment = ledger_entry["refusal"]'
MATCHED = 'document_kind = ledger_entry["kind"]'
KINDS = (("passport", "因公护照", "Official passport"), ("hk_macao_permit", "往来港澳通行证", "Hong Kong–Macao permit"))


def _check_ledger(s: Builder, last: str) -> str:
    """Before the chief: the ledger must hold the document in custody for this holder."""
    norm = s.node("normalise", SCRIPT, "规范证照号码", lane=PV, script=NORMALISE)
    look = s.node("ledger_lookup", SERVICE, "核对证照保管登记簿", lane=PV, operator="passport_lookup",
                  params=(("number", "passport_document_no"), ("holder", "holder")), result="ledger_entry")
    gw = s.node("gw_ledger", XOR, "登记簿是否相符", lane=PV)
    s.chain(last, norm, look, gw)
    back = s.node("ledger_mismatch", SCRIPT, "退回核对", lane=PV, script=SENT_BACK)
    s.flow(gw, back, "不符", condition='ledger_entry["refusal"] != ""')
    s.flow(back, s.node("end_ledger_mismatch", END, "登记簿不符", lane=PV, terminate=True))
    ok = s.node("ledger_matched", SCRIPT, "登记簿相符", lane=PV, script=MATCHED)
    s.flow(gw, ok, "相符", default=True)
    return ok


def passport_cancellation():
    info = by_key(KEY)
    assert info is not None
    b = Builder()
    start = b.node("submit", START, "登记离任注销", lane=PV, form=f"{KEY}.submit")
    init = b.node("register", SCRIPT, "受理登记", lane=PV, script=INIT + '\ndocument_kind = ""')
    loop = b.add(approval_chain(KEY, PV, (
        Step("approve", "科室负责人审批", CHIEF, f"{KEY}.approve",
             "护照签证科报请注销{{ holder }}（{{ holder_unit }}）的" + choice_text("document_kind", KINDS)
             + "：离任原因 "
             + choice_text("leave_reason", REASONS) + "，离任日期 {{ left_on }}。登记簿已核对：在保管中。请审批。",
             info.sla.approve_working_days),
    ), revise_form=f"{KEY}.submit", before_first=_check_ledger))
    gw = b.node("gw_final", XOR, "是否同意注销", lane=PV)
    b.chain(start, init, loop, gw)
    refused(b, gw, "rejected", PV, "不同意",
            '"注销申请《" + title + "》未获同意。理由：" + comment',
            '"The cancellation \\"" + title + "\\" was not approved. Reason: " + comment', "不予注销")
    ledger = b.node("ledger_cancelled", SERVICE, "登记簿注销证照", lane=PV, operator="passport_register",
                    params=(("action", '"cancel"'), ("number", "passport_document_no"), ("holder", "holder"),
                            ("holder_unit", "holder_unit")), result="cancelled_passport_no")
    b.flow(gw, ledger, "同意注销", condition='decision == "approve"')
    note = b.add(notify("notify_cancelled", "通知已注销", PV,
                        '"《" + title + "》已批准：证照已在保管登记簿中注销，不能再借出。"',
                        '"\\"" + title + "\\" was approved: the document is cancelled in the custody ledger."'))
    b.chain(ledger, note, b.node("end_done", END, "已注销", lane=PV, terminate=True))
    model = ProcessModel(KEY, info.title_zh, lanes(PV, CHIEF), tuple(b.nodes), tuple(b.flows),
                         documentation=info.description_zh)
    return model, _forms(info)


def _forms(info) -> tuple[Form, ...]:
    submit = Form(f"{KEY}.submit", info.title_zh, info.title_en, base_fields("注销事项", "Subject") + (
        text("passport_document_no", "证照号码", "Document number", pattern=DOCUMENT_PATTERN, max_length=9,
             help="证照保管登记簿中的因公护照或往来港澳通行证号码", prefill="passport_number"),
        text("holder", "持照人", "Holder", max_length=100, prefill="passport_holder"),
        text("holder_unit", "持照人所在单位", "Holder's unit", max_length=200, prefill="passport_unit"),
        choice("leave_reason", "离任原因", "Why the holder left office", REASONS, widget="radio"),
        date("left_on", "离任日期", "Left office on"),
        text("leave_document", "离任依据", "Basis of leaving office", required=False, max_length=200,
             help="任免文件、调动通知等的文号或名称"),
        textarea("cancel_note", "说明", "Note", required=False),
        attachment("leave_proof", "证明材料", "Supporting document", required=False),
    ))
    approve = decision_form(f"{KEY}.approve", "注销审批", "Approval of the cancellation")
    return submit, approve


MODELS = (passport_cancellation,)
