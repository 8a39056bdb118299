"""Shared fixtures: a migrated database on SQLite and on PostgreSQL (tests/pg_server.py)."""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests import pg_server

ROOT = Path(__file__).resolve().parent.parent
TEST_MODELS = Path(__file__).resolve().parent / "models"
CORPORA = Path(os.environ.get("FAO_TEST_CORPORA", ROOT.parent / "shared" / "corpora"))
CORPORA_MISSING = f"the shared BPMN corpora are missing: no folder {CORPORA}"


def pytest_configure(config):
    # users are made in every database test's set-up: a cheap hash keeps it fast (accounts.hash_password)
    os.environ.setdefault("FAO_TEST_PASSWORD_HASH", "pbkdf2:sha256:1")


def pytest_collection_modifyitems(config, items):
    """Mark every test on PostgreSQL ``postgres``; skip ``corpus`` tests when the corpora are missing."""
    skip_corpus = pytest.mark.skip(reason=CORPORA_MISSING)
    for item in items:
        params = getattr(item, "callspec", None)
        if "pg_database_url" in item.fixturenames or (params and params.params.get("db_url") == "postgresql"):
            item.add_marker(pytest.mark.postgres)
        if item.get_closest_marker("corpus") and not CORPORA.is_dir():
            item.add_marker(skip_corpus, append=False)


def pytest_terminal_summary(terminalreporter):
    """One line when tests were skipped for want of the corpora."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if CORPORA_MISSING in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} corpus tests skipped: {CORPORA_MISSING}")


def pytest_sessionfinish(session):
    pg_server.stop()


def pg_admin_url() -> str:
    """The admin URL of this session's PostgreSQL server (started on first use when none answers)."""
    return pg_server.admin_url()


def _pg_admin():
    import psycopg

    return psycopg.connect(pg_server.psycopg_url(pg_admin_url()), autocommit=True)


@pytest.fixture(scope="session")
def pg_database_url():
    """One fresh PostgreSQL database for the test run, dropped at the end."""
    from store.migrate import upgrade

    name = f"fao_test_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_admin_url().rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    yield url
    with _pg_admin() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _truncate_all(url: str) -> None:
    from sqlalchemy import text

    from store.db import make_engine
    from store.models import Base

    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        from store.migrate import upgrade

        url = f"sqlite:///{tmp_path / 'fao.db'}"
        upgrade(url)
        return url
    url = request.getfixturevalue("pg_database_url")
    _truncate_all(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path):
    from store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'fao.db'}"
    upgrade(url)
    return url


@pytest.fixture
def clock():
    from engine.timekeeping.clock import FrozenClock

    # a Monday at 09:00 in Hengyang, ahead of the wall clock so SpiffWorkflow never fires a timer by itself
    now = datetime.now(timezone.utc)
    return FrozenClock(datetime(now.year + 1, 3, 2, 1, 0, tzinfo=timezone.utc))


def make_engine_for(url: str, clock):
    from webui.wiring import build_engine

    return build_engine(url, clock=clock, script_time_limit_s=1.0)


@pytest.fixture
def engine(db_url, clock):
    eng = make_engine_for(db_url, clock)
    yield eng
    eng.session_factory.kw["bind"].dispose()


@pytest.fixture
def users(engine):
    """Demo-like users, one or more per group, and their Actors."""
    from engine.people.accounts import put_user

    specs = {
        "unit": (["applicant_unit"], []),
        "clerk": (["fao_clerk", "passport_visa_section"], ["clerk"]),
        "clerk2": (["fao_clerk"], ["clerk"]),
        "chief": (["section_chief"], ["clerk"]),
        "protocol": (["protocol_section"], ["clerk"]),
        "press": (["press_culture_section"], ["clerk"]),
        "boss": ([], ["supervisor"]),
        "analyst": ([], ["analyst"]),
        "outsider": ([], []),
    }
    with engine.uow() as uow:
        for name, (groups, roles) in specs.items():
            put_user(uow, engine.clock.now(), name, "pw-" + name, groups, roles)
        uow.commit()
    return {name: engine.actor(name) for name in specs}


def model_files(*names: str, base: Path = TEST_MODELS) -> list[tuple[str, bytes]]:
    return [(n, (base / n).read_bytes()) for n in names]


@pytest.fixture
def deploy(engine, users):
    def _deploy(*names: str):
        return engine.deploy(model_files(*names), users["analyst"])

    return _deploy


def reload_engine(engine):
    """A fresh engine on the same database: nothing survives in memory (save/restore mid-way)."""
    from webui.wiring import build_engine

    bind = engine.session_factory.kw["bind"]
    url = str(bind.url.render_as_string(hide_password=False))
    bind.dispose()  # the old engine's connections go now, not whenever it is collected
    return build_engine(url, clock=engine.clock, script_time_limit_s=1.0)
