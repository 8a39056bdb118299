"""Errors raised by engine services; the web and CLI layers map them to answers."""
from __future__ import annotations

from dataclasses import dataclass, field


class EngineError(Exception):
    """Base of every error an engine service raises on purpose."""

    code = "engine_error"

    def __init__(self, message: str, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(EngineError):
    code = "not_found"


class Forbidden(EngineError):
    code = "forbidden"


class Conflict(EngineError):
    """The state changed under the caller: task completed or claimed by another, wrong status."""

    code = "conflict"

    def __init__(self, message: str, details: list[dict] | None = None, code: str | None = None) -> None:
        super().__init__(message, details)
        if code:
            self.code = code


class ValidationFailed(EngineError):
    """Form data does not match its schema. ``details``: ``[{"field": "a.0.b", "message": ...}]``."""

    code = "validation_failed"


@dataclass(frozen=True)
class ModelProblem:
    """One located problem in a model file."""

    file: str
    line: int | None
    message: str
    element_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"

    def as_detail(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message}


class ModelFileError(EngineError):
    """A single model file is unusable (hostile, malformed, too large)."""

    code = "invalid_model"

    def __init__(self, file: str, line: int | None, message: str, too_large: bool = False) -> None:
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.problem = ModelProblem(file, line, message)
        self.too_large = too_large
        self.details = [self.problem.as_detail()]


@dataclass
class DeployRefused(EngineError):
    """The deploy was refused; nothing was written."""

    problems: list[ModelProblem] = field(default_factory=list)
    too_large: bool = False

    def __post_init__(self) -> None:
        super().__init__("\n".join(str(p) for p in self.problems), [p.as_detail() for p in self.problems])
        self.code = "invalid_model"
