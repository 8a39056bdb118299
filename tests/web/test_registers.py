"""The registers' pages and API: lists with filter, search and CSV export in Chinese, masked
passport numbers, and who may read them (clerks of the office and supervisors; 403 for others)."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

ISSUE = {"kind": "passport", "holder": "张三", "holder_unit": "衡阳市商务局", "status": "in_custody",
         "issued_on": "2025-03-01"}


@pytest.fixture
def ledgers(eng):
    """Entries as the processes' service tasks write them (one lent and overdue, one in custody)."""
    now = eng.clock.now()
    with eng.uow() as uow:
        w = uow.registers.write
        w("passports", "E12345678", ISSUE, action="issued", at=now, actor="carl", instance_id=None)
        w("passports", "E12345678", {"status": "lent", "lent_for": "赴日本经贸考察", "due_back_on": date(2020, 1, 10)},
          action="lent", at=now, actor="carl", instance_id=None)
        w("passports", "G87654321", dict(ISSUE, holder="李四", holder_unit="衡阳市教育局"), action="issued", at=now,
          actor="carl", instance_id=None)
        w("sister_cities", "大分市", {"country": "日本", "established_on": "1997-01-01",
                                    "last_exchange_on": now.date().isoformat()}, action="recorded", at=now,
          actor=None, instance_id=None)
        w("sister_cities", "克拉斯诺达尔市", {"country": "俄罗斯", "relation": "exchange",
                                          "established_on": "2014-01-01"}, action="recorded", at=now,
          actor=None, instance_id=None)
        w("institutions", "衡外备〔2026〕1号", {"name": "衡阳电气德国代表处", "country": "德国",
                                             "annual_reports": [{"year": 2026, "on": "2027-03-01"}]},
          action="recorded", at=now, actor=None, instance_id=None)
        w("documents", "衡外审〔2026〕3号", {"genre": "approval", "title": "赴日本经贸考察",
                                         "addressee": "衡阳市商务局", "issued_on": "2026-03-02"},
          action="issued", at=now, actor=None, instance_id=None)
        uow.commit()


def test_clerks_read_the_passport_ledger_in_chinese_with_numbers_masked(as_user, ledgers):
    page = as_user("carl").get("/registers/passports?lang=zh_CN").get_data(as_text=True)
    assert "因公证照保管登记簿" in page and "持照人" in page and "登记簿" in page
    assert "张三" in page and "李四" in page and "已超期" in page and "2020-01-10" in page
    assert "E12345678" not in page and "E1*****78" in page


def test_the_passport_ledger_filters_searches_and_exports_csv(as_user, ledgers):
    client = as_user("sam")
    lent = client.get("/registers/passports?status=overdue&lang=zh_CN").get_data(as_text=True)
    assert "张三" in lent and "李四" not in lent
    found = client.get("/registers/passports?q=教育局").get_data(as_text=True)
    assert "李四" in found and "张三" not in found
    r = client.get("/registers/passports?format=csv&lang=zh_CN")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["持照人", "持照人单位", "证件类别", "编号"]
    assert sorted(r[0] for r in rows[1:]) == ["张三", "李四"]
    assert all("*" in r[3] for r in rows[1:]) and "因公护照" in {r[2] for r in rows[1:]}


def test_the_passport_section_reads_the_numbers(as_user, app, eng, ledgers):
    from engine.people.accounts import put_user
    from tests.web.conftest import PASSWORD

    with eng.uow() as uow:
        put_user(uow, eng.clock.now(), "vera", PASSWORD, ["passport_visa_section"], ["clerk"], "Vera")
        uow.commit()
    page = as_user("vera").get("/registers/passports").get_data(as_text=True)
    assert "E12345678" in page
    csv_text = as_user("vera").get("/registers/passports?format=csv").get_data(as_text=True)
    assert "E12345678" in csv_text


