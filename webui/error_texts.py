"""Engine errors put into words from the translation catalogue, in the current language.

The engine raises an error as a message code (``reason``) with parameters, and a located problem
as ``{"field": ..., "reason": ..., "params": {...}}`` (:func:`engine.errors.problem`). Pages, the
API's ``message`` fields and the CLI all word them here. A parameter that names a person
(``holder``, ``user``, ``finisher``) is shown by the person's display name, never by the login.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from engine.errors import EngineError, ModelProblem
from engine.forms.rules import RULE_REASON, rule_text
from engine.state.stepping import STUCK

PARSER_REASON_PREFIX = "spiff_"  # the codes of engine/deploy/parser_messages.py

NameOf = Callable[[str], str]
"""Maps a login to the name people see."""

TEXTS = {
    # tasks
    "task_not_found": _l("There is no such task."),
    "task_completed": _l("The task has already been completed."),
    "task_completed_by": _l("%(finisher)s has already completed this task."),
    "task_cancelled": _l("The task has been cancelled."),
    "task_claimed_by": _l("%(holder)s has already taken this task."),
    "task_not_claimed": _l("Nobody has taken this task."),
    "task_no_longer_open": _l("The task is no longer open."),
    "task_not_yours": _l("You may not work on this task."),
    "claim_outside_group": _l("Only members of the task's group may take it."),
    "unclaim_outside_group": _l("Only members of the task's group may release it."),
    "complete_not_allowed": _l("Only the person handling the task, or a member of its group while "
                               "nobody handles it, may complete it."),
    "unknown_user": _l("There is no user “%(user)s”."),
    # cases
    "case_not_found": _l("There is no such case."),
    "case_not_active": _l("The case is “%(status)s”: its tasks cannot be handled now."),
    "case_cannot_suspend": _l("A case that is “%(status)s” cannot be suspended."),
    "case_cannot_resume": _l("A case that is “%(status)s” cannot be resumed."),
    "case_cannot_terminate": _l("A case that is “%(status)s” cannot be terminated."),
    "withdraw_incomplete": _l("Please say why the application is withdrawn."),
    "comment_invalid": _l("Please write a comment."),
    "case_not_visible": _l("You may not see this case."),
    "withdraw_not_applicant": _l("Only the applicant or a colleague of the applying unit may withdraw the "
                                 "application."),
    "case_cannot_withdraw": _l("An application that is “%(status)s” cannot be withdrawn."),
    "case_examined_already": _l("The office has begun to examine this application: it can no longer be withdrawn; "
                                "please contact the office."),
    "case_changed": _l("Someone else changed the case just now; please try again."),
    "incident_not_found": _l("There is no such error record."),
    "incident_resolved": _l("This error has already been resolved."),
    "resume_before_retry": _l("Resume the case before retrying."),
    "nothing_to_claim": _l("There is nothing to do."),
    # processes and versions
    "process_not_found": _l("There is no process “%(key)s”."),
    "no_manual_start": _l("This process starts by itself (timer or message), not by an application."),
    "start_not_allowed": _l("You may not start this process."),
    "version_not_found": _l("Process “%(key)s” has no version %(version)s."),
    "version_id_not_found": _l("The process version of this case is missing."),
    "migrate_not_allowed": _l("Only a supervisor or a process analyst may move cases to another version."),
    "migration_refused": _l("The case cannot move to version %(version)s: %(reasons)s"),
    "migration_unsafe": _l("%(detail)s"),
    "move_refused": _l("The token cannot be moved"),
    "move_incomplete": _l("A move needs the current step, the target step and a reason."),
    "case_ended": _l("The case has ended (%(status)s)."),
    "case_suspended": _l("The case is suspended: resume it first."),
    "from_missing": _l("Choose the step to move the token from."),
    "to_missing": _l("Choose the step to move the token to."),
    "from_not_active": _l("No token is at “%(element)s” now."),
    "from_repeats": _l("“%(element)s” is a multi-instance or loop activity, or one of its instances: its tokens "
                       "cannot be moved (a step inside one iteration of a repeated subprocess can)."),
    "from_ambiguous": _l("Several tokens are at “%(element)s”: choose the task to move (from_task)."),
    "from_task_not_active": _l("Task %(task)s is not an active step at “%(element)s”."),
    "incident_elsewhere": _l("The case has an open incident at “%(element)s”: retry it, or move the token from "
                             "that step."),
    "to_other_scope": _l("“%(element)s” is in another process or subprocess: a token moves within its own "
                         "process (to leave a subprocess, move from its call activity)."),
    "to_unknown": _l("The process has no element “%(element)s”."),
    "to_kind": _l("“%(element)s” is a %(kind)s: move the token to a task, an activity or a gateway."),
    "to_leaves_iteration": _l("“%(element)s” is outside this iteration of “%(loop)s”: a token inside a loop or "
                              "multi-instance activity moves only within its own iteration."),
    "to_position": _l("The token starts “%(position)s” the target: it must be one of %(expected)s."),
    "to_after_kind": _l("“%(element)s” is a %(kind)s: the token can start after a task, an activity or an "
                        "intermediate event (for a gateway, choose the sequence flow to start on)."),
    "to_join": _l("“%(element)s” joins several flows: choose the sequence flow the token arrives on "
                  "(%(flows)s)."),
    "flow_unknown": _l("The process has no sequence flow “%(flow)s”."),
    "flow_not_to": _l("Sequence flow “%(flow)s” leads to “%(target)s”, not to “%(element)s”."),
    "flow_other_scope": _l("Sequence flow “%(flow)s” is in another process or subprocess: a token moves within "
                           "its own process."),
    "flow_kind": _l("The token cannot start on sequence flow “%(flow)s” (it leaves a start event or leads to a "
                    "boundary event)."),
    "flow_and_after": _l("A token starts on a sequence flow, not after it: leave out the position."),
    "join_stranded": _l("After this move the parallel gateway “%(join)s” could never go on: no token could come "
                        "through “%(branch)s” any more, and the case would wait on nothing."),
    # messages between cases
    "no_case_waits": _l("No case is waiting for message “%(name)s” with these correlation values."),
    "message_uncorrelated": _l("The payload of message “%(name)s” does not give its correlation values "
                               "(expression %(expressions)s failed: %(error)s)."),
    # people and roles
    "supervisor_only": _l("Only a supervisor may do this."),
    "analyst_only": _l("Only a process analyst may deploy processes."),
    "bad_user": _l("The user cannot be saved."),
    "unknown_group": _l("There is no group “%(group)s”."),
    "unknown_role": _l("There is no role “%(role)s” (expected one of %(expected)s)."),
    "bad_user_name": _l("A user name is 1 to 100 letters, digits, “.”, “_” or “-”."),
    "assignee_not_owner": _l("%(user)s may not receive this task: it belongs to another unit or person."),
    "unknown_unit": _l("There is no unit “%(unit)s” (add it with “fao units add”)."),
    "bad_unit": _l("The unit cannot be saved."),
    "bad_unit_key": _l("A unit key is 1 to 50 lowercase letters, digits or “_”: “%(key)s” is not."),
    "bad_unit_name": _l("A unit name is 1 to 200 characters."),
    # administration
    "admin_only": _l("Only an administrator may manage users and units."),
    "user_exists": _l("There is already a user “%(login)s”."),
    "unit_exists": _l("There is already a unit “%(key)s”."),
    "unit_disabled": _l("The unit “%(unit)s” is disabled: choose another."),
    "bad_display_name": _l("A name is 1 to 200 characters."),
    "bad_locale": _l("Choose Chinese, English or none."),
    "bad_password": _l("The password cannot be set."),
    "password_too_short": _l("A password has at least %(min)s characters."),
    "password_too_long": _l("A password has at most %(max)s characters."),
    "password_letters_digits": _l("A password has at least one letter and one digit."),
    "password_has_login": _l("A password may not contain the user name."),
    "own_admin_role": _l("You cannot take away your own administrator role."),
    "disable_self": _l("You cannot disable your own account."),
    # form data
    "data_not_object": _l("The data must be a JSON object."),
    "form_invalid": _l("The form has errors."),
    "required": _l("This field is required"),
    "type": _l("Must be %(types)s"),
    "pattern": _l("The format is not valid"),
    "choice": _l("Choose a valid option"),
    "minLength": _l("Enter at least %(limit)s characters"),
    "maxLength": _l("Enter at most %(limit)s characters"),
    "minimum": _l("Must be at least %(limit)s"),
    "maximum": _l("Must be at most %(limit)s"),
    "exclusiveMinimum": _l("Must be more than %(limit)s"),
    "exclusiveMaximum": _l("Must be less than %(limit)s"),
    "multipleOf": _l("Must be a multiple of %(limit)s"),
    "minItems": _l("Add at least %(limit)s items"),
    "maxItems": _l("Add at most %(limit)s items"),
    "uniqueItems": _l("Items must not repeat"),
    "not_allowed": _l("This field is not allowed"),
    "invalid": _l("The value is not valid"),
    "format_date": _l("Enter a valid date (YYYY-MM-DD)"),
    "format_date_time": _l("Enter a valid date and time"),
    "format_time": _l("Enter a valid time"),
    "format_email": _l("Enter a valid email address"),
    "format_idn_email": _l("Enter a valid email address"),
    "format_uuid": _l("Enter a valid identifier"),
    # model files and deploys (engine.errors.ModelProblem)
    "model_refused": _l("The model has errors; nothing was deployed."),
    "file_too_large": _l("The file is %(size)s bytes; at most %(limit)s bytes are allowed."),
    "file_empty": _l("The file is empty."),
    "file_type_unsupported": _l("This file type is not supported (expected .bpmn, .bpmn20.xml, .dmn or .json)."),
    "file_twice": _l("The same file name appears twice in one deploy."),
    "file_not_utf8": _l("The file is not UTF-8 (at byte %(offset)s)."),
    "doctype_not_allowed": _l("DOCTYPE declarations are not allowed (no DTDs, no entities)."),
    "xml_malformed": _l("The XML is malformed: %(detail)s"),
    "xml_tag_mismatch": _l("The XML is malformed: the end tag “%(end)s” does not match the start tag “%(start)s”."),
    "xml_tag_not_closed": _l("The XML is malformed: a start tag is never closed."),
    "xml_start_tag_unfinished": _l("The XML is malformed: a start tag is not finished (its “>” is missing)."),
    "xml_no_root": _l("The XML is malformed: the file has no root element."),
    "xml_extra_content": _l("The XML is malformed: there is content after the root element."),
    "xml_attribute_unquoted": _l("The XML is malformed: an attribute value is not in quotes."),
    "xml_undeclared_entity": _l("The XML is malformed: it refers to the entity “%(name)s”, which is not declared."),
    "xml_undeclared_prefix": _l("The XML is malformed: the namespace prefix “%(name)s” is not declared."),
    "xml_invalid_character": _l("The XML is malformed: it holds a character XML does not allow."),
    "xml_unreadable": _l("The XML cannot be read: %(detail)s"),
    "xml_unknown_encoding": _l("The XML declaration names the unknown encoding “%(encoding)s”."),
    "xml_wrong_encoding": _l("Byte %(byte)s at offset %(offset)s is not valid %(encoding)s: the file declares "
                             "%(encoding)s but holds another encoding (Latin-1?); save it as UTF-8."),
    "xml_too_deep": _l("Elements nest deeper than %(limit)s levels."),
    "json_invalid": _l("The JSON is not valid: %(detail)s"),
    "form_not_object": _l("A form file must hold a JSON object."),
    "schema_invalid": _l("Not a valid JSON Schema: %(detail)s"),
    # a form's rules (x-rules, CONTRACT 8), refused at deploy
    "rules_not_list": _l("“x-rules” must be a list of rules."),
    "rule_not_object": _l("Rule %(rule)s of “x-rules” must be an object with “assert”, “field” and “message”."),
    "rule_unknown_key": _l("Rule %(rule)s of “x-rules” has the unknown key “%(key)s” (allowed: assert, field, "
                           "message, if)."),
    "rule_missing_key": _l("Rule %(rule)s of “x-rules” has no “%(key)s”."),
    "rule_bad_expression": _l("The “%(key)s” of rule %(rule)s of “x-rules” is not a valid expression: %(detail)s"),
    "rule_unknown_name": _l("The “%(key)s” of rule %(rule)s of “x-rules” names “%(name)s”, which is neither a "
                            "field of the form nor case, today or an allowed function."),
    "rule_unknown_field": _l("Rule %(rule)s of “x-rules” points at the field “%(field)s”, which the form does not "
                             "have."),
    "rule_bad_message": _l("The “message” of rule %(rule)s of “x-rules” must be a text, or an object of texts by "
                           "language (zh_CN, en)."),
    "id_empty": _l("The id is empty."),
    "id_too_long": _l("The id is %(length)s characters long; at most %(limit)s are allowed."),
    "id_not_ncname": _l("The id “%(id)s” is not valid: it must start with a letter or “_” and contain only letters, "
                        "digits, “_”, “-” and “.” (no spaces or “:”)."),
    "id_reserved": _l("The id “%(id)s” is reserved by SpiffWorkflow (the deploy would fail with “No output task "
                      "connected”); rename the %(kind)s."),
    "model_invalid": _l("The model is not valid: %(detail)s"),
    # SpiffWorkflow's commonest refusals (engine/deploy/parser_messages.py); the element is said before
    "spiff_no_start_event": _l("The process has no start event."),
    "spiff_not_executable": _l("Process “%(process)s” is not marked executable."),
    "spiff_duplicate_process": _l("The process id “%(process)s” is used twice."),
    "spiff_process_not_found": _l("The called process “%(process)s” was not found."),
    "spiff_mi_without_input": _l("A multi-instance task needs a cardinality or an input collection."),
    "spiff_mi_both_inputs": _l("A multi-instance task takes either a cardinality or an input collection, not both."),
    "spiff_mi_input_missing": _l("The multi-instance input collection is not among the task's data inputs."),
    "spiff_mi_output_missing": _l("The multi-instance output collection is not among the task's data outputs."),
    "spiff_loop_without_end": _l("A loop task needs a loop condition or a maximum number of loops."),
    "spiff_flow_without_condition": _l("An outgoing flow of an exclusive gateway has no condition and is not the "
                                       "default flow."),
    "spiff_task_several_outgoing": _l("This kind of task may have only one outgoing flow."),
    "spiff_subprocess_starts": _l("A sub-process needs exactly one start event; it has %(count)s."),
    "spiff_subprocess_no_end": _l("A sub-process needs an end event."),
    "spiff_service_without_operator": _l("A service task needs an operator."),
    "spiff_script_empty": _l("A script task has no script."),
    "spiff_timer_unknown": _l("A timer has no time date, duration or cycle."),
    "spiff_timer_invalid": _l("A timer's time expression cannot be read."),
    "spiff_condition_missing": _l("A conditional event has no condition."),
    "spiff_message_ref_missing": _l("A message event refers to the message “%(message)s”, which is not defined."),
    "spiff_definition_without_id": _l("A message, signal, error, escalation or correlation definition has no id."),
    "spiff_cancel_outside_transaction": _l("A cancel event may only be used in a transaction."),
    "spiff_data_association_unresolved": _l("The data association “%(name)s” cannot be resolved."),
    "spiff_element_unsupported": _l("This kind of element is not supported."),
    "spiff_xsd_attribute_not_allowed": _l("The element <%(tag)s> may not have the attribute “%(attribute)s”."),
    "spiff_xsd_attribute_missing": _l("The element <%(tag)s> lacks the required attribute “%(attribute)s”."),
    "spiff_xsd_attribute_invalid": _l("The attribute “%(attribute)s” of the element <%(tag)s> has a value BPMN "
                                      "does not allow: “%(value)s”."),
    "spiff_xsd_element_unexpected": _l("The element <%(tag)s> is not allowed here by BPMN."),
    "spiff_xsd_child_missing": _l("The element <%(tag)s> lacks an element BPMN requires in it."),
    "model_invalid_at": _l("Element “%(element)s” is not valid: %(detail)s"),
    "model_invalid_id": _l("An id is not valid (an id must be unique in its file and start with a letter or “_”): "
                           "%(detail)s"),
    "model_invalid_id_at": _l("The id of element “%(element)s” is not valid (an id must be unique in its file and "
                              "start with a letter or “_”): %(detail)s"),
    "model_undefined_reference": _l("The model refers to something that is not defined or is malformed "
                                    "(%(detail)s)."),
    "stray_message_ref": _l("messageRef=\"%(value)s\" on %(kind)s “%(element)s” was ignored: an event names its "
                            "message in its message event definition."),
    "unknown_operator": _l("Service task “%(element)s” uses the unknown operator “%(operator)s”; operators here: "
                           "%(known)s."),
    "unknown_operator_proxy": _l("Service task “%(element)s” uses the unknown operator “%(operator)s” (a command of "
                                 "a SpiffWorkflow connector proxy; this engine calls no connector proxy and reaches "
                                 "no outside system from a model); operators here: %(known)s."),
    "process_id_twice": _l("Process id “%(process)s” is also defined in %(other)s."),
    "no_executable_process": _l("No executable process: every process here has isExecutable=\"false\" (as "
                                "modelling tools write); set it to \"true\" to run it."),
    "form_not_deployed": _l("The form file “%(form)s” referenced by “%(element)s” is not deployed."),
    "lane_unknown_group": _l("Lane “%(lane)s” (task “%(element)s”) names no known group."),
    "timer_bare_literal": _l("Timer %(field)s of “%(element)s” is the bare literal %(text)s: timer expressions are "
                             "Python, so quote it: \"%(text)s\""),
    "timer_not_iso": _l("Timer %(field)s of “%(element)s” is %(text)s, which looks like an unquoted ISO 8601 value "
                        "but is not one (times of day need a T, e.g. \"PT1H\"); timer expressions are Python: quote "
                        "a valid one."),
    "timer_not_python": _l("Timer %(field)s of “%(element)s” is not a Python expression (%(detail)s): %(text)s"),
    "ad_hoc_sub_process": _l("The ad-hoc sub-process “%(element)s” is not supported: SpiffWorkflow 3.2 cannot run "
                             "it reliably; model its activities with an inclusive gateway, a multi-instance or a "
                             "loop task instead."),
    "merge_parallel": _l("%(count)s sequence flows (%(flows)s) enter %(kind)s “%(element)s” directly from parallel "
                         "branches of “%(fork)s”: it would run once per branch; merge them with a gateway first "
                         "(parallel to wait for all, exclusive for alternative paths)."),
    "merge_endless_loop": _l("%(count)s sequence flows (%(flows)s) enter %(kind)s “%(element)s” directly and form a "
                             "loop with no way out: add an exclusive gateway that can leave the loop, and merge the "
                             "flows with a gateway first."),
    "merge_implicit": _l("%(count)s sequence flows (%(flows)s) enter %(kind)s “%(element)s” directly: an implicit "
                         "merge; merge the alternative paths (or the loop back to it) with an exclusive gateway "
                         "first, so that the model shows it runs once per arriving path."),
    "gateway_loop": _l("Loop through gateway(s) %(gateways)s (elements %(elements)s): SpiffWorkflow stalls silently "
                       "after about %(limit)s iterations of a gateway loop. A return-for-revision loop is fine; for "
                       "repetition use a standard loop or multi-instance task."),
    "gateway_no_default": _l("Exclusive gateway “%(element)s” has %(count)s outgoing flows and no default flow: when "
                             "no condition holds the case stops with an error."),
    # incidents worded from their error type
    "case_stuck": _l("The case waits on no task, timer or message (it stopped at “%(element)s”): move its token to "
                     "a step that can go on."),
    "case_stuck_nowhere": _l("The case waits on no task, timer or message: move its token to a step that can go on."),
}

TYPE_NAMES = {
    "string": _l("text"), "integer": _l("a whole number"), "number": _l("a number"),
    "boolean": _l("yes/no"), "array": _l("a list"), "object": _l("an object"), "null": _l("empty"),
}

PERSON_PARAMS = ("holder", "user", "finisher")


def describe(reason: str, params: Mapping[str, Any], name_of: NameOf) -> str:
    """One message code with its parameters, in words of the current language.

    Args:
        reason: The engine's message code.
        params: The values the message names.
        name_of: Maps a login to the name people see.

    Returns:
        The sentence from the catalogue; the code itself when the catalogue has none.
    """
    if reason == RULE_REASON:  # a form rule's own message, in the reader's language
        return rule_text(params.get("text"), _ui_language())
    template = TEXTS.get(reason)
    if template is None:
        return reason
    values = {key: _word(key, value, name_of) for key, value in params.items()}
    text = str(template)
    return text % values if values else text


def error_text(exc: EngineError, name_of: NameOf) -> str:
    """The sentence that tells a person what went wrong."""
    return describe(exc.reason, exc.params, name_of)


def detail_texts(details: Iterable[dict], name_of: NameOf) -> list[dict]:
    """Details as the API answers them: a problem's code and parameters become its ``message``.

    A model file's problem (``file`` and ``line``) answers ``{"file", "line", "message"}``.
    """
    out = []
    for detail in details:
        if "reason" in detail and "file" in detail:
            out.append({"file": detail["file"], "line": detail.get("line"),
                        "message": describe(detail["reason"], detail.get("params") or {}, name_of)})
        elif "reason" in detail:
            out.append({"field": detail["field"],
                        "message": describe(detail["reason"], detail.get("params") or {}, name_of)})
        else:
            out.append(detail)
    return out


def problem_text(problem: ModelProblem | Mapping[str, Any]) -> str:
    """What is wrong with a model file, without where (:func:`problem_line` says where too).

    Args:
        problem: A :class:`~engine.errors.ModelProblem`, or one as stored (its ``as_detail()``).
    """
    reason, params = ((problem.get("reason", ""), problem.get("params") or {}) if isinstance(problem, Mapping)
                      else (problem.reason, problem.params))
    text = describe(reason, params, _login)
    if reason.startswith(PARSER_REASON_PREFIX) and params.get("element"):
        return gettext("Element “%(element)s”: %(problem)s", element=params["element"], problem=text)
    return text


def problem_line(problem: ModelProblem | Mapping[str, Any]) -> str:
    """A model file's problem on one line, with its file and line: ``order.bpmn 第 6 行：…``."""
    file, line = ((problem.get("file"), problem.get("line")) if isinstance(problem, Mapping)
                  else (problem.file, problem.line))
    if line:
        return gettext("%(file)s line %(line)s: %(message)s", file=file, line=line, message=problem_text(problem))
    return gettext("%(file)s: %(message)s", file=file, message=problem_text(problem))


