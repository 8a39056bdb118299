"""Personal numbers (passports, ID cards, phones) as pages, exports and the API show them: masked."""
from __future__ import annotations

import re
from typing import Any

_SNAKE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SENSITIVE = re.compile(r"passport|phone|mobile|(^|_)id_?(number|no|card)($|_)")


def is_sensitive(key: str) -> bool:
    """Passport numbers, ID numbers and phone numbers (``passport_no``, ``idNumber``, ``contact_phone``)."""
    return bool(_SENSITIVE.search(_SNAKE.sub("_", str(key)).lower()))


def mask_text(value: Any) -> str:
    """Keep the first and last characters, star the middle: ``E12345678`` -> ``E1*****78``."""
    text = str(value)
    n = len(text)
    if n <= 2:
        return "*" * n
    keep = 1 if n <= 6 else 2 if n <= 12 else 3
    return text[:keep] + "*" * (n - 2 * keep) + text[-keep:]


def masked(value: Any, sensitive: bool = False) -> Any:
    """A copy of case data with every value under a sensitive key masked (at any depth)."""
    if isinstance(value, dict):
        return {k: masked(v, sensitive or is_sensitive(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked(v, sensitive) for v in value]
    if sensitive and value is not None and value != "":
        return mask_text(value)
    return value
