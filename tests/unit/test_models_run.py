"""The models run on plain SpiffWorkflow: revision loops, approvals, rejections, messages, timers.

The engine's helpers are stubbed in the script environment; service tasks go to the real
handlers of ``processes.handlers`` with a fake context. The lead's scenario tests drive the
same models through the engine services.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.dmn.specs.model import HitPolicy
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from processes.handlers import build_handler_registry

ROOT = Path(__file__).resolve().parents[2] / "bpmn_models"
CST = timezone(timedelta(hours=8))


def _at9(date_str: str) -> datetime:
    return datetime.fromisoformat(str(date_str)[:10]).replace(hour=9, tzinfo=CST)


class Clock:
    """Stub helpers: calendar days stand in for working days; ``due_offset`` shifts SLA dues."""

    def __init__(self) -> None:
        self.due_offset = timedelta(0)

    def globals(self) -> dict:
        now = lambda: datetime.now(timezone.utc)  # noqa: E731
        return {
            "now": lambda: now().isoformat(),
            "today": lambda: now().astimezone(CST).date().isoformat(),
            "due_in_working_days": lambda n: (now() + timedelta(days=n) + self.due_offset).isoformat(),
            "working_days_after": lambda start, n: (_at9(start) + timedelta(days=n)).isoformat(),
            "working_days_between": lambda a, b: (_at9(b) - _at9(a)).days,
            "days_before": lambda d, n: (_at9(d) - timedelta(days=n)).isoformat(),
        }


class FakeContext:
    def __init__(self, log: "Harness", data: dict) -> None:
        self.instance_id, self.process_key = "i-1", data.get("process_key", "")
        self.business_key, self.started_by = data.get("business_key"), data.get("applicant")
        self.actor, self.locale, self._data, self._log = None, "zh_CN", data, log

    def now(self) -> datetime:
        return datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)

    def next_sequence(self, category: str, year: int) -> int:
        key = (category, year)
        self._log.sequences[key] = self._log.sequences.get(key, 0) + 1
        return self._log.sequences[key]

    def store_attachment(self, name: str, content_type: str, content: bytes) -> str:
        self._log.attachments.append((name, content_type, content))
        return f"att-{len(self._log.attachments)}"

    def notify(self, username: str, message: str, message_en: str | None = None) -> None:
        self._log.notices.append((username, message, message_en))

    def task_data(self) -> dict:
        return dict(self._data)

    def write_register(self, register: str, key: str, values: dict, action: str, create: bool = True) -> int:
        self._log.registers.append((register, key, action, dict(values)))
        return len(self._log.registers)

    def read_register(self, register: str, key: str) -> dict | None:
        return self._log.ledger.get((register, key))

    def unit_names(self, key: str) -> tuple[str, str | None] | None:
        return UNIT_NAMES.get(key)


UNIT_NAMES = {"commerce": ("市商务局", "Municipal Bureau of Commerce"), "education": ("市教育局", None),
              "health": ("市卫健委", None)}


class Harness:
    def __init__(self, key: str, parser: SpiffBpmnParser, clock: Clock, **data) -> None:
        self.sequences: dict = {}
        self.attachments: list = []
        self.notices: list = []
        self.registers: list = []
        self.ledger: dict = {("passports", "E12345678"): {"status": "in_custody", "kind": "passport",
                                                          "holder": "周建华", "holder_unit": "市商务局"}}
        registry = build_handler_registry()
        harness = self

        class Engine(PythonScriptEngine):
            def call_service(self, task, operation_name, operation_params):
                handler = registry.get(operation_name)
                assert handler is not None, operation_name
                params = {k: v["value"] for k, v in operation_params.items()}
                return json.dumps(handler(FakeContext(harness, task.data), params))

        self.engine = Engine(environment=TaskDataEnvironment(clock.globals()))
        self.spec, self.subs = parser.get_spec(key), parser.get_subprocess_specs(key)
        self.wf = BpmnWorkflow(self.spec, self.subs, script_engine=self.engine)
        first = self.wf.get_tasks(state=TaskState.READY)[0]
        first.data.update({"business_key": "HY-2026-0001", "applicant": "alice", "process_key": key}, **data)
        self.wf.do_engine_steps()

    def ready(self, name: str | None = None):
        tasks = [t for t in self.wf.get_tasks(state=TaskState.READY) if t.task_spec.manual]
        return [t for t in tasks if name is None or t.task_spec.bpmn_id == name]

    def complete(self, name: str, **data):
        tasks = self.ready(name)
        assert tasks, f"{name} not ready; ready: {[t.task_spec.bpmn_id for t in self.ready()]}"
        task = tasks[0]
        task.data.update(data)
        task.run()
        self.wf.do_engine_steps()
        return task

    def fire_timers(self) -> None:
        self.wf.refresh_timers()
        self.wf.do_engine_steps()

    def send(self, message: str, payload: dict) -> None:
        corr = {"business_key_correlation": {"business_key": payload["business_key"]}}
        self.wf.send_event(BpmnEvent(MessageEventDefinition(message), payload, corr))
        self.wf.do_engine_steps()

    def round_trip(self) -> None:
        """Save and restore the workflow mid-way, as the engine does between commands."""
        serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        restored = serializer.deserialize_json(serializer.serialize_json(self.wf))
        restored.script_engine = self.engine
        self.wf = restored

    def lane(self, name: str) -> str | None:
        return self.ready(name)[0].task_spec.lane


@pytest.fixture(scope="module")
def parser() -> SpiffBpmnParser:
    p = SpiffBpmnParser(validator=VALIDATOR)
    p.add_bpmn_files([str(f) for f in sorted(ROOT.rglob("*.bpmn"))])
    p.add_dmn_files([str(f) for f in sorted(ROOT.rglob("*.dmn"))])
    return p


@pytest.fixture
def clock() -> Clock:
    return Clock()


MEMBERS = [
    {"name": "张三", "gender": "male", "position": "科长", "id_number": "430401198001011234", "rank": "division"},
    {"name": "李四", "gender": "female", "position": "局长", "id_number": "430401198001011235", "rank": "bureau"},
    {"name": "王五", "gender": "male", "position": "干部", "id_number": "43040119800101123X", "rank": "division"},
]


def _trip(**over):
    data = {"title": "赴日本经贸考察", "unit_name": "市商务局", "contact_person": "赵六", "contact_phone": "0734-8888888",
            "mission": "考察", "destination_type": "asia", "destinations": "日本东京", "inviter": "东京都厅",
            "departure_date": "2020-04-25", "return_date": "2020-05-01", "trip_days": 7, "members": MEMBERS,
            "funding_source": "部门预算", "budget_yuan": 80000, "invitation_letter": "att-9"}
    data.update(over)
    return data


def _vet_and_publicise(h: Harness) -> None:
    """The unit's political review (every listed member passes) and the publicity period."""
    (task,) = h.ready("political_review")
    rows = [dict(r, conclusion="passed", authority="市委组织部", on="2020-04-01") for r in task.data["political_review"]]
    h.complete("political_review", political_review=rows)
    h.complete("publicity_post", publicity_start="2020-04-01", publicity_place="单位公示栏", publicity_content="团组信息")
    h.fire_timers()  # five (stubbed) working days after a date in the past: already due
    h.complete("publicity_result", publicity_objection="none")


