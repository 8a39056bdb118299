"""Shared fixtures: a migrated database on SQLite and on the real PostgreSQL server."""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_MODELS = Path(__file__).resolve().parent / "models"
CORPORA = ROOT.parent / "shared" / "corpora"
assert CORPORA.is_dir(), f"the shared BPMN corpora are expected beside the project at {CORPORA}"
PG_ADMIN_URL = os.environ.get("FAO_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin():
    import psycopg

    url = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True)


@pytest.fixture(scope="session")
def pg_database_url():
    """One fresh PostgreSQL database for the test run, dropped at the end."""
    from store.migrate import upgrade

    name = f"fao_test_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    yield url
    from sqlalchemy.pool import NullPool  # noqa: F401  (connections are closed by disposal below)

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
