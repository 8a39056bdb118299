"""Receiving visitors: responsibilities 2, 3, 10, 14 and 18."""
from __future__ import annotations

from .dsl import MSG_CATCH, Builder
from .forms import (attachment, boolean, choice, date, integer, members, text, textarea)
from .patterns import deadline
from .standard import countersign, standard, steps


def _visit_fields(guest_zh: str = "来访团组", guest_en: str = "Visiting delegation", foreign: bool = True):
    return (
        text("guest_name", guest_zh, guest_en, max_length=200),
        text("guest_country", "国家（地区）/组织", "Country / region / organisation", max_length=100),
        date("arrival_date", "抵达日期", "Arrival date"),
        date("departure_date", "离开日期", "Departure date"),
        integer("party_size", "来访人数", "Number of visitors", minimum=1, maximum=500),
    ) + ((members("guests", "来访人员名单", "Visitors", foreign=True, min_items=0, max_items=200),)
         if foreign else ()) + (
        textarea("purpose", "来访目的与主要活动", "Purpose and main activities"),
        text("requested_leader", "拟请出面的市领导", "Municipal leader requested to meet", required=False,
             max_length=50),
        attachment("visit_attachment", "来访通知/邀请函", "Notice or invitation", required=False),
    )


def _reception_tail(host_lane: str, report_lane: str = "applicant_unit", days_before: int = 3):
    def tail(b: Builder, last: str) -> str:
        last = steps(b, last,
                     ("prepare", "接待筹备", host_lane, "common.preparation",
                      "《{{ title }}》于{{ arrival_date }}抵达，请落实日程、住宿、车辆、会见宴请和安保。"))
        deadline(b, "prepare", f"days_before(arrival_date, {days_before})", "筹备时限",
                 text=f"距来访抵达已不足{days_before}天，接待筹备尚未完成，请督办。")
        return steps(b, last,
                     ("receive", "接待实施", host_lane, "common.handling", "按批准的接待方案组织接待并记录。"),
                     ("report", "接待总结", report_lane, "common.report", "请提交《{{ title }}》接待总结。"))
    return tail


def state_guest_reception():
    def tail(b: Builder, last: str) -> str:
        join = countersign(b, last, "prep", (
            ("protocol_arrangements", "礼宾与会见安排", "protocol_section", "落实迎送、会见、宴请、礼宾次序与礼品。"),
            ("logistics", "车辆住宿与后勤保障", "fao_clerk", "落实车辆、住宿、餐饮、通讯和医疗保障。"),
        ))
        deadline(b, "protocol_arrangements", "days_before(arrival_date, 2)", "礼宾筹备时限",
                 text="国宾抵达前2天礼宾安排仍未落实，请督办。")
        return steps(b, join,
                     ("receive", "接待实施", "protocol_section", "common.handling", "按审定方案组织接待并记录。"),
                     ("report", "接待总结", "applicant_unit", "common.report", "请提交接待总结。"))
    return standard(
        "state_guest_reception", "protocol_section", "接",
        _visit_fields("来宾（党和国家领导人/国宾）", "Guest (Party and state leader / state guest)", foreign=False)
        + (choice("security_level", "警卫级别", "Security level",
                  (("first", "一级", "First"), ("second", "二级", "Second"), ("other", "其他", "Other")),
                  widget="radio"),),
        (boolean("notice_verified", "已核实上级接待通知", "Notice from the higher authority verified"),
         boolean("plan_complete", "接待方案要素齐全", "Reception plan complete")),
        tail, leader="always", subject=("接待方案", "reception plan"), title_label=("接待事项", "Reception"),
        start_name="报送接待通知")


def foreign_delegation_reception():
    return standard(
        "foreign_delegation_reception", "protocol_section", "接",
        _visit_fields() + (choice("guest_type", "来访类别", "Type of visitor",
                                  (("delegation", "外国代表团", "Foreign delegation"),
                                   ("dignitary", "境外知名人士", "Overseas dignitary"),
                                   ("un_io", "联合国及国际组织", "UN / international organisation"),
                                   ("consular", "驻华使领馆", "Embassy / consulate")), widget="select"),),
        (boolean("invitation_proper", "邀请主体与审批权限相符", "Invitation within the unit's authority"),
         boolean("programme_reasonable", "日程与接待规格符合规定", "Programme and standards within rules")),
        _reception_tail("protocol_section"), subject=("接待申请", "reception request"),
        title_label=("接待事项", "Reception"))


