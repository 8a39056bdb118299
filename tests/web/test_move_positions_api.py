"""Issue 16 points 2-4 through the API, on the office's own models: a token starts after an element, on
a sequence flow or before a gateway; a move that would strand a parallel join is refused; a step moves
within its loop iteration or multi-instance child, and no further."""
from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

from tests.web.walking import SUPERVISOR, Api, Walk, template, walk_app  # noqa: F401 - fixtures

TRIP = "official_passport_visa"  # wait_return -> after_return_split -> (hand_back ..., return_report) -> join
BRANCHES = ["hand_back", "return_report"]


def at_return_timer(walk_app) -> Walk:
    walk = Walk(Api(walk_app), TRIP)
    case = walk.run(until_timer="wait_return")
    assert case["active_tasks"] == [] and [w["bpmn_id"] for w in case["waiting_on"]] == ["wait_return"]
    return walk


def timers_of(case: dict) -> list[str]:
    return [w["bpmn_id"] for w in case["waiting_on"] if w["kind"] == "timer"]


# --- point 2: after an element, on a flow, before a gateway ---------------------------------------

def test_a_token_moves_past_the_return_timer_and_the_parallel_split_fires_both_branches(walk_app):
    walk = at_return_timer(walk_app)
    preview = walk.preview("from=wait_return&to=wait_return&to_position=after")
    assert preview["ok"] is True and preview["position"] == "after", preview["reasons"]
    assert [e["bpmn_id"] for e in preview["cancelled"]] == ["wait_return"]
    assert [e["bpmn_id"] for e in preview["starts_before"]] == ["after_return_split"]
    assert preview["becomes_active"]["bpmn_id"] == "after_return_split"

    moved = walk.move({"from": "wait_return", "to": "wait_return", "to_position": "after"})
    assert moved.status_code == 200, moved.json
    assert sorted(t["bpmn_id"] for t in moved.json["active_tasks"]) == BRANCHES
    case = walk.case()
    assert "wait_return" not in timers_of(case)
    event = [e for e in case["history"] if e["action"] == "moved"][-1]
    assert event["bpmn_id"] == "wait_return" and event["detail"]["position"] == "after"
    assert event["detail"]["to"] == "wait_return" and event["detail"]["cancelled"] == ["wait_return"]
    ran = {a["bpmn_id"]: a for a in case["activities"]}
    assert "wait_return" not in ran or ran["wait_return"]["runs"] == 0  # passed, not run
    assert ran["after_return_split"]["runs"] == 1
    assert [e for e in case["history"] if e["action"] == "timer"] == []


def test_a_token_moves_before_the_split_gateway_or_onto_the_flow_into_it(walk_app):
    by_gateway = at_return_timer(walk_app)
    preview = by_gateway.preview("from=wait_return&to=after_return_split")
    assert preview["ok"] is True and preview["target"]["type"] == "ParallelGateway", preview["reasons"]
    moved = by_gateway.move({"from": "wait_return", "to": "after_return_split"})
    assert moved.status_code == 200, moved.json
    assert sorted(t["bpmn_id"] for t in moved.json["active_tasks"]) == BRANCHES

    by_flow = at_return_timer(walk_app)
    preview = by_flow.preview("from=wait_return&to_flow=flow_32")
    assert preview["ok"] is True and preview["flow"] == "flow_32", preview["reasons"]
    assert preview["target"]["bpmn_id"] == "after_return_split"
    moved = by_flow.move({"from": "wait_return", "to_flow": "flow_32"})
    assert moved.status_code == 200, moved.json
    assert sorted(t["bpmn_id"] for t in moved.json["active_tasks"]) == BRANCHES
    event = [e for e in by_flow.case()["history"] if e["action"] == "moved"][-1]
    assert event["detail"]["flow"] == "flow_32" and event["detail"]["to"] == "after_return_split"


def test_a_token_joins_on_the_flow_it_is_put_on_and_the_join_fires(walk_app):
    walk = at_return_timer(walk_app)
    assert walk.move({"from": "wait_return", "to": "wait_return", "to_position": "after"}).status_code == 200
    walk.do("return_report")  # one branch waits at the join
    assert walk.open_steps() == ["hand_back"]
    moved = walk.move({"from": "hand_back", "to_flow": "flow_36"})  # collect_documents -> after_return_join
    assert moved.status_code == 200, moved.json
    assert [t["bpmn_id"] for t in moved.json["active_tasks"]] == ["file_report"]


