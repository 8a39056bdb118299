"""Choices a form takes from the system: ``"x-options": "units"`` (form extension).

A string property (or the ``items`` of an array of strings) may carry ``"x-options": "units"``:
its choices are the units in the system, each by its key, titled with its Chinese name
(``enumNames``) and English name (``enumNames_en``, the Chinese one where a unit has none). Every
reader of the form fills them in from the store before it is shown, parsed or validated: the
start and task pages, ``GET /processes/{key}`` and ``GET /tasks/{id}``, and the engine's start
and complete commands (which therefore refuse a key that is not an active unit's). The case page
shows a submitted key by its unit's name, a unit deactivated since included.

An array of such strings is shown as a list of checkboxes (``webui.formview``: kind ``multi``).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from store.uow import UnitOfWork

OPTIONS = "x-options"
UNITS = "units"


class UnitChoice(NamedTuple):
    """One unit as a choice: its key (the stored value) and names."""

    key: str
    name: str
    name_en: str | None = None


def uses_unit_options(node: Any) -> bool:
    """Whether any property of the schema takes its choices from the units."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get(OPTIONS) == UNITS:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def with_unit_options(schema: Any, units: Iterable[UnitChoice]) -> Any:
    """The schema with the units filled in as ``enum``, ``enumNames`` and ``enumNames_en``.

    Returns:
        The schema itself when it names no unit choices, else a resolved copy (no units: no
        value validates).
    """
    if not uses_unit_options(schema):
        return schema
    choices = list(units)
    return _fill(schema, choices)


def _fill(node: Any, units: Sequence[UnitChoice]) -> Any:
    if isinstance(node, list):
        return [_fill(item, units) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _fill(value, units) for key, value in node.items()}
    if node.get(OPTIONS) == UNITS:
        out["enum"] = [u.key for u in units]
        out["enumNames"] = [u.name for u in units]
        out["enumNames_en"] = [u.name_en or u.name for u in units]
    return out


def unit_choices(uow: UnitOfWork, active_only: bool = True) -> list[UnitChoice]:
    """The units as choices, by key (the active ones unless asked otherwise)."""
    return [UnitChoice(u.key, u.name, u.name_en) for u in uow.users.units(active_only=active_only)]


def resolve_unit_options(uow: UnitOfWork, schema: Any, active_only: bool = True) -> Any:
    """:func:`with_unit_options` with the store's units; no query when the schema names none."""
    if not uses_unit_options(schema):
        return schema
    return with_unit_options(schema, unit_choices(uow, active_only))
