"""Customer imports through the real crm entrypoints (customer_imports.py), on SQLite and
PostgreSQL with the real broker: the dry run writes nothing but itself, the confirmation
imports its good rows once with the 报备's ownership rules, and is logged with the exports."""
import base64
import io
import zipfile
from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, update

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from loupan.testing import db_rows, db_write
from loupan.types import SHANGHAI, utcnow
from services.crm.models import Conflict as ConflictRow, Customer, CustomerImport, CustomerOwner
from services.crm.tests.conftest import actor
from services.crm.tests.test_customers import ALICE, BOB, DIRECTOR, MANAGER, P, expire_protection, lead

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

CAROL = actor(17, "advisor", [P], username="carol")
STAFF = [{"account_id": ALICE["account_id"], "full_name": "王丽", "username": "alice", "project_ids": [P]},
         {"account_id": BOB["account_id"], "full_name": "赵强", "username": "bob", "project_ids": [P]},
         {"account_id": CAROL["account_id"], "full_name": "陈静", "username": "carol", "project_ids": [P]},
         {"account_id": 18, "full_name": "刘洋", "username": "liu", "project_ids": [2]}]
HEADER = ["客户姓名", "手机号", "认知途径", "意向等级", "归属顾问", "最后跟进日期", "备注"]


def sheet(rows, header=HEADER):
    workbook = Workbook()
    ws = workbook.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content, file_name="老客户.xlsx", staff=STAFF):
    return {"content": base64.b64encode(content).decode("ascii"), "file_name": file_name, "staff": staff}


def customers(config):
    return db_rows(config, select(Customer).order_by(Customer.id))


def count(config, table):
    return db_rows(config, select(func.count()).select_from(table))[0][0]


def agency_file(crm_config, call):
    """The project holds: 13800000001 Alice's (protected), 13800000002 Bob's (protected),
    13800000003 Bob's with the 保护期 lapsed. The file: a new customer, Alice's again (same),
    Bob's lapsed one for Carol (claim), Bob's protected one for Carol (撞单), and bad rows."""
    call("register_customer", ALICE, P, lead("13800000001", grade="C"))
    call("register_customer", BOB, P, lead("13800000002"))
    lapsed = call("register_customer", BOB, P, lead("13800000003"))["customer"]["id"]
    expire_protection(crm_config, lapsed)
    return sheet([
        ["孙女士", "139 0000 0001", "来电", "A", "王丽", datetime(2026, 11, 20), "想要三房"],
        ["王先生", "13800000001", "自然到访", "B级", "alice", "2026/11/25", None],
        ["周先生", "13800000003", "老带新", None, "陈静", None, None],
        ["吴女士", "13800000002", "网络", "A", "陈静", None, "原渠道客户"],
        ["郑先生", "1380000", "来电", "A", "王丽", None, None],
        ["冯先生", "13900000005", "来电", "A", "小李", None, None],
        ["孙女士", "13900000001", "来电", "A", "赵强", None, None],
        ["陈先生", "13900000007", "抖音", "E", "赵强", "2099-01-01", None],
        ["刘先生", "13900000008", "来电", "A", "刘洋", None, None],
    ]), lapsed


def test_the_dry_run_lists_bad_rows_and_judgements_and_writes_nothing(call, crm_config):
    content, lapsed = agency_file(crm_config, call)
    before = [(c.id, c.owner_id, c.grade, c.last_follow_up_at) for c in customers(crm_config)]
    histories = count(crm_config, CustomerOwner.__table__)
    dry = call("preview_customer_import", MANAGER, P, upload(content))
    assert dry["status"] == "previewed" and dry["file_name"] == "老客户.xlsx"
    rows = {r["row"]: r for r in dry["rows"]}
    assert [(n, rows[n]["judgement"]) for n in (2, 3, 4, 5)] == [(2, "new"), (3, "same"), (4, "claim"), (5, "conflict")]
    assert rows[2]["values"]["mobile"] == "13900000001" and rows[2]["values"]["owner_id"] == ALICE["account_id"]
    assert rows[2]["values"]["last_follow_up"] == "2026-11-20" and rows[3]["values"]["grade"] == "B"
    assert rows[5]["current_owner_name"] == "bob" and rows[4]["customer_id"] == lapsed
    assert {n: [e["code"] for e in rows[n]["errors"]] for n in range(6, 11)} == {
        6: ["INVALID_MOBILE"], 7: ["UNKNOWN_OWNER"], 8: ["DUPLICATE_IN_FILE"],
        9: ["UNKNOWN_CHANNEL", "UNKNOWN_GRADE", "INVALID_DATE"],
        10: ["UNKNOWN_OWNER"]}  # 刘洋 works on another project
    assert dry["counts"] == {"rows": 9, "valid": 4, "invalid": 5, "new": 1, "same": 1, "claim": 1, "conflict": 1}
    assert [(c.id, c.owner_id, c.grade, c.last_follow_up_at) for c in customers(crm_config)] == before
    assert count(crm_config, ConflictRow.__table__) == 0 and count(crm_config, CustomerOwner.__table__) == histories
    assert call("customer_export_log", MANAGER, P) == []
    assert call("get_customer_import", MANAGER, dry["id"])["rows"] == dry["rows"]


