"""What the diagrams show: element states and run counts of a case, heat colours, masked data.

The case's workflow is read through the engine (:meth:`engine.workflow_engine.WorkflowEngine.load_readonly` and
:func:`engine.state.activities.activities`); nothing here imports SpiffWorkflow.
"""
from __future__ import annotations

from typing import Any

from engine.bpmn.elements import diagram_ids
from engine.state.activities import activities, case_data
from engine.workflow_engine import WorkflowEngine
from store.models import Instance
from store.uow import UnitOfWork
from webui.masking import masked as masked  # the monitor's case page shows case data masked


def case_marks(engine: WorkflowEngine, uow: UnitOfWork, instance: Instance, xml: str,
               failed_ids: set[str]) -> dict[str, Any]:
    """States (``completed``, ``running``, ``error``) and completed runs per element of this diagram.

    Elements of called processes defined elsewhere are left out (their ids may repeat here).
    A case whose state cannot be read still gets its failed elements marked.

    Returns:
        ``{"states": {id: state}, "runs": {id: n}, "data": {...}, "problem": str | None}``.
    """
    ids, containers = diagram_ids(xml)
    containers.add(instance.process_key)
    states: dict[str, str] = {}
    runs: dict[str, int] = {}
    data: dict[str, Any] = {}
    problem = None
    try:
        workflow = engine.load_readonly(uow, instance)
        for a in activities(workflow, instance.process_key):
            if a["bpmn_id"] not in ids or a["process_key"] not in containers:
                continue
            states[a["bpmn_id"]] = a["state"]
            if a["runs"]:
                runs[a["bpmn_id"]] = a["runs"]
        data = case_data(workflow)
    except Exception as exc:
        problem = f"{exc.__class__.__name__}: {exc}"
    for bpmn_id in failed_ids & ids:
        states[bpmn_id] = "error"
    return {"states": states, "runs": runs, "data": data, "problem": problem}


def heat_colour(value: float, top: float) -> str:
    """From green (short) to red (the longest): an HSL colour for ``value`` out of ``top``."""
    share = 0.0 if top <= 0 else max(0.0, min(1.0, value / top))
    hue = round(120 * (1 - share))
    return f"hsl({hue}, 75%, 62%)"
