"""Press and culture events: responsibilities 15 and 16 (14 and 18 live with the receptions).

Both are applications by a unit for an event: after the press and culture section's
examination the sections concerned countersign in parallel (content, safety, protocol; for a
large event also passports and visas, and the public security organ's safety permit when the
crowd is large), then the director (and for a large foreign field the municipal leader)
approves; the event is prepared, held on its date, and summed up.
"""
from __future__ import annotations

from processes.catalogue import by_key

from .common_forms import base_fields
from .dsl import START, XOR, Builder
from .forms import Form, attachment, boolean, choice, date, integer, not_before, text, textarea
from .forms_visit import examine_form
from .patterns import INIT
from .patterns_visit import (
    Check,
    Redo,
    deadline,
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

PC, PROTOCOL, PV, CLERK = "press_culture_section", "protocol_section", "passport_visa_section", "fao_clerk"
CHIEF, DIRECTOR, LEADER, UNIT = "section_chief", "office_director", "municipal_leader", "applicant_unit"
POLICE_THRESHOLD = 1000  # 大型群众性活动安全管理条例: 1,000 people or more need the police's permit


def _info(key: str):
    info = by_key(key)
    assert info is not None, key
    return info


def _gate(b: Builder, last: str, id: str, name: str, lane: str) -> str:
    gw = b.node(id, XOR, name, lane=lane)
    b.flow(last, gw)
    return gw


def _objection(id: str) -> str:
    # one variable per branch: parallel branches that change the same list do not merge reliably
    return f"objection_{id} = not agree"


def _collect(b: Builder, join: str, branches: tuple[tuple[str, str, str, str], ...], extra: str = "") -> str:
    """After the join: ``objections``, the names of the countersignatures that refused."""
    pairs = ", ".join(f'("{name}", objection_{id})' for id, name, _l, _t in branches)
    code = f"objections = [name for name, refused in ({pairs}) if refused]" + (f"\n{extra}" if extra else "")
    return script(b, join, "collect_countersign", "汇总会签意见", PC, code)


def _countersign(b: Builder, gw: str, branches: tuple[tuple[str, str, str, str], ...]) -> tuple[str, str]:
    """Parallel countersigning entered from ``gw`` when approved; a refusal adds to ``objections``."""
    split = b.node("countersign_split", "and", "并行会签", lane=PC)
    join = b.node("countersign_join", "and", "会签完成", lane=PC)
    b.flow(gw, split, "同意", condition='decision == "approve"')
    for id, name, lane, text_ in branches:
        t = b.node(id, "user", name, lane=lane, form="common.countersign", instructions=text_,
                   post_script=_objection(id))
        b.flow(split, t)
        b.flow(t, join)
    return split, join


def _refused(b: Builder, gw: str, id: str, subject_zh: str, subject_en: str, reason: str = "comment",
             end_name: str = "不予批准") -> None:
    refuse(b, gw, id, PC, f'"您提交的{subject_zh}《" + title + "》未获批准。理由：" + {reason}',
           f'"Your {subject_en} \\"" + title + "\\" was not approved. Reason: " + {reason}', end_name=end_name)


def news_culture_exchange():
    key = "news_culture_exchange"
    info = _info(key)
    b = Builder()
    s = b.node("submit", START, "申报新闻文化交流项目", lane=UNIT, form=f"{key}.submit")
    last = script(b, s, "register", "登记", PC, INIT)
    check = b.add(review_sub(f"{key}_project_review", "审查审核", (
        Check("examine", "审查交流项目", PC, f"{key}.examine",
              "请审查{{ unit_name }}申报的《{{ title }}》：外方背景和交流内容（业务编号 {{ business_key }}）。",
              sla_days=info.sla.examine_working_days),
        Check("verify", "科室审核", CHIEF, "common.verify", "承办人已审查同意《{{ title }}》，请审核。")),
        redo=Redo("revise", "修改项目申报", UNIT, f"{key}.submit")))
    b.flow(last, check)
    gw = _gate(b, check, "gw_examined", "审查结论", PC)
    _refused(b, gw, "rejected", "交流项目", "exchange project")
    branches = (
        ("content_review", "内容审核会签", PC, "审核展品、节目或稿件内容，确认符合对外宣传口径。"),
        ("safety_review", "安全审查会签", CLERK, "会同公安、文旅部门审查场地安全和外方人员情况。"),
        ("protocol_review", "礼宾会签", PROTOCOL, "会签外方人员接待和礼宾安排。"),
    )
    _split, join = _countersign(b, gw, branches)
    join = _collect(b, join, branches)
    gw2 = _gate(b, join, "gw_countersigned", "会签是否一致同意", PC)
    _refused(b, gw2, "countersign_refused", "交流项目", "exchange project",
             reason='"会签未通过（" + "、".join(objections) + "）"', end_name="会签未通过")
    appr = b.add(review_sub(f"{key}_approval", "主任审批", (
        Check("approve", "主任审批", DIRECTOR, "common.approve", "各科室已会签同意《{{ title }}》，请审批。",
              sla_days=info.sla.approve_working_days),),
        redo=Redo("revise_after_countersign", "按审批意见修改", UNIT, f"{key}.submit")))
    b.flow(gw2, appr, "一致同意", condition="len(objections) == 0")
    gw3 = _gate(b, appr, "gw_final", "是否批准", PC)
    _refused(b, gw3, "not_approved", "交流项目", "exchange project")
    last = letter(b, gw3, PC, "新", "交流项目", "exchange project",
                  '"同意与" + partner + "开展该新闻文化交流项目。请按会签意见组织实施，结束后报送总结。"')
    last = wait_until(b, last, "wait_start", "项目开始", PC, "days_before(start_date, 0)")
    last = task(b, last, "carry_out", "组织实施", PC, "common.handling", "会同申请单位组织实施交流项目并做好现场管理。")
    last = task(b, last, "exchange_report", "交流总结", UNIT, "common.report", "请提交交流总结。")
    finish(b, last, PC)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("项目名称", "Project") + (
        text("partner", "外方合作单位", "Foreign partner", max_length=200),
        choice("partner_kind", "外方类别", "Kind of partner",
               (("local_government", "外国地方政府", "Foreign local government"),
                ("ngo", "民间组织", "Non-governmental organisation")), widget="radio"),
        choice("exchange_kind", "交流形式", "Form of exchange",
               (("media", "新闻媒体交流", "Media exchange"), ("exhibition", "展览", "Exhibition"),
                ("performance", "文艺演出", "Performance"), ("film", "影视交流", "Film and TV"),
                ("other", "其他", "Other")), widget="select"),
        date("start_date", "开始日期", "Start date"),
        date("end_date", "结束日期", "End date"),
        text("venue", "举办地点", "Venue", max_length=200),
        integer("foreign_participants", "外方人数", "Foreign participants", minimum=0, maximum=1000),
        textarea("project_content", "项目内容", "Project content"),
        textarea("content_list", "展品、节目或稿件清单", "Exhibits, programme or articles"),
        textarea("safety_measures", "安全保障措施", "Safety measures"),
        attachment("project_attachment", "项目方案", "Project plan"),
    ), rules=(not_before("start_date", "end_date", "开始日期", "结束日期", "start date", "end date"),))
    examine = examine_form(key, "审查新闻文化交流项目", "Examination of the exchange",
                           boolean("partner_verified", "外方背景已核实", "Partner's background verified"),
                           boolean("content_appropriate", "交流内容符合规定", "Content within rules"))
    return make_model(key, info.title_zh, b, UNIT, info.description_zh), (submit, examine)


