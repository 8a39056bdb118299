"""Units as organisations (issue 17): a case belongs to its starter's unit, and its applicant-unit
tasks are seen and worked by that unit's members alone, in every list, count and check; on SQLite
and PostgreSQL."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from engine.errors import Forbidden, NotFound
from engine.people import visibility
from engine.people.account_commands import UnitSpec, UserSpec
from store.migrate import alembic_config, upgrade
from tests.conftest import model_files

UNITS = [UnitSpec("gov_office", "市政府办", "General Office"), UnitSpec("education", "市教育局")]
# name: unit
APPLICANTS = {"gov_a": "gov_office", "gov_b": "gov_office", "edu_a": "education"}


@pytest.fixture
def people(engine, users):
    """The conftest's users, and applicants of two units (gov_a and gov_b are colleagues)."""
    engine.save_units(UNITS)
    engine.save_users([UserSpec(name, None, ("applicant_unit",), (), None, unit) for name, unit in APPLICANTS.items()])
    actors = dict(users)
    actors.update({name: engine.actor(name) for name in APPLICANTS})
    engine.deploy(model_files("unit_review.bpmn", "consult_units.bpmn"), users["analyst"])
    return actors


def open_tasks(engine, instance_id):
    with engine.uow(read_only=True) as uow:
        return list(uow.reads.tasks.open_of(instance_id))


def inbox_ids(engine, actor):
    with engine.uow(read_only=True) as uow:
        work = visibility.work_scope(actor)
        page = uow.reads.tasks.inbox(work, per_page=200)
        counts = uow.reads.tasks.counts(work)
    return {t.id for t in page.items}, page.total, counts["group"] + counts["mine"]


def case_ids(engine, actor):
    with engine.uow(read_only=True) as uow:
        return {i.id for i in uow.reads.cases.listing(scope=visibility.case_scope(actor), per_page=200).items}


def test_a_case_belongs_to_its_starter_s_unit_fixed_at_the_start(engine, people):
    case = engine.start("unit_review", people["gov_a"], {"title": "赴日访问"})
    engine.save_users([UserSpec("gov_a", None, ("applicant_unit",), (), None, "education")])  # moves on later
    with engine.uow(read_only=True) as uow:
        assert uow.reads.cases.summary(case.id).unit_key == "gov_office"
    [task] = open_tasks(engine, case.id)
    assert task.lane == "applicant_unit" and task.owners == "unit:gov_office"


def test_another_unit_neither_finds_nor_works_the_case_and_its_applicant_unit_task(engine, people):
    case = engine.start("unit_review", people["gov_a"], {"title": "赴日访问"})
    [task] = open_tasks(engine, case.id)
    edu, colleague = people["edu_a"], people["gov_b"]
    assert inbox_ids(engine, edu) == (set(), 0, 0)
    assert case.id not in case_ids(engine, edu)
    with engine.uow(read_only=True) as uow:
        assert visibility.case_sight(uow, edu, case.id) is visibility.Sight.HIDDEN
        assert visibility.task_sight(uow, edu, task) is visibility.Sight.HIDDEN
        assert not visibility.may_work_task(edu, task)
    for move in (engine.claim, engine.complete):
        with pytest.raises(NotFound):
            move(task.id, edu)
    # the colleague of the same unit finds it, in the list and the counts, and works it
    assert inbox_ids(engine, colleague) == ({task.id}, 1, 1)
    assert case.id in case_ids(engine, colleague)
    engine.claim(task.id, colleague)
    with pytest.raises(NotFound):
        engine.unclaim(task.id, edu)
    engine.complete(task.id, colleague, {})
    [examine] = open_tasks(engine, case.id)
    assert examine.lane == "fao_clerk" and examine.owners is None
    assert inbox_ids(engine, people["clerk"])[0] == {examine.id}
    assert case.id in case_ids(engine, colleague) and case.id not in case_ids(engine, edu)


