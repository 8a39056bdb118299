"""The processes (the twenty and the passport cancellation) deploy cleanly: no lint warnings, a
form on every user task, valid forms, and the catalogue decides who may start what."""
from __future__ import annotations

import pytest

from tests.integration.process_driver import (  # noqa: F401
    CaseDriver,
    FormFiller,
    demo_users,
    fast_engine,
    processes_template,
    wiring_start_policy_error,
)


def _catalogue():
    from processes.catalogue import catalogue

    return catalogue()


def test_all_twenty_deploy_with_no_lint_warnings(processes_template):
    results = processes_template.results  # one deploy of every file of bpmn_models/ into an empty database
    assert {r.key for r in results} == {p.key for p in _catalogue()} | {"passport_visa_handling"}
    assert len(_catalogue()) == 21  # the twenty of the seed and the passport section's cancellation
    assert all(r.status == "new" and r.version == 1 for r in results)
    assert {r.key: r.warnings for r in results if r.warnings} == {}
    assert all(r.title for r in results)


def _user_task_specs(engine, version):
    spec, subs = engine.runner.codec.load_specs(version.id, version.spec_json)
    for s in [spec, *[v for v in subs.values() if v is not None]]:
        for ts in s.task_specs.values():
            if getattr(ts, "manual", False) and getattr(ts, "bpmn_id", None):
                yield ts


def test_every_user_task_has_a_deployed_form(fast_engine):
    from engine.bpmn.spec_facts import form_files

    engine = fast_engine.engine
    missing, count = [], 0
    with engine.uow() as uow:
        versions = {p.key: uow.processes.latest(p.key) for p in _catalogue()}
        versions["passport_visa_handling"] = uow.processes.latest("passport_visa_handling")
        for key, version in versions.items():
            assert version is not None, key
            if key != "passport_visa_handling":
                assert version.manual_start and version.start_form in version.forms, key
                assert version.start_ui_form in version.forms, key
            for ts in _user_task_specs(engine, version):
                count += 1
                schema, ui = form_files(ts)
                if not schema or schema not in version.forms or not ui or ui not in version.forms:
                    missing.append((key, ts.bpmn_id, schema, ui))
                if not ts.lane:
                    missing.append((key, ts.bpmn_id, "no lane", None))
    assert missing == []
    assert count > 150  # every process has a dozen or more user tasks (counting the call activity's)


def test_every_form_accepts_its_minimal_data_and_a_refusal_needs_a_reason(fast_engine):
    from engine.forms.options import resolve_unit_options
    from engine.forms.validation import validate_form

    engine = fast_engine.engine
    filler = FormFiller(engine.clock.now().year)
    with engine.uow() as uow:
        forms = {}
        for p in _catalogue():  # as the forms are shown: the units' choices filled in
            forms.update({k: resolve_unit_options(uow, v) for k, v in uow.processes.latest(p.key).forms.items()
                          if k.endswith(".schema.json")})
    assert len(forms) >= 50
    for name, schema in sorted(forms.items()):
        assert validate_form(schema, filler.fill(schema)) == [], name
        if "decision" in schema["properties"]:
            assert schema["properties"]["decision"]["enum"] == ["approve", "revise", "reject"], name
            errors = validate_form(schema, filler.fill({k: v for k, v in schema.items() if k != "if"},
                                                       {"decision": "reject"}))
            assert [e["field"] for e in errors] == ["comment"], (name, errors)


def test_wiring_start_policy_reads_the_catalogue():
    """webui.wiring.start_policy answers who may start each catalogued process.

    Fails today with AttributeError: 'ProcessInfo' object has no attribute 'starter_groups'
    (processes.catalogue.ProcessInfo calls it ``starters``), so engine.start of any of the
    twenty processes fails on an engine built by webui.wiring.build_engine.
    """
    from webui.wiring import start_policy

    assert wiring_start_policy_error() is None, wiring_start_policy_error()
    for p in _catalogue():
        assert start_policy(p.key) == frozenset(p.starters), p.key
    assert start_policy("not_catalogued") is None


def test_only_the_catalogues_starters_may_start(fast_engine):
    from engine.errors import Forbidden

    engine = fast_engine.engine
    powerful = {"supervisor", "analyst", "admin"}  # they may start anything
    plain = [(n, set(g)) for n, _d, g, roles in demo_users() if g and not set(roles) & powerful]
    for p in _catalogue():
        outsiders = [n for n, groups in plain if not groups & set(p.starters)]
        assert outsiders, p.key
        for name in outsiders[:2]:
            with pytest.raises(Forbidden):
                engine.start(p.key, engine.actor(name), {"title": "无权发起"})
    # the office's clerks may report an incident themselves (two starter groups)
    case = CaseDriver(fast_engine, "foreign_incident_response", starter="clerk_li").start()
    assert case.instance().started_by == "clerk_li" and case.open_ids() == ["acknowledge"]
    # the sister-city section starts its own plan; an applicant unit may not
    with pytest.raises(Forbidden):
        engine.start("sister_city_development_plan", engine.actor("unit_wang"), {})
