"""A case's title (CONTRACT section 8, ``x-case-title``): the value of the start form's one string
property so marked; without one, the process's title with the business key."""
from __future__ import annotations

from typing import Any


def case_title_field(schema: dict | None) -> str | None:
    """The name of the start form's property marked ``"x-case-title": true``, if any."""
    props = (schema or {}).get("properties") or {}
    for name, prop in props.items():
        if isinstance(prop, dict) and prop.get("x-case-title") is True:
            return str(name)
    return None


def case_title(schema: dict | None, data: dict[str, Any], process_title: str, business_key: str) -> str:
    """The title a case carries in every list (at most 300 characters)."""
    name = case_title_field(schema)
    value = data.get(name) if name else None
    if isinstance(value, str) and value.strip():
        return value.strip()[:300]
    return f"{process_title} {business_key}".strip()[:300]
