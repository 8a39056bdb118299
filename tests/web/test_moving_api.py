"""API: token move preview and move, with every answer code."""
from __future__ import annotations


def test_preview_then_move_answers_the_new_active_task(app, token, case):
    instance, examine = case()
    client = app.test_client()
    sam = token("sam")
    preview = client.get(f"/api/v1/instances/{instance.id}/move?from=examine&to=archive", headers=sam)
    assert preview.status_code == 200
    body = preview.json
    assert body["ok"] is True and body["reasons"] == []
    assert [e["bpmn_id"] for e in body["cancelled"]] == ["examine"]
    assert body["becomes_active"]["bpmn_id"] == "archive" and body["becomes_active"]["name"] == "登记归档"
    assert "members" in body["data_kept"]
    assert [e["bpmn_id"] for e in body["sources"]] == ["examine"]

    moved = client.post(f"/api/v1/instances/{instance.id}/move", headers=sam,
                        json={"from": "examine", "to": "archive", "reason": "已线下审查"})
    assert moved.status_code == 200, moved.json
    assert moved.json["id"] == instance.id and moved.json["status"] == "active"
    assert [(t["bpmn_id"], t["status"]) for t in moved.json["active_tasks"]] == [("archive", "open")]
    detail = client.get(f"/api/v1/instances/{instance.id}", headers=sam).json
    event = [e for e in detail["history"] if e["action"] == "moved"][0]
    assert event["detail"] == {"from": "examine", "to": "archive", "reason": "已线下审查", "cancelled": ["examine"]}
    assert client.get(f"/api/v1/tasks/{examine}", headers=sam).json["status"] == "cancelled"


def test_move_answers_403_404_409_and_422(app, token, case):
    instance, _examine = case()
    client = app.test_client()
    url = f"/api/v1/instances/{instance.id}/move"
    good = {"from": "examine", "to": "archive", "reason": "理由"}
    for who in ("carl", "alice", "ana"):
        assert client.post(url, headers=token(who), json=good).status_code == 403
        assert client.get(url + "?from=examine&to=archive", headers=token(who)).status_code == 403
    sam = token("sam")
    assert client.post("/api/v1/instances/" + "0" * 32 + "/move", headers=sam, json=good).status_code == 404
    assert client.get("/api/v1/instances/nope/move?from=examine&to=archive", headers=sam).status_code == 404

    missing = client.post(url, headers=sam, json={"from": "examine", "to": "archive", "reason": " "})
    assert missing.status_code == 422
    assert missing.json["error"]["details"] == [{"field": "reason", "message": "此项为必填项"}]
    assert [d["field"] for d in client.post(url, headers=sam, json={}).json["error"]["details"]] == ["from", "to", "reason"]
    assert client.post(url, headers=sam, json={**good, "to": 5}).status_code == 422
    assert client.post(url, headers=sam, data="x", content_type="text/plain").status_code == 415

    refused = client.post(url, headers=sam, json={**good, "to": "end_ok"})
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["code"] == "move_refused" and [d["field"] for d in error["details"]] == ["to"]
    assert "结束事件" in error["details"][0]["message"]
    preview = client.get(url + "?from=archive&to=examine", headers=sam).json
    assert preview["ok"] is False and [r["code"] for r in preview["reasons"]] == ["from_not_active"]
    assert preview["reasons"][0]["message"] == "“archive”目前没有令牌。"
    english = client.post(url + "?lang=en", headers=sam, json={**good, "to": "end_ok"}).json["error"]
    assert "end event" in english["details"][0]["message"]
    assert client.get(url + "?from=" + "x" * 201, headers=sam).status_code == 400
    assert not [e for e in client.get(f"/api/v1/instances/{instance.id}", headers=sam).json["history"]
                if e["action"] == "moved"]


def test_monitor_moves_a_token_after_a_preview_and_a_reason(app, as_user, case, eng):
    instance, examine = case()
    sam = as_user("sam")
    page = sam.get(f"/monitor/cases/{instance.id}").get_data(as_text=True)
    assert "移动令牌" in page and 'id="move-pick-to"' in page and 'value="archive"' in page

    preview = sam.get(f"/monitor/cases/{instance.id}/move?from=examine&to=archive").get_data(as_text=True)
    assert "将激活的环节" in preview and "登记归档" in preview and 'id="form-move"' in preview
    assert "审查申请 (examine)" in preview.split('id="move-cancelled"')[1].split("</dd>")[0]
    refused = sam.get(f"/monitor/cases/{instance.id}/move?from=examine&to=end_ok").get_data(as_text=True)
    assert "无法移动令牌" in refused and "结束事件" in refused and 'id="form-move"' not in refused

    url = f"/monitor/cases/{instance.id}/move"
    no_reason = sam.post(url, data={"from": "examine", "to": "archive", "reason": " "}, follow_redirects=True)
    assert "请填写操作理由" in no_reason.get_data(as_text=True)
    with eng.uow() as uow:
        assert [t.bpmn_id for t in uow.reads.tasks.open_of(instance.id)] == ["examine"]
    done = sam.post(url, data={"from": "examine", "to": "archive", "reason": "已线下审查"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "令牌已从“审查申请”移到“登记归档”" in text and "已线下审查" in text
    with eng.uow() as uow:
        assert [t.bpmn_id for t in uow.reads.tasks.open_of(instance.id)] == ["archive"]
    again = sam.post(url, data={"from": "examine", "to": "archive", "reason": "再移"}, follow_redirects=True)
    assert "“examine”目前没有令牌" in again.get_data(as_text=True)
    english = sam.get(f"/monitor/cases/{instance.id}/move?from=archive&to=examine&lang=en").get_data(as_text=True)
    assert "Becomes active" in english and "Confirm the move" in english and "user task" in english


def test_monitor_move_is_for_supervisors_only(app, as_user, case):
    instance, _examine = case()
    for who in ("carl", "alice", "ana"):
        client = as_user(who)
        assert client.get(f"/monitor/cases/{instance.id}/move?from=examine&to=archive").status_code == 403
        assert client.post(f"/monitor/cases/{instance.id}/move",
                           data={"from": "examine", "to": "archive", "reason": "x"}).status_code == 403
    assert as_user("sam").get("/monitor/cases/" + "0" * 32 + "/move").status_code == 404


def test_monitor_moves_a_token_after_a_step_so_it_is_skipped(app, as_user, case, eng):
    instance, _examine = case()
    sam = as_user("sam")
    page = sam.get(f"/monitor/cases/{instance.id}").get_data(as_text=True)
    assert 'id="move-pick-position"' in page and "在其之后（跳过该环节，如定时器）" in page
    preview = sam.get(f"/monitor/cases/{instance.id}/move?from=examine&to=archive&to_position=after"
                      ).get_data(as_text=True)
    assert 'name="to_position" value="after"' in preview and 'id="form-move"' in preview
    target = preview.split('id="move-target"')[1].split("</dd>")[0]
    assert "(end_ok)" in target and "结束事件" in target  # what archive's outgoing flow leads to
    done = sam.post(f"/monitor/cases/{instance.id}/move", data={
        "from": "examine", "to": "archive", "to_position": "after", "reason": "已线下办结"}, follow_redirects=True)
    assert "令牌已从“审查申请”移到“登记归档”之后" in done.get_data(as_text=True)
    with eng.uow() as uow:
        assert uow.instances.get(instance.id).status == "completed"
        assert uow.reads.tasks.open_of(instance.id) == []
