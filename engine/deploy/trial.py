"""Try a folder of process models written elsewhere: deploy each, start a case, drive it.

``fao try MODELS_DIR`` uses this to answer "which of these models run here unchanged?". A model is
a folder holding ``.bpmn`` files (the SpiffWorkflow layout: one folder per process model, with its
``.dmn`` and form ``.json`` files beside it). Each model is deployed through the real deploy
pipeline into a scratch database of its own, together with the models it calls (call activities
and decision tables found elsewhere in the corpus, as SpiffWorkflow resolves them globally). One
case is started and driven: every open user or manual task is completed with the form's
``*-exampledata.json`` when the model ships one, else with :func:`engine.forms.examples.example_data`;
nothing else is delivered (no message, no timer is fired), so a case ends completed, waiting on a
timer or message, or with an incident.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.bpmn.namespaces import BPMN as BPMN_NS
from engine.bpmn.namespaces import DMN_NAMESPACES
from engine.bpmn.namespaces import SPIFF as SPIFF_NS
from engine.bpmn.safe_xml import parse_model_bytes
from engine.deploy.pipeline import MODEL_SUFFIXES
from engine.errors import DeployRefused, EngineError, ModelFileError, ModelProblem, NotFound, ValidationFailed
from engine.forms.examples import example_data
from engine.forms.validation import with_task_data_options
from engine.people.identity import Actor

if TYPE_CHECKING:
    from engine.workflow_engine import WorkflowEngine
    from store.models import Instance
    from store.uow import UnitOfWork

MAX_TASKS = 25
# Where a trial case stopped (TrialRow.outcome); the CLI words each with the row's params.
OUTCOMES = frozenset({
    "none", "completed", "incident", "not_started", "not_started_timer", "not_executable",
    "start_message_refused", "start_data_refused", "task_data_refused", "task_refused",
    "waiting_task", "still_on_task", "waiting_timer", "waiting_message", "waiting_nothing",
})
METADATA_FILES = frozenset({"process_model.json", "process_group.json"})


@dataclass
class TrialRow:
    """The outcome of one model: how its deploy went and where its case stopped."""

    model: str
    deploy: str  # a code: "deployed", "refused", "crash"
    outcome: str  # a code (OUTCOMES), worded by the CLI with ``params``
    detail: str = ""
    tasks_done: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    problems: list[ModelProblem] = field(default_factory=list)  # why the deploy was refused (worded by the CLI)
    error: EngineError | None = None  # why the case did not start or go on (worded by the CLI)


@dataclass
class _ModelFile:
    path: Path
    processes: list[tuple[str, bool]]  # (process id, executable)
    called: set[str]
    decisions_defined: set[str]
    decisions_used: set[str]
    lanes: set[str]


def model_folders(roots: Iterable[Path]) -> list[Path]:
    """Every folder under ``roots`` that holds a ``.bpmn`` file itself, in path order."""
    found: set[Path] = set()
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path.suffix.lower() == ".bpmn":
                found.add(path.parent)
    return sorted(found)


def _own_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().endswith(MODEL_SUFFIXES))


class CorpusIndex:
    """Where each process id and decision id of a corpus is defined."""

    def __init__(self, roots: Iterable[Path]) -> None:
        self.files: dict[Path, _ModelFile] = {}
        self.process_file: dict[str, Path] = {}
        self.decision_file: dict[str, Path] = {}
        for root in roots:
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix.lower() in (".bpmn", ".dmn"):
                    info = _scan(path)
                    if info is None:
                        continue
                    self.files[path] = info
                    for pid, _executable in info.processes:
                        self.process_file.setdefault(pid, path)
                    for did in info.decisions_defined:
                        self.decision_file.setdefault(did, path)

    def batch(self, folder: Path) -> list[Path]:
        """The folder's model files plus those of every folder it calls, transitively."""
        chosen: list[Path] = []
        names: set[str] = set()
        folders = [folder]
        done: set[Path] = set()
        while folders:
            current = folders.pop(0)
            if current in done:
                continue
            done.add(current)
            for path in _own_files(current):
                if path.name in names or (current != folder and path.name in METADATA_FILES):
                    continue
                names.add(path.name)
                chosen.append(path)
            defined = {pid for p in chosen if p in self.files for pid, _ in self.files[p].processes}
            decided = {d for p in chosen if p in self.files for d in self.files[p].decisions_defined}
            for path in list(chosen):
                info = self.files.get(path)
                if info is None:
                    continue
                for target in sorted(info.called - defined):
                    if target in self.process_file:
                        folders.append(self.process_file[target].parent)
                for decision in sorted(info.decisions_used - decided):
                    if decision in self.decision_file:
                        folders.append(self.decision_file[decision].parent)
        return chosen

    def lanes(self, paths: Iterable[Path]) -> set[str]:
        return {lane for p in paths if p in self.files for lane in self.files[p].lanes}

    def primary_process(self, folder: Path) -> str | None:
        """``primary_process_id`` of ``process_model.json``, else the folder's first executable process."""
        meta = folder / "process_model.json"
        if meta.is_file():
            try:
                value = json.loads(meta.read_text(encoding="utf-8")).get("primary_process_id")
            except (ValueError, AttributeError, UnicodeDecodeError):
                value = None
            if isinstance(value, str) and value:
                return value
        for path in _own_files(folder):
            for pid, executable in (self.files[path].processes if path in self.files else []):
                if executable:
                    return pid
        return None