def large_foreign_event():
    key = "large_foreign_event"
    info = _info(key)
    b = Builder()
    s = b.node("submit", START, "申报大型涉外活动", lane=UNIT, form=f"{key}.submit")
    last = script(b, s, "register", "登记", PC,
                  INIT + f"\nneeds_police_permit = expected_audience >= {POLICE_THRESHOLD}")
    check = b.add(review_sub(f"{key}_event_review", "审查审核", (
        Check("examine", "审查活动方案", PC, f"{key}.examine",
              "请审查《{{ title }}》活动方案和应急预案（业务编号 {{ business_key }}）。",
              sla_days=info.sla.examine_working_days),
        Check("verify", "科室审核", CHIEF, "common.verify", "承办人已审查同意《{{ title }}》，请审核。")),
        redo=Redo("revise", "修改活动方案", UNIT, f"{key}.submit")))
    b.flow(last, check)
    gw = _gate(b, check, "gw_examined", "审查结论", PC)
    _refused(b, gw, "rejected", "活动申请", "event application")
    branches = (
        ("protocol_plan", "外宾礼宾接待会签", PROTOCOL, "会签外宾迎送、礼宾与贵宾接待方案。"),
        ("visa_support", "外籍人员邀请与签证协助会签", PV, "会签外籍演职人员、运动员的邀请函与签证协助事项。"),
        ("media_plan", "新闻宣传与境外媒体会签", PC, "会签新闻发布、境外媒体采访与舆情应对方案。"),
    )
    split, join = _countersign(b, gw, branches)
    # the public security organ's permit, only for a crowd of POLICE_THRESHOLD or more
    gp = b.node("gw_police", XOR, "是否须公安安全许可", lane=CLERK)
    b.flow(split, gp)
    ask = task(b, None, "request_police_permit", "函请公安机关安全许可", CLERK, "common.handling",
               "预计观众{{ expected_audience }}人，请督促主办单位向公安机关申请大型群众性活动安全许可，"
               "并函告外籍人员情况。")
    b.flow(gp, ask, "须许可", condition="needs_police_permit")
    wait = wait_message(b, ask, "wait_police_permit", "公安机关许可决定", CLERK, "police_permit")
    mp = b.node("gw_police_merge", XOR, "", lane=CLERK)
    b.flow(wait, mp)
    b.flow(gp, mp, "无需许可", default=True)
    b.flow(mp, join)
    join = _collect(b, join, branches, 'objections = objections + (["公安安全许可"] if needs_police_permit and '
                                       'not police_permit.get("permitted", True) else [])')
    gw2 = _gate(b, join, "gw_countersigned", "会签与许可是否齐备", PC)
    _refused(b, gw2, "countersign_refused", "活动申请", "event application",
             reason='"会签或安全许可未通过（" + "、".join(objections) + "）"', end_name="会签未通过")
    appr = b.add(review_sub(f"{key}_approval", "审批", (
        Check("approve", "主任审批", DIRECTOR, "common.approve", "各方已会签《{{ title }}》，请审批。",
              sla_days=info.sla.approve_working_days),
        Check("leader_approve", "市领导审批", LEADER, "common.leader_approve",
              "《{{ title }}》境外参加人员{{ foreign_participants }}人，呈请市领导审批。",
              when="foreign_participants >= 100")),
        redo=Redo("revise_after_countersign", "按审批意见修改", UNIT, f"{key}.submit")))
    b.flow(gw2, appr, "齐备", condition="len(objections) == 0")
    gw3 = _gate(b, appr, "gw_final", "是否批准", PC)
    _refused(b, gw3, "not_approved", "活动申请", "event application")
    last = letter(b, gw3, PC, "审", "活动申请", "event application",
                  '"经审查，同意举办该活动。请落实安保方案和应急预案，活动结束后报送总结。"')
    run = task(b, last, "run_event", "涉外保障筹备", PC, "common.preparation",
               "按会签后的保障方案落实{{ event_date }}活动的各项涉外工作。")
    deadline(b, "run_event", "days_before(event_date, 5)", "活动筹备时限",
             "距活动举办不足5天，涉外保障仍未落实，请督办。")
    last = wait_until(b, run, "wait_event", "活动举办", PC, "days_before(event_date, 0)")
    last = task(b, last, "event_day", "活动现场涉外保障", PC, "common.handling",
                "活动当天：外宾接待、境外媒体服务和突发事件应急联络。")
    last = task(b, last, "event_report", "活动总结", UNIT, "common.report", "请提交活动总结。")
    finish(b, last, PC)
    submit = Form(f"{key}.submit", info.title_zh, info.title_en, base_fields("活动名称", "Event") + (
        choice("event_kind", "活动类别", "Kind of event",
               (("performance", "文艺演出", "Cultural performance"), ("sports", "体育赛事", "Sports tournament"),
                ("exhibition", "展会", "Exhibition"), ("other", "其他", "Other")), widget="select"),
        date("event_date", "举办日期", "Date of the event"),
        text("venue", "举办地点", "Venue", max_length=200),
        integer("foreign_participants", "境外参加人数", "Participants from abroad", minimum=0, maximum=100000),
        integer("expected_audience", "预计观众人数", "Expected audience", minimum=0,
                help=f"{POLICE_THRESHOLD}人以上须取得公安机关大型群众性活动安全许可"),
        text("co_organisers", "合作/承办单位", "Co-organisers", max_length=300, required=False),
        textarea("security_plan", "安全保障方案要点", "Security plan"),
        attachment("event_plan", "活动方案", "Event plan"),
        attachment("emergency_plan", "应急预案", "Emergency plan"),
        attachment("licences", "文化、体育主管部门批准文件", "Approval of the culture / sports authority",
                   required=False),
    ))
    examine = examine_form(key, "审查大型涉外活动", "Examination of the event",
                           boolean("licences_ok", "已取得文化、体育主管部门许可",
                                   "Licences from culture / sports authorities"),
                           boolean("security_ok", "安保方案与应急预案可行", "Security and emergency plans adequate"))
    return (make_model(key, info.title_zh, b, UNIT, info.description_zh, ("police_permit",)),
            (submit, examine))


MODELS = (news_culture_exchange, large_foreign_event)