def test_trip_is_revised_then_approved_and_documents_handled_per_member(parser, clock):
    h = Harness("official_passport_visa", parser, clock, **_trip())
    assert h.lane("political_review") == "applicant_unit"
    _vet_and_publicise(h)
    assert h.lane("examine") == "passport_visa_section"
    h.complete("examine", decision="revise", comment="请补充邀请函译文")
    assert h.lane("revise") == "applicant_unit"
    assert any("退回修改" in n[1] and "邀请函译文" in n[1] for n in h.notices)
    h.complete("revise", members=MEMBERS[:2])
    h.complete("examine", decision="approve", materials_complete=True)
    h.complete("verify", decision="approve")
    h.complete("approve", decision="approve")
    # two members, bureau level, Asia, 7 days: the director's approval suffices
    assert not h.ready("leader_approve")
    h.round_trip()
    issue = h.ready("issue_passport")
    assert len(issue) == 2 and {t.data["member"]["name"] for t in issue} == {"张三", "李四"}
    data = issue[0].data
    assert data["approval_level"] == "office_director" and data["doc_number"] == "衡外护〔2026〕1号"
    assert [r["step"] for r in data["reviews"]] == ["examine", "examine", "verify", "approve"]
    assert h.attachments and h.attachments[0][1] == "application/pdf" and h.attachments[0][2][:4] == b"%PDF"
    for number, task in zip(("E12345678", "E87654321"), list(h.ready("issue_passport")), strict=True):
        task.data.update(passport_no=number, passport_issued_on="2026-03-01", passport_expires_on="2036-02-28")
        task.run()
    h.wf.do_engine_steps()
    while h.ready("lodge_visa"):
        h.complete("lodge_visa", embassy="日本国驻华大使馆")
    assert not h.ready()
    h.send("visa_result", {"business_key": "HY-2026-0001", "granted": True})
    assert h.ready("hand_over")[0].data["visa_result"]["granted"] is True
    h.complete("hand_over", visa_outcome="granted")
    h.fire_timers()  # the return date lies in the past
    h.complete("hand_back", passports_returned=True)
    h.complete("return_report", trip_report="圆满完成")
    returning = h.ready("collect_passport")
    assert {t.data["member"]["name"] for t in returning} == {"张三", "李四"}
    assert {t.data["member"]["document_no"] for t in returning} == {"E12345678", "E87654321"}
    while h.ready("collect_passport"):
        h.complete("collect_passport", document_intact=True, collected_on="2026-06-01")
    while h.ready("cancel_visa"):
        h.complete("cancel_visa", visa_cancelled=True)
    h.complete("file_report", report_complete=True)
    assert h.wf.is_completed()
    ledger = [(r[1], r[2]) for r in h.registers if r[0] == "passports"]
    assert sorted(ledger) == sorted((n, a) for n in ("E12345678", "E87654321")
                                    for a in ("issued", "lent", "returned"))
    lent = next(r[3] for r in h.registers if r[2] == "lent")
    assert lent["status"] == "lent" and lent["lent_instance_id"] == "i-1" and lent["due_back_on"]
    assert [n[0] for n in h.notices] == ["alice"] * len(h.notices)
    assert any("已批准" in n[1] for n in h.notices)