def _scan(path: Path) -> _ModelFile | None:
    try:
        tree = parse_model_bytes(path.read_bytes(), path.name)
    except ModelFileError:
        return None
    root = tree.getroot()
    processes = [(p.get("id") or "", p.get("isExecutable", "true") == "true")
                 for p in root.iter(f"{{{BPMN_NS}}}process")]
    called = {c.get("calledElement") for c in root.iter(f"{{{BPMN_NS}}}callActivity") if c.get("calledElement")}
    used: set[str] = set()
    for task in root.iter(f"{{{BPMN_NS}}}businessRuleTask"):
        for element in task.iter(f"{{{SPIFF_NS}}}calledDecisionId"):
            if element.text:
                used.add(element.text.strip())
    defined = {d.get("id") for ns in DMN_NAMESPACES for d in root.iter(f"{{{ns}}}decision") if d.get("id")}
    lanes = {(lane.get("name") or "").strip() for lane in root.iter(f"{{{BPMN_NS}}}lane")} - {""}
    return _ModelFile(path, processes, called, defined, used, lanes)


def _example_files(paths: Iterable[Path]) -> dict[str, dict]:
    """Form example data shipped beside a schema: ``x-exampledata.json`` for ``x-schema.json``."""
    out: dict[str, dict] = {}
    for path in paths:
        if path.name.endswith("-exampledata.json"):
            try:
                value = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            if isinstance(value, dict):
                out[path.name[: -len("-exampledata.json")] + "-schema.json"] = value
    return out


def _form_data(schema: object, form_file: str | None, examples: dict[str, dict], today: date | None = None) -> dict:
    data = example_data(schema, today) if isinstance(schema, dict) else {}
    data = data if isinstance(data, dict) else {}
    if form_file and form_file in examples:
        data = {**data, **examples[form_file]}
    return data


def _first_line(text: str) -> str:
    return " ".join(str(text).split())[:300]


EngineFactory = Callable[[set[str]], "WorkflowEngine"]
"""Builds a fresh engine on an empty, migrated database; the argument adds lane groups."""


def try_model(make_engine: EngineFactory, index: CorpusIndex, folder: Path, label: str,
              lanes_as_groups: bool = False, max_tasks: int = MAX_TASKS) -> TrialRow:
    """Deploy one model folder (with what it calls) and drive one case as far as it goes.

    Args:
        make_engine: Builds a fresh engine; it receives the extra group names to accept.
        index: The corpus index (call activity and decision targets elsewhere in the corpus).
        folder: The model folder.
        label: How the row names the model.
        lanes_as_groups: Accept the models' lane names as groups (else a lane must name one of
            the office's groups, as in a real deploy).
        max_tasks: Stop driving after this many completed tasks (a loop that never ends).

    Returns:
        The row for the report.
    """
    paths = index.batch(folder)
    extra = index.lanes(paths) if lanes_as_groups else set()
    engine = make_engine(extra)
    try:
        return _try(engine, index, folder, label, paths, max_tasks)
    except Exception as exc:
        return TrialRow(label, "crash", "none", _first_line(f"{exc.__class__.__name__}: {exc}"))
    finally:
        dispose = getattr(engine, "dispose", None)
        if callable(dispose):
            dispose()


