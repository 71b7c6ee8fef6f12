"""导入客户 over HTTP (issue 16): a new site's existing customers from the agency's old .xlsx.
The dry run lists bad rows and judges the good ones against the project's customers with
nothing written; the office confirms that dry run by its id and only then are the good rows
imported (a 撞单 raised for the protected one), once, and logged like an export; a hostile
file is refused with a clear 4xx. (Another agency reaching none of it: test_isolation_matrix.)"""
from datetime import date, datetime, timedelta

import pytest

from loupan.types import SHANGHAI
from services.inventory.tests.xlsx_files import bomb, xlsx
from tests.api import make_project, short
from tests.conftest import staff

HEADER = ["客户姓名", "手机号", "认知途径", "意向等级", "归属顾问", "最后跟进日期", "备注"]


@pytest.fixture(scope="module")
def site(system, director):
    project, _ = make_project(director, "导入客户一期", units=1)
    other, _ = make_project(director, "导入客户二期", units=1)
    p1 = project["id"]
    apis = {"alice": staff(system, director, "cimp_alice", "advisor", [p1]),
            "bob": staff(system, director, "cimp_bob", "advisor", [p1]),
            "manager": staff(system, director, "cimp_manager", "manager", [p1]),
            "elsewhere": staff(system, director, "cimp_far", "advisor", [other["id"]])}
    ids = {short(a["username"]): a["id"] for a in director.ok(director.get("/api/accounts"))}
    return dict(apis, p1=p1, ids={k: ids[f"cimp_{k}"] for k in ("alice", "bob", "manager")})


def upload(api, project_id, content, name="老客户.xlsx"):
    return api.post(f"/api/projects/{project_id}/customer-imports", data=content, params={"file_name": name})


def customers(api, project_id):
    return {c["mobile"]: c for c in api.ok(api.get(f"/api/projects/{project_id}/customers",
                                                   params={"limit": 500}))}


