"""Demo data: units, one or more users per group with Chinese names, and cases in varied states."""
from __future__ import annotations

from collections.abc import Iterator

from engine.people.account_commands import UnitSpec, UserSpec
from engine.workflow_engine import WorkflowEngine

DEMO_PASSWORD = "demo123"

# key, name, English name
DEMO_UNITS: list[tuple[str, str, str]] = [
    ("commerce", "市商务局", "Municipal Bureau of Commerce"),
    ("education", "市教育局", "Municipal Bureau of Education"),
    ("gov_office", "市政府办", "General Office of the Municipal Government"),
]

# username, display name (pages add the unit: 王丽（市商务局）), groups, roles
DEMO_USERS: list[tuple[str, str, list[str], list[str]]] = [
    ("unit_wang", "王丽", ["applicant_unit"], []),
    ("unit_qian", "钱进", ["applicant_unit"], []),
    ("unit_zhao", "赵强", ["applicant_unit"], []),
    ("unit_sun", "孙悦", ["applicant_unit"], []),
    ("clerk_li", "李明（外办经办）", ["fao_clerk"], ["clerk"]),
    ("clerk_chen", "陈静（外办经办）", ["fao_clerk"], ["clerk"]),
    ("chief_zhang", "张伟（科室负责人）", ["section_chief"], ["clerk"]),
    ("deputy_ma", "马骏（分管副主任）", ["deputy_director"], ["clerk"]),
    ("director_liu", "刘洋（外办主任）", ["office_director"], ["clerk"]),
    ("leader_sun", "孙建国（市领导）", ["municipal_leader"], ["clerk"]),
    ("protocol_zhou", "周婷（礼宾科）", ["protocol_section"], ["clerk"]),
    ("visa_wu", "吴昊（护照签证科）", ["passport_visa_section"], ["clerk"]),
    ("sister_zheng", "郑芳（友城科）", ["sister_city_section"], ["clerk"]),
    ("press_huang", "黄磊（新闻文化科）", ["press_culture_section"], ["clerk"]),
    ("supervisor_he", "何敏（督办）", [], ["supervisor"]),
    ("analyst_xu", "徐鹏（流程分析）", [], ["analyst"]),
    ("admin", "系统管理员", [], ["admin", "supervisor", "analyst"]),
]

# username: the key of their unit (applicants in three units; 王丽 and 钱进 are colleagues)
DEMO_UNIT_OF = {"unit_wang": "commerce", "unit_qian": "commerce", "unit_zhao": "education", "unit_sun": "gov_office"}
# username: office phone (prefilled on their start forms)
DEMO_PHONE_OF = {"unit_wang": "0734-8225566", "unit_qian": "0734-8225567", "unit_zhao": "0734-8331234",
                 "unit_sun": "0734-8888001"}


def seed_users(engine: WorkflowEngine) -> list[str]:
    """The demo units, then the demo users (applicants in two units and more)."""
    engine.save_units([UnitSpec(key, name, name_en) for key, name, name_en in DEMO_UNITS])
    return engine.save_users([UserSpec(name, DEMO_PASSWORD, tuple(groups), tuple(roles), display,
                                        DEMO_UNIT_OF.get(name), DEMO_PHONE_OF.get(name))
                               for name, display, groups, roles in DEMO_USERS])


def seed_demo(engine: WorkflowEngine) -> Iterator[str]:
    """Create demo users, then a few cases of the deployed processes at different stages."""
    names = seed_users(engine)
    yield f"{len(names)} demo users (password {DEMO_PASSWORD}): {', '.join(names)}"
    try:
        from processes.demo_cases import seed_cases
    except ImportError:
        yield "no demo cases: processes.demo_cases is missing"
        return
    yield from seed_cases(engine)
