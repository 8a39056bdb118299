"""Workflow (de)serialization with the spec kept out of the instance state.

The process version row holds the serialized spec; instance rows hold only the task tree and
data. Restored specs are cached per process version (specs are immutable once deployed).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from threading import Lock
from typing import TYPE_CHECKING, Any

import orjson
from cachetools import LRUCache
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.timekeeping.timer_events import ENGINE_TIMERS

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.serializer.helpers.dictionary import DictionaryConverter
    from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

SERIALIZER_VERSION = VERSION


class StatelessSpecWorkflowConverter(BpmnWorkflowConverter):
    """Converts a top workflow without its spec; the spec is handed back on restore."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict, spec: BpmnProcessSpec | None = None,
                  subprocess_specs: dict[str, BpmnProcessSpec] | None = None) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        from uuid import UUID

        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class EngineTimerConverter(TimerConditionalEventDefinitionConverter):
    """Our timers under SpiffWorkflow's type names: deployed specs restore their timers as ours."""

    def __init__(self, target_class: type, registry: DictionaryConverter, typename: str | None = None) -> None:
        library_name = next(base.__name__ for base, ours in ENGINE_TIMERS.items() if ours is target_class)
        super().__init__(target_class, registry, typename or library_name)


def engine_config() -> dict:
    """SpiffWorkflow's spiff serializer config (a copy) with the engine's timers registered last."""
    config = dict(SPIFF_CONFIG)  # a copy: never mutate the library's registry in place
    config.update({ours: EngineTimerConverter for ours in ENGINE_TIMERS.values()})
    return config


def dumps_compact(value: Any) -> str:
    """Compact JSON text (UTF-8, no ASCII escapes) through orjson; stdlib json for what orjson
    refuses (integers beyond 64 bits, non-string keys), so the stored text is the same JSON.
    A float NaN or infinity (not JSON) is written as null."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """Parse JSON through orjson; stdlib json for what orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _register_data_types(registry: DictionaryConverter) -> None:
    registry.register(datetime, lambda v: {"value": v.isoformat()}, lambda d: datetime.fromisoformat(d["value"]),
                      "datetime")
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"]), "date")
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]), "Decimal")


class WorkflowCodec:
    """Builds the serializer once; converts specs and instance states to and from JSON."""

    def __init__(self, spec_cache_size: int = 256) -> None:
        self._spec_registry = BpmnWorkflowSerializer.configure(engine_config())
        state_config = engine_config()
        state_config[BpmnWorkflow] = StatelessSpecWorkflowConverter
        self._state_registry = BpmnWorkflowSerializer.configure(state_config)
        _register_data_types(self._state_registry)
        self._cache: LRUCache[int, tuple[Any, dict]] = LRUCache(maxsize=spec_cache_size)
        self._lock = Lock()

    # --- specs --------------------------------------------------------------------------
    def dump_specs(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
        return json.dumps(
            {
                "spec": self._spec_registry.convert(spec),
                "subprocess_specs": {k: self._spec_registry.convert(v) for k, v in subprocess_specs.items()},
            }
        )

    def load_specs(self, version_id: int, spec_json: str) -> tuple[Any, dict]:
        with self._lock:
            hit = self._cache.get(version_id)
            if hit is not None:
                return hit
        dct = loads(spec_json)
        spec = self._spec_registry.restore(dct["spec"])
        subs = {k: self._spec_registry.restore(v) for k, v in dct["subprocess_specs"].items()}
        with self._lock:
            self._cache[version_id] = (spec, subs)
        return spec, subs

    # --- instance state -----------------------------------------------------------------
    def dump_state(self, workflow: BpmnWorkflow) -> str:
        return dumps_compact(self._state_registry.convert(workflow))

    def load_state(self, state: str, serializer_version: str, spec: BpmnProcessSpec,
                   subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
        dct = loads(state)
        if serializer_version != SERIALIZER_VERSION and serializer_version in MIGRATIONS:
            MIGRATIONS[serializer_version](dct)
        return self._state_registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