def test_large_delegation_goes_to_the_municipal_leader(parser, clock):
    members = [dict(MEMBERS[0], name=f"成员{i}") for i in range(7)]
    h = Harness("press_culture_trip_approval", parser, clock, **_trip(members=members, programme="演出"))
    _vet_and_publicise(h)
    h.complete("examine", decision="approve")
    h.complete("verify", decision="approve")
    h.complete("approve", decision="approve")
    assert h.lane("leader_approve") == "municipal_leader"
    h.complete("leader_approve", decision="reject", comment="团组规模过大")
    assert h.ready() == [] and h.wf.is_completed()
    assert "团组规模过大" in h.notices[-1][1] and "未获批准" in h.notices[-1][1]
    assert not h.attachments


def test_rejection_by_the_examiner_ends_with_a_notice(parser, clock):
    h = Harness("sister_city_delegation_reception", parser, clock, title="接待大分市代表团", unit_name="市政府办",
                arrival_date="2026-05-10", departure_date="2026-05-12", guest_name="大分市代表团")
    h.complete("examine", decision="reject", comment="对方非我市友城")
    assert h.wf.is_completed()
    assert h.notices[-1][0] == "alice" and "对方非我市友城" in h.notices[-1][1]


def test_sister_city_visit_waits_for_the_foreign_city(parser, clock):
    h = Harness("sister_city_delegation_reception", parser, clock, title="接待大分市代表团", unit_name="市政府办",
                arrival_date="2026-05-10", departure_date="2026-05-12", guest_name="大分市代表团")
    for step in ("examine", "approve"):
        h.complete(step, decision="approve")
    h.complete("send_invitation", handling_note="已发邀请函")
    assert not h.ready()
    h.send("foreign_city_confirmation", {"business_key": "HY-2026-0001", "confirmed": True})
    assert h.lane("draft_plan") == "sister_city_section"


