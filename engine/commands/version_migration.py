"""Moving running cases to another version of their process (SpiffWorkflow's ``bpmn.util.diff``).

A case may move when every step it is at now (ready, waiting or running tasks, in the process
and its subprocesses) still exists in the target version unchanged, apart from what comes after
it: the steps after a ready or waiting task are predicted again from the target version. Each
move is one engine command (lock, load, replace the spec, save, audit ``migrated``, commit).
Waiting timers keep their due times (a moved case does not restart its SLA clock).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.errors import EngineError, Forbidden, MigrationRefused, NotFound, problem
from engine.people.identity import Actor
from engine.state.activities import load_readonly
from engine.timekeeping.timer_events import GATEWAY_TIMERS

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.serializer.helpers.dictionary import DictionaryConverter
    from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.task import Task

    from engine.commands.runner import CommandRunner
    from store.models import Instance, ProcessVersion
    from store.uow import UnitOfWork

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
# what may differ in a step the case is at: the steps after it are predicted again on the move
# (a waiting join is the exception: it counts its inputs); a new name or documentation is shown
_HARMLESS = {"outputs", "inputs", "bpmn_name", "documentation"}


@dataclass
class MigrationCheck:
    """Whether one case can move, and if not, why (one sentence per reason)."""

    instance_id: str
    business_key: str | None
    title: str
    status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


@dataclass
class MigrationOutcome:
    instance_id: str
    ok: bool
    error: EngineError | None = None  # why the case was not moved (worded by the web layer)


def require_may_migrate(actor: Actor) -> None:
    if not (actor.is_supervisor or actor.is_analyst):
        raise Forbidden("migrate_not_allowed")


def _label(task: Task) -> str:
    spec = task.task_spec
    name = getattr(spec, "bpmn_name", None)
    bpmn_id = getattr(spec, "bpmn_id", None) or spec.name
    return f"{name} ({bpmn_id})" if name else bpmn_id


def _step_reasons(workflow: BpmnWorkflow, diff: WorkflowDiff, target_version: int) -> list[str]:
    reasons: list[str] = []
    changed = {t.task_spec for t in diff.changed}
    removed = set(diff.removed)
    for task in workflow.get_tasks(state=ACTIVE, skip_subprocesses=True):
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) is None and not isinstance(spec, SubWorkflowTask):
            continue  # SpiffWorkflow's own plumbing (start, end, boundary splits): follows its owner
        if task in removed:
            reasons.append(f"the current step {_label(task)} does not exist in version {target_version}")
            continue
        target = diff.alignment.get(task)
        if target is not None and target.name != spec.name:
            reasons.append(f"the current step {_label(task)} is replaced by {target.name} in version {target_version}")
            continue
        if spec in changed:
            attrs = set(diff.spec_diff.comparisons.get(spec, []))
            joining = task.state == TaskState.WAITING and not hasattr(spec, "event_definition")
            real = sorted(attrs - (_HARMLESS - {"inputs"} if joining else _HARMLESS))
            if real:
                reasons.append(f"the current step {_label(task)} changed in version {target_version} "
                               f"({', '.join(real)})")
        if task.state == TaskState.ERROR:
            reasons.append(f"the step {_label(task)} failed: retry or terminate the case first")
    return reasons


def _workflow_diff(registry: DictionaryConverter, workflow: BpmnWorkflow, new_spec: BpmnProcessSpec) -> WorkflowDiff:
    spec_diff = SpecDiff(registry, workflow.spec, new_spec)
    diff = WorkflowDiff(workflow, spec_diff)
    diff.spec_diff = spec_diff  # the changed attribute names live there
    return diff


def _diffs(engine: CommandRunner, workflow: BpmnWorkflow, new_spec: BpmnProcessSpec,
           new_subs: dict[str, BpmnProcessSpec]) -> tuple[WorkflowDiff, dict[UUID, WorkflowDiff | None]]:
    """As SpiffWorkflow's ``diff_workflow``, keeping each SpecDiff beside its WorkflowDiff."""
    registry = engine.codec._spec_registry  # the serializer registry the specs were written with
    top = _workflow_diff(registry, workflow, new_spec)
    subs = {sp_id: (_workflow_diff(registry, sp, new_subs[sp.spec.name]) if sp.spec.name in new_subs else None)
            for sp_id, sp in workflow.subprocesses.items()}
    return top, subs


