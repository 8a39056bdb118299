"""Forms of the visit-driven processes (receptions, journalists, press groups), one copy per process.

Each factory takes the process key, so that every process owns its form files
(``<key>.<name>.schema.json``) and can be regenerated on its own.
"""
from __future__ import annotations

from typing import Any

from .forms import (
    DECISIONS,
    Field,
    Form,
    attachment,
    boolean,
    choice,
    count_matches,
    date,
    decision_form,
    integer,
    members,
    not_before,
    text,
    textarea,
)

PROTOCOL_LEVELS = (("ministerial", "省部级及以上规格", "Ministerial level or above"),
                   ("bureau", "厅局级规格", "Bureau level"),
                   ("working", "工作访问规格", "Working visit"))


def guest_fields(guest_zh: str = "来访团组", guest_en: str = "Visiting delegation", *, foreign: bool = True,
                 leader: bool = True) -> tuple[Field, ...]:
    """Who comes, when, how many, what for (the core of every visit notice or request)."""
    out = (
        text("guest_name", guest_zh, guest_en, max_length=200),
        text("guest_country", "国家（地区）/组织", "Country / region / organisation", max_length=100),
        text("delegation_head", "团长姓名及职务", "Head of the delegation and position", max_length=200),
        date("arrival_date", "抵达日期", "Arrival date"),
        date("departure_date", "离开日期", "Departure date"),
        integer("party_size", "来访人数", "Number of visitors", minimum=1, maximum=500),
    )
    if foreign:
        out += (members("guests", "来访人员名单", "Visitors", foreign=True, min_items=0, max_items=200),)
    out += (textarea("purpose", "来访目的与主要活动", "Purpose and main activities"),)
    if leader:
        out += (text("requested_leader", "拟请出面会见的市领导", "Municipal leader requested to meet",
                     required=False, max_length=50, help="不需要市领导会见的留空"),)
    return out


def guest_rules(*, foreign: bool = True) -> tuple[dict[str, Any], ...]:
    """The checks across :func:`guest_fields` (CONTRACT 8, ``x-rules``): leaving after arriving, and as many
    visitors as names listed (when a list is given)."""
    out = (not_before("arrival_date", "departure_date", "抵达日期", "离开日期", "arrival date", "departure date"),)
    if foreign:
        out += (count_matches("party_size", "guests", "来访人数与来访人员名单的人数不一致",
                              "The number of visitors differs from the number of names listed"),)
    return out


def plan_form(key: str, *, levels: bool = True, extra: tuple[Field, ...] = ()) -> Form:
    """接待方案: protocol level, programme, the municipal leader's part, what each side prepares."""
    fields: tuple[Field, ...] = ()
    if levels:
        fields += (choice("protocol_level", "接待规格", "Protocol level", PROTOCOL_LEVELS, widget="radio"),)
    fields += (
        textarea("programme", "日程安排", "Programme", help="逐日列出迎送、会见、会谈、参观、宴请等活动"),
        boolean("leader_meeting", "安排市领导会见（宴请）", "A municipal leader meets (or hosts) the guests"),
        text("meeting_leader", "出面市领导", "Municipal leader who meets them", required=False, max_length=50),
        text("accommodation", "住地", "Accommodation", max_length=100),
        text("interpretation", "翻译语种及人数", "Interpretation (language, number of interpreters)",
             required=False, max_length=100),
        integer("budget_yuan", "接待经费预算（元）", "Reception budget (yuan)", minimum=0),
    ) + extra + (attachment("plan_attachment", "接待方案文本", "Reception plan document", required=False),)
    return Form(f"{key}.plan", "接待方案", "Reception plan", fields)


def meeting_form(key: str) -> Form:
    return Form(f"{key}.meeting", "市领导会见安排", "The municipal leader's meeting", (
        boolean("meeting_confirmed", "同意出面会见", "Agrees to meet the guests"),
        text("meeting_time", "会见时间", "Time of the meeting", max_length=50),
        text("meeting_venue", "会见地点", "Venue", max_length=100),
        textarea("meeting_attendees", "我方出席人员", "Attending on our side", required=False),
    ))


def visit_record_form(key: str) -> Form:
    return Form(f"{key}.visit_record", "接待实施记录", "Record of the visit", (
        date("actual_arrival", "实际抵达日期", "Actual arrival"),
        date("actual_departure", "实际离开日期", "Actual departure"),
        textarea("activities_held", "主要活动情况", "What took place"),
        textarea("incidents", "突发情况及处置", "Incidents and how they were handled", required=False),
    ), rules=(not_before("actual_arrival", "actual_departure", "实际抵达日期", "实际离开日期", "actual arrival",
                         "actual departure"),))


def coverage_form(key: str) -> Form:
    return Form(f"{key}.coverage", "报道跟踪", "Follow-up of the coverage", (
        textarea("published_reports", "已刊发（播出）报道", "Reports published or broadcast",
                 help="媒体、日期、标题，每行一篇"),
        integer("report_count", "报道篇数", "Number of reports", minimum=0),
        choice("coverage_tone", "报道倾向", "Tone of the coverage",
               (("positive", "正面", "Positive"), ("neutral", "客观中性", "Neutral"),
                ("negative", "负面", "Negative")), widget="radio"),
    ))


def plan_review_form(key: str, title: str, title_en: str) -> Form:
    """审定意见 without refusal (a state guest is always received): agree, or redraft."""
    options = (DECISIONS[0], ("revise", "修改后再报", "Redraft and resubmit"))
    return Form(f"{key}.plan_review", title, title_en, (
        choice("plan_decision", "审定意见", "Decision", options, widget="radio"),
        textarea("plan_comment", "意见说明", "Comment", required=False, max_length=2000,
                 help="要求修改时必须说明"),
    ), extra={"if": {"properties": {"plan_decision": {"const": "revise"}}, "required": ["plan_decision"]},
              "then": {"required": ["plan_comment"], "properties": {"plan_comment": {"minLength": 2}}}})


def examine_form(key: str, title: str, title_en: str, *checks: Field) -> Form:
    return decision_form(f"{key}.examine", title, title_en, *checks)
