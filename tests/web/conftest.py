"""Web fixtures: an app on its own SQLite database, the test model deployed, users of every role."""
from __future__ import annotations

from pathlib import Path

import pytest

MODELS = Path(__file__).parent / "models"

# name: (groups, roles)
PEOPLE = {
    "alice": (["applicant_unit"], []),            # an applicant
    "bob": (["applicant_unit"], []),              # another applicant
    "carl": (["fao_clerk"], ["clerk"]),           # a clerk of the lane
    "cora": (["fao_clerk"], ["clerk"]),           # another clerk of the lane
    "chen": (["section_chief"], ["clerk"]),       # a clerk of another group
    "sam": ([], ["supervisor"]),                  # supervisor
    "ana": ([], ["analyst"]),                     # process analyst
    "otto": ([], []),                             # signed in, no group, no role
}
PASSWORD = "pw-secret-1"

START_DATA = {
    "title": "赴日本友城交流", "destination": "asia", "days": 5,
    "members": [{"name": "张三", "gender": "male", "passport_no": "E12345678"},
                {"name": "李四", "gender": "female"}],
}


def model_files() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(MODELS.iterdir()) if p.suffix in (".bpmn", ".json")]


def seed_database(path: Path) -> Path:
    """A migrated database with the users and the test model (built once, copied per test)."""
    from engine.people.accounts import put_user
    from store.migrate import upgrade
    from webui.wiring import build_engine

    url = f"sqlite:///{path}"
    upgrade(url)
    eng = build_engine(url)
    with eng.uow() as uow:
        for name, (groups, roles) in PEOPLE.items():
            put_user(uow, eng.clock.now(), name, PASSWORD, groups, roles, display_name=name.title())
        uow.commit()
    eng.deploy(model_files(), eng.actor("ana"))
    eng.session_factory.kw["bind"].dispose()
    return path


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    return seed_database(tmp_path_factory.mktemp("seed") / "seed.db")


def make_app(tmp_path, seed: Path, csrf: bool = False, **config):
    """An app on a fresh copy of the seeded database."""
    import shutil

    from webui import create_app

    db = tmp_path / "t.db"
    shutil.copyfile(seed, db)
    settings = {"TESTING": True, "SCHEDULER_ENABLED": False, "DATABASE_URL": f"sqlite:///{db}",
                "WTF_CSRF_ENABLED": csrf, "SECRET_KEY": "test-secret", "FAO_DEFAULT_LOCALE": "zh_CN"}
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(tmp_path, seed_db):
    app = make_app(tmp_path, seed_db)
    yield app
    app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


@pytest.fixture
def csrf_app(tmp_path, seed_db):
    app = make_app(tmp_path, seed_db, csrf=True)
    yield app
    app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


@pytest.fixture
def eng(app):
    return app.extensions["fao_engine"]


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def as_user(app):
    """``as_user("carl")``: a test client signed in as that user."""
    def _client(username: str):
        client = app.test_client()
        response = login(client, username)
        assert response.status_code == 302, response.data
        return client

    return _client


@pytest.fixture
def token(app, eng):
    """``token("carl")``: an API bearer header for that user."""
    from engine.people.accounts import new_token

    def _token(username: str) -> dict:
        with eng.uow() as uow:
            value = new_token(uow, eng.clock.now(), username)
            uow.commit()
        return {"Authorization": f"Bearer {value}"}

    return _token


@pytest.fixture
def case(eng):
    """Start a case as alice; returns (instance, the open examine task id)."""
    def _start(data: dict | None = None, who: str = "alice"):
        instance = eng.start("web_trip", eng.actor(who), dict(data or START_DATA))
        with eng.uow() as uow:
            task = uow.reads.tasks.open_of(instance.id)[0]
            return instance, task.id

    return _start
