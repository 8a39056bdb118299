"""The ``fao`` command line (CONTRACT section 3).

Exit codes: 0 success, 2 bad input (one line per problem on stderr), 1 unexpected failure.
"""
from __future__ import annotations

import json
import signal
import sys
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import click
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from engine.errors import DeployRefused, EngineError, ModelFileError
from engine.timekeeping.clock import Clock
from engine.workflow_engine import WorkflowEngine
from webui.config import load_settings

SHUTDOWN_GRACE_S = 30  # SIGTERM: requests already begun get this long to finish (as gunicorn's graceful_timeout)


class BadUsage(Exception):
    """Bad command-line input: one catalogue text per problem, worded when it is reported."""

    def __init__(self, *lines: LazyString) -> None:
        super().__init__(*lines)
        self.lines = lines


def _fail(lines: list[str], code: int = 2) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def _engine(clock: Clock | None = None) -> WorkflowEngine:
    from webui.wiring import build_engine

    return build_engine(load_settings().database_url, clock=clock)


def _json_arg(value: str | None, name: str) -> dict:
    if value is None:
        return {}
    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        raise BadUsage(_l("--%(name)s: invalid JSON: %(error)s (line %(line)s, column %(column)s)", name=name,
                          error=exc.msg, line=exc.lineno, column=exc.colno)) from exc
    if not isinstance(data, dict):
        raise BadUsage(_l("--%(name)s: must be a JSON object", name=name))
    return data


def _person_name(username: str) -> str:
    with _engine().uow() as uow:
        user = uow.users.by_username(username)
    return (user.display_name if user is not None else "") or username


def _report(exc: Exception) -> None:
    """Bad input: one line per problem on stderr, in ``FAO_DEFAULT_LOCALE``'s language; exit 2."""
    from webui.error_texts import detail_texts, error_text
    from webui.i18n import speaking

    if isinstance(exc, BadUsage):
        with speaking(load_settings().default_locale):
            _fail([str(line) for line in exc.lines])
    if isinstance(exc, (DeployRefused, ModelFileError)):
        from webui.error_texts import problem_line

        refused = exc.problems if isinstance(exc, DeployRefused) else [exc.problem]
        with speaking(load_settings().default_locale):
            _fail([problem_line(p) for p in refused])
    if isinstance(exc, EngineError):
        with speaking(load_settings().default_locale):
            problems = [f"{d.get('field') or '(data)'}: {d.get('message')}"
                        for d in detail_texts(exc.details, _person_name) if "field" in d]
            _fail(problems or [f"{exc.code}: {error_text(exc, _person_name)}"])
    raise exc


class FaoGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except (BadUsage, EngineError) as exc:
            _report(exc)
        except Exception as exc:
            click.echo(f"error: {exc.__class__.__name__}: {exc}", err=True)
            sys.exit(1)


@click.group(cls=FaoGroup)
def main() -> None:
    """Hengyang FAO workflow: engine, web UI and tools."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations to FAO_DATABASE_URL."""
    from store.migrate import upgrade

    upgrade(load_settings().database_url)
    click.echo("database is up to date")


def _collect(paths: tuple[str, ...]) -> list[tuple[str, bytes]]:
    from engine.deploy.pipeline import MODEL_SUFFIXES

    files: list[tuple[str, bytes]] = []
    missing: list[LazyString] = []
    for p in paths or ("bpmn_models",):
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.name.lower().endswith(MODEL_SUFFIXES):
                    files.append((f.name, f.read_bytes()))
        elif path.is_file():
            files.append((path.name, path.read_bytes()))
        else:
            missing.append(_l("%(path)s: no such file or directory", path=p))
    if missing:
        raise BadUsage(*missing)
    if not files:
        raise BadUsage(_l("No .bpmn, .dmn or .json files were found."))
    return files


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--note", default="", help="change note recorded with new versions")
def deploy(paths: tuple[str, ...], note: str) -> None:
    """Validate and deploy model files (default: bpmn_models/)."""
    from flask_babel import gettext

    from webui.error_texts import problem_line
    from webui.i18n import speaking

    engine = _engine()
    for r in engine.deploy(_collect(paths), change_note=note):
        click.echo(f"{r.key} v{r.version} {r.status}")
        with speaking(load_settings().default_locale):
            for w in r.warnings:
                click.echo("  " + gettext("warning: %(problem)s", problem=problem_line(w)), err=True)


