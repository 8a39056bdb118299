"""Drive the office's twenty processes through the engine services, as their users would.

Nothing here touches SpiffWorkflow: a :class:`CaseDriver` starts a case, finds its open tasks
(the ``human_task`` projection), picks a user whose groups contain the task's lane, fills data
valid for the task's form (the JSON Schema deployed with the case's process version), delivers
the messages the case subscribes to and moves the clock for the timers it waits on.

The engines come from :func:`tests.conftest.make_engine_for`. SQLite databases are copies of
one template that holds the demo users and all models (deploying the twenty takes seconds).
"""
from __future__ import annotations

import re
import shutil
import threading
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest

from engine.forms.examples import follow_count_rules
from engine.forms.options import resolve_unit_options
from engine.state.serializer import SERIALIZER_VERSION, loads
from engine.state.workflow_cache import WorkflowCache, restores_unchanged
from tests.conftest import make_engine_for, reload_engine

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "bpmn_models"
CST = timezone(timedelta(hours=8))

# --- users ----------------------------------------------------------------------------------


def demo_users() -> list[tuple[str, str, list[str], list[str]]]:
    from webui.demo import DEMO_USERS

    return DEMO_USERS


def seed_people(engine) -> None:
    """The demo units and users (one or more per group, the applicants in their units), without
    password hashing (fast)."""
    from engine.people.accounts import put_unit, put_user
    from webui.demo import DEMO_UNIT_OF, DEMO_UNITS

    with engine.uow() as uow:
        for key, name, name_en in DEMO_UNITS:
            put_unit(uow, key, name, name_en)
        for name, display, groups, roles in demo_users():
            put_user(uow, engine.clock.now(), name, None, groups, roles, display, DEMO_UNIT_OF.get(name))
        uow.commit()


def user_for_lane(lane: str | None, prefer: str | None = None) -> str:
    """The first demo user whose groups contain ``lane`` (``prefer`` when it qualifies)."""
    users = demo_users()
    if prefer is not None:
        for name, _d, groups, _r in users:
            if name == prefer and (lane is None or lane in groups):
                return name
    for name, _d, groups, _r in users:
        if lane is None or lane in groups:
            return name
    raise AssertionError(f"no demo user in group {lane!r}")


def worker_for(row, prefer: str | None = None) -> str:
    """A demo user who may work the task: one of its owners when it is bound to owners (the starter
    of a case of no unit, a demo user of a named unit), else a member of its lane."""
    from webui.demo import DEMO_UNIT_OF

    for key in (row.owners or "").split():
        kind, _, name = key.partition(":")
        if kind == "user":
            return name
        members = [u for u, unit in DEMO_UNIT_OF.items() if unit == name]
        if members:
            return prefer if prefer in members else members[0]
    return user_for_lane(row.lane, prefer=prefer)


def groups_of(username: str) -> list[str]:
    return next(g for n, _d, g, _r in demo_users() if n == username)


def starter_for(key: str) -> str:
    from processes.catalogue import by_key

    info = by_key(key)
    assert info is not None, key
    return user_for_lane(info.starters[0])


# --- engines --------------------------------------------------------------------------------


def catalogue_start_policy(key: str) -> frozenset[str] | None:
    """What webui.wiring.start_policy is meant to return: the catalogue's starter groups."""
    from processes.catalogue import by_key

    info = by_key(key)
    return None if info is None else frozenset(info.starters)


def wiring_start_policy_error() -> str | None:
    """None when webui.wiring.start_policy answers for a catalogued key, else the error."""
    from webui.wiring import start_policy

    try:
        start_policy("official_passport_visa")
    except Exception as exc:  # noqa: BLE001 - reported by test_wiring_start_policy_reads_the_catalogue
        return f"{exc.__class__.__name__}: {exc}"
    return None


class CheckedWorkflowCache(WorkflowCache):
    """The engine's workflow cache, checking on every put that the live workflow it keeps is
    the one a restore of its state would give (the same state, as JSON values, when dumped again)."""

    def __init__(self, codec, capacity: int = 256) -> None:
        super().__init__(capacity)
        self.codec = codec
        self.puts = self.checked = 0

    def put(self, instance_id: str, version_id: int, revision: int, workflow) -> None:
        self.puts += 1
        if restores_unchanged(workflow):
            state = self.codec.dump_state(workflow)
            restored = self.codec.load_state(state, SERIALIZER_VERSION, workflow.spec, workflow.subprocess_specs)
            # equal as JSON values: the key order of a task's data may differ (JSON objects are unordered)
            assert loads(self.codec.dump_state(restored)) == loads(state), "a cached workflow differs from its restored state"
            self.checked += 1
        super().put(instance_id, version_id, revision, workflow)


