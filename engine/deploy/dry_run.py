"""Dry-run deploys: the whole deploy pipeline, then a rollback instead of a commit.

The modeler's "validate" button runs exactly what a deploy runs (safe XML, schema, completeness
against the files deployed already, lint, versioning), so a model that validates deploys.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.deploy.pipeline import Deployer, DeployResult
from engine.errors import DeployRefused, ModelFileError, ModelProblem
from store.uow import UnitOfWork

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner


class DryRunUnitOfWork(UnitOfWork):
    """A unit of work whose commit does nothing: leaving it rolls everything back."""

    def commit(self) -> None:
        self.session.flush()


@dataclass
class CheckResult:
    """What a deploy of these files would do, or why it would be refused."""

    problems: list[ModelProblem] = field(default_factory=list)
    results: list[DeployResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def warnings(self) -> list[ModelProblem]:
        return [w for r in self.results for w in r.warnings]


def validate_only(engine: CommandRunner, files: Iterable[tuple[str, bytes]]) -> CheckResult:
    """Run the deploy pipeline over ``files`` (with the already deployed files) without writing.

    Args:
        engine: the workflow engine (its codec, clock, groups and service handlers are used).
        files: ``(file name, content)`` pairs, as for :meth:`WorkflowEngine.deploy`.

    Returns:
        The located problems (empty when the deploy would succeed) and, when it would, the
        versions it would create (``new``) or keep (``unchanged``) with their warnings.
    """
    deployer = Deployer(engine.codec, engine.clock, engine.known_groups, set(engine.handlers.names()) or None)
    with DryRunUnitOfWork(engine.session_factory) as uow:
        try:
            results = deployer.deploy(uow, list(files), None, "")
        except DeployRefused as exc:
            return CheckResult(problems=list(exc.problems))
        except ModelFileError as exc:
            return CheckResult(problems=[exc.problem])
        finally:
            uow.rollback()
    return CheckResult(results=results)
