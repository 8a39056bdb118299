"""SpiffWorkflow's validation messages as message codes with parameters.

SpiffWorkflow's parser refuses a model with an English sentence. The commonest are recognised
here and given a code of their own (worded by the catalogues, with the names they quote as
parameters); any other keeps ``model_invalid`` with SpiffWorkflow's text as ``detail``.
"""
from __future__ import annotations

import re

_XSD_ELEMENT = r"^Element '(?:\{[^}]*\})?(?P<tag>[^']+)'"

# (pattern over SpiffWorkflow's message, message code); the pattern's named groups are parameters
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), code) for p, code in (
    (r"^No start event found", "spiff_no_start_event"),
    (r"^Process (?P<process>\S+) is not executable", "spiff_not_executable"),
    (r"^Duplicate process ID: (?P<process>\S+)", "spiff_duplicate_process"),
    (r"^The process '(?P<process>[^']+)' was not found", "spiff_process_not_found"),
    (r"^A multiinstance task must specify a cardinality or a loop input data reference", "spiff_mi_without_input"),
    (r"^A multiinstance task must specify a cardinality or a collection", "spiff_mi_without_input"),
    (r"^A multiinstance task must specify exactly one of cardinality", "spiff_mi_both_inputs"),
    (r"^The loop input data reference is missing", "spiff_mi_input_missing"),
    (r"^The loop output data reference is missing", "spiff_mi_output_missing"),
    (r"^A loopMaximum or loopCondition must be specified", "spiff_loop_without_end"),
    (r"^Non-default exclusive outgoing sequence flow without condition", "spiff_flow_without_condition"),
    (r"^Multiple outgoing flows are not supported", "spiff_task_several_outgoing"),
    (r"^Exactly one start event is required in a SubWorkflow Task; found (?P<count>\d+)", "spiff_subprocess_starts"),
    (r"^A SubWorkflow Must contain an End event", "spiff_subprocess_no_end"),
    (r"^A Service Task must have an operator", "spiff_service_without_operator"),
    (r"^Invalid Script Task\.\s+No Script Provided", "spiff_script_empty"),
    (r"^Unknown Time Specification", "spiff_timer_unknown"),
    (r"^Time Specification Error", "spiff_timer_invalid"),
    (r"^Conditional event definition with missing condition", "spiff_condition_missing"),
    (r"^Could not find messageRef from message event definition: (?P<message>\S+)", "spiff_message_ref_missing"),
    (r"^(?:Message|Signal|Error|Escalation|Correlation) identifier is missing", "spiff_definition_without_id"),
    (r"^Cancel Events may only be used with transactions", "spiff_cancel_outside_transaction"),
    (r"^Cannot resolve data(?:Input|Output)Association (?P<name>\S+)", "spiff_data_association_unresolved"),
    (r"^There is no support implemented for this task type", "spiff_element_unsupported"),
    # the BPMN schema's complaints (SpiffWorkflow validates each file against it)
    (_XSD_ELEMENT + r", attribute '(?P<attribute>[^']+)': The attribute '[^']+' is not allowed",
     "spiff_xsd_attribute_not_allowed"),
    (_XSD_ELEMENT + r": The attribute '(?P<attribute>[^']+)' is required but missing", "spiff_xsd_attribute_missing"),
    (_XSD_ELEMENT + r", attribute '(?P<attribute>[^']+)': '(?P<value>[^']*)' is not a valid value",
     "spiff_xsd_attribute_invalid"),
    (_XSD_ELEMENT + r": This element is not expected", "spiff_xsd_element_unexpected"),
    (_XSD_ELEMENT + r": Missing child element", "spiff_xsd_child_missing"),
))


def parser_reason(message: str) -> tuple[str, dict[str, str]] | None:
    """The message code and parameters for one of SpiffWorkflow's validation messages, if known."""
    for pattern, code in _MESSAGES:
        found = pattern.search(message)
        if found is not None:
            return code, {k: v for k, v in found.groupdict().items() if v is not None}
    return None
