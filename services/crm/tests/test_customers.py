"""Customers and ownership through the real crm entrypoints, on SQLite and PostgreSQL with the
real broker: 报备 outcomes, 撞单 conflicts and rulings, 保护期 and its lapse, staff_left and
reassignment, phone privacy, scope, and logged exports."""
import base64
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from loupan.schemas.crm_customers import MAX_EXPORT_ROWS
from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.testing import db_rows, db_write, publish_event, wait_until
from loupan.types import utcnow
from loupan.uow import UnitOfWork, make_engine
from services.crm import customers
from services.crm.models import Customer, CustomerExport, CustomerOwner
from services.crm.tests.conftest import actor

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

P = 1
ALICE = actor(11, "advisor", [P], username="alice")
BOB = actor(12, "advisor", [P], username="bob")
SUPERVISOR = actor(13, "supervisor", [P])
ASSISTANT = actor(14, "assistant", [P])
MANAGER = actor(2, "manager", [P])
DIRECTOR = actor(1, "director")
VIEWER = actor(15, "developer_viewer", [P])
ELSEWHERE = actor(16, "advisor", [2])


def lead(mobile="13812345678", name="王先生", channel="walk_in", **extra):
    return dict({"mobile": mobile, "name": name, "channel": channel}, **extra)


def owners(config, customer_id):
    return [(r.from_owner_id, r.to_owner_id, r.reason) for r in db_rows(config, select(CustomerOwner).where(
        CustomerOwner.customer_id == customer_id).order_by(CustomerOwner.id))]


def expire_protection(config, customer_id):
    db_write(config, update(Customer).where(Customer.id == customer_id)
             .values(protected_until=utcnow() - timedelta(minutes=1)))


def test_a_new_phone_is_a_new_customer_of_the_registering_advisor(call, crm_config, event_sink):
    sink = event_sink("crm")
    result = call("register_customer", ALICE, P, lead("+86 138-1234-5678", grade="B", budget_min="2000000",
                                                      budget_max="3000000", layout="3室"))
    assert result["outcome"] == "created" and result["conflict"] is None
    customer = result["customer"]
    assert customer["mobile"] == "13812345678" and customer["mobile_masked"] is False
    assert customer["owner_id"] == ALICE["account_id"] and customer["owner_name"] == "alice"
    assert customer["grade"] == "B" and customer["budget_max"] == "3000000.00"
    detail = call("get_customer", ALICE, customer["id"])
    assert [g["grade"] for g in detail["grades"]] == ["B"]
    assert [(o["to_owner_id"], o["reason"]) for o in detail["owners"]] == [(ALICE["account_id"], "registered")]
    event = sink.wait_for("customer_registered")[0]
    assert event["payload"] == {"customer_id": customer["id"], "advisor_id": ALICE["account_id"],
                                "channel": "walk_in", "grade": "B"}


def test_an_invalid_mobile_is_refused(call):
    with pytest.raises(Invalid) as info:
        call("register_customer", ALICE, P, lead("12345"))
    assert info.value.code == "INVALID_MOBILE"
    with pytest.raises(Invalid):
        call("register_customer", ALICE, P, lead(channel="billboard"))


def test_registering_ones_own_customer_again_changes_nothing(call, crm_config):
    first = call("register_customer", ALICE, P, lead())["customer"]
    again = call("register_customer", ALICE, P, lead("138 1234 5678", name="王总"))
    assert again["outcome"] == "existing" and again["customer"]["id"] == first["id"]
    assert again["customer"]["name"] == "王先生"
    assert len(db_rows(crm_config, select(Customer.id))) == 1