def problem_where(problem: ModelProblem | Mapping[str, Any]) -> str:
    """Where a model file's problem is: ``order.bpmn 第 6 行``."""
    file, line = ((problem.get("file"), problem.get("line")) if isinstance(problem, Mapping)
                  else (problem.file, problem.line))
    return gettext("%(file)s line %(line)s", file=file, line=line) if line else str(file)


def problem_details(problems: Iterable[ModelProblem]) -> list[dict]:
    """Problems as the API answers them (CONTRACT): ``{"file", "line", "message"}``."""
    return [{"file": p.file, "line": p.line, "message": problem_text(p)} for p in problems]


REGISTER_REFUSED = re.compile(r"^Service operator '[^']*' failed: RegisterRefused: (?P<reason>.+)$", re.S)
"""A register's refusal (processes.registers.RegisterRefused): its reason is written for the office."""


def incident_text(error_type: str, message: str, bpmn_id: str | None, line: int | None = None) -> str:
    """An incident's error as people read it: worded from its type when the engine found it
    (a stuck case), a register's refusal by its reason; a script's or service's own error text
    otherwise, with its line."""
    if error_type == STUCK:
        return describe("case_stuck" if bpmn_id else "case_stuck_nowhere", {"element": bpmn_id}, _login)
    refused = REGISTER_REFUSED.match(message or "")
    if refused:
        return gettext("The register refused this step: %(reason)s", reason=refused.group("reason"))
    if line:
        return gettext("%(message)s (line %(line)s)", message=message, line=line)
    return message