def sister_city_delegation_reception():
    def tail(b: Builder, last: str) -> str:
        last = steps(b, last, ("send_invitation", "发出邀请函", "sister_city_section", "common.handling",
                               "向{{ guest_name }}发出正式邀请函，并请对方确认行程。"))
        wait = b.node("wait_confirmation", MSG_CATCH, "对方城市确认", lane="sister_city_section",
                      message="foreign_city_confirmation", message_var="foreign_city_confirmation")
        b.flow(last, wait)
        return _reception_tail("sister_city_section")(b, wait)
    return standard(
        "sister_city_delegation_reception", "sister_city_section", "接",
        _visit_fields("来访城市团组", "Delegation of the foreign city")
        + (choice("relationship", "与我市关系", "Relationship with Hengyang",
                  (("sister_city", "友好城市", "Sister city"), ("friendly", "友好交流城市", "Friendly exchange city"),
                   ("trade", "经贸合作城市", "Trade and economic partner")), widget="radio"),),
        (boolean("relationship_verified", "已核实城市关系", "Relationship verified"),
         boolean("programme_reasonable", "日程与接待规格符合规定", "Programme and standards within rules")),
        tail, subject=("接待申请", "reception request"), title_label=("接待事项", "Reception"),
        messages=("foreign_city_confirmation",))


def foreign_journalist_management():
    def tail(b: Builder, last: str) -> str:
        last = steps(b, last, ("arrange_interviews", "安排采访与陪同", "press_culture_section", "common.preparation",
                               "安排{{ media_outlet }}记者的采访对象、线路与陪同人员。"))
        deadline(b, "arrange_interviews", "days_before(interview_start, 1)", "采访安排时限",
                 text="记者采访前一天采访安排仍未落实，请督办。")
        return steps(b, last, ("interview_report", "采访情况报告", "press_culture_section", "common.report",
                               "请报告采访情况及报道倾向。"))
    fields = (
        text("media_outlet", "新闻机构", "Media outlet", max_length=100),
        choice("journalist_origin", "记者来源", "Journalists from",
               (("hk", "香港", "Hong Kong"), ("macao", "澳门", "Macao"), ("foreign", "外国", "Foreign country")),
               widget="radio"),
        members("journalists", "记者名单", "Journalists", foreign=True, max_items=20),
        text("press_card_no", "记者证号", "Press card number", max_length=40,
             help="外交部或国务院港澳办核发的记者证号码"),
        date("interview_start", "采访开始日期", "Interviews from"),
        date("interview_end", "采访结束日期", "Interviews until"),
        textarea("topics", "采访内容与对象", "Topics and interviewees"),
        attachment("interview_request", "采访申请函", "Interview request"),
    )
    return standard(
        "foreign_journalist_management", "press_culture_section", "新", fields,
        (boolean("credentials_valid", "记者证件有效", "Press credentials valid"),
         boolean("topics_acceptable", "采访内容与对象适当", "Topics and interviewees acceptable")),
        tail, subject=("采访申请", "interview request"), title_label=("采访事项", "Interview"),
        start_name="申报境外记者采访")


def foreign_press_group_reception():
    def tail(b: Builder, last: str) -> str:
        join = countersign(b, last, "prep", (
            ("press_programme", "采访与演出活动安排", "press_culture_section", "安排采访、演出或交流活动及媒体对接。"),
            ("protocol_support", "礼宾接待配合", "protocol_section", "配合落实迎送、会见、宴请等礼宾事项。"),
        ))
        deadline(b, "press_programme", "days_before(arrival_date, 3)", "活动安排时限",
                 text="团组抵达前3天活动安排仍未落实，请督办。")
        return steps(b, join,
                     ("receive", "接待实施", "press_culture_section", "common.handling", "按审定方案组织接待并记录。"),
                     ("report", "接待总结", "applicant_unit", "common.report", "请提交接待总结。"))
    return standard(
        "foreign_press_group_reception", "press_culture_section", "接",
        _visit_fields("来访新闻文化团组", "Visiting press or cultural group")
        + (choice("group_type", "团组类别", "Type of group",
                  (("press", "新闻团组", "Press"), ("culture", "文化团组", "Culture")), widget="radio"),),
        (boolean("group_verified", "已核实团组背景", "Group background verified"),
         boolean("programme_reasonable", "活动内容符合规定", "Programme within rules")),
        tail, subject=("接待申请", "reception request"), title_label=("接待事项", "Reception"))


MODELS = (state_guest_reception, foreign_delegation_reception, sister_city_delegation_reception,
          foreign_journalist_management, foreign_press_group_reception)