def test_a_protected_customer_registered_by_another_is_a_conflict_not_a_second_owner(call, crm_config):
    mine = call("register_customer", ALICE, P, lead())["customer"]
    claim = call("register_customer", BOB, P, lead(name="王生", notes="他说上周来过"))
    assert claim["outcome"] == "conflict"
    # the claimant learns that the number is protected and until when, nothing of the colleague's customer
    assert claim["customer"] == {"project_id": P, "mobile": "138****5678", "mobile_masked": True,
                                 "status": mine["status"], "protected_until": mine["protected_until"]}
    conflict = claim["conflict"]
    assert "owner_id" not in conflict and "customer_id" not in conflict
    assert (conflict["claimant_id"], conflict["status"], conflict["claimed_name"]) == (BOB["account_id"], "open", "王生")
    assert owners(crm_config, mine["id"]) == [(None, ALICE["account_id"], "registered")]
    listed = call("list_conflicts", MANAGER, P, {"status": "open"})
    assert [(c["id"], c["customer_id"], c["owner_id"]) for c in listed] == [
        (conflict["id"], mine["id"], ALICE["account_id"])]
    # a manager (who sees every customer of the site) gets the whole answer
    ruled = call("register_customer", MANAGER, P, lead())
    assert ruled["outcome"] == "conflict" and ruled["customer"]["owner_id"] == ALICE["account_id"]
    assert ruled["conflict"]["owner_id"] == ALICE["account_id"]


def test_a_channel_partners_report_entered_by_the_assistant(call):
    """An assistant enters a partner's 报备 for a chosen advisor; a second partner's report of
    the same phone is a conflict naming that partner."""
    result = call("register_customer", ASSISTANT, P, lead(channel="channel_partner", partner_name="链家",
                                                          owner_id=BOB["account_id"], owner_name="bob"))
    assert result["outcome"] == "created" and result["customer"]["owner_id"] == BOB["account_id"]
    assert result["customer"]["partner_name"] == "链家" and result["customer"]["mobile_masked"]
    other = call("register_customer", ASSISTANT, P, lead(channel="channel_partner", partner_name="我爱我家"))
    assert other["outcome"] == "conflict" and other["conflict"]["partner_name"] == "我爱我家"
    assert other["conflict"]["claimant_id"] is None
    with pytest.raises(Invalid):
        call("register_customer", ASSISTANT, P, lead("13900000000", channel="channel_partner"))


def test_an_advisor_registers_only_for_themselves(call):
    with pytest.raises(Forbidden):
        call("register_customer", ALICE, P, lead(owner_id=BOB["account_id"]))
    with pytest.raises(Forbidden):
        call("register_customer", actor(18, "finance", [P]), P, lead())


def test_pool_and_lapsed_customers_are_claimed(call, crm_config):
    pooled = call("register_customer", ASSISTANT, P, lead("13900000001"))
    assert pooled["outcome"] == "created" and pooled["customer"]["owner_id"] is None
    claimed = call("register_customer", BOB, P, lead("13900000001"))
    assert claimed["outcome"] == "claimed" and claimed["customer"]["owner_id"] == BOB["account_id"]
    assert claimed["customer"]["protected_until"] is not None

    expire_protection(crm_config, pooled["customer"]["id"])
    taken = call("register_customer", ALICE, P, lead("13900000001"))
    assert taken["outcome"] == "claimed" and taken["customer"]["owner_id"] == ALICE["account_id"]
    assert owners(crm_config, pooled["customer"]["id"]) == [
        (None, None, "registered"), (None, BOB["account_id"], "claimed"),
        (BOB["account_id"], ALICE["account_id"], "claimed")]


def test_phones_are_masked_except_for_the_owner_and_managers(call):
    customer_id = call("register_customer", ALICE, P, lead())["customer"]["id"]
    call("register_customer", BOB, P, lead("13900000002"))
    call("register_customer", ASSISTANT, P, lead("13900000003"))  # the pool

    def phones(who, **query):
        return {c["id"]: c["mobile"] for c in call("list_customers", who, P, query)}

    assert phones(ALICE)[customer_id] == "13812345678"
    assert customer_id not in phones(BOB)  # another advisor's customer is not in their list
    assert len(phones(BOB)) == 2  # their own and the pool
    assert phones(SUPERVISOR)[customer_id] == "138****5678"
    assert phones(ASSISTANT)[customer_id] == "138****5678"
    assert phones(MANAGER)[customer_id] == "13812345678"
    assert phones(DIRECTOR)[customer_id] == "13812345678"
    # a full-number search finds the customer the list shows masked
    assert phones(SUPERVISOR, mobile="138 1234 5678") == {customer_id: "138****5678"}
    assert phones(BOB, mobile="13812345678") == {}
    assert call("get_customer", SUPERVISOR, customer_id)["mobile"] == "138****5678"
    assert call("get_customer", MANAGER, customer_id)["mobile"] == "13812345678"
    with pytest.raises(Forbidden) as info:
        call("get_customer", BOB, customer_id)
    assert info.value.code == "CUSTOMER_NOT_YOURS"
    for query in (lambda: call("list_customers", VIEWER, P, {}), lambda: call("get_customer", VIEWER, customer_id)):
        with pytest.raises(Forbidden):  # the developer's viewers read reports, not customers
            query()