def test_leader_can_return_for_revision_and_the_loop_runs_again(parser, clock):
    h = Harness("foreign_activity_plan", parser, clock, title="会见日本友好代表团", unit_name="市政府办",
                activity_date="2020-06-01", activity_type="meeting", media_coverage=False)
    for step in ("examine", "director_review"):
        h.complete(step, decision="approve")
    h.complete("leader_approve", decision="revise", comment="请调整礼宾次序")
    h.complete("revise", title="会见日本友好代表团（修改稿）")
    for step in ("examine", "director_review", "leader_approve"):
        h.complete(step, decision="approve")
    assert h.lane("protocol_arrangements") == "protocol_section" and h.lane("interpretation") == "fao_clerk"
    assert not h.ready("press_arrangements")  # no press coverage
    h.complete("protocol_arrangements", ready=True)
    h.complete("interpretation", texts_translated=True)
    h.fire_timers()  # the day after the activity
    h.complete("activity_minutes", summary="顺利")
    assert h.wf.is_completed()
    assert h.sequences == {("审", 2026): 1}


def test_overdue_examination_escalates_without_interrupting(parser, clock):
    clock.due_offset = timedelta(days=-30)
    h = Harness("overseas_institution_registration", parser, clock, title="驻德代表处备案", unit_name="市国资委",
                institution_name="衡阳电气德国代表处", country_region="德国", chinese_staff=3)
    h.fire_timers()
    assert h.lane("examine_escalation") == "section_chief"
    assert h.ready("examine")
    h.complete("examine", decision="approve")
    assert h.ready("examine_escalation")  # still open while the review goes on
    h.complete("verify", decision="approve")
    # the review is over: the pending escalation is withdrawn (terminate end of the sub-process)
    assert not h.ready("examine_escalation")
    assert h.ready("record_filing")


def test_incident_is_handled_in_parallel_by_the_sections(parser, clock):
    h = Harness("foreign_incident_response", parser, clock, title="外籍游客交通事故", unit_name="市公安局")
    h.complete("acknowledge", confirmed_level="major", inform_leader=False,
               sections=["protocol_section", "passport_visa_section", "press_culture_section"])
    lanes = {t.task_spec.lane for t in h.ready()}
    assert lanes == {"protocol_section", "passport_visa_section", "press_culture_section", "office_director",
                     "fao_clerk"}
    h.complete("director_instruction", instruction="启动预案")
    assert h.lane("leader_instruction") == "municipal_leader"  # major
    h.complete("leader_instruction", instruction="全力救治")
    h.complete("progress_report", progress_note="救治中", resolved=False)
    for name in ("liaise_foreign", "documents_border", "public_opinion"):
        assert not h.ready("closure_report")
        h.complete(name, section_actions="已办", section_done=True)
    h.complete("progress_report", progress_note="已出院", resolved=True)
    h.complete("closure_report", closure_summary="妥善处置")
    h.complete("director_sign", report_signed=True)
    assert h.wf.is_completed() and h.sequences == {("报", 2026): 1}
    assert ("documents", "衡外报〔2026〕1号", "numbered") in [r[:3] for r in h.registers]
    assert next(r[3] for r in h.registers if r[0] == "documents")["genre"] == "report"


