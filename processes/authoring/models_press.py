"""Press and culture: responsibilities 15 and 16 (14, 17 and 18 live with receptions / going abroad)."""
from __future__ import annotations

from .dsl import Builder
from .forms import attachment, boolean, choice, date, integer, text, textarea
from .patterns import deadline
from .standard import countersign, standard, steps

PC = "press_culture_section"


def news_culture_exchange():
    fields = (
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
        textarea("project_content", "项目内容", "Project content"),
        attachment("project_attachment", "项目方案", "Project plan"),
    )
    return standard(
        "news_culture_exchange", PC, "新", fields,
        (boolean("partner_verified", "外方背景已核实", "Partner's background verified"),
         boolean("content_appropriate", "交流内容符合规定", "Content within rules")),
        lambda b, last: steps(b, last,
                              ("carry_out", "组织实施", PC, "common.handling", "会同申请单位组织实施交流项目。"),
                              ("exchange_report", "交流总结", "applicant_unit", "common.report", "请提交交流总结。")),
        subject=("交流项目", "exchange project"), title_label=("项目名称", "Project"))


def large_foreign_event():
    def tail(b: Builder, last: str) -> str:
        join = countersign(b, last, "support", (
            ("protocol_plan", "外宾礼宾接待会签", "protocol_section", "会签外宾迎送、礼宾与贵宾接待方案。"),
            ("visa_support", "外籍人员邀请与签证协助会签", "passport_visa_section",
             "会签外籍演职人员、运动员的邀请函与签证协助事项。"),
            ("media_plan", "新闻宣传与境外媒体会签", PC, "会签新闻发布、境外媒体采访与舆情应对方案。"),
        ))
        run = steps(b, join, ("run_event", "活动组织实施", PC, "common.preparation",
                              "按会签后的保障方案落实{{ event_date }}活动的各项涉外工作。"))
        deadline(b, "run_event", "days_before(event_date, 5)", "活动筹备时限",
                 text="距活动举办不足5天，涉外保障仍未落实，请督办。")
        return steps(b, run, ("event_report", "活动总结", "applicant_unit", "common.report", "请提交活动总结。"))
    fields = (
        choice("event_kind", "活动类别", "Kind of event",
               (("performance", "文艺演出", "Cultural performance"), ("sports", "体育赛事", "Sports tournament"),
                ("exhibition", "展会", "Exhibition"), ("other", "其他", "Other")), widget="select"),
        date("event_date", "举办日期", "Date of the event"),
        text("venue", "举办地点", "Venue", max_length=200),
        integer("foreign_participants", "境外参加人数", "Participants from abroad", minimum=0, maximum=100000),
        integer("expected_audience", "预计观众人数", "Expected audience", minimum=0),
        text("co_organisers", "合作/承办单位", "Co-organisers", max_length=300, required=False),
        textarea("security_plan", "安全保障方案要点", "Security plan"),
        attachment("event_plan", "活动方案", "Event plan"),
    )
    return standard(
        "large_foreign_event", PC, "审", fields,
        (boolean("licences_ok", "已取得文化、体育主管部门许可", "Licences from culture / sports authorities"),
         boolean("security_ok", "安保方案可行", "Security plan adequate")),
        tail, leader="foreign_participants >= 100", subject=("活动申请", "event application"),
        title_label=("活动名称", "Event"))


MODELS = (news_culture_exchange, large_foreign_event)