def unsafe_reasons(engine: CommandRunner, workflow: BpmnWorkflow, instance: Instance,
                   target: ProcessVersion) -> list[str]:
    """Why ``workflow`` (of ``instance``) cannot move to ``target``; empty when it can."""
    if target.process_key != instance.process_key:
        return [f"version {target.version} belongs to another process"]
    if target.id == instance.process_version_id:
        return [f"the case is already on version {target.version}"]
    if instance.status in ("completed", "terminated"):
        return [f"the case is {instance.status}"]
    if instance.status == "error":
        return ["the case has an open incident: retry or terminate it first"]
    new_spec, new_subs = engine.codec.load_specs(target.id, target.spec_json)
    try:
        top, subs = _diffs(engine, workflow, new_spec, new_subs)
    except (KeyError, AttributeError, TypeError) as exc:
        return [f"the versions could not be aligned ({exc.__class__.__name__}: {exc})"]
    reasons = _step_reasons(workflow, top, target.version)
    for sp_id, sp in workflow.subprocesses.items():
        active = sp.get_tasks(state=ACTIVE, skip_subprocesses=True)
        if not active:
            continue
        if subs.get(sp_id) is None:
            reasons.append(f"the running subprocess {sp.spec.name} does not exist in version {target.version}")
            continue
        reasons.extend(_step_reasons(sp, subs[sp_id], target.version))
    return list(dict.fromkeys(reasons))


def _target(uow: UnitOfWork, key: str, version: int) -> ProcessVersion:
    target = uow.processes.get(key, version)
    if target is None:
        raise NotFound("version_not_found", key=key, version=version)
    return target


def preview(engine: CommandRunner, key: str, from_version: int, to_version: int,
            limit: int = 500) -> list[MigrationCheck]:
    """Check every unfinished case of ``key`` version ``from_version`` (at most ``limit``) against ``to_version``.

    Raises:
        NotFound: either version does not exist.
    """
    out: list[MigrationCheck] = []
    with engine.uow() as uow:
        _target(uow, key, from_version)
        target = _target(uow, key, to_version)
        for row in uow.reads.cases.running_of_version(key, from_version)[:limit]:
            check = MigrationCheck(row.id, row.business_key, row.title, row.status)
            instance = uow.instances.get(row.id)
            try:
                if instance is None:
                    raise NotFound("case_not_found", case=row.id)
                workflow = load_readonly(engine, uow, instance)
                check.reasons = unsafe_reasons(engine, workflow, instance, target)
            except Exception as exc:
                check.reasons = [f"the case could not be checked: {exc.__class__.__name__}: {exc}"]
            out.append(check)
    return out


def _waiting_timer_data(workflow: BpmnWorkflow) -> dict[UUID, dict[str, Any]]:
    kept = {}
    for wf in [workflow, *workflow.subprocesses.values()]:
        for task in wf.get_tasks(state=TaskState.WAITING, skip_subprocesses=True):
            if {"fao_due_at", "event_value", GATEWAY_TIMERS} & task.internal_data.keys():
                kept[task.id] = dict(task.internal_data)
    return kept


def migrate(engine: CommandRunner, instance_id: str, actor: Actor, to_version: int, reason: str = "") -> Instance:
    """Move one case to ``to_version`` of its process in one transaction.

    Raises:
        Forbidden: the actor is neither supervisor nor analyst.
        NotFound: no such case or version.
        Conflict: the move is unsafe (``details`` lists why; code ``migration_refused``).
    """
    require_may_migrate(actor)
    with engine.command(instance_id, actor) as cmd:
        instance, workflow = cmd.instance, cmd.workflow
        target = _target(cmd.uow, instance.process_key, to_version)
        reasons = unsafe_reasons(engine, workflow, instance, target)
        if reasons:
            raise MigrationRefused("migration_refused", [problem("", "migration_unsafe", detail=r) for r in reasons],
                                   version=to_version, reasons="; ".join(reasons))
        new_spec, new_subs = engine.codec.load_specs(target.id, target.spec_json)
        top, subs = _diffs(engine, workflow, new_spec, new_subs)
        timers = _waiting_timer_data(workflow)
        for sp_id, sp in list(workflow.subprocesses.items()):
            if subs.get(sp_id) is not None:
                migrate_workflow(subs[sp_id], sp, new_subs[sp.spec.name])
        migrate_workflow(top, workflow, new_spec)
        workflow.subprocess_specs = new_subs
        for wf in [workflow, *workflow.subprocesses.values()]:  # the reset re-armed them: restore
            for task in wf.get_tasks(state=TaskState.WAITING, skip_subprocesses=True):
                if task.id in timers:
                    task.internal_data.clear()
                    task.internal_data.update(timers[task.id])
        for row in cmd.uow.reads.tasks.open_of(instance.id):  # a renamed step shows its new name
            task = workflow.get_task_from_id(UUID(row.id))
            if task is not None:
                row.name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
        old_version = instance.version
        instance.process_version_id, instance.version = target.id, target.version
        cmd.audit("migrated", from_version=old_version, to_version=target.version, reason=reason)
        engine.advance(cmd)
    return cmd.instance


def migrate_many(engine: CommandRunner, instance_ids: Iterable[str], actor: Actor, to_version: int,
                 reason: str = "") -> list[MigrationOutcome]:
    """Move several cases, each in its own transaction; a refused case does not stop the others."""
    require_may_migrate(actor)
    outcomes = []
    for instance_id in instance_ids:
        try:
            migrate(engine, instance_id, actor, to_version, reason)
        except EngineError as exc:
            outcomes.append(MigrationOutcome(instance_id, False, exc))
        else:
            outcomes.append(MigrationOutcome(instance_id, True))
    return outcomes