def test_hk_macao_trip_gets_permits_and_skips_the_embassy(parser, clock):
    h = Harness("overseas_chinese_office_trip", parser, clock, **_trip(destination_type="hk_macao", trip_days=5,
                                                                       members=MEMBERS[:1]))
    _vet_and_publicise(h)
    for step in ("examine", "verify", "approve"):
        h.complete(step, decision="approve")
    h.complete("issue_permit", permit_no="C12345678")
    h.fire_timers()
    assert h.ready("return_report") and h.ready("hand_back")


def test_daily_management_has_a_bounded_quarterly_cycle(parser, clock):
    cities = [{"city": "大分市", "country": "日本", "since": 1997},
              {"city": "克拉斯诺达尔市", "country": "俄罗斯", "since": 2014}]
    h = Harness("sister_city_daily_management", parser, clock, title="2026年度友城管理", year=2026, cities=cities)
    assert h.lane("upkeep") == "sister_city_section"
    cycle = [t for t in h.wf.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "quarterly"]
    assert cycle
    h.complete("upkeep", contacts_summary="全年联络12次", visits_count=3)
    h.round_trip()
    reviews = h.ready("review_city")  # one review per sister city, side by side
    assert sorted(t.data["city"]["city"] for t in reviews) == ["克拉斯诺达尔市", "大分市"]
    h.complete("review_city", activity_level="active")
    h.complete("review_city", activity_level="dormant")
    h.complete("annual_report", report_summary="全年联络12次")
    for step in ("verify", "approve"):
        h.complete(step, decision="approve")
    assert "克拉斯诺达尔市" in h.ready("revive_contacts")[0].data["dormant_cities"]
    h.complete("revive_contacts")
    h.complete("archive")
    assert h.wf.is_completed()


GENERIC = dict(_trip(), arrival_date="2020-05-10", departure_date="2020-05-12", activity_date="2020-06-01",
               event_date="2020-07-01", interview_start="2020-05-03", interview_end="2020-05-05", start_date="2020-05-01",
               end_date="2020-06-01", severity="general", foreign_participants=20, direction="inbound", year=2026,
               guest_name="来访团", media_outlet="某报", partner_city="大分市",
               institution_name="衡阳某公司驻德代表处", country_region="德国", chinese_staff=3, media_coverage=True,
               # what the visit, sister-city and event models read from their later forms
               leader_meeting=False, protocol_level="bureau", interviewees_agree=True, coverage_tone="neutral",
               agree=True, expected_audience=2000, host_institution="大分大学", partner_institution="弗莱堡大学医院",
               signed_on="2020-06-01", consulted_units=["commerce", "education"], opinion_stance="agree",
               cities=[{"city": "大分市", "country": "日本", "since": 1997}], activity_level="dormant",
               nominating_units=["health"], nominees="刘婷（护士长）", selected="刘婷", partner="大分市文化振兴财团",
               # a holder leaving office: the document the cancellation reads from the ledger
               passport_document_no="E12345678", holder="周建华", holder_unit="市商务局", leave_reason="retired",
               left_on="2020-05-01")
# what a task needs beyond "approve" for the case to move on (political review rows, a filing...)
TASK_DATA = {
    "publicity_post": {"publicity_start": "2020-04-01"},
    "issue_passport": {"passport_no": "E12345678", "passport_issued_on": "2020-03-01",
                       "passport_expires_on": "2030-02-28"},
    "collect_passport": {"collected_on": "2020-06-01"},
    "publicity_result": {"publicity_objection": "none"},
    "acknowledge": {"confirmed_level": "general", "inform_leader": False, "sections": ["protocol_section"]},
    "progress_report": {"progress_note": "已处置", "resolved": True},
    "route": {"within_remit": True, "sections": ["protocol_section"], "needs_director": False, "routing_note": "分办"},
    "sign_off": {"sign_off": "approve"},
    "opinion_protocol": {"section_opinion": "同意"},
    "draft_reply": {"reply_text": "复函"},
    "record_filing": {"filing_kind": "cancellation", "filing_summary": "注销"},
    "review_cancellation": {"filing_accepted": True},
    "confirm_cancellation": {"cancel_confirmed": True},
}
# started by the office itself: no applicant to tell; the plans and the yearly upkeep issue no letter
OFFICE_STARTED = {"state_guest_reception", "sister_city_development_plan", "sister_city_daily_management",
                  "research_study_personnel"}