@main.command("try")
@click.argument("paths", nargs=-1, required=True)
@click.option("--lanes-as-groups", is_flag=True, help="accept the models' lane names as groups")
@click.option("--max-tasks", default=25, show_default=True, help="tasks to complete per case at most")
def try_models(paths: tuple[str, ...], lanes_as_groups: bool, max_tasks: int) -> None:
    """Deploy each model folder under PATHS into a scratch database and drive one case.

    Prints one row per model: folder, deploy result, where the case stopped, detail. Nothing is
    written to FAO_DATABASE_URL.
    """
    import shutil
    import tempfile

    from engine.deploy.trial import CorpusIndex, model_folders, try_model
    from store.migrate import upgrade
    from webui.wiring import build_engine

    roots = [Path(p) for p in paths]
    missing = [_l("%(path)s: no such folder", path=str(p)) for p in roots if not p.is_dir()]
    if missing:
        raise BadUsage(*missing)
    folders = model_folders(roots)
    if not folders:
        raise BadUsage(_l("No folder with a .bpmn file was found."))
    index = CorpusIndex(roots)
    with tempfile.TemporaryDirectory(prefix="fao-try-") as scratch:
        template = Path(scratch) / "template.db"
        upgrade(f"sqlite:///{template}")
        database = Path(scratch) / "model.db"

        def make_engine(extra_groups: set[str]) -> WorkflowEngine:
            from engine.people.identity import GROUPS

            shutil.copyfile(template, database)
            engine = build_engine(f"sqlite:///{database}", known_groups=set(GROUPS) | extra_groups)
            return engine

        from webui.i18n import speaking
        from webui.trial_texts import deploy_text, detail_text, outcome_text, summary_key, summary_text

        counts: dict[str, int] = {}
        with speaking(load_settings().default_locale):
            for folder in folders:
                label = _label(folder, roots)
                row = try_model(make_engine, index, folder, label, lanes_as_groups, max_tasks)
                counts[summary_key(row)] = counts.get(summary_key(row), 0) + 1
                click.echo("\t".join([label, deploy_text(row), outcome_text(row), detail_text(row)]))
            click.echo(summary_text(len(folders), counts), err=True)


def _label(folder: Path, roots: list[Path]) -> str:
    for root in roots:
        try:
            return str(folder.relative_to(root)) or "."
        except ValueError:
            continue
    return str(folder)


@main.command()
def processes() -> None:
    """Deployed processes: key, latest version, title."""
    engine = _engine()
    with engine.uow() as uow:
        for v in uow.processes.latest_all():
            click.echo(f"{v.process_key}\tv{v.version}\t{v.title}")


@main.group()
def users() -> None:
    """User accounts."""


@users.command("add")
@click.argument("name")
@click.option("--password", required=True)
@click.option("--groups", default="")
@click.option("--roles", default="")
@click.option("--display-name", default=None)
@click.option("--unit", default=None, help="the key of the user's unit (fao units add)")
@click.option("--phone", default=None, help="the office phone their start forms are prefilled with")
def users_add(name: str, password: str, groups: str, roles: str, display_name: str | None,
              unit: str | None, phone: str | None) -> None:
    """Create or update a user."""
    from engine.people.account_commands import UserSpec

    _engine().save_users([UserSpec(name, password, tuple(_csv(groups)), tuple(_csv(roles)), display_name, unit,
                                   phone)])
    click.echo(f"user {name} saved")


@main.group()
def units() -> None:
    """Units (申报单位): the organisations whose staff apply."""


@units.command("add")
@click.argument("key")
@click.option("--name", required=True)
@click.option("--name-en", default=None)
def units_add(key: str, name: str, name_en: str | None) -> None:
    """Create or update a unit; KEY is lowercase letters, digits and _."""
    from engine.people.account_commands import UnitSpec

    _engine().save_units([UnitSpec(key, name, name_en)])
    click.echo(f"unit {key} saved")


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@users.command("token")
@click.argument("name")
def users_token(name: str) -> None:
    """Print a new API token."""

    click.echo(_engine().issue_token(name))


@main.command()
@click.argument("key")
@click.option("--as", "as_user", required=True)
@click.option("--data", default=None)
@click.option("--business-key", default=None)
def start(key: str, as_user: str, data: str | None, business_key: str | None) -> None:
    """Start the latest version of a process; prints the case id."""
    engine = _engine()
    instance = engine.start(key, engine.actor(as_user), _json_arg(data, "data"), business_key)
    click.echo(instance.id)


def _fmt(dt: datetime | None) -> str:
    if dt is None:
        return "-"
    from zoneinfo import ZoneInfo

    return dt.astimezone(ZoneInfo(load_settings().timezone)).isoformat(timespec="minutes")


