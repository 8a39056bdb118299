"""An incident the engine found (a case stuck on nothing) reads in the reader's language wherever
it shows: the API's incident and the case history, the clerk's timeline, ``fao`` output."""
from __future__ import annotations

from tests.web.test_engine_correctness_api import api, app, clock, deploy, start  # noqa: F401 (fixtures)

STUCK_ZH = "案件没有在等待任何任务、定时器或消息（停在“wait_go”）：请把令牌移到能继续办理的环节。"


def test_the_stuck_incident_in_a_case_history_is_worded_in_the_requests_language(api):  # noqa: F811
    assert deploy(api, "signal_wait.bpmn").status_code == 201
    started = start(api, "signal_wait")
    zh = api("sam").get(f"/api/v1/instances/{started['id']}").json
    [event] = [e for e in zh["history"] if e["action"] == "incident"]
    assert event["detail"]["error"] == STUCK_ZH
    en = api("sam").get(f"/api/v1/instances/{started['id']}?lang=en").json
    [event] = [e for e in en["history"] if e["action"] == "incident"]
    assert "wait_go" in event["detail"]["error"] and "案件" not in event["detail"]["error"]
