"""Timer event definitions on the engine clock, fired only by the engine's due-timer path.

SpiffWorkflow's timers compare their due time with ``datetime.now`` whenever ``refresh_timers()``
runs, and ``do_engine_steps()`` ends with it: a timer would fire inside whatever command happens to
run (unaudited) and by the wall clock (a test's frozen clock could not hold it back). These
definitions compute their due time once, on the engine clock, when their task starts waiting,
and report it fired only when :func:`engine.state.stepping.fire_due_timers` marked it so.

The serializer restores every deployed spec's timers as these classes under SpiffWorkflow's own
type names (see :mod:`engine.state.serializer`), so versions deployed earlier run the same way.

Where a timer keeps its state, per task:
    ``event_value``: SpiffWorkflow's value (the ISO due time, or a cycle's dict);
    ``fao_due_at``: the due time in UTC, read by the timer rows;
    ``event_fired`` / ``fao_cycle_fired``: set by the due-timer path.
An event-based gateway waits on its catch events' timers itself; each of them keeps the same
keys under ``fao_gateway_timers[<catch event id>]`` in the gateway's task.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway

GATEWAY_TIMERS = "fao_gateway_timers"


def engine_now(my_task: Any) -> datetime:
    """The engine clock, through the case's script engine (the wall clock where it has none)."""
    clock = getattr(my_task.workflow.script_engine, "clock", None)
    return clock.now() if clock is not None else datetime.now(UTC)


def gateway_catch_id(my_task: Any, definition: TimerEventDefinition) -> str | None:
    """The id of the catch event ``definition`` belongs to, when ``my_task`` is an event-based
    gateway waiting on it (SpiffWorkflow moves the catch events' definitions into the gateway)."""
    if not isinstance(my_task.task_spec, EventBasedGateway):
        return None
    gathered = my_task.task_spec.event_definition.event_definitions
    index = next(i for i, d in enumerate(gathered) if d is definition)
    return my_task.task_spec.outputs[index].bpmn_id


def timer_state(my_task: Any, definition: TimerEventDefinition) -> dict:
    """The internal data where this timer of this task keeps its state (see the module doc)."""
    catch_id = gateway_catch_id(my_task, definition)
    if catch_id is None:
        return my_task.internal_data
    return my_task.internal_data.setdefault(GATEWAY_TIMERS, {}).setdefault(catch_id, {})


def first_cycle_due(expression_value: str, now: datetime) -> datetime:
    """The first due time of an ISO 8601 repeating interval, measured on the engine clock."""
    parts = str(expression_value).upper().replace("--", "/").strip("R").split("/")
    if len(parts) >= 2 and parts[1].startswith("P"):
        duration = TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(parts[1]), now)
        if len(parts) == 3 and not parts[2].startswith("P"):
            return TimerEventDefinition.get_datetime(parts[2]) - duration
        return now + duration
    return TimerEventDefinition.get_datetime(parts[1])


def _set_due(state: dict, due: datetime) -> None:
    state["fao_due_at"] = due.astimezone(UTC).isoformat()


class EngineTimeDate(TimeDateEventDefinition):
    """A timer at a date and time: due then, fired by the engine."""

    def has_fired(self, my_task: Any) -> bool:
        state = timer_state(my_task, self)
        if state.get("event_value") is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            state["event_value"] = value
            _set_due(state, TimerEventDefinition.parse_time_or_duration(value))
        return state.get("event_fired", False)


class EngineDuration(DurationTimerEventDefinition):
    """A timer after a duration, measured from when its task starts waiting on the engine clock."""

    def has_fired(self, my_task: Any) -> bool:
        state = timer_state(my_task, self)
        if state.get("event_value") is None:
            now = engine_now(my_task)
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            duration = TimerEventDefinition.parse_iso_duration(expression)
            due = now + TimerEventDefinition.get_timedelta_from_start(duration, now)
            state["event_value"] = due.isoformat()
            _set_due(state, due)
        return state.get("event_fired", False)


class EngineCycle(CycleTimerEventDefinition):
    """A repeating timer: each cycle falls due on the engine clock and is fired by the engine."""

    def cycle_complete(self, my_task: Any) -> bool:
        value = my_task._get_internal_data("event_value")
        now = engine_now(my_task)
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, _wall_clock_start, duration = TimerEventDefinition.parse_iso_recurring_interval(expression)
            value = {"cycles": cycles, "next": first_cycle_due(expression, now).isoformat(),
                     "duration": duration.total_seconds()}
            _set_due(my_task.internal_data, datetime.fromisoformat(value["next"]))
        ready = False
        if value["cycles"] != 0 and my_task.internal_data.pop("fao_cycle_fired", False):
            value["cycles"] -= 1
            next_due = now + timedelta(seconds=value["duration"])
            value["next"] = next_due.isoformat()
            _set_due(my_task.internal_data, next_due)
            ready = True
        if value["cycles"] == 0:  # the last cycle ran: the event itself completes at the next update
            my_task.internal_data.pop("fao_due_at", None)
            my_task._set_internal_data(event_fired=True)
        my_task._set_internal_data(event_value=value)
        return ready


ENGINE_TIMERS = {
    TimeDateEventDefinition: EngineTimeDate,
    DurationTimerEventDefinition: EngineDuration,
    CycleTimerEventDefinition: EngineCycle,
}
