"""The OpenAPI document fuzzed with schemathesis as each role, and the role matrix on real ids.

Oracles for every generated request: never a 5xx; an error is the contract's error JSON; an
operation reserved to supervisors or analysts never succeeds for anyone else; without
credentials everything but the document itself is 401. Examples are bounded (``derandomize``
keeps CI reproducible) so the whole module stays well under two minutes.
"""
from __future__ import annotations

import json

import pytest

from tests.security.conftest import assert_error_json

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

SUPERVISOR_ONLY = {
    "POST /api/v1/instances/{instance_id}/suspend", "POST /api/v1/instances/{instance_id}/resume",
    "POST /api/v1/instances/{instance_id}/terminate", "POST /api/v1/tasks/{task_id}/assign",
    "GET /api/v1/incidents", "POST /api/v1/incidents/{incident_id}/retry",
}
ANALYST_ONLY = {"POST /api/v1/processes"}
ADMIN_ONLY = {"GET /api/v1/users", "GET /api/v1/users/{username}", "POST /api/v1/users/{username}/disable",
              "POST /api/v1/users/{username}/enable"}
PUBLIC = {"GET /api/v1/openapi.json"}


def reserved_from(user: str | None) -> set[str]:
    """Operations that must never succeed for this user."""
    reserved = set()
    if user != "sam":
        reserved |= SUPERVISOR_ONLY
    if user != "ana":
        reserved |= ANALYST_ONLY
    reserved |= ADMIN_ONLY  # no administrator among the fuzzing users
    return reserved


def routes(app, response, method: str) -> bool:
    """Whether the request's URL names an endpoint at all (a generated ``key`` may hold a '/')."""
    from urllib.parse import unquote, urlsplit

    from werkzeug.exceptions import HTTPException

    try:
        app.url_map.bind("localhost").match(unquote(urlsplit(response.request.url).path), method=method)
    except HTTPException:
        return False
    return True


def fuzz(app, user: str | None, token: str | None, mode: GenerationMode, max_examples: int) -> tuple[list, dict]:
    """Run every operation of the document; returns (problems, status counts per operation)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reserved = reserved_from(user)
    problems: list[str] = []
    seen: dict[str, dict[int, int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label

        @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case) -> None:
            response = case.call(headers=headers)
            status = response.status_code
            counts = seen.setdefault(label, {})
            counts[status] = counts.get(status, 0) + 1
            where = f"{label} as {user}: {status} for query={case.query} body={str(case.body)[:120]}"
            if status >= 500:
                problems.append(where)
            if label in reserved and status < 300:
                problems.append("beyond the role: " + where)
            if token is None and label not in PUBLIC and status != 401 and routes(app, response, case.method):
                problems.append("without credentials: " + where)
            if 400 <= status < 500:
                content_type = " ".join(response.headers.get("content-type", []))
                body = json.loads(response.content) if "json" in content_type else None
                if not (isinstance(body, dict) and set(body) == {"error"} and isinstance(body["error"].get("details"), list)):
                    problems.append("not the error JSON: " + where)

        run()
    return problems, seen


@pytest.mark.parametrize("user", ["alice", "carl", "sam", "ana", "otto"])
def test_fuzzed_requests_as_each_role_never_500_nor_pass_the_role(app, eng, case, user):
    from tests.security.conftest import new_token

    problems, seen = fuzz(app, user, new_token(eng, user), GenerationMode.POSITIVE, max_examples=20)
    assert len(seen) >= 20, sorted(seen)  # every operation of the document was exercised
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("user", ["sam", "ana"])
def test_schema_violating_requests_are_refused_with_the_error_json(app, eng, case, user):
    from tests.security.conftest import new_token

    problems, seen = fuzz(app, user, new_token(eng, user), GenerationMode.NEGATIVE, max_examples=10)
    assert not problems, "\n".join(problems[:20])
    statuses = {status for counts in seen.values() for status in counts}
    assert statuses & {400, 415, 422}  # the negative examples did reach validation


def test_fuzzed_requests_without_credentials_are_401(app, case):
    problems, seen = fuzz(app, None, None, GenerationMode.POSITIVE, max_examples=5)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("path", ["/api/v1/tasks", "/api/v1/instances", "/api/v1/incidents"])
def test_a_huge_page_number_is_not_a_500(api, path):
    response = api("sam").get(path, query_string={"page": str(2**62), "per_page": "200"})
    assert response.status_code == 400 and response.get_json()["error"]["details"][0]["field"] == "page"


# --- the role matrix on a real case and task ------------------------------------------------

def _matrix(case_id: str, task_id: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", f"/api/v1/instances/{case_id}", None),
        ("get", f"/api/v1/tasks/{task_id}", None),
        ("post", f"/api/v1/tasks/{task_id}/claim", {}),
        ("post", f"/api/v1/tasks/{task_id}/complete", {"data": {"decision": "approve"}}),
        ("post", f"/api/v1/tasks/{task_id}/assign", {"user": "carl"}),
        ("post", f"/api/v1/instances/{case_id}/suspend", {}),
        ("post", f"/api/v1/instances/{case_id}/terminate", {}),
        ("get", "/api/v1/incidents", None),
    ]


ALLOWED = {  # user -> request indexes of _matrix that may succeed for them
    "alice": {0, 1},         # she started the case: she sees it and its tasks, but works no clerk task
    "bob": set(),
    "chen": set(),
    "otto": set(),
    "ana": set(),            # an analyst deploys; she does not see other people's cases
}


@pytest.mark.parametrize("user", sorted(ALLOWED))
def test_no_access_beyond_the_role_on_a_real_case(api, case, user):
    case_id, task_id = case
    for index, (method, path, body) in enumerate(_matrix(case_id, task_id)):
        kwargs = {"json": body} if body is not None else {}
        response = getattr(api(user), method)(path, **kwargs)
        if index in ALLOWED[user]:
            assert response.status_code == 200, (user, path, response.json)
        else:
            assert_error_json(response, 403, 404)
    listed = api(user).get("/api/v1/instances").json
    visible = {item["id"] for item in listed["items"]}
    assert (case_id in visible) == (0 in ALLOWED[user])
    tasks = {item["id"] for item in api(user).get("/api/v1/tasks").json["items"]}
    assert task_id not in tasks


def test_the_lane_clerk_and_the_supervisor_may_do_their_part(api, case):
    case_id, task_id = case
    assert api("carl").get(f"/api/v1/tasks/{task_id}").status_code == 200
    assert api("carl").post(f"/api/v1/tasks/{task_id}/claim", json={}).status_code == 200
    assert_error_json(api("cora").post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}), 403, 409)
    assert api("sam").post(f"/api/v1/instances/{case_id}/suspend", json={}).status_code == 200
    assert api("sam").get("/api/v1/incidents").status_code == 200
