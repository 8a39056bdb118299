"""Issue 16 "done when": each process of bpmn_models/ is walked to its end through the
API by people of its lanes and a supervisor who moves the token past every timer the case waits on
(``to_position: after``), instead of waiting for it."""
from __future__ import annotations

import pytest

from tests.web.walking import KEYS, TRIPS, Api, Walk, template, walk_app  # noqa: F401 - fixtures


@pytest.mark.parametrize("key", KEYS)
def test_a_supervisor_walks_each_process_to_its_end_moving_past_every_timer(walk_app, key):
    walk = Walk(Api(walk_app), key)
    case, moved_past = walk.run(), walk.moved_past
    assert case["status"] == "completed", (key, case["status"], case["waiting_on"])
    moves = [e for e in case["history"] if e["action"] == "moved"]
    assert [e["bpmn_id"] for e in moves] == moved_past
    assert all(e["detail"]["position"] == "after" for e in moves)
    assert not [e for e in case["history"] if e["action"] in ("timer", "incident")], key
    if key in TRIPS:
        assert "wait_return" in moved_past
    if key == "sister_institution_approval":  # inside the loop subprocess, once in each of two iterations
        assert moved_past == ["wait_next_year", "wait_next_year"]
    ran = {a["bpmn_id"]: a["runs"] for a in case["activities"]}
    if key == "passport_cancellation":  # checked against the ledger, approved once, cancelled there
        assert ran.get("revise", 0) == 0 and ran["approve"] == 1 and ran["ledger_cancelled"] == 1, ran
    assert all(ran.get(t, 0) == 0 for t in moved_past), ran  # passed, not run