def test_list_filters_and_pages(call):
    for i in range(5):
        call("register_customer", ALICE, P, lead(f"1390000001{i}", name=f"客户{i}", grade="A" if i % 2 else "C",
                                                 channel="phone" if i < 2 else "walk_in"))
    assert len(call("list_customers", MANAGER, P, {"grade": "A"})) == 2
    assert len(call("list_customers", MANAGER, P, {"channel": "phone"})) == 2
    assert [c["name"] for c in call("list_customers", MANAGER, P, {"q": "客户3"})] == ["客户3"]
    assert len(call("list_customers", MANAGER, P, {"owner_id": ALICE["account_id"], "limit": 2, "offset": 4})) == 1
    assert call("list_customers", MANAGER, P, {"pool": True}) == []
    with pytest.raises(Invalid):
        call("list_customers", MANAGER, P, {"mobile": "555"})


def test_other_projects_and_agencies_are_out_of_scope(call):
    customer_id = call("register_customer", ALICE, P, lead())["customer"]["id"]
    with pytest.raises(Forbidden):
        call("get_customer", ELSEWHERE, customer_id)
    with pytest.raises(Forbidden):
        call("register_customer", ELSEWHERE, P, lead("13900000009"))
    with pytest.raises(Forbidden):
        call("list_customers", ELSEWHERE, P, {})
    with pytest.raises(NotFound):
        call("get_customer", actor(99, "director", agency_id=2), customer_id)


def test_the_owner_or_a_manager_changes_needs_and_grade_with_its_history(call):
    customer_id = call("register_customer", ALICE, P, lead(grade="C"))["customer"]["id"]
    changed = call("update_customer", ALICE, customer_id, {"grade": "A", "grade_reason": "二次到访", "district": "滨江",
                                                           "area_min": "90", "area_max": "120"})
    assert changed["grade"] == "A" and changed["district"] == "滨江" and changed["area_max"] == "120.00"
    assert [(g["grade"], g["reason"]) for g in changed["grades"]] == [("C", "registered"), ("A", "二次到访")]
    assert call("update_customer", MANAGER, customer_id, {"notes": "全款"})["notes"] == "全款"
    assert call("update_customer", MANAGER, customer_id, {"notes": "全款"})["district"] == "滨江"
    for who in (BOB, SUPERVISOR):
        with pytest.raises(Forbidden):
            call("update_customer", who, customer_id, {"notes": "x"})
    with pytest.raises(Invalid):
        call("update_customer", ALICE, customer_id, {"area_min": "130", "area_max": "120"})


def test_a_manager_rules_a_conflict_once(call, crm_config):
    customer_id = call("register_customer", ALICE, P, lead())["customer"]["id"]
    first = call("register_customer", BOB, P, lead())["conflict"]
    second = call("register_customer", BOB, P, lead())["conflict"]
    with pytest.raises(Forbidden):
        call("rule_conflict", SUPERVISOR, first["id"], {"decision": "transfer"})

    kept = call("rule_conflict", MANAGER, first["id"], {"decision": "keep", "note": "alice 先报备"})
    assert kept["status"] == "kept" and kept["ruled_by"] == MANAGER["account_id"]
    assert call("get_customer", MANAGER, customer_id)["owner_id"] == ALICE["account_id"]
    with pytest.raises(Conflict) as info:
        call("rule_conflict", MANAGER, first["id"], {"decision": "transfer"})
    assert info.value.code == "CONFLICT_RULED"

    moved = call("rule_conflict", DIRECTOR, second["id"], {"decision": "transfer", "note": "bob 带看在先"})
    assert moved["status"] == "transferred"
    detail = call("get_customer", BOB, customer_id)
    assert detail["owner_id"] == BOB["account_id"] and detail["mobile"] == "13812345678"
    assert detail["owners"][-1]["reason"] == "ruling" and detail["owners"][-1]["note"] == "bob 带看在先"
    assert [c["status"] for c in call("list_conflicts", MANAGER, P, {})] == ["transferred", "kept"]


