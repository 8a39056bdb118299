"""What the case pages say about steps: names, never element ids, for claims, moves and waits."""
from __future__ import annotations

WAIT_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
    targetNamespace="http://hengyang.gov.cn/fao/tests">
  <bpmn:collaboration id="collab"><bpmn:participant id="p" processRef="web_wait"/></bpmn:collaboration>
  <bpmn:process id="web_wait" name="公示测试" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_unit" name="applicant_unit"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>publicity_period</bpmn:flowNodeRef><bpmn:flowNodeRef>report</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="publicity_period" name="公示期（5个工作日）">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P5D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="report" name="报告公示结果"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="publicity_period"/>
    <bpmn:sequenceFlow id="f2" sourceRef="publicity_period" targetRef="report"/>
    <bpmn:sequenceFlow id="f3" sourceRef="report" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _history_text(html: str) -> str:
    return html.split("办理记录", 1)[1]


def test_a_claim_and_a_move_are_listed_by_step_names(app, as_user, case, token):
    instance, examine = case()
    carl = as_user("carl")
    assert carl.post(f"/tasks/{examine}/claim").status_code == 302
    moved = app.test_client().post(f"/api/v1/instances/{instance.id}/move", headers=token("sam"),
                                   json={"from": "examine", "to": "archive", "reason": "已线下审查"})
    assert moved.status_code == 200, moved.json
    history = _history_text(carl.get(f"/instances/{instance.id}").get_data(as_text=True))
    assert "已签收: 审查申请" in history
    assert "审查申请 → 登记归档" in history
    assert ": examine" not in history and "archive" not in history
    monitor = as_user("sam").get(f"/monitor/cases/{instance.id}").get_data(as_text=True)
    timeline = monitor.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "审查申请" in timeline and "→ 登记归档" in timeline
    assert "· examine" not in timeline


def test_a_case_waiting_on_a_timer_says_which_step_and_until_when(app, as_user, eng):
    eng.deploy([("web_wait.bpmn", WAIT_MODEL.encode("utf-8"))], eng.actor("ana"))
    instance = eng.start("web_wait", eng.actor("alice"), {"title": "公示"})
    alice = as_user("alice")
    row = alice.get("/applications").get_data(as_text=True).split(f'data-instance-id="{instance.id}"', 1)[1]
    row = row.split("</tr>", 1)[0]
    assert "公示期（5个工作日）" in row and "等待期满" in row
    page = alice.get(f"/instances/{instance.id}").get_data(as_text=True)
    waiting = page.split("等待办理", 1)[1].split("</ul>", 1)[0]
    assert "公示期（5个工作日）（至 " in waiting
    monitor = as_user("sam").get(f"/monitor/cases/{instance.id}").get_data(as_text=True)
    assert "定时器 公示期（5个工作日）：至" in monitor and "定时器 publicity_period" not in monitor
