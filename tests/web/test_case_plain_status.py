"""Issue 18 point 3: technical errors reach supervisors only. Everyone else reads a plain status and
a history without errors or supervisors' notes."""
from __future__ import annotations

import pytest

from tests.web.monitor_fixtures import make_app, seed_office, sign_in


@pytest.fixture
def office(engine, users, deploy, clock):
    return seed_office(engine, users, deploy, clock)


@pytest.fixture
def page_of(engine, office):
    app = make_app(engine)

    def _page(username: str, path: str) -> str:
        client = app.test_client()
        sign_in(client, username)
        response = client.get(path)
        assert response.status_code == 200, path
        return response.get_data(as_text=True)

    return _page


def test_the_starter_of_a_failed_case_reads_a_plain_status_without_the_error(page_of, office):
    page = page_of("clerk", f"/instances/{office.failed}")
    assert "办理中，请等待" in page and "因错误中止" not in page
    assert "ZeroDivisionError" not in page and "division" not in page and "出错" not in page
    supervisor = page_of("boss", f"/instances/{office.failed}")
    assert "因错误中止" in supervisor


def test_an_applicant_never_reads_a_supervisors_note(page_of, office):
    page = page_of("unit", f"/instances/{office.suspended}")
    assert "已挂起" in page and "等待外事审批" not in page
    assert "等待外事审批" in page_of("boss", f"/instances/{office.suspended}")


def test_the_api_leaves_errors_and_supervisors_notes_to_supervisors(engine, users, office):
    from webui.api.instances import _plain

    event = {"action": "suspended", "detail": {"reason": "等待外事审批", "task": "x"}}
    assert _plain(dict(event), supervisor=False)["detail"] == {"task": "x"}
    assert _plain(dict(event), supervisor=True)["detail"]["reason"] == "等待外事审批"
