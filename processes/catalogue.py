"""The catalogue of the office's processes: one per responsibility of the seed (1 to 20), and the
passport section's own cancellation of the documents in its custody (21).

Plain immutable data; the engine and the web UI read it to list what may be started, by whom,
and under which service-level policy. Numbers follow the seed's list of responsibilities.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    key: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class SlaPolicy:
    """Working days (Chinese calendar) allowed for examining and for approving."""

    examine_working_days: int
    approve_working_days: int


@dataclass(frozen=True)
class ProcessInfo:
    number: int
    key: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    category: Category
    starters: tuple[str, ...]
    sla: SlaPolicy


GOING_ABROAD = Category("going_abroad", "因公出国（境）", "Official travel abroad")
RECEPTION = Category("reception", "外事接待", "Reception of visitors")
SISTER_CITIES = Category("sister_cities", "友好城市", "Sister cities")
PRESS_CULTURE = Category("press_culture", "新闻文化", "Press and culture")
COORDINATION = Category("coordination_records", "协调与备案", "Coordination and records")

_CATEGORIES = (GOING_ABROAD, RECEPTION, SISTER_CITIES, PRESS_CULTURE, COORDINATION)

_A = ("applicant_unit",)


def _p(number: int, key: str, title_zh: str, title_en: str, description_zh: str, description_en: str,
       category: Category, starters: tuple[str, ...] = _A, examine: int = 5, approve: int = 3) -> ProcessInfo:
    return ProcessInfo(number, key, title_zh, title_en, description_zh, description_en, category,
                       tuple(starters), SlaPolicy(examine, approve))


_CATALOGUE = (
    _p(1, "foreign_activity_plan", "重大外事活动方案审核报批", "Plans for major foreign-affairs activities",
       "市直单位报送市级以上领导出席的会见、会谈、宴请、签约等重大外事活动方案：礼宾科审核、外办主任审核后呈报市领导审定；批准后礼宾、翻译、新闻报道并行落实，活动后形成纪要。",
       "A unit submits the plan of a meeting, talks, banquet or signing attended by municipal leaders: the protocol "
       "section reviews it, the director checks it and a municipal leader decides; then protocol, interpretation and "
       "press coverage are arranged in parallel, and minutes follow the activity.",
       COORDINATION, examine=3, approve=2),
    _p(2, "state_guest_reception", "党和国家领导人来衡接待", "Reception of Party and state guests",
       "礼宾科登记上级（省委接待办、省外办）关于党和国家领导人、外国国宾来衡的接待通知，拟订接待方案，经外办主任审核、市领导审定，"
       "市领导确定迎送陪同，礼宾、警卫、后勤、新闻并行筹备，来宾抵达后组织接待并上报总结。",
       "The protocol section records the higher authority's notice of a visit by Party and state guests, drafts the "
       "reception plan for the director and the municipal leader to settle, the leader's part is arranged, protocol, "
       "security, logistics and press prepare in parallel, and the visit is run and reported.",
       RECEPTION, starters=("protocol_section",), examine=2, approve=1),
    _p(3, "foreign_delegation_reception", "外国代表团及重要来访接待",
       "Reception of foreign delegations and dignitaries",
       "市直单位报送接待外国代表团、境外知名人士、联合国及国际组织、驻华使领馆来衡团组的请示，礼宾科审查受理后拟订接待方案（接待规格），"
       "经审核审批（请市领导会见的报市领导审定）后复函，安排市领导会见，礼宾、安保、新闻、翻译并行筹备，按期接待并总结。",
       "A unit asks to receive a foreign delegation, dignitary, UN or international-organisation group or consular "
       "visitors; the protocol section accepts it, drafts the reception plan with its protocol level for approval "
       "(by a municipal leader when one meets them), the meeting is arranged, protocol, security, press and "
       "interpretation prepare in parallel, and the visit is run on its dates and summed up.",
       RECEPTION),
    _p(4, "foreign_incident_response", "涉外突发事件与纠纷处置", "Foreign-related incidents and disputes",
       "有关单位或外办值班人员报告涉外事故、纠纷、安全事件或领事保护案件：值班人员2小时内接报初判，立即报告主任（重大以上报市领导），相关科室并行处置并持续报送进展，处置完毕后形成报告由主任签发。",
       "A unit or the office's duty clerk reports a foreign-related accident, dispute, security or consular case: the "
       "duty clerk acknowledges and assesses it within 2 hours, the director (and for major cases a municipal leader) "
       "is informed at once, the sections concerned act in parallel and report progress until it is resolved, and the "
       "director signs the closing report.",
       COORDINATION, starters=("applicant_unit", "fao_clerk"), examine=1, approve=1),
    _p(5, "unit_foreign_affairs_coordination", "市直单位外事工作协调", "Coordination of units' foreign affairs",
       "市直单位就涉外工作提请外办协调：外办登记分办，相关科室并行提出意见，拟写协调意见经科室负责人核稿（需要时主任签发）后函复，单位反馈落实情况。",
       "A unit asks the office to coordinate its foreign work: the office registers and routes the request, the "
       "sections concerned give opinions in parallel, a coordination letter is drafted, checked (and signed by the "
       "director where needed) and sent, and the unit reports back.",
       COORDINATION),
    _p(6, "official_passport_visa", "因公护照、通行证与签证办理", "Official passports, permits and visas",
       "全市因公出国（境）人员的护照、往来港澳通行证及签证申报：单位逐人政审、出访前公示5个工作日，审核审批（按权限报市领导）后编发任务批件，逐人办证送签，回国后交回证照保管、注销签证并提交回国报告。",
       "Official passports, Hong Kong–Macao permits and visas for the city's travellers: the unit vets each member, "
       "the trip is made public for 5 working days, it is approved (by a municipal leader where the authority table "
       "says so) with a numbered task approval, documents are issued and lodged per member, and after the trip "
       "passports return into custody, visas are cancelled and a return report is filed.",
       GOING_ABROAD),
    _p(7, "overseas_chinese_office_trip", "侨办管理团组出访申报",
       "Trips of groups managed by the overseas Chinese office",
       "市侨办管理的因公出国（境）团组申报：成员政审、出访前公示5个工作日，外办审查审核审批（按权限报市领导）后编发任务批件，统一办理证照签证，回国后交回证照并提交回国报告。",
       "Official trips of groups managed by the overseas Chinese affairs office: members vetted, the trip made public "
       "for 5 working days, examined and approved (municipal leader where the authority table says so) with a numbered "
       "task approval, documents handled, passports returned and a return report filed after the trip.",
       GOING_ABROAD),
    _p(8, "leader_visit_abroad_approval", "市领导出访审批", "Approval of municipal leaders' visits abroad",
       "市长、副市长等市级领导出访（出境）审批：政审与公示后外办审查审核、主任审批，按权限呈报市主要领导，编发任务批件并报省外办批复，获批后办理证照，回国后交回证照并提交出访报告。",
       "Visits abroad of the mayor and vice-mayors: after vetting and publicity the office examines and the director "
       "approves, the principal leader decides where required, a numbered task approval goes to the provincial "
       "foreign affairs office for its answer, then documents are handled; after the trip passports return "
       "and a report is filed.",
       GOING_ABROAD),
    _p(9, "sister_city_development_plan", "友好城市发展规划与交流计划",
       "Sister-city development plan and exchange programme",
       "友城科起草全市友好城市发展规划或年度交流计划，逐一征求相关单位意见，汇总形成送审稿，经审核、审批并报市政府审定后编号印发实施。",
       "The sister-city section drafts the city's sister-city development plan and exchange programme, consults the "
       "units, and the plan is verified, approved and endorsed by the municipal government before it is issued.",
       SISTER_CITIES, starters=("sister_city_section",), examine=10, approve=5),
    _p(10, "sister_city_delegation_reception", "友城及经贸合作城市来访接待", "Visitors from sister and partner cities",
       "接待与我市建立友城、经贸合作关系的外国城市来访团组：审批后以市政府名义发出邀请，对方城市确认后拟订接待方案、安排会见并筹备，"
       "按期接待并总结；对方未确认的取消来访。",
       "Receiving delegations from foreign cities with sister-city or trade-and-economic ties: after approval an "
       "invitation is sent and, once the foreign city confirms, the visit is organised.", SISTER_CITIES),
    _p(11, "sister_city_daily_management", "友好城市日常管理", "Day-to-day management of sister cities",
       "友城科按年度对各友好城市开展日常联络与维护，按季度记录联络情况，年终逐一评估各友城交往情况，形成年度工作报告经审核审批，"
       "对不活跃的友城制定激活措施，归档。",
       "The sister-city section keeps in touch with each sister city over the year, reports quarterly, and ends "
       "with an annual report that is verified, approved and filed.", SISTER_CITIES,
       starters=("sister_city_section", "fao_clerk"), examine=10, approve=5),
    _p(12, "sister_city_exchange", "友城民间及对口交流",
       "Non-governmental and counterpart exchanges with sister cities",
       "市直单位、学校、社会组织申报与外国友城的民间交流和对口交流项目，友城科审查、主任审批后函告对方，对方同意后按出访或来访办理，"
       "项目结束报送成果并评估。",
       "Units, schools and associations apply for non-governmental or counterpart exchange projects with sister "
       "cities; "
       "the sister-city section examines, and after approval liaises with the partner and follows up the results.",
       SISTER_CITIES),
    _p(13, "sister_institution_approval", "友好学校、医院等缔结审批",
       "Approval of sister schools, hospitals and institutions",
       "学校、医院等单位申请与国外对口机构缔结友好关系，外办审查、审核、审批后报省外办，省外办批准后签订协议、备案，并逐年指导其交流活动。",
       "A school, hospital or similar institution applies to establish a sister relationship abroad; the office "
       "examines, "
       "verifies and approves, seeks the provincial office's approval, then guides the signing and later exchanges.",
       SISTER_CITIES),
    _p(14, "foreign_journalist_management", "境外记者来衡采访管理", "Journalists from abroad, Hong Kong and Macao",
       "接待单位登记港澳及外国记者来衡采访，新闻文化科核验证件和采访内容、征得采访对象同意后复函，安排并陪同采访，跟踪报道倾向，负面报道及时应对。",
       "A host unit reports journalists from Hong Kong, Macao or abroad who wish to report in Hengyang; the press and "
       "culture section examines, and after approval the interviews are arranged, accompanied and reported.",
       PRESS_CULTURE, examine=3, approve=2),
    _p(15, "news_culture_exchange", "对外新闻文化交流", "News and cultural exchanges",
       "市直单位申报与外国地方政府、民间组织的新闻文化交流项目，新闻文化科审查、科室审核后，内容、安全、礼宾并行会签，主任审批，按期组织实施并总结。",
       "A unit applies for a news or cultural exchange with a foreign local government or non-governmental "
       "organisation; the press and culture section examines, and after approval it is carried out and summarised.",
       PRESS_CULTURE),
    _p(16, "large_foreign_event", "大型涉外文体活动", "Large foreign cultural and sports events",
       "主办单位申报在衡举办的大型涉外文艺演出、体育赛事等活动（附活动方案和应急预案），外办审查审核后礼宾、护照签证、新闻文化并行会签，"
       "观众千人以上的须取得公安机关安全许可，主任审批（境外人员多的报市领导），活动前筹备、当天保障、结束后总结。",
       "An organiser applies to hold a large foreign cultural performance or sports event in Hengyang; the office "
       "approves it (a municipal leader for large events), the sections countersign the support plan in parallel, and "
       "the event is run.", PRESS_CULTURE, examine=5, approve=3),
    _p(17, "press_culture_trip_approval", "新闻文化单位出访审批", "Trips abroad of press and cultural units",
       "市新闻、文化单位团组和人员因公出国（境）：成员政审、出访前公示5个工作日，新闻文化科审查、审核审批（按权限报市领导）后编发任务批件，统一办理证照签证，回国后交回证照并提交回国报告。",
       "Official trips abroad of the city's press and cultural units: members vetted, the trip made public for 5 "
       "working days, examined by the press and culture section and approved (municipal leader where required) with a "
       "numbered task approval, documents handled, passports returned and a return report filed.",
       GOING_ABROAD),
    _p(18, "foreign_press_group_reception", "外国新闻文化团组来访接待",
       "Reception of foreign press and cultural groups",
       "组织或配合有关部门接待来衡的外国新闻、文化团组：新闻文化科审查、主任审批后拟订接待方案，采访演出、礼宾、安保、翻译并行筹备，"
       "接待后跟踪其报道，负面报道及时应对。",
       "Organising, or helping the responsible department with, the reception of foreign press and cultural groups "
       "visiting Hengyang: examined by the press and culture section, then prepared with the protocol section.",
       RECEPTION),
    _p(19, "overseas_institution_registration", "驻外（境）机构备案", "Records of the city's institutions abroad",
       "市属单位在境外设立的机构向外办备案：审核备案材料后编备案号并出具回执；存续期间单位申报事项变更、每年3月31日前报送年度报告，直至申请注销备案并经核准。",
       "Institutions the city's units set up abroad are put on record with a record number and receipt; while they "
       "exist the unit files changes and an annual report (due by 31 March), until the record is cancelled on request.",
       COORDINATION,
       starters=("applicant_unit", "fao_clerk"), examine=5, approve=3),
    _p(20, "research_study_personnel", "友城研修人员选派与接收", "Research and study personnel with sister cities",
       "友城科发布赴友城研修项目，各单位推荐人选，资格审查遴选后主任审定、派出，期满回国报告并评估；或登记友城来衡研修申请，"
       "接收单位同意、审查审批后发接收函，来衡后管理，期满结业评估。",
       "The sister-city section either announces a study programme in a sister city (units nominate, the office vets "
       "and selects, the director confirms, they go, report back and are assessed) or registers trainees a sister city "
       "sends (the host agrees, the office examines and admits them, manages the stay and assesses them).",
       SISTER_CITIES, starters=("sister_city_section",)),
    _p(21, "passport_cancellation", "因公证照注销", "Cancellation of official passports and permits",
       "持照人离任（退休、调离、辞职等）后，护照签证科依登记簿核对其保管的因公护照或往来港澳通行证（须在保管中、持照人相符），"
       "填报注销事由，科室负责人审批后在证照保管登记簿中注销；已注销的证照不能再借出。",
       "When a holder leaves office (retires, is transferred, resigns), the passport and visa section checks the "
       "official passport or Hong Kong–Macao permit against the custody ledger (it must be in custody and the "
       "holder must match), records why, and after the section chief approves the document is cancelled in the "
       "ledger; a cancelled document can no longer be lent.",
       GOING_ABROAD, starters=("passport_visa_section",), examine=2, approve=2),
)


def catalogue() -> tuple[ProcessInfo, ...]:
    """All the processes, in the order of the seed (the passport section's cancellation last)."""
    return _CATALOGUE


def by_key(key: str) -> ProcessInfo | None:
    for p in _CATALOGUE:
        if p.key == key:
            return p
    return None


def categories() -> tuple[Category, ...]:
    return _CATEGORIES
