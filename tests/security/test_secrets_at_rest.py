"""Passwords and API tokens are never stored or logged in clear: read the tables and files directly."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import sqlite3

import pytest

PASSWORD = "Zq7-秘密-correct-horse-battery"


def _all_text(conn, tables: list[str], quote: str = '"') -> str:
    """Every value of every row of the tables, as text."""
    out = []
    for table in tables:
        for row in conn.execute(f"SELECT * FROM {quote}{table}{quote}").fetchall():
            out.extend(str(v) for v in row)
    return "\n".join(out)


def test_sqlite_holds_only_hashes_of_passwords_and_tokens(app, eng, api, tmp_path):
    from engine.people.accounts import put_user

    with eng.uow() as uow:
        put_user(uow, eng.clock.now(), "secretive", PASSWORD, ["fao_clerk"], [])
        uow.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "secretive", "password": PASSWORD}).status_code == 302
    token_client = api("secretive")
    token = token_client.headers["Authorization"].split()[1]
    assert token_client.get("/api/v1/tasks").status_code == 200

    db_path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    eng.session_factory.kw["bind"].dispose()
    with sqlite3.connect(db_path) as conn:
        password_hash, = conn.execute("SELECT password_hash FROM app_user WHERE username = 'secretive'").fetchone()
        token_hashes = [h for (h,) in conn.execute("SELECT token_hash FROM api_token")]
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        everything = _all_text(conn, tables)
    assert password_hash.split(":")[0] in ("scrypt", "pbkdf2") and PASSWORD not in password_hash
    assert hashlib.sha256(token.encode()).hexdigest() in token_hashes
    assert PASSWORD not in everything and token not in everything
    for suffix in ("", "-wal", "-shm"):  # nor anywhere in the files, free pages and the log included
        try:
            raw = open(db_path + suffix, "rb").read()
        except FileNotFoundError:
            continue
        assert PASSWORD.encode() not in raw and token.encode() not in raw


@pytest.mark.postgres
def test_postgresql_holds_only_hashes_of_passwords_and_tokens(pg_database_url):
    import psycopg

    from engine.people.accounts import new_token, put_user
    from tests.conftest import _truncate_all
    from tests.faults.conftest import psycopg_url
    from webui.wiring import build_engine

    _truncate_all(pg_database_url)
    engine = build_engine(pg_database_url)
    try:
        with engine.uow() as uow:
            put_user(uow, engine.clock.now(), "secretive", PASSWORD, [], ["admin"])
            token = new_token(uow, engine.clock.now(), "secretive")
            uow.commit()
    finally:
        engine.session_factory.kw["bind"].dispose()
    with psycopg.connect(psycopg_url(pg_database_url)) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        everything = _all_text(conn, tables)
    assert "secretive" in everything  # the scan did see the user
    assert PASSWORD not in everything and token not in everything


def test_tokens_and_passwords_stay_out_of_the_logs(app, api):
    from webui.logging_setup import make_handler

    stream = io.StringIO()
    handler = make_handler("json", stream)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        client = api("carl")
        token = client.headers["Authorization"].split()[1]
        client.get("/api/v1/tasks")
        api(None).get("/api/v1/tasks", headers={"Authorization": "Bearer not-a-real-token-123"})
        app.test_client().post("/login", data={"username": "carl", "password": PASSWORD})  # a failed sign-in
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    logged = stream.getvalue()
    lines = [json.loads(line) for line in logged.splitlines() if line.strip()]
    assert [r["status"] for r in lines if r.get("logger") == "fao.http"] == [200, 401, 401]  # the requests were logged
    assert token not in logged and "not-a-real-token-123" not in logged and PASSWORD not in logged