def test_the_sweep_returns_lapsed_leads_to_the_pool_but_never_a_deal(call, crm_config):
    lapsed = call("register_customer", ALICE, P, lead("13900000021"))["customer"]["id"]
    kept = call("register_customer", ALICE, P, lead("13900000022"))["customer"]["id"]
    dealt = call("register_customer", ALICE, P, lead("13900000023"))["customer"]["id"]
    for customer_id in (lapsed, dealt):
        expire_protection(crm_config, customer_id)
    db_write(crm_config, update(Customer).where(Customer.id == dealt).values(status="subscribed"))

    call("sweep_protection")
    rows = dict(db_rows(crm_config, select(Customer.id, Customer.owner_id)))
    assert rows == {lapsed: None, kept: ALICE["account_id"], dealt: ALICE["account_id"]}
    assert owners(crm_config, lapsed)[-1] == (ALICE["account_id"], None, "lapsed")
    call("sweep_protection")
    assert len(owners(crm_config, lapsed)) == 2


def test_a_leavers_customers_go_to_the_pool_once(call, crm_config):
    ids = [call("register_customer", ALICE, P, lead(f"1390000003{i}"))["customer"]["id"] for i in range(3)]
    bobs = call("register_customer", BOB, P, lead("13900000039"))["customer"]["id"]
    publish_event(crm_config["AMQP_URI"], "staff_left", {
        "account_id": ALICE["account_id"], "username": "alice", "role": "advisor", "project_ids": [P],
        "left_on": date(2026, 11, 20)}, agency_id=1, copies=2)
    wait_until(lambda: not [r for r in db_rows(crm_config, select(Customer.owner_id).where(Customer.id.in_(ids)))
                            if r.owner_id is not None], what="the leaver's customers in the pool")
    wait_until(lambda: len(db_rows(crm_config, select(CustomerOwner.id).where(CustomerOwner.reason == "left"))) == 3,
               what="three 'left' history rows")
    assert call("get_customer", MANAGER, bobs)["owner_id"] == BOB["account_id"]


def test_a_manager_reassigns_in_one_action_spread_evenly(call, crm_config):
    ids = [call("register_customer", ALICE, P, lead(f"1390000004{i}"))["customer"]["id"] for i in range(5)]
    with pytest.raises(Forbidden):
        call("reassign_customers", SUPERVISOR, P, {"from_owner_id": ALICE["account_id"],
                                                   "to_owners": [{"account_id": BOB["account_id"]}]})
    result = call("reassign_customers", MANAGER, P, {
        "from_owner_id": ALICE["account_id"], "note": "alice 离职",
        "to_owners": [{"account_id": BOB["account_id"], "name": "bob"}, {"account_id": 17, "name": "carol"}]})
    assert result["moved"] == 5
    assert sorted(o["count"] for o in result["owners"]) == [2, 3]
    rows = db_rows(crm_config, select(Customer.owner_id, Customer.owner_name))
    assert sorted(r.owner_name for r in rows) == ["bob", "bob", "bob", "carol", "carol"]
    assert {owners(crm_config, i)[-1][2] for i in ids} == {"reassigned"}

    one = call("reassign_customers", MANAGER, P, {"customer_ids": [ids[0]], "to_owners": [{"account_id": 17}]})
    assert one["moved"] == 1
    with pytest.raises(NotFound):
        call("reassign_customers", MANAGER, P, {"customer_ids": [999], "to_owners": [{"account_id": 17}]})
    with pytest.raises(Invalid):
        call("reassign_customers", MANAGER, P, {"to_owners": [{"account_id": 17}]})