def test_dry_run_then_confirm_imports_the_good_rows_once(site):
    alice, bob, manager, p1 = site["alice"], site["bob"], site["manager"], site["p1"]
    last_week = date.today() - timedelta(days=7)
    alice.ok(alice.post(f"/api/projects/{p1}/customers", {"mobile": "13700000001", "name": "钱先生",
                                                         "channel": "walk_in"}), 201)
    protected = bob.ok(bob.post(f"/api/projects/{p1}/customers", {"mobile": "13700000002", "name": "孙女士",
                                                                 "channel": "phone"}), 201)["customer"]
    content = xlsx(HEADER, [
        ["李先生", "137 0000 0003", "来电", "A", "cimp_alice", last_week, "想要三房"],  # new, by full name
        ["钱先生", "13700000001", "自然到访", "B级", "cimp_alice", None, None],  # Alice's already: same
        ["孙女士", "13700000002", "网络", "A", bob.username, None, None],  # Bob's, by login name: same
        ["孙女士", "13700000002", "老带新", "A", "cimp_alice", None, None],  # twice in the file
        ["周先生", "13700000005", "来电", "C", "cimp_alice", None, None],
        ["周太太", "13700000006", "来电", "C", "cimp_bob", None, None],
        ["吴先生", "1370000", "来电", "A", "cimp_alice", None, None],  # bad mobile
        ["郑先生", "13700000008", "来电", "A", "cimp_far", None, None],  # another project's advisor
        ["冯先生", "13700000009", "抖音", "A", "cimp_alice", (date.today() + timedelta(days=3)).isoformat(), None],
    ])
    before = customers(manager, p1)
    dry = manager.ok(upload(manager, p1, content), 201)
    rows = {r["row"]: r for r in dry["rows"]}
    assert dry["status"] == "previewed" and dry["file_name"] == "老客户.xlsx"
    assert {n: rows[n]["judgement"] for n in range(2, 8)} == {2: "new", 3: "same", 4: "same", 5: None, 6: "new",
                                                             7: "new"}
    assert {n: [e["code"] for e in rows[n]["errors"]] for n in (5, 8, 9, 10)} == {
        5: ["DUPLICATE_IN_FILE"], 8: ["INVALID_MOBILE"], 9: ["UNKNOWN_OWNER"],
        10: ["UNKNOWN_CHANNEL", "INVALID_DATE"]}
    assert rows[2]["values"]["owner_id"] == site["ids"]["alice"] and rows[2]["values"]["mobile"] == "13700000003"
    assert dry["counts"] == {"rows": 9, "valid": 5, "invalid": 4, "new": 3, "same": 2, "claim": 0, "conflict": 0}
    # nothing written before the confirmation
    assert customers(manager, p1) == before
    assert manager.ok(manager.get(f"/api/projects/{p1}/export-log")) == []
    assert manager.ok(manager.get(f"/api/customer-imports/{dry['id']}"))["rows"] == dry["rows"]
    for refused in (alice.post(f"/api/customer-imports/{dry['id']}/confirm"), upload(alice, p1, content),
                    alice.get(f"/api/customer-imports/{dry['id']}")):
        assert refused.status_code == 403 and refused.json()["error"] == "ROLE_FORBIDDEN"

    # Bob's customer is claimed by Alice's row after all: a second dry run raises a 撞单 on confirm
    claim = manager.ok(upload(manager, p1, xlsx(HEADER, [["孙女士", "13700000002", "老带新", "A", "cimp_alice"]]),
                              name="补充.xlsx"), 201)
    assert claim["rows"][0]["judgement"] == "conflict" and claim["rows"][0]["current_owner_name"] == bob.username

    done = manager.ok(manager.post(f"/api/customer-imports/{dry['id']}/confirm"))
    assert done["status"] == "confirmed" and done["counts"]["valid"] == 5
    after = customers(manager, p1)
    new = after["13700000003"]
    assert (new["name"], new["owner_id"], new["owner_name"], new["channel"], new["grade"], new["notes"]) == (
        "李先生", site["ids"]["alice"], "cimp_alice", "phone", "A", "想要三房")
    assert datetime.fromisoformat(new["last_follow_up_at"]).astimezone(SHANGHAI).date() == last_week
    assert after["13700000001"]["grade"] == "B" and after["13700000006"]["owner_id"] == site["ids"]["bob"]
    assert set(after) - set(before) == {"13700000003", "13700000005", "13700000006"}
    detail = manager.ok(manager.get(f"/api/customers/{new['id']}"))
    assert [(o["to_owner_id"], o["reason"]) for o in detail["owners"]] == [(site["ids"]["alice"], "imported")]

    ruled = manager.ok(manager.post(f"/api/customer-imports/{claim['id']}/confirm"))
    conflicts = manager.ok(manager.get(f"/api/projects/{p1}/conflicts", params={"status": "open"}))
    assert [(c["customer_id"], c["claimant_id"], c["channel"]) for c in conflicts] == [
        (protected["id"], site["ids"]["alice"], "referral")]
    assert ruled["rows"][0]["conflict_id"] == conflicts[0]["id"]
    assert customers(manager, p1)["13700000002"]["owner_id"] == site["ids"]["bob"]

    # confirming again imports nothing more and answers the same
    again = manager.ok(manager.post(f"/api/customer-imports/{dry['id']}/confirm"))
    assert again["counts"] == done["counts"] and again["confirmed_at"] == done["confirmed_at"]
    assert len(customers(manager, p1)) == len(after)
    log = manager.ok(manager.get(f"/api/projects/{p1}/export-log"))
    assert [(e["kind"], e["file_name"], e["row_count"], e["by_id"]) for e in log] == [
        ("import", "补充.xlsx", 1, site["ids"]["manager"]), ("import", "老客户.xlsx", 5, site["ids"]["manager"])]


def test_hostile_and_foreign_files_are_refused_with_a_clear_4xx(site, director):
    manager, p1 = site["manager"], site["p1"]
    before = customers(manager, p1)
    response = upload(manager, p1, bomb(HEADER))
    assert response.status_code == 413 and response.json()["error"] == "SPREADSHEET_TOO_LARGE"
    assert "inflates to" in response.json()["message"]
    for content, status, code in ((b"name,mobile\n13700000001\n", 400, "INVALID_SPREADSHEET"),
                                  (b"", 400, "INVALID_SPREADSHEET"),
                                  (xlsx(["楼栋", "房号"], [["1号楼", "101"]]), 400, "MISSING_COLUMNS"),
                                  (xlsx(HEADER, []), 400, "EMPTY_SPREADSHEET"),
                                  (xlsx(HEADER, [["某", "13700000001", "来电", "A", "cimp_alice"]] * 5001),
                                   422, "TOO_MANY_ROWS")):
        response = upload(manager, p1, content)
        assert (response.status_code, response.json()["error"]) == (status, code), response.text
    assert customers(manager, p1) == before
    missing = manager.post("/api/customer-imports/99999999/confirm")
    assert missing.status_code == 404 and missing.json()["error"] == "CUSTOMER_IMPORT_NOT_FOUND"
    elsewhere = site["elsewhere"]
    assert upload(elsewhere, p1, xlsx(HEADER, [])).status_code == 403
