"""Security fixtures: the web test app (its seeded SQLite copy), bearer clients for every role."""
from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD, PEOPLE, START_DATA, make_app, seed_database  # noqa: F401

ROLES = {  # who -> what they are (tests/web/conftest.py PEOPLE)
    "alice": "applicant (applicant_unit)",
    "bob": "another applicant",
    "carl": "clerk of the fao_clerk lane",
    "chen": "clerk of another group",
    "sam": "supervisor",
    "ana": "analyst",
    "otto": "no group, no role",
}


@pytest.fixture(scope="session")
def security_seed(tmp_path_factory):
    return seed_database(tmp_path_factory.mktemp("security_seed") / "seed.db")


@pytest.fixture
def app(tmp_path, security_seed):
    app = make_app(tmp_path, security_seed)
    yield app
    app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


@pytest.fixture
def eng(app):
    return app.extensions["fao_engine"]


def new_token(eng, username: str) -> str:
    from engine.people.accounts import new_token as make

    with eng.uow() as uow:
        value = make(uow, eng.clock.now(), username)
        uow.commit()
    return value


class Client:
    """A test client whose requests carry one user's bearer token (or none)."""

    def __init__(self, app, token: str | None) -> None:
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __getattr__(self, method):
        def call(path, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(path, headers=headers, **kwargs)

        return call


@pytest.fixture
def api(app, eng):
    """``api("carl").get(...)``; ``api(None)`` sends no credentials."""
    cache: dict[str | None, Client] = {}

    def _client(username: str | None) -> Client:
        if username not in cache:
            cache[username] = Client(app, new_token(eng, username) if username else None)
        return cache[username]

    return _client


@pytest.fixture
def case(eng):
    """A web_trip case started by alice: (case id, id of its open 'examine' task in the fao_clerk lane)."""
    instance = eng.start("web_trip", eng.actor("alice"), dict(START_DATA))
    with eng.uow() as uow:
        return instance.id, uow.reads.tasks.open_of(instance.id)[0].id


def assert_error_json(response, *statuses: int) -> dict:
    """An error answer in the contract's shape, with one of the given statuses."""
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"error"}, response.get_data(as_text=True)[:500]
    error = body["error"]
    assert isinstance(error.get("code"), str) and isinstance(error.get("message"), str)
    assert isinstance(error.get("details"), list)
    return error