def test_protection_days_are_a_project_setting(call, crm_config):
    assert call("get_customer_settings", ALICE, P) == {"project_id": P, "protection_days": 30}
    with pytest.raises(Forbidden):
        call("set_customer_settings", SUPERVISOR, P, {"protection_days": 10})
    assert call("set_customer_settings", MANAGER, P, {"protection_days": 10})["protection_days"] == 10
    before = utcnow()
    customer = call("register_customer", ALICE, P, lead())["customer"]
    until = db_rows(crm_config, select(Customer.protected_until))[0][0]
    assert before + timedelta(days=10) <= until <= utcnow() + timedelta(days=10)
    assert customer["protected_until"] is not None


def test_a_follow_up_extends_the_protection(crm_config, call):
    customer_id = call("register_customer", ALICE, P, lead())["customer"]["id"]
    engine = make_engine(crm_config["DATABASE_URL"])
    uow = UnitOfWork(engine)
    try:
        customer = uow.session.get(Customer, customer_id)
        later = utcnow() + timedelta(days=20)
        customers.touch(uow.session, customer, later)
        customers.touch(uow.session, customer, later - timedelta(days=5))  # an older note moves nothing back
        uow.commit()
    finally:
        uow.close()
        engine.dispose()
    row = db_rows(crm_config, select(Customer.last_follow_up_at, Customer.protected_until))[0]
    assert row.last_follow_up_at == later and row.protected_until == later + timedelta(days=30)


def test_exports_are_for_managers_and_are_logged(call, crm_config):
    call("register_customer", ALICE, P, lead(grade="A"))
    call("register_customer", BOB, P, lead("13900000051", grade="C"))
    for who in (ALICE, SUPERVISOR, VIEWER):
        with pytest.raises(Forbidden):
            call("export_customers", who, P, {})
    rows = call("export_customers", MANAGER, P, {"format": "json", "grade": "A"})["rows"]
    assert [r["mobile"] for r in rows] == ["13812345678"]
    xlsx = call("export_customers", DIRECTOR, P, {})
    sheet = load_workbook(io.BytesIO(base64.b64decode(xlsx["content"]))).active
    values = list(sheet.values)
    assert values[0][:3] == ("编号", "姓名", "手机") and len(values) == 3
    assert {v[2] for v in values[1:]} == {"13812345678", "13900000051"}
    log = call("customer_export_log", MANAGER, P)
    assert [(e["by_id"], e["row_count"], e["format"], e["filters"]) for e in log] == [
        (DIRECTOR["account_id"], 2, "xlsx", {}), (MANAGER["account_id"], 1, "json", {"grade": "A"})]
    assert len(db_rows(crm_config, select(CustomerExport.id))) == 2
    with pytest.raises(Forbidden):
        call("customer_export_log", ALICE, P)


def test_an_export_of_a_hundred_thousand_customers_is_refused_and_paged(call, crm_config):
    """An export holds at most MAX_EXPORT_ROWS rows: a whole-project export of 100,000 is a
    clear 422 naming the count, nothing is logged, and limit/offset pages through them."""
    call("register_customer", ALICE, P, lead())
    now = utcnow()
    db_write(crm_config, Customer.__table__.insert(), [
        {"agency_id": 1, "project_id": P, "mobile": f"137{i:08d}", "name": f"客户{i}", "channel": "walk_in",
         "status": "lead", "registered_at": now - timedelta(seconds=i), "updated_at": now}
        for i in range(99_999)])
    with pytest.raises(RuleViolated) as refused:
        call("export_customers", MANAGER, P, {"format": "json"})
    assert refused.value.code == "EXPORT_TOO_LARGE" and "100,000 customers match" in str(refused.value)
    assert db_rows(crm_config, select(CustomerExport.id)) == []
    page = call("export_customers", MANAGER, P, {"format": "json", "limit": 500, "offset": 99_500})["rows"]
    assert len(page) == 500 and page[-1]["mobile"] == "13700099998"
    narrowed = call("export_customers", MANAGER, P, {"format": "json", "mobile": "13812345678"})["rows"]
    assert [r["mobile"] for r in narrowed] == ["13812345678"]
    with pytest.raises(Invalid):
        call("export_customers", MANAGER, P, {"limit": MAX_EXPORT_ROWS + 1})
