"""Errors raised by engine services; the web and CLI layers map them to answers."""
from __future__ import annotations

from dataclasses import dataclass, field


class EngineError(Exception):
    """Base of every error an engine service raises on purpose.

    The engine never words a sentence for people: an error carries a ``reason`` (a message code
    such as ``task_claimed_by``) and its ``params`` (``holder="clerk_li"``); the web layer and the
    CLI put it into words from the translation catalogue. ``code`` is the API's error code.

    Args:
        reason: The message code.
        details: Located problems, each ``{"field": ..., "reason": ..., "params": {...}}``.
        code: The API's error code when it is more precise than the class's (``task_claimed``).
        **params: The values the message names.
    """

    code = "engine_error"

    def __init__(self, reason: str, details: list[dict] | None = None, *, code: str | None = None,
                 **params: object) -> None:
        super().__init__(reason)
        if code is not None:
            self.code = code
        self.reason = reason
        self.params = params
        self.details = details or []

    def __str__(self) -> str:
        if not self.params:
            return self.reason
        return self.reason + " " + ", ".join(f"{k}={v}" for k, v in self.params.items())


def problem(field: str, reason: str, **params: object) -> dict:
    """One located problem of a :class:`ValidationFailed` or refusal: a field and a message code."""
    return {"field": field, "reason": reason, "params": params}


class NotFound(EngineError):
    code = "not_found"


class Forbidden(EngineError):
    code = "forbidden"


class Conflict(EngineError):
    """The state changed under the caller: task completed or claimed by another, wrong status."""

    code = "conflict"


class NoManualStart(Conflict):
    """Every start event of the process is a timer, message or signal start."""

    code = "no_manual_start"


class MigrationRefused(Conflict):
    """A case cannot move to another version; ``details`` say why."""

    code = "migration_refused"


class MoveRefused(Conflict):
    """A token cannot be moved; ``details`` say why."""

    code = "move_refused"


class ValidationFailed(EngineError):
    """Form data does not match its schema. ``details``: :func:`problem` entries."""

    code = "validation_failed"


@dataclass(frozen=True)
class ModelProblem:
    """One located problem in a model file: where, and a message code with its parameters.

    Args:
        file: The model file.
        line: The line in the file, when known.
        reason: The message code (``ad_hoc_sub_process``), worded by the web layer and the CLI.
        params: The values the message names.
        element_id: The element the problem is about, when known.
    """

    file: str
    line: int | None
    reason: str
    params: dict[str, object] = field(default_factory=dict)
    element_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        params = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{where}: {self.reason}" + (f" {params}" if params else "")

    def as_detail(self) -> dict:
        """The problem as an error detail: ``file`` and ``line``, with its code and parameters."""
        return {"file": self.file, "line": self.line, "reason": self.reason, "params": dict(self.params),
                "element_id": self.element_id}


class ModelFileError(EngineError):
    """A single model file is unusable (hostile, malformed, too large)."""

    code = "invalid_model"

    def __init__(self, file: str, line: int | None, reason: str, *, too_large: bool = False, **params: object) -> None:
        super().__init__(reason)
        self.params = params
        self.problem = ModelProblem(file, line, reason, params)
        self.too_large = too_large
        self.details = [self.problem.as_detail()]


@dataclass
class DeployRefused(EngineError):
    """The deploy was refused; nothing was written."""

    problems: list[ModelProblem] = field(default_factory=list)
    too_large: bool = False

    def __post_init__(self) -> None:
        super().__init__("model_refused", [p.as_detail() for p in self.problems])
        self.code = "invalid_model"
