"""The passport custody ledger in a real browser, in Chinese: a clerk opens 登记簿, filters and
searches the ledger, exports it as CSV (a Chinese header row) and opens an entry with its history;
the passport and visa section reads the numbers, every other clerk reads them masked."""
from __future__ import annotations

import csv
import io
import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import PASSWORD, make_app

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]

MODELS = Path(__file__).resolve().parents[2] / "bpmn_models"
CANCELLATION = "passport_cancellation"
PASSPORT_CLERK = "vera"  # a clerk of the passport and visa section (keeps the ledger)
ISSUED = {"kind": "passport", "holder_unit": "衡阳市商务局", "status": "in_custody", "issued_on": "2022-03-01"}


@pytest.fixture
def ledger_site(tmp_path, seed_db):
    """The web tests' database with a passport clerk and the ledger as the trips and the
    cancellation process leave it: one lent, one in custody, one cancelled."""
    from werkzeug.serving import make_server

    from engine.people.accounts import put_user

    app = make_app(tmp_path, seed_db, csrf=True)
    eng = app.extensions["fao_engine"]
    now = eng.clock.now()
    forms = sorted((MODELS / "forms").glob("*.json"))
    eng.deploy([(p.name, p.read_bytes()) for p in [MODELS / f"{CANCELLATION}.bpmn", *forms]], eng.actor("ana"),
               "因公证照注销")
    with eng.uow() as uow:
        put_user(uow, now, PASSPORT_CLERK, PASSWORD, ["passport_visa_section"], ["clerk"], display_name="吴薇")
        w = uow.registers.write
        w("passports", "E12345678", dict(ISSUED, holder="张三"), action="issued", at=now, actor="carl",
          instance_id=None)
        w("passports", "E12345678", {"status": "lent", "lent_for": "赴日本经贸考察",
                                     "due_back_on": date.today() + timedelta(days=20)},
          action="lent", at=now, actor="carl", instance_id=None)
        w("passports", "G87654321", dict(ISSUED, holder="李四", holder_unit="衡阳市教育局"), action="issued",
          at=now, actor="carl", instance_id=None)
        w("passports", "E55554444", dict(ISSUED, holder="王五"), action="issued", at=now, actor="carl",
          instance_id=None)
        w("passports", "E55554444", {"status": "cancelled", "cancelled_on": "2026-11-30"}, action="cancelled",
          at=now, actor=PASSPORT_CLERK, instance_id=None)
        uow.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    eng.session_factory.kw["bind"].dispose()


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login?lang=zh_CN")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/inbox"))


def holders(page: Page) -> list[str]:
    return sorted(page.locator("table.list tbody td.col-holder").all_inner_texts())


def test_a_clerk_filters_searches_exports_and_reads_an_entry_with_its_history(page: Page, ledger_site, shot):
    base = ledger_site
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, base, "carl")
    page.get_by_role("link", name="登记簿", exact=True).click()
    expect(page.locator("h1")).to_contain_text("因公证照保管登记簿")
    expect(page.locator("#list-total")).to_have_text("3")
    assert holders(page) == ["张三", "李四", "王五"]

    page.select_option("select[name=status]", label="已注销")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#list-total")).to_have_text("1")
    assert holders(page) == ["王五"]
    expect(page.locator("td.col-status")).to_have_text(["已注销"])

    page.select_option("select[name=status]", value="")
    page.fill("input[name=q]", "李四")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#list-total")).to_have_text("1")
    assert holders(page) == ["李四"]
    expect(page.locator("td.col-number")).to_have_text(["G8*****21"])  # masked for a clerk
    shot(page, "registers-01-searched")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    content = download.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:6] == ["持照人", "持照人单位", "证件类别", "编号", "签发日期", "状态"]
    assert [r[0] for r in rows[1:]] == ["李四"] and rows[1][3] == "G8*****21"

    page.get_by_role("link", name="李四").click()
    expect(page.locator("h1")).to_contain_text("因公证照保管登记簿")
    expect(page.locator("td.col-number")).to_have_text("G8*****21")
    history = page.locator("#register-history tbody tr")
    expect(history).to_have_count(1)
    expect(history.locator("td.action")).to_have_text(["签发登记"])
    expect(history.locator("ul.changes")).to_contain_text("持照人：— → 李四")
    expect(page.locator("#register-history")).not_to_contain_text("G87654321")
    expect(page.locator("#start-cancellation")).to_have_count(0)  # the passport section's, not a clerk's
    shot(page, "registers-02-entry-masked")

    page.goto(f"{base}/registers/passports?q=王五")
    page.get_by_role("link", name="王五").click()
    expect(page.locator("#register-history td.action")).to_have_text(["签发登记", "注销"])
    expect(page.locator("#register-history tbody tr").last).to_contain_text("已注销")


