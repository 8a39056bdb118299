"""The sandboxed script engine: scripts, conditions and timer expressions are untrusted.

Analysts upload them (ARCHITECTURE 6). SpiffWorkflow's script engine is given a
:class:`~engine.sandbox.environment.RestrictedEnvironment` (compiled by
:mod:`engine.sandbox.compiler`, guarded by :mod:`engine.sandbox.guards`), the office helpers of
:mod:`engine.sandbox.helpers` and a caller of service operators; timer expressions are read by
:mod:`engine.sandbox.timer_values`.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.sandbox.compiler import SCRIPT_FILENAME
from engine.sandbox.environment import RestrictedEnvironment
from engine.sandbox.guards import ScriptError
from engine.sandbox.helpers import ScriptHelpers
from engine.sandbox.timer_values import timer_definition, timer_value
from engine.timekeeping.clock import Clock
from engine.timekeeping.working_days import WorkingCalendar


class UnknownOperator(LookupError):
    """A service caller raises this for an operator it does not know."""


class RestrictedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine, sandboxed, with office helpers and service calls.

    Args:
        clock: The engine clock (helpers ``now()``, ``today()``...).
        calendar: The working calendar (helpers ``working_days_after()``...).
        service_caller: ``(operator, {param: value}) -> result`` for service tasks; the result
            must be JSON-serialisable (anything else is written with ``str``).
        time_limit_s: Wall-clock limit per script or expression.
        memory_limit_mb: Growth of resident memory a script may cause.
    """

    def __init__(
        self,
        clock: Clock,
        calendar: WorkingCalendar,
        service_caller: Callable[[str, dict], Any] | None = None,
        time_limit_s: float = 2.0,
        memory_limit_mb: int = 256,
    ) -> None:
        self.clock = clock  # the engine's timers read it (engine.timekeeping.timer_events)
        self.helpers = ScriptHelpers(clock, calendar)
        this_year = clock.now().astimezone(calendar.tz).year
        calendar.preload((this_year, this_year + 1))  # not inside the first script's time limit
        super().__init__(environment=RestrictedEnvironment(self.helpers.as_builtins(), time_limit_s, memory_limit_mb))
        self.service_caller = service_caller
        self.current_task: Any = None

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        """Evaluate an expression against the task's data (the reason is kept in the message)."""
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as err:
            err.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as err:
            line, _ = self.get_error_line_number_and_content(expression, err)
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}': {_describe(err)}",
                task=task, exception=err, line_number=line or None,
            ) from err
        timer = timer_definition(task, expression)
        return value if timer is None else timer_value(timer, value, expression, task, self.helpers.tz)

    def call_service(self, task: Any, operation_name: str | None = None,
                     operation_params: dict | None = None, **kwargs: Any) -> str:
        """Call a service operator; SpiffWorkflow's service task ``json.loads`` the answer."""
        if self.service_caller is None:
            raise WorkflowTaskException(
                f"Service operator '{operation_name}' cannot be called: no service caller is configured", task=task
            )
        params = {
            name: param["value"] if isinstance(param, dict) and "value" in param else param
            for name, param in (operation_params or {}).items()
        }
        self.current_task = task  # the service task being run, for the caller's context
        try:
            result = self.service_caller(operation_name or "", params)
        except SpiffWorkflowException:
            raise
        except UnknownOperator as err:
            raise WorkflowTaskException(f"Unknown service operator '{operation_name}'", task=task,
                                        exception=err) from err
        except Exception as err:
            raise WorkflowTaskException(
                f"Service operator '{operation_name}' failed: {_describe(err)}", task=task, exception=err
            ) from err
        return json.dumps(result, ensure_ascii=False, default=str)

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Exception:
        """Wrap a script error with its line (never crashes on odd exception arguments)."""
        line_number, error_line = self.get_error_line_number_and_content(script, err)
        if isinstance(err, SpiffWorkflowException):
            err.add_note(f"Python script error on line {line_number}: '{error_line}'")
            return err
        return WorkflowTaskException(
            _describe(err), task=task, exception=err, line_number=line_number or None, error_line=error_line
        )

    def get_error_line_number_and_content(self, script: str, err: BaseException) -> tuple[int, str]:
        """The script line at fault: from a sandbox error, else the innermost script frame."""
        line = err.line_number if isinstance(err, ScriptError) else None
        if not line:
            tb = err.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == SCRIPT_FILENAME:
                    line = tb.tb_lineno
                tb = tb.tb_next
        lines = (script or "").splitlines()
        error_line = lines[line - 1] if line and 0 < line <= len(lines) else ""
        return line or 0, error_line


def _describe(err: BaseException) -> str:
    return f"{err.__class__.__name__}: {err}"
