"""Demo cases: a few cases of the office's processes at different stages, for `fao demo`.

Run after the processes are deployed and the demo users exist (webui.demo.seed_demo does both
in that order). Everything goes through the engine object passed in (start, claim, complete,
deliver_message), as the demo users would do it; nothing here imports the store or the web.
Each case yields one line. A case that cannot be created yields a line saying why and the
others go on.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.workflow_engine import WorkflowEngine
    from store.models import Instance

CST = timezone(timedelta(hours=8))


class _Demo:
    def __init__(self, engine: WorkflowEngine) -> None:
        self.engine = engine
        self.today = engine.clock.now().astimezone(CST).date()

    def day(self, offset: int) -> str:
        return (self.today + timedelta(days=offset)).isoformat()

    def start(self, key: str, username: str, data: dict) -> Any:
        return self.engine.start(key, self.engine.actor(username), data)

    def open_tasks(self, instance_id: str) -> list:
        with self.engine.uow() as uow:
            return list(uow.reads.tasks.open_of(instance_id))

    def do(self, instance_id: str, bpmn_id: str, username: str, data: dict, *, every: bool = False) -> None:
        """Claim and complete the open task ``bpmn_id`` (each of them with ``every``)."""
        rows = [t for t in self.open_tasks(instance_id) if t.bpmn_id == bpmn_id]
        if not rows:
            open_ids = [t.bpmn_id for t in self.open_tasks(instance_id)]
            raise RuntimeError(f"task {bpmn_id} is not open (open: {', '.join(open_ids) or 'none'})")
        actor = self.engine.actor(username)
        for row in rows if every else rows[:1]:
            self.engine.claim(row.id, actor)
            self.engine.complete(row.id, actor, data)

    def status(self, instance_id: str) -> str:
        with self.engine.uow() as uow:
            instance = uow.instances.get(instance_id)
            if instance is None:
                raise RuntimeError(f"case {instance_id} does not exist")
            return instance.status

    def waiting_for(self, instance_id: str) -> list[str]:
        with self.engine.uow() as uow:
            return [s.message_name for s in uow.events.subscriptions_for(instance_id)]

    def approve(self, instance_id: str, *steps: tuple[str, str]) -> None:
        for bpmn_id, username in steps:
            self.do(instance_id, bpmn_id, username, {"decision": "approve", "comment": "同意。"})

    def line(self, instance: Instance, stage: str) -> str:
        return f"{instance.process_key}「{instance.title}」（{instance.business_key}）：{stage}"


def _contact(person: str, phone: str) -> dict:
    return {"contact_person": person, "contact_phone": phone}


# --- the cases ----------------------------------------------------------------------------------

def _just_started(d: _Demo) -> str:
    inst = d.start("foreign_delegation_reception", "unit_wang", {
        "title": "接待德国巴伐利亚州经贸代表团", "unit_name": "衡阳市商务局", **_contact("王丽", "0734-8225566"),
        "guest_name": "德国巴伐利亚州经贸代表团", "guest_country": "德国", "delegation_head": "Markus Weber 司长",
        "arrival_date": d.day(24),
        "departure_date": d.day(26), "party_size": 2,
        "guests": [
            {"name": "Markus Weber", "gender": "male", "position": "巴伐利亚州经济部司长", "nationality": "德国",
             "passport_no": "C4RT6YZ81"},
            {"name": "Julia Fischer", "gender": "female", "position": "巴伐利亚州驻华代表", "nationality": "德国",
             "passport_no": "C7HK2LM09"},
        ],
        "purpose": "考察衡阳高新区装备制造企业，出席中德产业合作座谈会。", "requested_leader": "孙建国",
        "guest_type": "delegation", "arranged_by": "省外办安排通知（湘外函〔2026〕15号）",
        "visit_attachment": "demo-bavaria-notice",
    })
    return d.line(inst, "刚提交，待礼宾科（protocol_zhou）审查")


def _waiting_for_the_chief(d: _Demo) -> str:
    inst = d.start("news_culture_exchange", "unit_wang", {
        "title": "衡阳—大分摄影作品交流展", "unit_name": "衡阳市文化旅游广电体育局", **_contact("王丽", "0734-8456789"),
        "partner": "大分市文化振兴财团", "partner_kind": "ngo", "exchange_kind": "exhibition",
        "start_date": d.day(40), "end_date": d.day(55), "venue": "衡阳市美术馆", "foreign_participants": 6,
        "project_content": "在两市互办摄影作品展，各展出反映城市风貌的作品60幅。",
        "content_list": "《雁城印象》《大分四季》等摄影作品各60幅", "safety_measures": "展厅限流300人，配安保4人。",
        "project_attachment": "demo-photo-plan",
    })
    d.do(inst.id, "examine", "press_huang", {"partner_verified": True, "content_appropriate": True,
                                             "decision": "approve", "comment": "材料齐全，外方背景已核实。"})
    return d.line(inst, "新闻文化科已审查同意，待科室负责人（chief_zhang）审核")


def _completed_with_letter(d: _Demo) -> str:
    inst = d.start("unit_foreign_affairs_coordination", "unit_wang", {
        "title": "协调德国专家来衡工作许可事宜", "unit_name": "衡阳市人力资源和社会保障局",
        **_contact("王丽", "0734-8221234"),
        "matter_kind": "personnel", "foreign_party": "德国弗劳恩霍夫研究所",
        "matter": "2名德国专家拟来衡指导智能制造项目，需办理工作许可及居留手续。",
        "requested_support": "协调公安出入境部门办理工作类居留许可。", "needed_by": d.day(30),
    })
    d.do(inst.id, "route", "clerk_li", {"within_remit": True, "sections": ["passport_visa_section"],
                                        "needs_director": False, "routing_note": "请护照签证科提出意见。"})
    d.do(inst.id, "opinion_passport", "visa_wu", {"can_support": True,
                                                  "section_opinion": "可函请市公安局出入境管理支队优先办理。"})
    d.do(inst.id, "draft_reply", "clerk_li", {"reply_text": "请持邀请函及专家资料到市公安局出入境管理支队办理，外办已函"
                                                            "请优先受理。"})
    d.do(inst.id, "sign_off", "chief_zhang", {"sign_off": "approve"})
    d.do(inst.id, "feedback", "unit_wang", {"completed_on": d.day(0),
                                            "summary": "两名专家的工作许可已办结，项目按期启动。"})
    return d.line(inst, f"已函复并办结（复函已生成），状态 {d.status(inst.id)}")


def _returned_for_revision(d: _Demo) -> str:
    inst = d.start("sister_city_exchange", "unit_wang", {
        "title": "衡阳市八中与大分上野丘高中青少年交流", "unit_name": "衡阳市教育局",
        **_contact("王丽", "0734-8123456"),
        "partner_city": "日本大分市", "partner_organisation": "大分县立上野丘高等学校", "exchange_kind": "youth",
        "direction": "outbound", "start_date": d.day(60), "end_date": d.day(67), "funding_source": "学校自筹",
        "project_content": "两校师生互访、同堂上课、家庭寄宿。", "participants": 20,
        "project_attachment": "demo-youth-plan",
    })
    d.do(inst.id, "examine", "sister_zheng", {"partner_verified": True, "content_appropriate": False,
                                              "decision": "revise",
                                              "comment": "请补充学生安全保障方案和带队教师名单。"})
    return d.line(inst, "友城科退回修改，待申请单位（unit_wang）修改后重新提交")


def _rejected(d: _Demo) -> str:
    inst = d.start("foreign_journalist_management", "unit_wang", {
        "title": "境外自媒体记者采访工业园区", "unit_name": "衡阳市工业和信息化局", **_contact("王丽", "0734-8236789"),
        "media_outlet": "某境外自媒体工作室", "journalist_origin": "foreign",
        "journalists": [{"name": "Tom Baker", "gender": "male", "position": "自由撰稿人", "nationality": "英国",
                         "passport_no": "123456789"}],
        "press_card_no": "无", "interview_start": d.day(10), "interview_end": d.day(12),
        "topics": "拍摄工业园区企业生产情况。", "interviewees": "衡阳白沙洲工业园区企业",
        "interview_request": "demo-interview-request",
    })
    d.do(inst.id, "examine", "press_huang", {"credentials_valid": False, "topics_acceptable": False,
                                             "decision": "reject",
                                             "comment": "采访人员未持有外交部核发的记者证，不符合境外记者采访规定。"})
    return d.line(inst, f"新闻文化科不予同意，已通知申请单位，状态 {d.status(inst.id)}")


def _waiting_for_the_visa(d: _Demo) -> str:
    members = [
        {"name": "周建华", "gender": "male", "position": "市商务局副局长", "id_number": "430402197503121516",
         "rank": "bureau", "political_review_done": True},
        {"name": "陈晓梅", "gender": "female", "position": "外经贸科科长", "id_number": "430403198209230027",
         "rank": "division", "political_review_done": True},
    ]
    inst = d.start("official_passport_visa", "unit_wang", {
        "title": "市商务局赴日本经贸考察团", "unit_name": "衡阳市商务局", **_contact("王丽", "0734-8225566"),
        "mission": "考察先进制造业园区，洽谈招商合作项目，出席衡阳（东京）经贸推介会。",
        "destination_type": "asia", "destinations": "日本", "inviter": "日本贸易振兴机构（JETRO）",
        "itinerary": [{"place": "日本东京", "arrive_on": d.day(35), "leave_on": d.day(38), "activity": "经贸推介会"},
                      {"place": "日本大阪", "arrive_on": d.day(38), "leave_on": d.day(41), "activity": "考察园区"}],
        "departure_date": d.day(35), "return_date": d.day(41), "trip_days": 7, "members": members,
        "funding_source": "部门预算（因公出国经费）", "budget_yuan": 86000,
        "invitation_letter": "demo-jetro-invitation",
    })
    d.do(inst.id, "political_review", "unit_wang", {"political_review": [
        {"name": m["name"], "id_number": m["id_number"], "position": m["position"], "conclusion": "passed",
         "authority": "市委组织部", "on": d.day(-22)} for m in members]})
    # posted in the unit 20 days ago (more than 5 working days, holidays included): the publicity period is over
    d.do(inst.id, "publicity_post", "unit_wang", {"publicity_start": d.day(-20), "publicity_place": "局机关公示栏",
                                                  "publicity_content": "团组名称、任务、国家、天数、人员及经费来源"})
    d.engine.fire_due_timers()
    d.do(inst.id, "publicity_result", "unit_wang", {"publicity_objection": "none"})
    d.do(inst.id, "examine", "visa_wu", {"materials_complete": True, "within_limits": True,
                                         "members_eligible": True, "decision": "approve", "comment": "符合规定。"})
    d.approve(inst.id, ("verify", "chief_zhang"), ("approve", "director_liu"))
    for passport in ("E35120001", "E35120002"):
        d.do(inst.id, "issue_passport", "visa_wu", {"passport_no": passport, "passport_issued_on": d.day(0),
                                                    "passport_expires_on": d.day(365 * 5)})
    d.do(inst.id, "lodge_visa", "visa_wu", {"embassy": "日本国驻华大使馆", "lodged_on": d.day(0),
                                           "visa_type": "official"}, every=True)
    waiting = "、".join(d.waiting_for(inst.id)) or "无"
    return d.line(inst, f"政审、公示完毕，任务批件已出，已送签，等待使馆签证结果（消息 {waiting}）")


def _waiting_for_the_leader(d: _Demo) -> str:
    inst = d.start("foreign_activity_plan", "unit_wang", {
        "title": "孙建国市长会见日本大分市代表团", "unit_name": "衡阳市人民政府办公室",
        **_contact("王丽", "13907341234"),
        "activity_type": "meeting", "activity_date": d.day(20), "activity_time": "10:00—11:30",
        "venue": "雁城宾馆贵宾厅",
        "attending_leader": "孙建国市长",
        "foreign_guests": [{"name": "佐藤樹一郎", "position": "大分市市长", "nationality": "日本"}],
        "chinese_attendees": "市政府办公室、市外办、市商务局负责人", "attendance": 30,
        "plan_summary": "会见、签署友好交流备忘录、工作午宴。", "interpretation_language": "japanese",
        "media_coverage": True, "plan_document": "demo-meeting-plan",
    })
    d.do(inst.id, "examine", "protocol_zhou", {"protocol_proper": True, "talking_points_ok": True,
                                               "decision": "approve", "comment": "礼宾规格得当。"})
    d.approve(inst.id, ("director_review", "director_liu"))
    return d.line(inst, "礼宾科审核、外办主任审核完毕，呈报市领导（leader_sun）审定")


def _soon_overdue(d: _Demo) -> str:
    inst = d.start("foreign_incident_response", "unit_wang", {
        "title": "韩国游客南岳景区交通事故", "unit_name": "衡阳市公安局", **_contact("王丽", "0734-8110110"),
        "incident_kind": "accident", "reported_level": "serious", "occurred_at": f"{d.day(0)} 08:30",
        "location": "南岳区南岳大道", "nationalities": "韩国", "foreigners_involved": 2, "casualties": 2,
        "facts": "旅游大巴与私家车相撞，2名韩国游客受伤送市中心医院救治。",
        "measures_taken": "伤员已送医，现场已处置。",
    })
    due = next((t.due_at for t in d.open_tasks(inst.id) if t.bpmn_id == "acknowledge"), None)
    when = due.astimezone(CST).strftime("%Y-%m-%d %H:%M") if due else "未知"
    return d.line(inst, f"待值班经办人（clerk_li）接报初判，时限2小时（{when} 到期，逾期报科室负责人督办）")


CASES: tuple[Callable[[_Demo], str], ...] = (
    _just_started, _waiting_for_the_chief, _completed_with_letter, _returned_for_revision, _rejected,
    _waiting_for_the_visa, _waiting_for_the_leader, _soon_overdue,
)


def seed_cases(engine: WorkflowEngine) -> Iterator[str]:
    """Create the demo cases; one line per case (or per case that could not be created)."""
    demo = _Demo(engine)
    for make in CASES:
        try:
            yield make(demo)
        except Exception as exc:
            yield f"demo case {make.__name__.strip('_')} not created: {exc.__class__.__name__}: {exc}"