def test_the_passport_section_reads_the_numbers_unmasked(page: Page, ledger_site, shot):
    base = ledger_site
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, base, PASSPORT_CLERK)
    page.get_by_role("link", name="登记簿", exact=True).click()
    page.fill("input[name=q]", "李四")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("td.col-number")).to_have_text(["G87654321"])
    page.get_by_role("link", name="李四").click()
    expect(page.locator("td.col-number")).to_have_text("G87654321")
    expect(page.locator("#register-history")).to_contain_text("G87654321")
    shot(page, "registers-03-entry-unmasked")

    # a holder leaves office: the cancellation opens from the entry with its number, holder and unit
    page.get_by_role("link", name="办理证照注销（持照人离任）").click()
    expect(page.locator("h1")).to_contain_text("因公证照注销")
    expect(page.locator("input[name=passport_document_no]")).to_have_value("G87654321")
    expect(page.locator("input[name=holder]")).to_have_value("李四")
    expect(page.locator("input[name=holder_unit]")).to_have_value("衡阳市教育局")
    shot(page, "registers-04-cancellation-form")
    # a document lent out or cancelled offers no cancellation
    for holder in ("张三", "王五"):
        page.goto(f"{base}/registers/passports?q={holder}")
        page.get_by_role("link", name=holder).click()
        expect(page.locator("#start-cancellation")).to_have_count(0)


def sign_out(page: Page) -> None:
    page.click("header form button")
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_holder_leaves_office_the_chief_approves_and_the_ledger_shows_the_cancellation(
        page: Page, ledger_site, shot):
    base = ledger_site
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, base, PASSPORT_CLERK)
    page.goto(f"{base}/registers/passports?q=李四")
    page.get_by_role("link", name="李四").click()
    page.get_by_role("link", name="办理证照注销（持照人离任）").click()
    page.fill("input[name=title]", "李四调离因公护照注销")
    page.fill("input[name=unit_name]", "衡阳市外事办公室护照签证科")
    page.fill("input[name=contact_phone]", "0734-8225566")
    page.check("input[name=leave_reason][value=transferred]")
    page.fill("input[name=left_on]", "2026-11-30")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".flash.success")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "chen")  # the section chief
    row = page.locator("tr[data-task-id]", has_text="科室负责人审批")
    expect(row).to_contain_text("因公证照注销")
    row.locator("button.claim").click()
    expect(row.locator("button.unclaim")).to_be_visible()
    row.locator("a").first.click()
    expect(page.locator(".instructions-text")).to_contain_text("登记簿已核对：在保管中")
    expect(page.locator(".instructions-text")).to_contain_text("李四（衡阳市教育局）的因公护照：离任原因 调离")
    expect(page.locator(".instructions-text")).not_to_contain_text("G87654321")  # the chief reads no number
    page.check("input[name=decision][value=approve]")
    page.click("button[value=complete]")
    expect(page.locator(".flash.success")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "carl")
    page.goto(f"{base}/registers/passports?status=cancelled")
    assert holders(page) == ["李四", "王五"]
    page.get_by_role("link", name="李四").click()
    expect(page.locator("td.col-status")).to_have_text("已注销")
    case = page.locator("td.col-case a")  # the cancellation case, by its business key
    expect(case).to_have_text(re.compile(r"^\d{8}-"))
    last = page.locator("#register-history tbody tr").last
    expect(last.locator("td.action")).to_have_text("注销")
    expect(last).to_contain_text("在库保管 → 已注销")
    expect(last.locator("a")).to_have_text(case.inner_text())  # the change came from that case
    shot(page, "registers-05-cancelled-by-the-process")
