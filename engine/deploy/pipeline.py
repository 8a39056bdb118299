"""The deploy pipeline: safe XML, schema, completeness, lint, versioning; then one transaction.

Nothing is written unless every file of the batch passes.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.bpmn.namespaces import BPMN as BPMN_NS
from engine.bpmn.safe_xml import check_ncname_id, malformed, parse_model_bytes, parse_model_text
from engine.bpmn.spec_facts import describe_spec
from engine.deploy import lint
from engine.deploy.parser_messages import parser_reason
from engine.errors import DeployRefused, ModelFileError, ModelProblem
from engine.forms.rules import check_rules
from engine.forms.validation import check_schema
from engine.state.serializer import WorkflowCodec
from engine.timekeeping.clock import Clock
from store.models import AuditEvent, ProcessVersion
from store.uow import UnitOfWork

MAX_MODEL_BYTES = 5 * 1024 * 1024
MODEL_SUFFIXES = (".bpmn", ".bpmn20.xml", ".dmn", ".json")


@dataclass
class DeployResult:
    key: str
    version: int
    status: str  # "new" or "unchanged"
    warnings: list[ModelProblem] = field(default_factory=list)
    title: str = ""


@dataclass
class _Parsed:
    name: str
    kind: str  # bpmn, dmn, form
    text: str
    tree: object | None = None
    json_value: object | None = None
    from_store: bool = False


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith((".bpmn", ".bpmn20.xml")):
        return "bpmn"
    if lower.endswith(".dmn"):
        return "dmn"
    if lower.endswith(".json"):
        return "form"
    return None


def _read_files(files: Iterable[tuple[str, bytes]], problems: list[ModelProblem]) -> tuple[list[_Parsed], bool]:
    parsed: list[_Parsed] = []
    too_large = False
    seen: set[str] = set()
    for name, data in files:
        kind = _kind(name)
        if kind is None:
            problems.append(ModelProblem(name, None, "file_type_unsupported"))
            continue
        if name in seen:
            problems.append(ModelProblem(name, None, "file_twice"))
            continue
        seen.add(name)
        if kind == "form":
            if len(data) > MAX_MODEL_BYTES:
                problems.append(ModelProblem(name, None, "file_too_large",
                                             {"size": len(data), "limit": MAX_MODEL_BYTES}))
                too_large = True
                continue
            try:
                value = json.loads(data.decode("utf-8"))
            except UnicodeDecodeError as exc:
                problems.append(ModelProblem(name, None, "file_not_utf8", {"offset": exc.start}))
                continue
            except json.JSONDecodeError as exc:
                problems.append(ModelProblem(name, exc.lineno, "json_invalid", {"detail": exc.msg}))
                continue
            if not isinstance(value, dict):
                problems.append(ModelProblem(name, 1, "form_not_object"))
                continue
            parsed.append(_Parsed(name, kind, data.decode("utf-8"), json_value=value))
            continue
        try:
            tree = parse_model_bytes(data, name, max_bytes=MAX_MODEL_BYTES)
        except ModelFileError as exc:
            problems.append(exc.problem)
            too_large = too_large or exc.too_large
            continue
        text = etree.tostring(tree, encoding="unicode")
        parsed.append(_Parsed(name, kind, text, tree=tree))
    return parsed, too_large


_LXML_REPR = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>")


def _readable(text: str) -> str:
    """SpiffWorkflow sometimes puts lxml objects into messages: name the element instead."""
    return _LXML_REPR.sub(lambda m: f"<{m.group(1)}>", " ".join(text.split()))


def _located(exc: Exception, default_file: str) -> ModelProblem:
    if isinstance(exc, ValidationException):
        line = exc.line_number if isinstance(exc.line_number, int) and exc.line_number else None
        msg = str(exc.args[0]) if exc.args else str(exc)
        known = None if "atomic type 'xs:ID'" in msg else parser_reason(msg)
        if known is not None:
            reason, params = known
            return ModelProblem(exc.file_name or default_file, line, reason,
                                {"detail": _readable(msg), "element": exc.id, **params}, exc.id or None)
        reason = "model_invalid_id" if "atomic type 'xs:ID'" in msg else "model_invalid"
        if exc.id:
            reason += "_at"
        return ModelProblem(exc.file_name or default_file, line, reason, {"detail": _readable(msg), "element": exc.id},
                            exc.id or None)
    if isinstance(exc, etree.XMLSyntaxError):
        reason, params = malformed(exc)
        return ModelProblem(default_file, exc.lineno, reason, dict(params))
    line = getattr(exc, "line_number", None)
    line = line if isinstance(line, int) and line else None
    text = str(exc) or exc.__class__.__name__
    reason = "model_invalid"
    if isinstance(exc, (TypeError, AttributeError, KeyError)):
        reason, text = "model_undefined_reference", f"{exc.__class__.__name__}: {exc}"
    return ModelProblem(getattr(exc, "file_name", None) or default_file, line, reason, {"detail": _readable(text)})


_EVENTS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent")


def drop_stray_event_message_refs(tree: etree._ElementTree, filename: str) -> list[ModelProblem]:
    """Remove a ``messageRef`` attribute written on an event element itself, with a warning.

    Older versions of the SpiffWorkflow modeler wrote ``messageRef="[object Object]"`` on message
    events; BPMN names an event's message in its ``messageEventDefinition`` (which those files
    also have), and the schema refuses the attribute. It carries nothing, so it is dropped.
    """
    dropped: list[ModelProblem] = []
    for name in _EVENTS:
        for node in tree.iter(f"{{{BPMN_NS}}}{name}"):
            value = node.attrib.pop("messageRef", None)
            if value is not None:
                dropped.append(ModelProblem(
                    filename, node.sourceline, "stray_message_ref",
                    {"value": value, "kind": name, "element": node.get("id")}, node.get("id")))
    return dropped


def _process_ids(tree: etree._ElementTree) -> list[tuple[str, bool, int | None]]:
    out = []
    for node in tree.iter(f"{{{BPMN_NS}}}process"):
        out.append((node.get("id") or "", node.get("isExecutable", "true") == "true", node.sourceline))
    return out


def _hash(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode())
        h.update(b"\0")
    return h.hexdigest()


def unknown_operator_message(element_id: str, operator: str, known: set[str]) -> tuple[str, dict[str, object]]:
    """Why a service task's operator is refused (a message code and its parameters), naming those available."""
    reason = "unknown_operator_proxy" if "/" in operator else "unknown_operator"
    return reason, {"element": element_id, "operator": operator, "known": ", ".join(sorted(known)) or "-"}