def _patched(engine):
    engine.runner.workflows = CheckedWorkflowCache(engine.runner.codec)
    # Known defect (reported, asserted by test_wiring_start_policy_reads_the_catalogue):
    # webui.wiring.start_policy reads ProcessInfo.starter_groups, which does not exist, so every
    # start of a catalogued process fails with AttributeError. Until it is fixed the scenario
    # engines use the catalogue's starters directly; once fixed, this does nothing.
    if wiring_start_policy_error() is not None:
        engine.runner.start_policy = catalogue_start_policy
    return engine


def engine_for(url: str, clock):
    return _patched(make_engine_for(url, clock))


def reloaded(engine):
    """A fresh engine on the same database; the old one's connections are closed."""
    fresh = _patched(reload_engine(engine))
    dispose(engine)
    return fresh


def dispose(engine) -> None:
    engine.session_factory.kw["bind"].dispose()


def model_files() -> list[tuple[str, bytes]]:
    """Every model file of bpmn_models/ (as `fao deploy bpmn_models` collects them)."""
    out = []
    for p in sorted(MODELS.rglob("*")):
        if p.is_file() and p.suffix.lower() in (".bpmn", ".dmn", ".json"):
            out.append((p.name, p.read_bytes()))
    return out


def deploy_all(engine) -> list:
    return engine.deploy(model_files(), engine.actor("analyst_xu"), "all twenty")


def deploy_keys(engine, keys: Iterable[str]) -> list:
    """Deploy only these processes (with the shared call activity, the DMN and all forms)."""
    wanted = {f"{k}.bpmn" for k in keys} | {"passport_visa_handling.bpmn"}
    files = [(n, b) for n, b in model_files() if not n.endswith(".bpmn") or n in wanted]
    return engine.deploy(files, engine.actor("analyst_xu"), "some processes")


@dataclass
class Template:
    path: Path
    results: list  # DeployResult of the template's deploy


_TEMPLATE: dict[str, Template] = {}
_TEMPLATE_LOCK = threading.Lock()


def sqlite_template(tmp_path_factory) -> Template:
    """A migrated SQLite database with the demo users and every model deployed (built once)."""
    from store.migrate import upgrade

    with _TEMPLATE_LOCK:
        if "t" not in _TEMPLATE:
            path = tmp_path_factory.mktemp("processes_template") / "template.db"
            url = f"sqlite:///{path}"
            upgrade(url)
            from engine.timekeeping.clock import FrozenClock

            eng = engine_for(url, FrozenClock())
            seed_people(eng)
            results = deploy_all(eng)
            dispose(eng)
            import sqlite3

            con = sqlite3.connect(path)  # fold the WAL into the file that is copied
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
            _TEMPLATE["t"] = Template(path, results)
        return _TEMPLATE["t"]


@pytest.fixture(scope="session")
def processes_template(tmp_path_factory) -> Template:
    return sqlite_template(tmp_path_factory)


@pytest.fixture
def fast_engine(processes_template, tmp_path, clock):
    """An engine on a private SQLite copy of the template (users and all models deployed)."""
    target = tmp_path / "case.db"
    shutil.copyfile(processes_template.path, target)
    holder = EngineHolder(engine_for(f"sqlite:///{target}", clock))
    yield holder
    dispose(holder.engine)


class EngineHolder:
    """The current engine of a test: drivers replace it when they save and restore mid-way."""

    def __init__(self, engine) -> None:
        self.engine = engine

    @property
    def clock(self):
        return self.engine.clock

    def reload(self) -> None:
        self.engine = reloaded(self.engine)


# --- form data from a JSON Schema -----------------------------------------------------------

# a valid sample for each "pattern" the forms in bpmn_models/forms use
PATTERN_SAMPLES = {
    "^[EGDSP][0-9A-Z]{8}$": "E12345678",  # passport
    "^[CG][0-9A-Z]{8}$": "C12345678",  # Hong Kong/Macao permit
    "^[1-9][0-9]{16}[0-9X]$": "430401198001011234",  # resident ID number
    "^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$": "0734-8888888",  # phone
    "^[0-9A-Z]{5,12}$": "E12345678",
    "^[CDEGPScdegps][0-9A-Za-z]{8}$": "E12345678",  # a passport or permit in the custody ledger
}


