"""Timer expressions: what an expression gave, as the text SpiffWorkflow's timer definitions read."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from engine.sandbox.helpers import ScriptHelpers


def timer_definition(task: Any, expression: str) -> TimerEventDefinition | None:
    """The timer whose expression is being evaluated for ``task``, if it is one."""
    definition = getattr(getattr(task, "task_spec", None), "event_definition", None)
    if isinstance(definition, TimerEventDefinition) and definition.expression == expression:
        return definition
    return None


def iso_duration(value: timedelta) -> str:
    """An ISO 8601 duration for a ``timedelta`` (``timedelta(seconds=30)`` is ``"PT30S"``).

    Args:
        value: The duration; a negative one counts as zero.

    Returns:
        The duration text, for example ``"P1DT2H30S"``.
    """
    total_us = max(int(value / timedelta(microseconds=1)), 0)
    days, rest_us = divmod(total_us, 86_400_000_000)
    hours, rest_us = divmod(rest_us, 3_600_000_000)
    minutes, rest_us = divmod(rest_us, 60_000_000)
    seconds = f"{rest_us / 1_000_000:.6f}".rstrip("0").rstrip(".") if rest_us % 1_000_000 else str(rest_us // 1_000_000)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M")) if n)
    clock += f"{seconds}S" if rest_us or not (days or clock) else ""
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def timer_value(timer: TimerEventDefinition, value: Any, expression: str, task: Any, tz: Any) -> str:
    """The text SpiffWorkflow expects from a timer expression, from what the expression gave.

    A duration may be written ``"PT30S"`` or ``timedelta(seconds=30)``, a date ``"2026-05-01T09:00:00+08:00"``
    or a ``datetime``/``date`` (a date without a time is 09:00, without a zone the office's).
    A value SpiffWorkflow could not read is refused here with a message naming the timer.

    Raises:
        WorkflowTaskException: The value is neither of the timer's kind nor readable text.
    """
    if isinstance(timer, DurationTimerEventDefinition) and isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(timer, TimeDateEventDefinition) and isinstance(value, (date, datetime)):
        moment = value if isinstance(value, datetime) else datetime.combine(value, ScriptHelpers.OFFICE_HOUR)
        return (moment.replace(tzinfo=tz) if moment.tzinfo is None else moment).isoformat()
    kinds = {DurationTimerEventDefinition: ("an ISO 8601 duration", '"PT30S" or timedelta(seconds=30)'),
             TimeDateEventDefinition: ("a date and time", '"2026-05-01T09:00:00+08:00" or a datetime'),
             CycleTimerEventDefinition: ("an ISO 8601 repeating interval", '"R3/PT1H"')}
    wanted, example = next((v for k, v in kinds.items() if isinstance(timer, k)), ("a timer value", '"PT30S"'))
    if isinstance(value, str):
        try:
            if isinstance(timer, DurationTimerEventDefinition):
                TimerEventDefinition.parse_iso_duration(value)
            elif isinstance(timer, TimeDateEventDefinition):
                TimerEventDefinition.get_datetime(value)
            elif isinstance(timer, CycleTimerEventDefinition):
                TimerEventDefinition.parse_iso_recurring_interval(value)
            return value
        except Exception:
            pass
    raise WorkflowTaskException(
        f"Timer expression '{expression}' gave {value!r}, which is not {wanted} (write e.g. {example})", task=task
    )