def test_sister_cities_institutions_and_documents_pages(as_user, ledgers):
    client = as_user("chen")
    cities = client.get("/registers/sister-cities?lang=zh_CN").get_data(as_text=True)
    assert "友好城市登记簿" in cities and "大分市" in cities and "友好交流城市" in cities and "不活跃" in cities
    dormant = client.get("/registers/sister-cities?status=dormant").get_data(as_text=True)
    assert "克拉斯诺达尔市" in dormant and "大分市" not in dormant
    inst = client.get("/registers/institutions?q=德国&lang=zh_CN").get_data(as_text=True)
    assert "境外机构备案登记簿" in inst and "衡阳电气德国代表处" in inst and "2026" in inst
    docs = client.get("/registers/documents?genre=approval&lang=zh_CN").get_data(as_text=True)
    assert "发文登记簿" in docs and "衡外审〔2026〕3号" in docs and "批复" in docs
    assert "衡外审" not in client.get("/registers/documents?year=2019").get_data(as_text=True).split("<tbody>")[1]


def test_an_entry_page_shows_its_history(as_user, eng, ledgers):
    with eng.uow() as uow:
        (entry,) = [e for e in uow.reads.page(uow.reads.registers.passports(q="商务局")).items]
    page = as_user("carl").get(f"/registers/passports/{entry.id}?lang=zh_CN").get_data(as_text=True)
    assert "变更记录" in page and "签发登记" in page and "已借出" in page and "Carl" in page
    assert "E12345678" not in page
    assert as_user("carl").get(f"/registers/passports/{entry.id + 999}").status_code == 404
    assert as_user("carl").get(f"/registers/nonsense/{entry.id}").status_code == 404


def test_the_navigation_links_the_registers_for_clerks_and_supervisors_only(as_user, ledgers):
    assert 'href="/registers/"' in as_user("carl").get("/inbox").get_data(as_text=True)
    assert 'href="/registers/"' in as_user("sam").get("/inbox").get_data(as_text=True)
    assert 'href="/registers/"' not in as_user("alice").get("/inbox").get_data(as_text=True)


@pytest.mark.parametrize("user", ["alice", "otto", "ana"])
def test_applicants_and_others_may_not_read_the_registers(as_user, token, ledgers, user):
    client = as_user(user)
    for path in ("/registers/passports", "/registers/sister-cities", "/registers/institutions",
                 "/registers/documents", "/registers/passports?format=csv", "/registers/passports/1"):
        assert client.get(path).status_code == 403, path
    headers = token(user)
    for path in ("/api/v1/registers/passports", "/api/v1/registers/documents", "/api/v1/registers/passports/1"):
        r = client.get(path, headers=headers)
        assert r.status_code == 403 and r.get_json()["error"]["code"], path


def test_the_api_lists_the_registers(app, token, ledgers):
    client = app.test_client()
    carl = token("carl")
    body = client.get("/api/v1/registers/passports?status=lent", headers=carl).get_json()
    assert body["total"] == 1 and body["items"][0]["number"] == "E1*****78" and body["items"][0]["overdue"] is True
    cities = client.get("/api/v1/registers/sister-cities?status=dormant", headers=carl).get_json()["items"]
    assert [c["city"] for c in cities] == ["克拉斯诺达尔市"] and cities[0]["dormant"] is True
    assert client.get("/api/v1/registers/passports?status=lost", headers=carl).status_code == 400
    assert client.get("/api/v1/registers/documents?year=20x6", headers=carl).status_code == 400
    assert client.get("/api/v1/registers/passports/99999", headers=carl).status_code == 404
    assert client.get("/api/v1/registers/passports").status_code == 401
    doc = client.get("/api/v1/registers/documents?q=经贸", headers=carl).get_json()["items"][0]
    history = client.get(f"/api/v1/registers/documents/{doc['id']}", headers=carl).get_json()["history"]
    assert [h["action"] for h in history] == ["issued"]
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/registers/passports", "/api/v1/registers/sister-cities", "/api/v1/registers/institutions",
            "/api/v1/registers/documents", "/api/v1/registers/{register}/{entry_id}"} <= set(paths)