def _login(login: str) -> str:
    return login


def _ui_language() -> str:
    """``zh_CN`` or ``en``: the language Babel speaks now (Chinese outside a request)."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"


def field_errors(details: Iterable[dict], name_of: NameOf) -> dict[str, str]:
    """``{field: message}`` for a form page: the first problem of each field, then every form rule
    it breaks besides (each rule's message is its own)."""
    errors: dict[str, str] = {}
    details = list(details)
    for raw, detail in zip(details, detail_texts(details, name_of), strict=True):
        field, message = detail.get("field", ""), detail.get("message", "")
        if field not in errors:
            errors[field] = message
        elif raw.get("reason") == RULE_REASON and message not in errors[field]:
            errors[field] = f"{errors[field]} {message}"
    return errors


def _word(key: str, value: Any, name_of: NameOf) -> Any:
    if key in PERSON_PARAMS and isinstance(value, str):
        return name_of(value)
    if key == "status" and isinstance(value, str):
        from webui.present import status_label

        return status_label(value)
    if key == "kind" and isinstance(value, str):
        from webui.element_names import type_label

        spiff_name = value[:1].upper() + value[1:]  # a BPMN tag (userTask) names the same type as its class
        label = type_label(spiff_name)
        return value if label == spiff_name else label
    if key == "types" and isinstance(value, list):
        return gettext(" or ").join(str(TYPE_NAMES.get(t, t)) for t in value)
    return value