@main.command()
@click.option("--as", "as_user", required=True)
def tasks(as_user: str) -> None:
    """The user's inbox: id, process, task, lane, assignee, due."""
    from engine.people.visibility import work_scope

    engine = _engine()
    actor = engine.actor(as_user)
    with engine.uow() as uow:
        page = uow.reads.tasks.inbox(work_scope(actor), per_page=200)
        for t in page.items:
            click.echo("\t".join([t.id, t.process_key, t.name, t.lane or "-", t.assignee or "-", _fmt(t.due_at)]))


@main.command()
@click.argument("task_id")
@click.option("--as", "as_user", required=True)
@click.option("--data", default=None)
def complete(task_id: str, as_user: str, data: str | None) -> None:
    """Complete a task as that user."""
    engine = _engine()
    instance = engine.complete(task_id, engine.actor(as_user), _json_arg(data, "data"))
    click.echo(f"{instance.id} {instance.status}")


@main.command()
@click.option("--status", default=None, type=click.Choice(["active", "suspended", "completed", "terminated", "error"]))
@click.option("--overdue", is_flag=True)
def instances(status: str | None, overdue: bool) -> None:
    """Cases with status, current tasks and due."""

    engine = _engine()
    with engine.uow() as uow:
        page = uow.reads.cases.listing(status=status, overdue=overdue, now=engine.clock.now(), per_page=200)
        for i in page.items:
            current = ",".join(t.name for t in uow.reads.tasks.open_of(i.id)) or "-"
            click.echo("\t".join([i.id, i.process_key, f"v{i.version}", i.status, current, _fmt(i.due_at)]))


@main.command()
@click.argument("name")
@click.option("--as", "as_user", required=True)
@click.option("--correlation", default=None)
@click.option("--payload", default=None)
def message(name: str, as_user: str, correlation: str | None, payload: str | None) -> None:
    """Deliver a message to the waiting cases whose correlation matches."""
    engine = _engine()
    ids = engine.deliver_message(engine.actor(as_user), name, _json_arg(correlation, "correlation"),
                                 _json_arg(payload, "payload"))
    for i in ids:
        click.echo(i)


@main.command()
def reindex() -> None:
    """Rebuild the projections (inbox, timers, subscriptions) from every case's state."""
    click.echo(f"{_engine().reindex()} cases reindexed")


@main.command()
@click.option("--interval", default=1.0, help="seconds between polls")
def worker(interval: float) -> None:
    """Run due timers until stopped (SIGTERM/SIGINT finish the current case, then exit 0)."""
    from webui.scheduler import run_worker, stop_on_signals

    stop = stop_on_signals()  # first: a signal while the engine is being built still stops cleanly
    from webui.logging_setup import configure

    configure()
    run_worker(_engine(), interval, stop)


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--no-scheduler", is_flag=True)
def serve(host: str, port: int, no_scheduler: bool) -> None:
    """Serve the web UI and API (with the timer scheduler unless --no-scheduler or FAO_SCHEDULER=0)."""
    from werkzeug.serving import make_server

    from webui import create_app
    from webui.drain import InFlight
    from webui.logging_setup import configure

    configure()
    app = create_app({"SCHEDULER_ENABLED": False} if no_scheduler else None)
    in_flight = InFlight(app)
    server = make_server(host, port, in_flight, threaded=True)

    def _interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt  # SIGTERM stops the server like Ctrl-C: then the scheduler, gracefully

    signal.signal(signal.SIGTERM, _interrupt)
    click.echo(f" * Serving on http://{host}:{server.server_port}", err=True)
    try:
        server.serve_forever()  # returns on KeyboardInterrupt, with the listening socket closed
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM while draining ends at once
        if not in_flight.wait_idle(SHUTDOWN_GRACE_S):
            click.echo(f"{in_flight.count} request(s) still running after {SHUTDOWN_GRACE_S} s; exiting", err=True)
        scheduler = app.extensions.get("fao_scheduler")
        if scheduler is not None:
            scheduler.fao_stop.set()  # a running poll finishes its case and begins no other
            scheduler.shutdown(wait=True)


@main.command()
@click.option("--if-empty", is_flag=True, help="only when the database has no users yet")
def demo(if_empty: bool) -> None:
    """Demo users, groups and a few cases in varied states."""
    from webui.demo import seed_demo

    engine = _engine()
    with engine.uow() as uow:
        if if_empty and uow.users.count() > 0:
            click.echo("database already has users; demo not seeded")
            return
    for line in seed_demo(engine):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