def test_the_dormancy_period_is_a_setting(tmp_path, seed_db):
    from tests.web.conftest import make_app

    app = make_app(tmp_path, seed_db, FAO_SISTER_CITY_DORMANT_DAYS=10)
    eng = app.extensions["fao_engine"]
    try:
        now = eng.clock.now()
        with eng.uow() as uow:
            uow.registers.write("sister_cities", "大分市", {"country": "日本", "last_exchange_on": "2000-01-01"},
                                action="recorded", at=now, actor=None, instance_id=None)
            uow.commit()
        from engine.people.accounts import new_token

        with eng.uow() as uow:
            value = new_token(uow, now, "sam")
            uow.commit()
        items = app.test_client().get("/api/v1/registers/sister-cities",
                                      headers={"Authorization": f"Bearer {value}"}).get_json()["items"]
        assert items[0]["dormant"] is True
    finally:
        eng.session_factory.kw["bind"].dispose()


def test_the_dormancy_period_comes_from_the_environment(monkeypatch):
    from webui.config import sister_city_dormant_days

    assert sister_city_dormant_days() == 730
    monkeypatch.setenv("FAO_SISTER_CITY_DORMANT_DAYS", "365")
    assert sister_city_dormant_days() == 365
    monkeypatch.setenv("FAO_SISTER_CITY_DORMANT_DAYS", "two years")
    with pytest.raises(ValueError):
        sister_city_dormant_days()


def _deploy_cancellation(eng) -> None:
    from pathlib import Path

    models = Path(__file__).resolve().parents[2] / "bpmn_models"
    files = [models / "passport_cancellation.bpmn", *sorted((models / "forms").glob("*.json"))]
    eng.deploy([(p.name, p.read_bytes()) for p in files], eng.actor("ana"), "因公证照注销")


def test_the_passport_section_starts_a_cancellation_from_an_entry_in_custody(as_user, eng, ledgers):
    from engine.people.accounts import put_user
    from tests.web.conftest import PASSWORD

    with eng.uow() as uow:
        put_user(uow, eng.clock.now(), "vera", PASSWORD, ["passport_visa_section"], ["clerk"], "Vera")
        uow.commit()
        rows = {e.holder: e for e in uow.reads.page(uow.reads.registers.passports()).items}
    kept, lent = rows["李四"], rows["张三"]
    vera = as_user("vera")
    # not deployed yet: no way in
    assert "start-cancellation" not in vera.get(f"/registers/passports/{kept.id}").get_data(as_text=True)
    _deploy_cancellation(eng)
    page = vera.get(f"/registers/passports/{kept.id}?lang=zh_CN").get_data(as_text=True)
    assert "办理证照注销（持照人离任）" in page
    assert f'href="/apply/passport_cancellation?passport={kept.id}"' in page
    assert "start-cancellation" not in vera.get(f"/registers/passports/{lent.id}").get_data(as_text=True)
    form = vera.get(f"/apply/passport_cancellation?passport={kept.id}&lang=zh_CN").get_data(as_text=True)
    assert 'value="G87654321"' in form and 'value="李四"' in form and 'value="衡阳市教育局"' in form
    assert "因公证照注销" in vera.get("/apply?lang=zh_CN").get_data(as_text=True)
    # a clerk neither sees the way in nor may start it; a supervisor may start it, but unfilled
    assert "start-cancellation" not in as_user("carl").get(f"/registers/passports/{kept.id}").get_data(as_text=True)
    assert "因公证照注销" not in as_user("carl").get("/apply?lang=zh_CN").get_data(as_text=True)
    assert as_user("carl").get(f"/apply/passport_cancellation?passport={kept.id}").status_code == 403
    sam = as_user("sam")
    assert "start-cancellation" not in sam.get(f"/registers/passports/{kept.id}").get_data(as_text=True)
    assert "G87654321" not in sam.get(f"/apply/passport_cancellation?passport={kept.id}").get_data(as_text=True)
