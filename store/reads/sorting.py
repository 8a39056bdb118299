"""Ordering of the monitor's list statements by a key the user chose."""
from __future__ import annotations

from sqlalchemy import Select


def ordered(stmt: Select, sort: str, orders: dict[str, tuple], default: str, tiebreak) -> Select:
    """Order by an allowed key; ``-key`` sorts descending. Unknown keys fall back to ``default``."""
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in orders:
        key, desc = default.lstrip("-"), default.startswith("-")
    cols = orders[key]
    return stmt.order_by(*[(c.desc() if desc else c.asc()) for c in cols], tiebreak)