def test_move_targets_that_do_not_fit_are_refused_with_their_reason(walk_app):
    walk = at_return_timer(walk_app)
    join = walk.preview("from=wait_return&to=after_return_join")
    assert [r["code"] for r in join["reasons"]] == ["to_join"]
    assert join["reasons"][0]["params"]["flows"] == "flow_36, flow_38"
    assert "汇合多条顺序流" in join["reasons"][0]["message"] and "flow_36, flow_38" in join["reasons"][0]["message"]
    unknown = walk.preview("from=wait_return&to_flow=flow_nope")
    assert [r["code"] for r in unknown["reasons"]] == ["flow_unknown"]
    assert unknown["reasons"][0]["message"] == "流程中没有顺序流“flow_nope”。"
    other = walk.preview("from=wait_return&to=hand_back&to_flow=flow_32")
    assert [r["code"] for r in other["reasons"]] == ["flow_not_to"]
    gateway_after = walk.preview("from=wait_return&to=after_return_split&to_position=after")
    assert [r["code"] for r in gateway_after["reasons"]] == ["to_after_kind"]
    assert "并行网关" in gateway_after["reasons"][0]["message"]
    bad = walk.api.get(SUPERVISOR, f"/api/v1/instances/{walk.id}/move?from=wait_return&to=x&to_position=inside")
    assert bad.status_code == 400
    posted = walk.move({"from": "wait_return", "to": "wait_return", "to_position": "inside"})
    assert posted.status_code == 422 and posted.json["error"]["details"][0]["field"] == "to_position"
    assert timers_of(walk.case()) == ["wait_return"]  # nothing changed


# --- point 3: a move that strands a join is refused; waiting_on never calls a join a task --------------

def test_moving_onto_one_branch_of_a_parallel_split_is_refused_as_stranding_the_join(walk_app):
    walk = at_return_timer(walk_app)
    preview = walk.preview("from=wait_return&to=hand_back")
    assert preview["ok"] is False and preview["becomes_active"] is None
    (reason,) = preview["reasons"]
    assert reason["code"] == "join_stranded" and reason["field"] == "to"
    assert reason["params"] == {"join": "after_return_join", "branch": "return_report"}
    assert reason["message"] == ("移动后并行网关“after_return_join”将永远无法继续：再也没有令牌能经过“return_report”到达，"
                                 "案件将不再等待任何事项。")

    refused = walk.move({"from": "wait_return", "to": "hand_back"})
    assert refused.status_code == 409
    assert [d["field"] for d in refused.json["error"]["details"]] == ["to"]
    assert "after_return_join" in refused.json["error"]["details"][0]["message"]
    by_flow = walk.move({"from": "wait_return", "to_flow": "flow_37"})  # after_return_split -> return_report
    assert by_flow.status_code == 409
    english = walk.api.get(SUPERVISOR, f"/api/v1/instances/{walk.id}/move?from=wait_return&to=hand_back&lang=en")
    assert "parallel gateway “after_return_join” could never go on" in english.json["reasons"][0]["message"]
    case = walk.case()
    assert timers_of(case) == ["wait_return"] and case["active_tasks"] == []
    assert [e["bpmn_id"] for e in case["history"] if e["action"] == "moved"] == walk.moved_past  # none more


def test_a_move_inside_a_branch_that_leaves_the_join_reachable_is_allowed(walk_app):
    walk = at_return_timer(walk_app)
    assert walk.move({"from": "wait_return", "to": "wait_return", "to_position": "after"}).status_code == 200
    walk.do("return_report")
    preview = walk.preview("from=hand_back&to=hand_back&to_position=after")  # on to stage_return
    assert preview["ok"] is True, preview["reasons"]
    back = walk.preview("from=hand_back&to=return_report")  # return_report arrived already: hand_back's
    assert [r["code"] for r in back["reasons"]] == ["join_stranded"]  # branch would never come
    assert back["reasons"][0]["params"]["branch"] == "collect_documents"