def test_each_unit_sees_its_own_cases_and_counts_alone_and_supervisors_see_all(engine, people):
    gov_case = engine.start("unit_review", people["gov_a"], {"title": "市政府办出访"})
    edu_case = engine.start("unit_review", people["edu_a"], {"title": "市教育局出访"})
    [gov_task], [edu_task] = open_tasks(engine, gov_case.id), open_tasks(engine, edu_case.id)
    assert inbox_ids(engine, people["gov_b"]) == ({gov_task.id}, 1, 1)
    assert inbox_ids(engine, people["edu_a"]) == ({edu_task.id}, 1, 1)
    assert case_ids(engine, people["gov_b"]) == {gov_case.id}
    assert case_ids(engine, people["edu_a"]) == {edu_case.id}
    assert case_ids(engine, people["boss"]) == {gov_case.id, edu_case.id}
    # supervisors may assign an applicant-unit task to a member of the unit, and to nobody else
    with pytest.raises(Forbidden):
        engine.assign(edu_task.id, people["boss"], "gov_a")
    engine.assign(edu_task.id, people["boss"], "edu_a")
    assert inbox_ids(engine, people["edu_a"]) == ({edu_task.id}, 1, 1)
    assert inbox_ids(engine, people["gov_a"]) == ({gov_task.id}, 1, 1)


def test_a_case_without_a_unit_is_its_starter_s_alone(engine, people):
    case = engine.start("unit_review", people["unit"], {"title": "无单位"})  # "unit" has no unit
    [task] = open_tasks(engine, case.id)
    assert task.owners == "user:unit"
    assert inbox_ids(engine, people["unit"])[0] == {task.id}
    assert inbox_ids(engine, people["gov_a"]) == (set(), 0, 0)
    with pytest.raises(NotFound):
        engine.complete(task.id, people["gov_a"], {})


def test_a_multi_instance_task_addressing_named_units_goes_to_each_unit_s_members(engine, people):
    case = engine.start("consult_units", people["clerk"], {"consulted": ["gov_office", "education"]})
    tasks = open_tasks(engine, case.id)
    assert sorted(t.owners for t in tasks) == ["unit:education", "unit:gov_office"]
    by_owner = {t.owners: t for t in tasks}
    gov_task, edu_task = by_owner["unit:gov_office"], by_owner["unit:education"]
    assert inbox_ids(engine, people["gov_b"]) == ({gov_task.id}, 1, 1)
    assert inbox_ids(engine, people["edu_a"]) == ({edu_task.id}, 1, 1)
    assert inbox_ids(engine, people["unit"]) == (set(), 0, 0)  # an applicant of no named unit
    with pytest.raises(NotFound):  # the case is not theirs: it was never shown to them
        engine.complete(edu_task.id, people["unit"], {})
    with pytest.raises(Forbidden):  # they see the case (their unit is consulted), not the other unit's task
        engine.complete(edu_task.id, people["gov_a"], {})
    engine.complete(gov_task.id, people["gov_a"], {"answer": "同意"})
    engine.complete(edu_task.id, people["edu_a"], {"answer": "无意见"})
    with engine.uow(read_only=True) as uow:
        assert uow.reads.cases.summary(case.id).status == "completed"


def test_the_counts_agree_with_the_lists_after_a_reindex(engine, people):
    engine.start("unit_review", people["gov_a"], {"title": "一"})
    engine.start("unit_review", people["edu_a"], {"title": "二"})
    engine.reindex()
    for name in ("gov_a", "gov_b", "edu_a", "unit", "clerk"):
        listed, total, counted = inbox_ids(engine, people[name])
        assert len(listed) == total == counted, name


def test_the_migration_binds_the_open_applicant_unit_tasks_to_their_starters(engine, people):
    case = engine.start("unit_review", people["unit"], {"title": "升级前"})  # "unit" has no unit
    [task] = open_tasks(engine, case.id)
    url = engine.session_factory.kw["bind"].url.render_as_string(hide_password=False)
    engine.session_factory.kw["bind"].dispose()
    command.downgrade(alembic_config(url), "0005")
    bind = engine.session_factory.kw["bind"]
    with bind.begin() as conn:  # before 0006 the lane counted it for every applicant
        assert conn.execute(text("SELECT sum(n) FROM task_count WHERE kind = 'lane' AND key = 'applicant_unit'")
                            ).scalar() == 1
    bind.dispose()
    upgrade(url)
    with engine.uow(read_only=True) as uow:
        assert uow.tasks.get(task.id).owners == "user:unit"
    assert inbox_ids(engine, people["unit"]) == ({task.id}, 1, 1)
    assert inbox_ids(engine, people["gov_a"]) == (set(), 0, 0)