def _try(engine: WorkflowEngine, index: CorpusIndex, folder: Path, label: str, paths: list[Path],
         max_tasks: int) -> TrialRow:
    from engine.people.identity import SYSTEM

    files = [(p.name, p.read_bytes()) for p in paths]
    try:
        engine.deploy(files, SYSTEM)
    except (DeployRefused, ModelFileError) as exc:
        problems = exc.problems if isinstance(exc, DeployRefused) else [exc.problem]
        return TrialRow(label, "refused", "none", problems=list(problems))
    key = index.primary_process(folder)
    actor = Actor("trial", groups=frozenset(engine.known_groups), roles=frozenset({"admin"}), display_name="trial",
                  locale="en")
    with engine.uow() as uow:
        version = uow.processes.latest(key) if key else None
        if version is None or key is None:
            return TrialRow(label, "deployed", "not_executable", key or "")
        manual, start_form, forms = version.manual_start, version.start_form, dict(version.forms)
        start_messages = list(version.start_messages)
        timer_start = not version.manual_start and not version.start_messages
    examples = _example_files(paths)
    today = engine.clock.now().astimezone(engine.calendar().tz).date()  # the office's date, as form rules read it
    data = _form_data(forms.get(start_form) if start_form else None, start_form, examples, today)
    try:
        if manual:
            instance = engine.start(key, actor, data)
        elif start_messages:
            instance = engine.start(key, actor, data, message=(start_messages[0], data))
        else:
            return TrialRow(label, "deployed", "not_started_timer" if timer_start else "not_started", key)
    except ValidationFailed as exc:
        if not manual:
            return TrialRow(label, "deployed", "start_message_refused", _details(exc))
        return TrialRow(label, "deployed", "start_data_refused", _details(exc))
    except EngineError as exc:
        return TrialRow(label, "deployed", "not_started", key, error=exc)
    done = 0
    while True:
        with engine.uow() as uow:
            status = _case(uow, instance.id).status
            rows = sorted(uow.reads.tasks.open_of(instance.id), key=lambda r: (r.created_at, r.id))
            task = rows[0] if rows and status == "active" else None
            task_id, task_name, form_file = ((task.id, task.name or task.bpmn_id, task.form_file) if task
                                             else (None, "", None))
        if task_id is None or done >= max_tasks:
            break
        schema = forms.get(form_file) if form_file else None
        if schema is not None and with_task_data_options(schema, None) is not schema:
            schema = with_task_data_options(schema, _task_data(engine, instance.id, task_id))
        data = _form_data(schema, form_file, examples, today)
        try:
            engine.complete(task_id, actor, data)
        except ValidationFailed as exc:
            return TrialRow(label, "deployed", "task_data_refused", _details(exc), done, params={"task": task_name})
        except EngineError as exc:
            return TrialRow(label, "deployed", "task_refused", "", done, error=exc, params={"task": task_name})
        done += 1
    return _outcome(engine, instance.id, label, done, max_tasks)


def _task_data(engine: WorkflowEngine, instance_id: str, task_id: str) -> dict[str, Any]:
    from engine.state.activities import task_data

    with engine.uow() as uow:
        return task_data(engine.load_readonly(uow, _case(uow, instance_id)), task_id)


def _details(exc: ValidationFailed) -> str:
    return _first_line("; ".join(f"{d.get('field') or '(form)'}: {d.get('message')}" for d in exc.details[:3]))


def _outcome(engine: WorkflowEngine, instance_id: str, label: str, done: int, max_tasks: int) -> TrialRow:
    with engine.uow() as uow:
        instance = _case(uow, instance_id)
        if instance.status == "completed":
            return TrialRow(label, "deployed", "completed", "", done)
        if instance.status == "error":
            incidents = uow.incidents.open_for(instance_id)
            found = incidents[0] if incidents else None
            about = {"element": found.bpmn_id, "error_type": found.error_type, "message": found.message} \
                if found is not None else {}
            return TrialRow(label, "deployed", "incident", "", done, params=about)
        waiting = uow.reads.waits.of_case(instance_id)
    if not waiting:
        return TrialRow(label, "deployed", "waiting_nothing", "", done, params={"status": instance.status})
    first = waiting[0]
    params: dict[str, Any] = {"more": len(waiting) - 1}
    if first["kind"] == "task":
        outcome = "still_on_task" if done >= max_tasks else "waiting_task"
        params["task"] = first.get("name") or first["bpmn_id"]
    elif first["kind"] == "timer":
        outcome, params["element"] = "waiting_timer", first["bpmn_id"]
    else:
        outcome, params["message"] = "waiting_message", first.get("message")
    return TrialRow(label, "deployed", outcome, "", done, params=params)


def _case(uow: UnitOfWork, instance_id: str) -> Instance:
    """The trial's case (it was just started in this database)."""
    instance = uow.instances.get(instance_id)
    if instance is None:
        raise NotFound("case_not_found", case=instance_id)
    return instance