class Deployer:
    """Validates a batch of model files and deploys it atomically."""

    def __init__(self, codec: WorkflowCodec, clock: Clock, known_groups: set[str],
                 handler_names: set[str] | None = None) -> None:
        self.codec = codec
        self.clock = clock
        self.known_groups = known_groups
        self.handler_names = handler_names

    def deploy(self, uow: UnitOfWork, files: Iterable[tuple[str, bytes]], actor: str | None = None,
               change_note: str = "") -> list[DeployResult]:
        """Validate and deploy; commits the unit of work on success.

        Raises:
            DeployRefused: with every located problem; nothing was written.
        """
        problems: list[ModelProblem] = []
        batch, too_large = _read_files(files, problems)
        if problems:
            raise DeployRefused(problems=problems, too_large=too_large)

        names_in_batch = {p.name for p in batch}
        stored = [
            _Parsed(m.name, m.kind, m.content, from_store=True)
            for m in uow.processes.model_files()
            if m.name not in names_in_batch
        ]
        for s in stored:
            if s.kind == "form":
                s.json_value = json.loads(s.text)
            else:
                s.tree = parse_model_text(s.text, s.name)

        parser = SpiffBpmnParser(validator=VALIDATOR)
        warnings_by_file: dict[str, list[ModelProblem]] = {}
        process_files: dict[str, str] = {}
        batch_process_ids: list[tuple[str, str, int | None]] = []
        # a new form or decision table makes new versions of the deployed processes that use it
        refresh_dependents = any(p.kind in ("form", "dmn") for p in batch)
        dependent_ids: list[tuple[str, str, int | None]] = []
        for item in [*batch, *stored]:
            if item.kind == "form":
                continue
            try:
                if item.kind == "bpmn":
                    for pid, executable, line in _process_ids(item.tree):
                        if not item.from_store:
                            bad = check_ncname_id(pid)
                            if bad:
                                problems.append(ModelProblem(item.name, line, bad[0], bad[1]))
                                continue
                            if pid in process_files and process_files[pid] != item.name:
                                problems.append(ModelProblem(item.name, line, "process_id_twice",
                                                                {"process": pid, "other": process_files[pid]}))
                                continue
                            if executable:
                                batch_process_ids.append((pid, item.name, line))
                        elif executable and refresh_dependents and pid not in process_files:
                            dependent_ids.append((pid, item.name, line))
                        process_files.setdefault(pid, item.name)
                    ignored = drop_stray_event_message_refs(item.tree, item.name)
                    if not item.from_store:
                        warnings_by_file.setdefault(item.name, []).extend(ignored)
                    parser.add_bpmn_xml(item.tree, filename=item.name)
                    if not item.from_store:
                        errors, lint_warnings = lint.lint_bpmn(item.tree, item.name)
                        problems.extend(errors)
                        warnings_by_file.setdefault(item.name, []).extend(lint_warnings)
                else:
                    dmn_root = item.tree.getroot() if hasattr(item.tree, "getroot") else item.tree
                    parser.add_dmn_xml(dmn_root, filename=item.name)
            except (SpiffWorkflowException, etree.LxmlError, ValueError, TypeError, AttributeError, KeyError,
                    IndexError) as exc:
                problems.append(_located(exc, item.name))

        if not batch_process_ids and any(p.kind == "bpmn" for p in batch) and not problems:
            problems.append(ModelProblem(batch[0].name, None, "no_executable_process"))

        forms = {p.name: p.json_value for p in [*batch, *stored] if p.kind == "form"}
        prepared = []
        in_batch = {pid for pid, _f, _l in batch_process_ids}
        dependents = {pid for pid, _f, _l in dependent_ids if pid not in in_batch}
        for pid, filename, line in [*batch_process_ids, *[d for d in dependent_ids if d[0] in dependents]]:
            try:
                spec = parser.get_spec(pid)
                subprocess_specs = parser.get_subprocess_specs(pid)
            except (SpiffWorkflowException, ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
                problems.append(_located(exc, filename))
                continue
            info = describe_spec(spec, subprocess_specs)
            used_forms: dict[str, object] = {}
            for ref in info.form_refs:
                if ref.file not in forms:
                    problems.append(ModelProblem(filename, line, "form_not_deployed",
                                                 {"form": ref.file, "element": ref.element_id}, ref.element_id))
                    continue
                if ref.is_schema:
                    for msg in check_schema(forms[ref.file]):
                        problems.append(ModelProblem(ref.file, None, "schema_invalid", {"detail": msg}))
                    for reason, params in check_rules(forms[ref.file]):
                        problems.append(ModelProblem(ref.file, None, reason, params))
                used_forms[ref.file] = forms[ref.file]
            for lane, element_id in info.lanes:
                if lane not in self.known_groups:
                    problems.append(ModelProblem(filename, line, "lane_unknown_group",
                                                 {"lane": lane, "element": element_id}, element_id))
            if self.handler_names is not None:
                for op, element_id in info.service_operators:
                    if op not in self.handler_names:
                        reason, params = unknown_operator_message(element_id, op, self.handler_names)
                        problems.append(ModelProblem(filename, line, reason, params, element_id))
            prepared.append((pid, filename, spec, subprocess_specs, info, used_forms))

        if problems:
            raise DeployRefused(problems=problems, too_large=too_large)

        now = self.clock.now()
        results: list[DeployResult] = []
        xml_by_file = {p.name: p.text for p in [*batch, *stored] if p.kind == "bpmn"}
        for pid, filename, spec, subprocess_specs, info, used_forms in prepared:
            spec_json = self.codec.dump_specs(spec, subprocess_specs)
            content_hash = _hash(spec_json, json.dumps(used_forms, sort_keys=True, ensure_ascii=False))
            latest = uow.processes.latest(pid)
            warnings = list(warnings_by_file.get(filename, []))
            title = spec.description or pid
            if latest is not None and latest.content_hash == content_hash:
                if pid not in dependents:  # a dependent that did not change is not worth a line
                    results.append(DeployResult(pid, latest.version, "unchanged", warnings, latest.title))
                continue
            version = (latest.version + 1) if latest else 1
            row = ProcessVersion(
                process_key=pid, version=version, title=title, content_hash=content_hash,
                source_file=filename, bpmn_xml=xml_by_file[filename], spec_json=spec_json,
                forms=used_forms, start_form=info.start_form, start_ui_form=info.start_ui_form,
                start_lane=info.start_lane, manual_start=info.manual_start,
                start_messages=info.start_messages, warnings=[w.as_detail() for w in warnings],
                change_note=change_note, deployed_by=actor, deployed_at=now,
            )
            uow.processes.add(row)
            uow.audit.add(AuditEvent(instance_id=None, at=now, actor=actor, action="deployed", task_id=None,
                                     bpmn_id=pid, detail={"version": version, "file": filename, "note": change_note}))
            results.append(DeployResult(pid, version, "new", warnings, title))
        for item in batch:
            uow.processes.put_model_file(item.name, item.kind, item.text, _hash(item.text), now)
        uow.commit()
        return results