NO_LETTER = {"state_guest_reception", "sister_city_development_plan", "sister_city_daily_management",
             "foreign_incident_response", "passport_cancellation"}


@pytest.mark.parametrize("key", [p.stem for p in sorted(ROOT.glob("*.bpmn"))])
def test_every_process_runs_to_completion_when_everyone_approves(parser, clock, key):
    h = Harness(key, parser, clock, **GENERIC)
    for _ in range(200):
        if h.wf.is_completed():
            break
        ready = h.ready()
        if ready:
            name = ready[0].task_spec.bpmn_id
            data = dict(TASK_DATA.get(name, {}), decision="approve")
            if name == "political_review":
                data["political_review"] = [dict(r, conclusion="passed") for r in ready[0].data["political_review"]]
            h.complete(name, **data)
            continue
        waiting = [e.event_type for e in h.wf.waiting_events()]
        messages = [e.name for e in h.wf.waiting_events() if e.event_type == "MessageEventDefinition"]
        if messages:
            h.send(messages[0], {"business_key": "HY-2026-0001", "ok": True})
            continue
        before = len(h.wf.get_tasks(state=TaskState.WAITING))
        h.fire_timers()
        assert h.ready() or h.wf.is_completed() or len(h.wf.get_tasks(state=TaskState.WAITING)) != before, waiting
    assert h.wf.is_completed()
    if key == "foreign_incident_response":  # a report, not an application: no letter
        assert "已处置完毕" in h.notices[-1][1] and h.attachments == []
        return
    if key not in OFFICE_STARTED:
        done = ("已批准", "已予备案", "已函复")
        assert any(w in n[1] for n in h.notices for w in done), h.notices
    assert len(h.attachments) == (0 if key in NO_LETTER else 1)


# --- the approval_authority decision table ---------------------------------------------------

class _Task:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.workflow = type("W", (), {"script_engine": PythonScriptEngine()})()


@pytest.fixture(scope="module")
def authority(parser):
    return parser.get_engine("approval_authority", None)


@pytest.mark.parametrize("size,days,dest,rank,level", [
    (6, 10, "asia", "bureau", "office_director"),
    (7, 10, "asia", "division", "municipal_leader"),
    (6, 11, "asia", "division", "municipal_leader"),
    (6, 10, "other", "division", "office_director"),
    (6, 10, "other", "bureau", "municipal_leader"),
    (6, 7, "hk_macao", "bureau", "office_director"),
    (6, 8, "hk_macao", "division", "municipal_leader"),
    (1, 1, "hk_macao", "municipal", "municipal_leader"),
    (1, 3, "asia", "division", "office_director"),
])
def test_authority_table_boundaries(authority, size, days, dest, rank, level):
    data = {"delegation_size": size, "trip_days": days, "destination_type": dest, "highest_rank": rank}
    assert authority.result(_Task(data)) == {"approval_level": level}


def test_authority_table_is_unique_and_complete(authority):
    table = authority.decision_table
    saved = table.hit_policy
    table.hit_policy = HitPolicy.COLLECT.value
    try:
        for size in range(1, 10):
            for days in range(1, 14):
                for dest in ("hk_macao", "asia", "other"):
                    for rank in ("division", "bureau", "municipal"):
                        data = {"delegation_size": size, "trip_days": days, "destination_type": dest,
                                "highest_rank": rank}
                        assert len(authority.decide(_Task(data))) == 1, data
    finally:
        table.hit_policy = saved