ID_NUMBERS = ["430401198001011234", "43040419850615002X", "430405199203187716", "430406197711230041"]
PASSPORTS = ["E12345678", "E23456789", "G34567890", "E45678901"]
NAMES = ["张伟", "李娜", "王强", "刘芳"]
FOREIGN_NAMES = ["John Smith", "Yamada Taro", "Anna Müller", "Kim Min-jun"]


class FormFiller:
    """Minimal valid data for a form: required fields, first enum values, dates, known patterns."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.patterns = PATTERN_SAMPLES

    def date_for(self, name: str) -> str:
        lower = name.lower()
        if any(k in lower for k in ("return", "end", "until", "expires")):
            return f"{self.year}-05-16"
        if any(k in lower for k in ("handled", "completed", "signed", "collected", "cancelled", "lodged",
                                     "handed", "issued", "status_date")):
            return f"{self.year}-03-10"
        if lower == "departure_date":  # a trip's first day, a visit's last: both rules hold (x-rules)
            return f"{self.year}-05-10"
        return f"{self.year}-05-10"

    def fill(self, schema: dict, base: dict | None = None) -> dict:
        base = dict(base or {})
        props = schema.get("properties", {})
        out: dict[str, Any] = {}
        for name in schema.get("required", []):
            if name in base:
                out[name] = base[name]
            elif name in props:
                out[name] = self.value(name, props[name])
        for name, value in base.items():  # explicitly given optional fields
            if name in props:
                out[name] = value
        self._conditional(schema, out, base)
        counted = dict(out)
        follow_count_rules(schema, counted)  # as many visitors as names (the form's x-rules) ...
        out.update({k: v for k, v in counted.items() if k not in base})  # ... unless the test gives the count
        return out

    def _conditional(self, schema: dict, out: dict, base: dict) -> None:
        cond, then = schema.get("if"), schema.get("then")
        if not cond or not then:
            return
        import jsonschema

        if jsonschema.Draft202012Validator(cond).is_valid(out):
            props = {**schema.get("properties", {})}
            for k, v in (then.get("properties") or {}).items():
                props[k] = {**props.get(k, {}), **v}
            for name in then.get("required", []):
                if name not in out:
                    out[name] = base.get(name, self.value(name, props.get(name, {"type": "string"})))

    def value(self, name: str, prop: dict, index: int = 0) -> Any:
        kind = prop.get("type")
        if "enum" in prop:
            return prop["enum"][0]
        if "const" in prop:
            return prop["const"]
        if kind == "boolean":
            return True
        if kind == "integer" or kind == "number":
            if name == "year":
                wanted = self.year
            elif name == "trip_days":
                wanted = 7
            else:
                wanted = 5
            lo, hi = prop.get("minimum", wanted), prop.get("maximum", wanted)
            return max(lo, min(hi, wanted))
        if kind == "array":
            lo, hi = prop.get("minItems", 0), prop.get("maxItems", 2)
            n = max(lo, min(hi, 2))
            item = prop.get("items", {"type": "string"})
            if "enum" in item:  # ticked choices (the units to ask): the first n, each once
                return list(item["enum"][:n])
            return [self.item(name, item, i) for i in range(n)]
        if kind == "object":
            return self.item(name, prop, index)
        if prop.get("format") == "date":
            return self.date_for(name)
        pattern = prop.get("pattern")
        if pattern:
            if name == "id_number":
                return ID_NUMBERS[index % len(ID_NUMBERS)]
            if name == "passport_no":
                return PASSPORTS[index % len(PASSPORTS)]
            if pattern not in self.patterns:
                raise AssertionError(f"no sample for pattern {pattern!r} of field {name!r}")
            return self.patterns[pattern]
        if prop.get("maxLength") == 64:  # an attachment field (uploaded separately; its id is kept)
            return f"{index:02d}{name}"[:32]
        text = prop.get("title") or name
        if name == "name":
            text = NAMES[index % len(NAMES)]
        elif name == "position":
            text = "科长" if index % 2 == 0 else "副局长"
        elif name == "nationality":
            text = "日本"
        text = f"{text}（测试）" if len(text) < prop.get("minLength", 0) else text
        return text[: prop.get("maxLength", len(text))]

    def item(self, array_name: str, item: dict, index: int) -> Any:
        if item.get("type") != "object":
            return self.value(array_name, item, index)
        props = item.get("properties", {})
        foreign = "nationality" in props
        out = {}
        for name in item.get("required", []):
            value = self.value(name, props.get(name, {"type": "string"}), index)
            if name == "name" and foreign:
                value = FOREIGN_NAMES[index % len(FOREIGN_NAMES)]
            out[name] = value
        return out


# --- driving a case -------------------------------------------------------------------------

MESSAGE_PAYLOADS: dict[str, dict] = {
    "visa_result": {"granted": True, "embassy": "日本国驻华大使馆", "note": "全部获签"},
    "provincial_approval": {"approved": True, "reference": "湘外审〔{year}〕8号"},
    "foreign_city_confirmation": {"confirmed": True, "note": "对方城市确认行程"},
    "partner_reply": {"agreed": True, "note": "对方友城书面确认"},
    "police_permit": {"permitted": True, "reference": "衡公（治）许〔{year}〕21号"},
}
MESSAGE_SENDERS = {"visa_result": "visa_wu", "provincial_approval": "clerk_li",
                   "foreign_city_confirmation": "sister_zheng", "partner_reply": "sister_zheng",
                   "police_permit": "clerk_li"}


@dataclass
class Step:
    bpmn_id: str
    user: str
    decision: str | None = None


@dataclass
class CaseDriver:
    """One case of one process, driven through the engine services."""

    holder: EngineHolder
    key: str
    start_data: dict = field(default_factory=dict)
    starter: str | None = None
    business_key: str | None = None
    decisions: dict[str, list[str]] = field(default_factory=dict)
    task_data: dict[str, dict] = field(default_factory=dict)
    reload_after: set[str] = field(default_factory=set)
    claim: bool = True
    instance_id: str = ""
    log: list[Step] = field(default_factory=list)
    seen_open: list[list[str]] = field(default_factory=list)  # open bpmn ids before each completion
    messages: list[tuple[str, str]] = field(default_factory=list)  # (name, sender)
    timers_fired: int = 0

    @property
    def engine(self):
        return self.holder.engine

    @property
    def filler(self) -> FormFiller:
        return FormFiller(self.engine.clock.now().astimezone(CST).year)

    # -- queries --
    def version(self, uow):
        instance = uow.instances.get(self.instance_id)
        return uow.processes.by_id(instance.process_version_id)

    def schema(self, form_file: str | None) -> dict | None:
        """The form as its page shows it (the choices of the units filled in)."""
        if not form_file:
            return None
        with self.engine.uow() as uow:
            return resolve_unit_options(uow, self.version(uow).forms[form_file])

    def status(self) -> str:
        with self.engine.uow() as uow:
            return uow.instances.get(self.instance_id).status

    def instance(self):
        with self.engine.uow() as uow:
            return uow.instances.get(self.instance_id)

    def open_tasks(self) -> list:
        with self.engine.uow() as uow:
            rows = list(uow.reads.tasks.open_of(self.instance_id))
        return sorted(rows, key=lambda r: (r.created_at, r.bpmn_id))

    def open_ids(self) -> list[str]:
        return [t.bpmn_id for t in self.open_tasks()]

    def subscriptions(self) -> list:
        with self.engine.uow() as uow:
            return list(uow.events.subscriptions_for(self.instance_id))

    def timers(self) -> list:
        with self.engine.uow() as uow:
            return list(uow.events.timers_for(self.instance_id))

    def incidents(self) -> list:
        with self.engine.uow() as uow:
            return [(i.bpmn_id, i.error_type, i.message) for i in uow.incidents.open_for(self.instance_id)]

    def audit(self) -> list[tuple[str, str | None, str | None]]:
        with self.engine.uow() as uow:
            return [(e.action, e.actor, e.bpmn_id) for e in uow.reads.audit.history(self.instance_id)]

    def completed_steps(self) -> list[tuple[str | None, str | None]]:
        return [(bpmn_id, actor) for action, actor, bpmn_id in self.audit() if action == "completed"]

    def attachments(self) -> list:
        with self.engine.uow() as uow:
            return list(uow.misc.attachments_for(self.instance_id))

    def notifications(self, username: str | None = None) -> list[str]:
        username = username or self.starter
        with self.engine.uow() as uow:
            rows = uow.misc.notifications(username, limit=500)
            return [n.message for n in sorted(rows, key=lambda n: n.id) if n.instance_id == self.instance_id]

    def doc_number(self) -> str | None:
        """The case's document number, read from its approval letter's name."""
        for att in self.attachments():
            m = re.match(r"(衡外.〔\d{4}〕\d+号)\.pdf$", att.name)
            if m:
                return m.group(1)
        return None

    # -- commands --
    def start(self) -> "CaseDriver":
        self.starter = self.starter or starter_for(self.key)
        self.start_data = with_year(self.start_data, now_year(self.engine))
        schema = None
        with self.engine.uow() as uow:
            version = uow.processes.latest(self.key)
            assert version is not None, f"{self.key} is not deployed"
            if version.start_form:
                schema = resolve_unit_options(uow, version.forms[version.start_form])
        data = self.filler.fill(schema, self.start_data) if schema else dict(self.start_data)
        self.start_data = data
        actor = self.engine.actor(self.starter)
        inst = self.engine.start(self.key, actor, data, business_key=self.business_key)
        self.instance_id, self.business_key = inst.id, inst.business_key
        self._check_no_incident("start")
        return self

    def _check_no_incident(self, where: str) -> None:
        incidents = self.incidents()
        assert not incidents, f"{self.key}: incident after {where}: {incidents}"

    def data_for(self, row) -> dict:
        schema = self.schema(row.form_file)
        base = dict(self.task_data.get(row.bpmn_id, {}))
        pending = self.decisions.get(row.bpmn_id)
        if pending:
            base["decision"] = pending.pop(0)
        if schema and "decision" in schema.get("properties", {}):
            base.setdefault("decision", "approve")
            if base["decision"] != "approve":
                base.setdefault("comment", f"请按意见修改（{row.name}）")
        if row.form_file and row.form_file == self._start_form():
            # revising the application: the form comes pre-filled with what was submitted
            base = {**{k: v for k, v in self.start_data.items()}, **base}
        return self.filler.fill(schema, base) if schema else base

    def _start_form(self) -> str | None:
        with self.engine.uow() as uow:
            return self.version(uow).start_form

    def complete(self, row, user: str | None = None, data: dict | None = None) -> Step:
        """Claim and complete one open task as a user of its lane."""
        user = user or worker_for(row, prefer=self.starter)
        assert row.lane is None or row.lane in groups_of(user) or row.owners, (row.bpmn_id, row.lane, user)
        actor = self.engine.actor(user)
        payload = data if data is not None else self.data_for(row)
        if self.claim:
            self.engine.claim(row.id, actor)
        self.engine.complete(row.id, actor, payload)
        step = Step(row.bpmn_id, user, payload.get("decision"))
        self.log.append(step)
        self._check_no_incident(row.bpmn_id)
        if row.bpmn_id in self.reload_after:
            self.holder.reload()
        return step

    def do(self, bpmn_id: str, decision: str | None = None, user: str | None = None, **data) -> Step:
        """Complete the (first) open task ``bpmn_id``."""
        rows = [t for t in self.open_tasks() if t.bpmn_id == bpmn_id]
        assert rows, f"{self.key}: {bpmn_id} is not open; open: {self.open_ids()}"
        if decision is not None:
            self.decisions.setdefault(bpmn_id, []).insert(0, decision)
        if data:
            self.task_data[bpmn_id] = {**self.task_data.get(bpmn_id, {}), **data}
        return self.complete(rows[0], user)

    def deliver(self, name: str, sender: str | None = None, **payload) -> list[str]:
        year = self.engine.clock.now().astimezone(CST).year
        body = {k: (v.format(year=year) if isinstance(v, str) else v)
                for k, v in {**MESSAGE_PAYLOADS.get(name, {}), **payload}.items()}
        sender = sender or MESSAGE_SENDERS.get(name, "clerk_li")
        delivered = self.engine.deliver_message(self.engine.actor(sender), name,
                                                {"business_key": self.business_key}, body)
        self.messages.append((name, sender))
        self._check_no_incident(f"message {name}")
        return delivered

    def fire_next_timer(self) -> str:
        """Move the clock to this case's earliest timer and fire what is due."""
        timers = self.timers()
        assert timers, f"{self.key}: no timer to wait for"
        due = timers[0].due_at
        clock = self.engine.clock
        if due > clock.now():
            clock.set(due + timedelta(minutes=1))
        moved = self.engine.fire_due_timers()
        assert moved >= 1, f"{self.key}: timer {timers[0].bpmn_id} due {due} did not fire"
        self.timers_fired += 1
        self._check_no_incident(f"timer {timers[0].bpmn_id}")
        return timers[0].bpmn_id

    def run(self, until: Iterable[str] = (), max_steps: int = 120,
            on_message: Callable[["CaseDriver", str], None] | None = None,
            hooks: dict[str, Callable[["CaseDriver"], None]] | None = None) -> str:
        """Work the case until it ends, or until a task (or message name) in ``until`` is due.

        ``hooks[bpmn_id](case)`` runs once, the first time that task is about to be completed.
        Returns the status, or the bpmn id / message name it stopped at.
        """
        until = set(until)
        hooks = dict(hooks or {})
        for _ in range(max_steps):
            status = self.status()
            if status != "active":
                return status
            rows = self.open_tasks()
            hit = [r for r in rows if r.bpmn_id in until]
            if hit:
                return hit[0].bpmn_id
            if rows:
                hook = hooks.pop(rows[0].bpmn_id, None)
                if hook is not None:
                    hook(self)
                    continue
                self.seen_open.append([r.bpmn_id for r in rows])
                self.complete(rows[0])
                continue
            subs = self.subscriptions()
            if subs:
                name = subs[0].message_name
                if name in until:
                    return name
                if on_message:
                    on_message(self, name)
                self.deliver(name)
                continue
            if self.timers():
                self.fire_next_timer()
                continue
            raise AssertionError(f"{self.key}: stuck (no task, message or timer); audit {self.audit()[-5:]}")
        raise AssertionError(f"{self.key}: still running after {max_steps} steps")


