"""The PostgreSQL server of a test session: the one at ``FAO_TEST_PG_ADMIN`` or a private one.

When the server named by ``FAO_TEST_PG_ADMIN`` (default ``postgres@127.0.0.1:5432``) answers, the
tests use it. When it does not, the first test that needs PostgreSQL starts a throw-away cluster
from Debian's ``postgresql`` package (``initdb`` and ``pg_ctl`` from ``/usr/lib/postgresql/*/bin``)
in a temporary folder on a free port; ``stop()`` removes it at the end of the session. Under
pytest-xdist every worker process has its own.
"""
from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START_TIMEOUT_S = 60
PORT_ATTEMPTS = 3


class PrivateCluster:
    """A cluster in its own temporary folder, run by ``user`` (``initdb`` refuses root)."""

    def __init__(self, bin_dir: Path, user: str | None) -> None:
        self.bin_dir, self.user = bin_dir, user
        self.folder = Path(tempfile.mkdtemp(prefix="fao-test-pg-"))
        self.data = self.folder / "data"
        self.port = 0
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)

    def _run(self, *argv: str) -> None:
        result = subprocess.run([str(self.bin_dir / argv[0]), *argv[1:]], user=self.user, capture_output=True,
                                text=True, stdin=subprocess.DEVNULL, timeout=START_TIMEOUT_S)
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {result.stdout}{result.stderr}")

    def start(self) -> str:
        """Create and start the cluster; returns its admin URL.

        Raises:
            RuntimeError: ``initdb`` failed, or no port could be bound.
        """
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        for attempt in range(PORT_ATTEMPTS):
            self.port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off"
            try:
                self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"),
                          "-w", "-t", str(START_TIMEOUT_S), "start")
                return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
            except RuntimeError:
                if attempt == PORT_ATTEMPTS - 1:
                    raise

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


_cluster: PrivateCluster | None = None
_admin_url: str | None = None


def admin_url() -> str:
    """The SQLAlchemy URL of a database to connect to as a superuser (one lookup per process).

    Raises:
        RuntimeError: neither the configured server answers nor can a private one start.
    """
    global _admin_url, _cluster
    if _admin_url is None:
        configured = os.environ.get("FAO_TEST_PG_ADMIN", DEFAULT_ADMIN_URL)
        if _answers(configured):
            _admin_url = configured
        else:
            _cluster = PrivateCluster(_bin_dir(configured), _server_user())
            _admin_url = _cluster.start()
    return _admin_url


def stop() -> None:
    """Stop the private cluster, if this process started one."""
    global _cluster, _admin_url
    if _cluster is not None:
        _cluster.stop()
        _cluster, _admin_url = None, None


def psycopg_url(url: str) -> str:
    """A SQLAlchemy ``postgresql+psycopg://`` URL as libpq spells it."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(psycopg_url(url), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _bin_dir(configured: str) -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: [int(n) for n in re.findall(r"\d+", p)])
    if not found:
        raise RuntimeError(f"no PostgreSQL server answers at {configured} and none is installed to start "
                           "(Debian package postgresql: make setup-test installs it as root)")
    return Path(found[-1]).parent


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root, and no 'postgres' or 'nobody' user to run initdb as")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