def test_confirming_imports_the_good_rows_once_with_a_conflict_and_a_log_entry(call, crm_config):
    content, lapsed = agency_file(crm_config, call)
    dry = call("preview_customer_import", MANAGER, P, upload(content))
    done = call("confirm_customer_import", MANAGER, dry["id"], {"staff": STAFF})
    assert done["status"] == "confirmed" and done["confirmed_by"] == MANAGER["account_id"]
    assert done["counts"] == dry["counts"]
    by_mobile = {c.mobile: c for c in customers(crm_config)}
    new = by_mobile["13900000001"]
    assert (new.name, new.owner_id, new.owner_name, new.channel, new.grade, new.notes) == (
        "孙女士", ALICE["account_id"], "王丽", "phone", "A", "想要三房")
    assert new.last_follow_up_at == datetime(2026, 11, 20, tzinfo=SHANGHAI)
    assert new.protected_until > utcnow() + timedelta(days=29)  # 保护期 from the import, as a 报备's
    assert [(o.to_owner_id, o.reason) for o in db_rows(crm_config, select(CustomerOwner).where(
        CustomerOwner.customer_id == new.id))] == [(ALICE["account_id"], "imported")]
    same = by_mobile["13800000001"]
    assert (same.owner_id, same.grade, same.name) == (ALICE["account_id"], "B", "王先生")
    assert same.last_follow_up_at == datetime(2026, 11, 25, tzinfo=SHANGHAI)
    claimed = by_mobile["13800000003"]
    assert claimed.owner_id == CAROL["account_id"] and claimed.owner_name == "陈静"
    assert by_mobile["13800000002"].owner_id == BOB["account_id"]  # protected: Bob keeps it
    conflicts = call("list_conflicts", MANAGER, P)
    assert [(c["customer_id"], c["owner_id"], c["claimant_id"], c["claimant_name"], c["channel"], c["status"])
            for c in conflicts] == [(by_mobile["13800000002"].id, BOB["account_id"], CAROL["account_id"], "陈静",
                                     "online", "open")]
    assert {r["row"]: r["conflict_id"] for r in done["rows"]}[5] == conflicts[0]["id"]
    assert "13900000005" not in by_mobile and len(by_mobile) == 4  # bad rows skipped
    log = call("customer_export_log", MANAGER, P)
    assert [(e["kind"], e["file_name"], e["row_count"], e["by_id"]) for e in log] == [
        ("import", "老客户.xlsx", 4, MANAGER["account_id"])]
    # confirming again imports nothing more and answers the same
    again = call("confirm_customer_import", DIRECTOR, dry["id"], {"staff": STAFF})
    assert again["counts"] == done["counts"] and again["confirmed_by"] == MANAGER["account_id"]
    assert len(customers(crm_config)) == 4 and len(call("list_conflicts", MANAGER, P)) == 1
    assert len(call("customer_export_log", MANAGER, P)) == 1


def test_the_confirmation_judges_again_against_the_customers_of_that_moment(call, crm_config):
    """A customer registered by an advisor between the dry run and the confirmation: the new
    row becomes a 撞单, not a second customer."""
    dry = call("preview_customer_import", MANAGER, P, upload(sheet([["孙女士", "13900000001", "来电", "A", "王丽"]])))
    assert dry["rows"][0]["judgement"] == "new"
    call("register_customer", BOB, P, lead("13900000001"))
    done = call("confirm_customer_import", MANAGER, dry["id"], {"staff": STAFF})
    assert done["rows"][0]["judgement"] == "conflict"
    assert [c.owner_id for c in customers(crm_config)] == [BOB["account_id"]]
    assert len(call("list_conflicts", MANAGER, P)) == 1


def test_an_expired_dry_run_is_refused(call, crm_config):
    dry = call("preview_customer_import", MANAGER, P, upload(sheet([["孙女士", "13900000001", "来电", "A", "王丽"]])))
    db_write(crm_config, update(CustomerImport).where(CustomerImport.id == dry["id"])
             .values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(Conflict) as err:
        call("confirm_customer_import", MANAGER, dry["id"], {"staff": STAFF})
    assert err.value.code == "IMPORT_EXPIRED"
    assert customers(crm_config) == []


def test_only_managers_import_and_only_their_agency_and_projects(call, crm_config):
    content = sheet([["孙女士", "13900000001", "来电", "A", "王丽"]])
    for who in (ALICE, actor(13, "supervisor", [P]), actor(14, "assistant", [P])):
        with pytest.raises(Forbidden):
            call("preview_customer_import", who, P, upload(content))
    dry = call("preview_customer_import", MANAGER, P, upload(content))
    with pytest.raises(Forbidden):
        call("confirm_customer_import", ALICE, dry["id"], {"staff": STAFF})
    other_agency = actor(30, "director", agency_id=2)
    for method, args in (("get_customer_import", (dry["id"],)),
                         ("confirm_customer_import", (dry["id"], {"staff": STAFF}))):
        with pytest.raises(NotFound):
            call(method, other_agency, *args)
    with pytest.raises(Forbidden):  # a manager of another project of the agency
        call("get_customer_import", actor(31, "manager", [2]), dry["id"])
    assert customers(crm_config) == []


def test_hostile_or_foreign_files_are_refused_before_any_row(call, crm_config):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(TooLarge) as err:
        call("preview_customer_import", MANAGER, P, upload(bomb.getvalue()))
    assert err.value.code == "SPREADSHEET_TOO_LARGE"
    for content, code in ((b"name,mobile\n", "INVALID_SPREADSHEET"),
                          (sheet([["1号楼", "101"]], header=["楼栋", "房号"]), "MISSING_COLUMNS"),
                          (sheet([]), "EMPTY_SPREADSHEET")):
        with pytest.raises(Invalid) as err:
            call("preview_customer_import", MANAGER, P, upload(content))
        assert err.value.code == code
    assert count(crm_config, CustomerImport.__table__) == 0
