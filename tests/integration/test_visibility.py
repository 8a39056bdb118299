"""Who may see a case, a task and an attachment: one rule, and the case list agrees with it."""
from __future__ import annotations

from types import SimpleNamespace

from engine.people import visibility

REVIEW = ("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json")
SCAN = "5e" * 16  # an attachment id, as a form field holds it


def seen_by(engine, users, instance_id):
    """Who may see the case by the single-case check, and who finds it in their case list."""
    single, listed = set(), set()
    with engine.uow(read_only=True) as uow:
        for name, actor in users.items():
            if visibility.may_see_case(uow, actor, instance_id):
                single.add(name)
            page = uow.reads.cases.listing(scope=visibility.case_scope(actor), per_page=200)
            if instance_id in {i.id for i in page.items}:
                listed.add(name)
    return single, listed


def the_task(engine, instance_id):
    with engine.uow(read_only=True) as uow:
        return uow.reads.tasks.open_of(instance_id)[0]


def test_a_case_is_seen_by_its_starter_its_lane_its_workers_and_supervisors_and_listed_for_them_alone(
        engine, users, deploy):
    deploy(*REVIEW)
    case = engine.start("review", users["unit"], {"title": "赴日访问"})
    assert seen_by(engine, users, case.id) == ({"unit", "clerk", "clerk2", "boss"},) * 2
    engine.complete(the_task(engine, case.id).id, users["clerk"], {"decision": "approve"})
    # the clerk who finished a step still sees the case; the lane that has no open task no longer does
    assert seen_by(engine, users, case.id) == ({"unit", "clerk", "chief", "boss"},) * 2


def test_a_task_is_seen_by_its_lane_its_case_s_readers_and_supervisors(engine, users, deploy):
    deploy(*REVIEW)
    case = engine.start("review", users["unit"], {"title": "赴日访问"})
    examine = the_task(engine, case.id)
    with engine.uow(read_only=True) as uow:
        seen = {name for name, actor in users.items() if visibility.may_see_task(uow, actor, examine)}
    assert seen == {"unit", "clerk", "clerk2", "boss"}


def test_an_attachment_is_seen_by_its_uploader_supervisors_and_readers_of_a_case_that_refers_to_it(
        engine, users, deploy):
    deploy(*REVIEW)
    engine.start("review", users["unit"], {"title": "赴日访问", "scan": SCAN})
    attachment = SimpleNamespace(id=SCAN, uploaded_by="chief")
    with engine.uow(read_only=True) as uow:
        seen = {name for name, actor in users.items() if visibility.may_see_attachment(uow, actor, attachment)}
    assert seen == {"chief", "unit", "clerk", "clerk2", "boss"}


def test_the_inbox_lists_the_tasks_a_clerk_may_work(engine, users, deploy):
    deploy(*REVIEW)
    case = engine.start("review", users["unit"], {"title": "赴日访问"})
    examine = the_task(engine, case.id)
    with engine.uow(read_only=True) as uow:
        listed = {name for name, actor in users.items()
                  if uow.reads.tasks.inbox(visibility.work_scope(actor)).total}
        workers = {name for name, actor in users.items() if visibility.may_work_task(actor, examine)}
    assert listed == workers == {"clerk", "clerk2"}