def new_case(holder: EngineHolder, key: str, **kw) -> CaseDriver:
    return CaseDriver(holder, key, **kw).start()


# --- assertions shared by the scenario files --------------------------------------------------

DOC_RE = re.compile(r"^衡外(?P<cat>.)〔(?P<year>\d{4})〕(?P<n>\d+)号$")


def assert_letter(case: CaseDriver, category: str, number: int) -> str:
    """The case has one PDF approval letter whose document number is 衡外<category>〔YYYY〕<number>号."""
    year = case.engine.clock.now().astimezone(CST).year
    pdfs = [a for a in case.attachments() if a.content_type == "application/pdf"]
    assert len(pdfs) == 1, [(a.name, a.content_type) for a in case.attachments()]
    letter = pdfs[0]
    assert letter.content[:5] == b"%PDF-" and letter.size == len(letter.content) > 1000
    doc = case.doc_number()
    assert doc == f"衡外{category}〔{year}〕{number}号", doc
    m = DOC_RE.match(doc)
    assert m and int(m["n"]) == number
    return doc


def assert_approved_notice(case: CaseDriver, doc: str) -> None:
    notes = case.notifications()
    assert any("已批准" in n and doc in n for n in notes), notes


def assert_no_letter(case: CaseDriver) -> None:
    assert case.attachments() == []
    assert case.doc_number() is None


