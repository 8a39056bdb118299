"""Start forms filled in from the applicant's profile (form extension ``x-prefill``).

A string property of a start form may carry ``"x-prefill": "unit" | "name" | "phone"``: the form
opens with the applicant's unit, display name or office phone in it, which they may still change
where the form lets them. Nothing is filled when the profile has no such value.

A form opened from an entry of the passport custody ledger (the cancellation of a document)
may also take ``"passport_number"``, ``"passport_holder"`` and ``"passport_unit"`` from that
entry; the web layer offers them to the passport section only.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PREFILL = "x-prefill"
SOURCES = ("unit", "name", "phone", "passport_number", "passport_holder", "passport_unit")


def prefilled(schema: Mapping[str, Any] | None, profile: Mapping[str, str | None]) -> dict[str, str]:
    """The start values a form's ``x-prefill`` properties take from ``profile`` (keys: SOURCES)."""
    properties = (schema or {}).get("properties") or {}
    values: dict[str, str] = {}
    for name, prop in properties.items():
        source = prop.get(PREFILL) if isinstance(prop, Mapping) else None
        value = profile.get(source) if source in SOURCES else None
        if value:
            values[name] = value
    return values