def test_waiting_on_names_a_join_that_waits_a_gateway_not_a_task(walk_app):
    walk = at_return_timer(walk_app)
    assert walk.move({"from": "wait_return", "to": "wait_return", "to_position": "after"}).status_code == 200
    walk.do("return_report")
    eng = walk.api.eng
    # a case stranded the way the old preview let it be (hand_back's token gone, the join waiting)
    with eng.runner.command(walk.id, eng.actor(SUPERVISOR)) as cmd:
        (hand_back,) = [t for t in cmd.workflow.get_tasks() if getattr(t.task_spec, "bpmn_id", None) == "hand_back"
                        and t.state == TaskState.READY]
        hand_back.parent.cancel()  # its BoundaryEventSplit, with the deadline timer
    case = walk.case()
    assert case["status"] == "active" and case["active_tasks"] == []
    assert case["waiting_on"] == [{"kind": "gateway", "bpmn_id": "after_return_join"}]


# --- point 4: moves within a loop iteration or a multi-instance child -----------------------------

def test_a_timer_inside_a_loop_iteration_moves_to_a_sibling_step_and_no_further(walk_app):
    walk = Walk(Api(walk_app), "sister_institution_approval")
    case = walk.run(until_timer="wait_next_year")
    assert timers_of(case) == ["wait_next_year"]
    outside = walk.preview("from=wait_next_year&to=notify_rejected")
    assert [r["code"] for r in outside["reasons"]] == ["to_leaves_iteration"]
    assert outside["reasons"][0]["params"]["loop"] == "sister_institution_approval_guidance"
    assert "本轮之内" in outside["reasons"][0]["message"]
    by_flow = walk.preview("from=wait_next_year&to_flow=flow_17")  # the flow out of the loop activity
    assert [r["code"] for r in by_flow["reasons"]] == ["to_leaves_iteration"]

    preview = walk.preview("from=wait_next_year&to=activity_report")
    assert preview["ok"] is True, preview["reasons"]
    assert preview["target"]["process_key"] == preview["source"]["process_key"] != "sister_institution_approval"
    moved = walk.move({"from": "wait_next_year", "to": "activity_report"})
    assert moved.status_code == 200, moved.json
    assert [t["bpmn_id"] for t in moved.json["active_tasks"]] == ["activity_report"]
    assert "wait_next_year" not in timers_of(walk.case())
    assert walk.run(until_timer="wait_next_year")["status"] == "active"  # the next iteration waits again
    assert walk.done[-2:] == ["activity_report", "guide"]
    assert walk.run()["status"] == "completed"


def test_a_step_moves_within_its_multi_instance_child_and_not_out_of_it(walk_app):
    walk = Walk(Api(walk_app), TRIP)
    case = walk.run(until_task="issue_permit")
    rows = [t for t in case["active_tasks"] if t["bpmn_id"] == "issue_permit"]
    assert len(rows) == 2  # one child instance of handle_documents per member
    ambiguous = walk.preview("from=issue_permit&to=issue_permit&to_position=after")
    assert [r["code"] for r in ambiguous["reasons"]] == ["from_ambiguous"]
    assert "from_task" in ambiguous["reasons"][0]["message"]
    outside = walk.preview(f"from=issue_permit&from_task={rows[0]['id']}&to=gw_needs_visa")
    assert [r["code"] for r in outside["reasons"]] == ["to_leaves_iteration"]
    assert outside["reasons"][0]["params"]["loop"] == "handle_documents"
    wrong = walk.preview("from=issue_permit&from_task=nope&to=issue_permit")
    assert [r["code"] for r in wrong["reasons"]] == ["from_task_not_active"]

    # within that member's child the task starts again (its later steps write the ledger with the permit's
    # number, so skipping it would only stop the case at them); the other member's child is not touched
    picked = walk.move({"from": "issue_permit", "from_task": rows[0]["id"], "to": "issue_permit"})
    assert picked.status_code == 200, picked.json
    again = [t["id"] for t in picked.json["active_tasks"] if t["bpmn_id"] == "issue_permit"]
    assert len(again) == 2 and rows[1]["id"] in again and rows[0]["id"] not in again
    assert walk.run()["status"] == "completed"  # the multi-instance activity ended with its children
