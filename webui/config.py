"""Configuration from the environment (CONTRACT section 2)."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "sqlite:///instance/fao.db"


@dataclass(frozen=True)
class Settings:
    database_url: str
    instance_path: Path
    timezone: str
    default_locale: str

    @property
    def secret_key(self) -> str:
        env = os.environ.get("FAO_SECRET_KEY")
        if env:
            return env
        path = self.instance_path / "secret_key"
        if not path.exists():
            self.instance_path.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()


def _absolute_sqlite(url: str, base: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////") and ":memory:" not in url:
        path = (base / url[len(prefix):]).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    return url


def load_settings(base: Path | None = None) -> Settings:
    base = base or Path.cwd()
    url = os.environ.get("FAO_DATABASE_URL", DEFAULT_DB)
    return Settings(
        database_url=_absolute_sqlite(url, base),
        instance_path=Path(os.environ.get("FAO_INSTANCE_PATH", base / "instance")).resolve(),
        timezone=os.environ.get("FAO_TIMEZONE", "Asia/Shanghai"),
        default_locale=os.environ.get("FAO_DEFAULT_LOCALE", "zh_CN"),
    )


def workflow_cache_size() -> int:
    """``FAO_WORKFLOW_CACHE``: live workflows a process keeps for the next command (0: none)."""
    raw = os.environ.get("FAO_WORKFLOW_CACHE", "").strip()
    if not raw:
        return 256
    if not raw.isdigit():
        raise ValueError(f"FAO_WORKFLOW_CACHE must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def fast_writes() -> bool:
    """``FAO_FAST_WRITES``: the hot-path writes take the fast road of :mod:`store.fast_writes`
    (``1``, the default) or go through SQLAlchemy's session like every other write (``0``)."""
    raw = os.environ.get("FAO_FAST_WRITES", "1").strip()
    if raw not in ("0", "1"):
        raise ValueError(f"FAO_FAST_WRITES must be 0 or 1, not {raw!r}")
    return raw == "1"


def sister_city_dormant_days() -> int:
    """``FAO_SISTER_CITY_DORMANT_DAYS``: days without an exchange after which the sister-city
    register shows a city as dormant (default 730, two years)."""
    raw = os.environ.get("FAO_SISTER_CITY_DORMANT_DAYS", "").strip()
    if not raw:
        return 730
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"FAO_SISTER_CITY_DORMANT_DAYS must be a whole number of days of 1 or more, not {raw!r}")
    return int(raw)