def assert_audit_matches_log(case: CaseDriver) -> None:
    """Every completion the driver made is in the audit, in order, by the same user; each was claimed first."""
    audit = case.audit()
    assert audit[0][0] == "started" and audit[0][1] == case.starter
    completed = [(b, a) for action, a, b in audit if action == "completed"]
    assert completed == [(s.bpmn_id, s.user) for s in case.log]
    if case.claim:
        claimed = [(b, a) for action, a, b in audit if action == "claimed"]
        assert claimed == completed
    assert [a for a in audit if a[0] == "message"] == [("message", sender, _catch_id(case, name))
                                                       for name, sender in case.messages]
    assert all(a[1] == "timer" for a in audit if a[0] == "timer")
    assert sum(1 for a in audit if a[0] == "timer") >= case.timers_fired


def _catch_id(case: CaseDriver, name: str) -> str:
    return {"visa_result": "wait_visa_result", "provincial_approval": "wait_provincial",
            "foreign_city_confirmation": "wait_confirmation", "partner_reply": "wait_partner",
            "police_permit": "wait_police_permit"}[name]


def user_steps(case: CaseDriver, ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """The driver's log as (bpmn id, user), optionally only for the given bpmn ids."""
    wanted = set(ids) if ids is not None else None
    return [(s.bpmn_id, s.user) for s in case.log if wanted is None or s.bpmn_id in wanted]


def reviews_in(case: CaseDriver) -> list[tuple[str, str | None]]:
    return [(s.bpmn_id, s.decision) for s in case.log if s.decision is not None]


def now_year(engine) -> int:
    return engine.clock.now().astimezone(CST).year


def with_year(value: Any, year: int) -> Any:
    """Replace "{Y}" / "{Y+n}" in strings (dates and titles relative to the test clock's year)."""
    if isinstance(value, str):
        return re.sub(r"\{Y(?:\+(\d+))?\}", lambda m: str(year + int(m.group(1) or 0)), value)
    if isinstance(value, list):
        return [with_year(v, year) for v in value]
    if isinstance(value, dict):
        return {k: with_year(v, year) for k, v in value.items()}
    return value


# --- the three scenarios every process goes through -----------------------------------------

REVIEW_STEPS = ("examine", "verify", "approve", "leader_approve")


@dataclass(frozen=True)
class ProcessSpec:
    """What a process should do, written down by the test (not learnt from running it).

    ``happy`` is the expected (bpmn id, user) sequence of user tasks when everyone agrees;
    ``revise_at``/``reject_at`` say which reviewer returns / refuses in the other scenarios.
    """

    key: str
    category: str  # the document-number category, e.g. "审" in 衡外审〔2027〕1号
    data: dict
    happy: tuple[tuple[str, str], ...]
    subject: str  # "出访申请", "接待申请" ... as in the notices
    messages: tuple[str, ...] = ()
    timers: int = 0
    revise_at: str = "examine"
    reject_at: str = "examine"
    revise_changes: dict = field(default_factory=dict)  # what the applicant changes when revising
    revised_first_tail: str | None = None  # first task after approval when the changes reroute it

    @property
    def first_tail(self) -> str:
        last_review = max(i for i, (b, _u) in enumerate(self.happy) if b in REVIEW_STEPS)
        return self.happy[last_review + 1][0]

    @property
    def title(self) -> str:
        return self.data["title"]


def happy_path(holder: EngineHolder, spec: ProcessSpec, number: int = 1,
               hooks: dict[str, Callable[[CaseDriver], None]] | None = None) -> CaseDriver:
    """Everyone agrees: the case runs to its end; letter number ``number``; restored mid-way."""
    from engine.errors import Forbidden, NotFound

    case = CaseDriver(holder, spec.key, start_data=dict(spec.data), reload_after={"examine"}).start()
    first = case.open_tasks()[0]
    if first.lane != "applicant_unit":  # nobody outside the lane may work it (another unit: not found)
        with pytest.raises((Forbidden, NotFound)):
            case.engine.complete(first.id, case.engine.actor("unit_zhao"), {})
    status = case.run(on_message=lambda c, _name: c.holder.reload(), hooks=hooks)  # restore before messages
    assert status == "completed", (spec.key, status, case.incidents())
    assert case.instance().ended_at is not None
    assert user_steps(case) == [tuple(x) for x in with_year(list(spec.happy), now_year(case.engine))]
    assert [m for m, _s in case.messages] == list(spec.messages)
    assert case.timers_fired == spec.timers
    assert_audit_matches_log(case)
    doc = assert_letter(case, spec.category, number)
    notes = case.notifications()
    assert notes == [f"您提交的{spec.subject}《{with_year(spec.title, now_year(case.engine))}》已批准，文号 {doc}"], notes
    with case.engine.uow() as uow:
        assert uow.reads.tasks.open_of(case.instance_id) == []
        assert uow.events.timers_for(case.instance_id) == [] and uow.events.subscriptions_for(case.instance_id) == []
    return case


def revise_then_approve(holder: EngineHolder, spec: ProcessSpec, number: int) -> CaseDriver:
    """``revise_at`` returns it, the applicant revises, everyone then agrees: letter ``number``.

    The case is followed up to the first task after the approval (its tail ran in happy_path).
    """
    from tests.integration.helpers import data_of

    case = CaseDriver(holder, spec.key, start_data=dict(spec.data)).start()
    assert case.run(until={spec.revise_at}) == spec.revise_at
    comment = f"请补充{spec.subject}的说明材料"
    case.do(spec.revise_at, "revise", comment=comment)
    (revise,) = case.open_tasks()
    assert revise.bpmn_id == "revise" and revise.lane == groups_of(case.starter)[0]
    assert comment in revise.instructions
    holder.reload()
    title = case.start_data.get("title", "")
    changes = {"title": title + "（修改稿）"} if revise.form_file == case._start_form() else {}
    changes.update(with_year(spec.revise_changes, now_year(case.engine)))
    step = case.do("revise", user=case.starter, **changes)
    assert step.user == case.starter
    assert case.open_ids() == ["examine"]  # the whole review runs again
    if revise.form_file == case._start_form():
        case.start_data.update(changes)
    tail = spec.revised_first_tail or spec.first_tail
    assert case.run(until={tail}) == tail
    assert case.status() == "active"
    doc = assert_letter(case, spec.category, number)
    notes = case.notifications()
    assert len(notes) == 2 and "被退回修改" in notes[0] and comment in notes[0], notes
    assert "已批准" in notes[1] and doc in notes[1], notes
    reviews = [(r["step"], r["decision"]) for r in data_of(case.engine, case.instance_id)["reviews"]]
    assert reviews == reviews_in(case), (reviews, reviews_in(case))
    assert reviews[reviews.index((spec.revise_at, "revise")) + 1] == ("examine", "approve")
    assert_audit_matches_log(case)
    return case


def rejection(holder: EngineHolder, spec: ProcessSpec) -> CaseDriver:
    """Everyone agrees up to ``reject_at``, which refuses: the case ends without a letter."""
    case = CaseDriver(holder, spec.key, start_data=dict(spec.data)).start()
    assert case.run(until={spec.reject_at}) == spec.reject_at
    holder.reload()
    reason = "不符合有关规定，不予同意"
    case.do(spec.reject_at, "reject", comment=reason)
    assert case.status() == "completed"
    assert case.open_tasks() == []
    assert_no_letter(case)
    assert [s.bpmn_id for s in case.log][-1] == spec.reject_at
    assert not {s.bpmn_id for s in case.log} - set(REVIEW_STEPS) - {"consult_units", "upkeep"}
    notes = case.notifications()
    assert len(notes) == 1 and "未获批准" in notes[0] and reason in notes[0], notes
    assert_audit_matches_log(case)
    return case


def all_three(holder: EngineHolder, spec: ProcessSpec,
              hooks: dict[str, Callable[[CaseDriver], None]] | None = None
              ) -> tuple[CaseDriver, CaseDriver, CaseDriver]:
    """Happy path (number 1), revision then approval (number 2: same category, same year), rejection."""
    a = happy_path(holder, spec, 1, hooks)
    b = revise_then_approve(holder, spec, 2)
    c = rejection(holder, spec)
    return a, b, c


def task_rows(case: CaseDriver, bpmn_id: str | None = None) -> list:
    with case.engine.uow() as uow:
        return [t for t in uow.reads.tasks.all_of(case.instance_id) if bpmn_id is None or t.bpmn_id == bpmn_id]


def open_together(case: CaseDriver, *ids: str) -> bool:
    """Were all ``ids`` open at the same moment (in parallel) while the driver worked the case?"""
    return any(set(ids) <= set(snapshot) for snapshot in case.seen_open)


def pass_deadline(timer_id: str, escalation: str) -> Callable[[CaseDriver], None]:
    """A hook: move the clock past the task's boundary timer; its escalation task must open beside it."""
    def hook(case: CaseDriver) -> None:
        before = set(case.open_ids())
        (timer,) = [t for t in case.timers() if t.bpmn_id == timer_id]
        (row,) = [t for t in case.open_tasks() if t.due_at is not None and t.due_at == timer.due_at]
        assert row.due_at > case.engine.clock.now()
        fired = case.fire_next_timer() if case.timers()[0].bpmn_id == timer_id else None
        assert fired == timer_id, (fired, [t.bpmn_id for t in case.timers()])
        after = case.open_ids()
        assert set(after) == before | {escalation}, (before, after)  # non-interrupting
        (esc,) = [t for t in case.open_tasks() if t.bpmn_id == escalation]
        assert esc.lane == "section_chief" and row.bpmn_id in before
    return hook
