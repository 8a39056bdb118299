"""Read-only views of a case's workflow: which elements ran, the data of a task, the case data.

These load the serialized state (as :meth:`CommandRunner.load` does) without locking or saving;
they are for the case page and the API's instance detail, never for inbox lists.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.util.task import TaskState

from engine.errors import NotFound
from engine.service_tasks.context import CommandServiceContext

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.specs.base import TaskSpec
    from SpiffWorkflow.task import Task

    from engine.commands.runner import CommandRunner
    from store.models import Instance
    from store.uow import UnitOfWork

RUNNING = TaskState.READY | TaskState.STARTED | TaskState.WAITING
# internal data of a task a token move put in the tree as passed (completed without running: the token
# left by its outgoing flows); it is no run of its element
PASSED = "fao_moved_past"


def load_readonly(engine: CommandRunner, uow: UnitOfWork, instance: Instance) -> BpmnWorkflow:
    """Deserialize a case's workflow for reading (sandboxed script engine attached, never saved)."""
    version = uow.processes.by_id(instance.process_version_id)
    if version is None:
        raise NotFound("version_id_not_found", version_id=instance.process_version_id)
    spec, subs = engine.codec.load_specs(version.id, version.spec_json)
    workflow = engine.codec.load_state(instance.state, instance.serializer_version, spec, subs)
    services = CommandServiceContext(uow, instance, None, engine.clock.now())
    workflow.script_engine = engine.script_engine(services, uow)
    return workflow


def _all_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """Every task of the workflow and of its subprocesses, each once."""
    tasks = list(workflow.get_tasks(skip_subprocesses=True))
    for sub in workflow.subprocesses.values():
        tasks.extend(sub.get_tasks(skip_subprocesses=True))
    return tasks


def _state_name(state: int) -> str:
    if state == TaskState.ERROR:
        return "error"
    if state & RUNNING:
        return "running"
    if state == TaskState.COMPLETED:
        return "completed"
    return TaskState.get_name(state).lower()


def activities(workflow: BpmnWorkflow, top_key: str) -> list[dict[str, Any]]:
    """Every BPMN element that has run or is running, in first-seen order.

    ``runs`` counts completed executions; for a loop or multi-instance activity each iteration
    or instance counts once and the container never does (a loop that never iterates: 0).

    Args:
        workflow: a deserialized ``BpmnWorkflow``.
        top_key: the case's process key (subprocess elements carry their own process id).

    Returns:
        ``[{bpmn_id, process_key, name, type, state, runs}]``.
    """
    found: dict[tuple[str, str], dict[str, Any]] = {}
    rank = {"error": 3, "running": 2, "completed": 1}
    for task in _all_tasks(workflow):
        spec = task.task_spec
        if task.internal_data.get(PASSED):
            continue
        parent = task.parent
        is_instance = parent is not None and isinstance(parent.task_spec, LoopTask) \
            and getattr(parent.task_spec, "task_spec", None) == spec.name
        owner = parent.task_spec if is_instance else spec
        bpmn_id = getattr(owner, "bpmn_id", None)
        if not bpmn_id:
            continue
        state = _state_name(task.state)
        if state not in rank:
            continue
        key = task.workflow.spec.name if task.workflow is not workflow else top_key
        entry = found.get((key, bpmn_id))
        if entry is None:
            type_spec = workflow_spec_child(owner, task) if isinstance(owner, LoopTask) else owner
            entry = {"bpmn_id": bpmn_id, "process_key": key,
                     "name": getattr(owner, "bpmn_name", None) or bpmn_id,
                     "type": type(type_spec).__name__, "state": state, "runs": 0}
            found[(key, bpmn_id)] = entry
        elif rank[state] > rank[entry["state"]]:
            entry["state"] = state
        if state == "completed" and not isinstance(spec, LoopTask):
            entry["runs"] += 1
    return list(found.values())


def workflow_spec_child(container: TaskSpec, task: Task) -> TaskSpec:
    """The task spec a loop or multi-instance container repeats (for its ``type``)."""
    name = getattr(container, "task_spec", None)
    return task.workflow.spec.task_specs.get(name, container) if name else container


def task_data(workflow: BpmnWorkflow, task_id: str) -> dict[str, Any]:
    """A copy of a task's data ({} when the task is gone)."""
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except Exception:
        return {}
    return dict(task.data) if task is not None else {}


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's data now: the workflow data merged with the last completed task's data."""
    data: dict[str, Any] = {}
    last = getattr(workflow, "last_task", None)
    if last is not None:
        data.update(last.data)
    else:
        done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED, skip_subprocesses=True)]
        if done:
            data.update(done[-1].data)
    data.update({k: v for k, v in workflow.data.items() if k != "data_objects"})
    return data
