"""认购 through the real entrypoints on SQLite and PostgreSQL with the real broker, with a real
inventory container in the same vhost (its own database): the saga's three steps, retries,
price rules, failures and their compensation, the sweep after a crash, and 审核."""
from datetime import timedelta

import pytest
from loupan.entrypoints import nameko_rpc as rpc  # a fake answers as our services do
from loupan.testing import cluster_rpc
from sqlalchemy import insert, select, update

from loupan.errors import Conflict, Forbidden, NotFound, Unavailable
from loupan.migrate import upgrade
from loupan.testing import (create_pg_database, db_rows, db_write, drop_pg_database, entrypoint_caller,
                            free_port, wait_until)
from loupan.types import today, utcnow
from services.contracts.models import Deal, DealBuyer, DealHistory
from services.contracts.tests.conftest import MIGRATIONS as CONTRACTS_MIGRATIONS
from services.contracts.tests.conftest import actor

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

INVENTORY_MIGRATIONS = CONTRACTS_MIGRATIONS.parents[1] / "inventory" / "migrations"
DIRECTOR = actor(1, "director")
DELIVERY = (today() + timedelta(days=700)).isoformat()


@pytest.fixture
def contracts_config(contracts_config):
    return dict(contracts_config, SAGA_SWEEP_SECONDS=0.3)


@pytest.fixture
def inventory(container_factory, service_config, database_url, tmp_path):
    """The real inventory service beside contracts (tests only: services never import each other)."""
    from services.inventory.service import InventoryService

    pg_name = None
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/inventory.db"
    else:
        pg_name, url = create_pg_database()
    upgrade(INVENTORY_MIGRATIONS, url)
    container = container_factory(InventoryService, dict(service_config, DATABASE_URL=url,
                                                         WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}"))
    container.start()
    yield container
    container.stop()
    if pg_name:
        drop_pg_database(pg_name)


@pytest.fixture
def inv(inventory):
    return entrypoint_caller(inventory)


@pytest.fixture
def site(inv):
    """A project (advisor range 2 %) with 4 released units of 3,000,000 (底价 2,800,000)."""
    project = inv("create_project", DIRECTOR, {"name": "滨江壹号", "city": "杭州", "developer_name": "某地产",
                                               "max_holds_per_buyer": 5, "advisor_discount_pct": "2"})
    building = inv("create_building", DIRECTOR, project["id"], {"name": "1号楼", "permit_no": "杭售许字001"})
    units = inv("create_units", DIRECTOR, project["id"], {"units": [
        {"building_id": building["id"], "number": f"{f}01", "floor": f, "layout": "3室2厅2卫", "orientation": "南",
         "property_type": "residential", "gross_area": "100.00", "net_area": "80.00",
         "list_price": "3000000.00", "base_price": "2800000.00"} for f in range(1, 5)]})
    ids = [u["id"] for u in units]
    inv("release_units", DIRECTOR, project["id"], {"unit_ids": ids})
    return {"project_id": project["id"], "units": ids}


def advisor(site, account_id=7):
    return actor(account_id, "advisor", [site["project_id"]])


def hold(inv, site, index=0, account_id=7, phone="13812345678"):
    return inv("hold_unit", advisor(site, account_id), site["units"][index],
               {"customer_name": "王五", "customer_phone": phone})


def body(hold_id, **extra):
    return dict({"hold_id": hold_id, "price": "3000000.00", "deposit": "50000.00", "payment_method": "full",
                 "delivery_date": DELIVERY}, **extra)


def unit_of(inv, unit_id):
    return inv("get_unit", DIRECTOR, unit_id)


def deals(config):
    return db_rows(config, select(Deal.id, Deal.status, Deal.subscription_no).order_by(Deal.id))


def raises(code, call, *args):
    with pytest.raises(Exception) as err:
        call(*args)
    assert getattr(err.value, "code", None) == code, err.value
    return err.value


# the saga -------------------------------------------------------------------------------
def test_a_subscription_takes_the_held_unit_and_is_numbered_per_project(call, inv, site, contracts_config):
    first = hold(inv, site, 0)
    deal = call("create_subscription", advisor(site), body(first["hold_id"], co_buyers=[
        {"name": "王六", "phone": "13900000000", "share": "40"}]))
    assert (deal["status"], deal["subscription_no"], deal["unit_id"]) == ("submitted", "RG000001", site["units"][0])
    assert (deal["list_price"], deal["gross_area"], deal["unit_label"]) == ("3000000.00", "100.00", "1号楼-101")
    assert deal["customer_phone"] == "13812345678" and deal["advisor_id"] == 7
    unit = unit_of(inv, site["units"][0])
    assert (unit["status"], unit["deal_id"], unit["hold"]) == ("subscribed", deal["id"], None)

    again = call("create_subscription", advisor(site), body(first["hold_id"]))
    assert (again["id"], again["subscription_no"]) == (deal["id"], "RG000001")
    second = call("create_subscription", advisor(site), body(hold(inv, site, 1, phone="13700000000")["hold_id"]))
    assert second["subscription_no"] == "RG000002"
    assert deals(contracts_config) == [(deal["id"], "submitted", "RG000001"), (second["id"], "submitted", "RG000002")]

    buyers = db_rows(contracts_config, select(DealBuyer.name, DealBuyer.share).where(DealBuyer.deal_id == deal["id"])
                     .order_by(DealBuyer.position))
    assert [(n, str(s)) for n, s in buyers] == [("王五", "60.00"), ("王六", "40.00")]
    history = db_rows(contracts_config, select(DealHistory.from_status, DealHistory.to_status)
                      .where(DealHistory.deal_id == deal["id"]).order_by(DealHistory.id))
    assert history == [(None, "pending"), ("pending", "submitted")]


def test_prices_and_terms_are_checked_before_the_hold_is_touched(call, inv, site, contracts_config):
    held = hold(inv, site, 0)
    # 2 % advisor range: 2,940,000 is the floor
    raises("PRICE_BELOW_FLOOR", call, "create_subscription", advisor(site), body(held["hold_id"], price="2939999.99"))
    raises("LOAN_REQUIRED", call, "create_subscription", advisor(site),
           body(held["hold_id"], payment_method="commercial_mortgage"))
    raises("DEPOSIT_OUT_OF_RANGE", call, "create_subscription", advisor(site), body(held["hold_id"], deposit="0"))
    raises("NOT_HOLD_OWNER", call, "create_subscription", advisor(site, 8), body(held["hold_id"]))
    raises("HOLD_NOT_FOUND", call, "create_subscription", advisor(site), body(999999))
    # the 认购 date (loupan/deal_dates.py): not after today, not a year typed wrong
    raises("DATE_IN_FUTURE", call, "create_subscription", advisor(site),
           body(held["hold_id"], subscribed_on=(today() + timedelta(days=1)).isoformat()))
    too_early = raises("DATE_TOO_EARLY", call, "create_subscription", advisor(site),
                       body(held["hold_id"], subscribed_on="1999-12-31"))
    assert "subscribed_on 1999-12-31" in too_early.message
    assert deals(contracts_config) == []
    assert unit_of(inv, site["units"][0])["hold"]["hold_id"] == held["hold_id"]

    # a manager approves 2,700,000 (below 底价 needs a director): the floor is that special price
    request = inv("request_discount", advisor(site), held["hold_id"], {"price": "2700000.00", "reason": "老客户"})
    inv("approve_discount", DIRECTOR, request["id"], {"note": "ok"})
    inv("execute_discount", actor(4, "assistant", [site["project_id"]]), request["id"])  # the 内勤 puts it in effect
    raises("PRICE_BELOW_FLOOR", call, "create_subscription", advisor(site), body(held["hold_id"], price="2699999.99"))
    deal = call("create_subscription", advisor(site), body(
        held["hold_id"], price="2700000.00", payment_method="provident_fund", loan_amount="2160000.00"))
    assert (deal["status"], deal["price"], deal["loan_amount"]) == ("submitted", "2700000.00", "2160000.00")


def test_a_hold_that_lapsed_before_inventory_took_it_fails_the_deal(call, inv, inventory, site, contracts_config):
    from services.inventory.models import Hold

    held = hold(inv, site, 0)
    # past its expiry, not yet swept: the pre-read sees it active, inventory refuses it
    db_write(inventory.config, update(Hold).where(Hold.id == held["hold_id"])
             .values(expires_at=utcnow() - timedelta(seconds=1)))
    err = raises("HOLD_NOT_ACTIVE", call, "create_subscription", advisor(site), body(held["hold_id"]))
    assert isinstance(err, Conflict)
    [(deal_id, status, number)] = deals(contracts_config)
    assert (status, number) == ("failed", None)
    # the retry finds the failed deal: no second attempt at a lapsed hold
    raises("SUBSCRIPTION_FAILED", call, "create_subscription", advisor(site), body(held["hold_id"]))
    assert deals(contracts_config) == [(deal_id, "failed", None)]


def test_the_sweep_finishes_deals_left_pending_by_a_crash(call, inv, site, contracts_config):
    """The service died after step 1 (inventory never heard of the deal) or after step 2
    (the unit is subscribed, the deal still pending). The sweep subscribes the unit (or finds
    it subscribed) and numbers the deal; a pending deal whose hold ended fails."""
    live, taken, ended = (hold(inv, site, i, phone=f"1370000000{i}") for i in range(3))
    inv("subscribe_hold", DIRECTOR, taken["hold_id"], 900)
    inv("cancel_hold", advisor(site), ended["hold_id"])
    for deal_id, h in ((800, live), (900, taken), (1000, ended)):
        db_write(contracts_config, insert(Deal).values(
            id=deal_id, agency_id=1, project_id=site["project_id"], unit_id=h["unit_id"], hold_id=h["hold_id"],
            status="pending", customer_name="王五", customer_phone=h["customer_phone"], advisor_id=7,
            price="3000000.00", deposit="50000.00", payment_method="full", created_by=7, created_at=utcnow(),
            updated_at=utcnow()))
    wait_until(lambda: "pending" not in {s for _, s, _ in deals(contracts_config)}, what="sweep")
    assert sorted(deals(contracts_config)) == [(800, "submitted", "RG000001"), (900, "submitted", "RG000002"),
                                               (1000, "failed", None)]
    for index, deal_id in ((0, 800), (1, 900)):
        unit = unit_of(inv, site["units"][index])
        assert (unit["status"], unit["deal_id"]) == ("subscribed", deal_id)
    assert unit_of(inv, site["units"][2])["status"] == "available"


class FlakyInventory:
    """An inventory that reads holds but cannot subscribe them until told (`up`); `attempts`
    counts the calls to subscribe_hold (the saga's own, then each sweep's)."""

    name = "inventory"
    up = False
    attempts = 0
    actors = []  # the actor of each subscribe_hold

    @rpc
    def get_hold(self, actor, hold_id):
        return {"hold_id": hold_id, "unit_id": 5, "project_id": 3, "status": "active", "advisor_id": 7,
                "customer_name": "王五", "customer_phone": "13812345678", "special_price": None,
                "list_price": "1000000.00", "base_price": "900000.00", "advisor_discount_pct": "0"}

    @rpc(expected_exceptions=Unavailable)
    def subscribe_hold(self, actor, hold_id, deal_id):
        FlakyInventory.attempts += 1
        FlakyInventory.actors.append(actor)
        if not FlakyInventory.up:
            raise Unavailable("inventory database is down")
        return {"deal_id": deal_id, "hold_id": hold_id, "unit_id": 5, "unit_label": "1号楼-101", "project_id": 3,
                "status": "subscribed", "advisor_id": 7, "customer_name": "王五", "customer_phone": "13812345678",
                "gross_area": "90.00", "list_price": "1000000.00", "base_price": "900000.00", "special_price": None}


def test_inventory_unavailable_leaves_the_deal_pending_until_the_sweep_completes_it(
        container_factory, service_config, call, contracts_config):
    FlakyInventory.up, FlakyInventory.attempts, FlakyInventory.actors = False, 0, []
    container_factory(FlakyInventory, dict(service_config, WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}")).start()
    scope = actor(7, "advisor", [3])
    err = raises("SUBSCRIPTION_PENDING", call, "create_subscription", scope, body(11, price="1000000.00"))
    assert err.status == 503
    [(deal_id, status, _)] = deals(contracts_config)
    assert status == "pending"
    # the saga's call, then two sweeps': the first sweep met a refusal and is over (its
    # timer does not tick again before it ends), and it left the deal pending
    wait_until(lambda: FlakyInventory.attempts >= 3, what="two sweeps tried inventory")
    assert deals(contracts_config)[0][1] == "pending"
    FlakyInventory.up = True
    wait_until(lambda: deals(contracts_config)[0][1:] == ("submitted", "RG000001"), what="sweep completes the deal")
    assert call("create_subscription", scope, body(11, price="1000000.00"))["id"] == deal_id
    # the saga's own call is the advisor's; the sweep's are the service itself (issue 30), for
    # the deal's agency and project, never the deal's creator nor a director
    assert FlakyInventory.actors[0]["account_id"] == 7
    system = {"account_id": 0, "username": "contracts", "role": "system", "agency_id": 1, "project_ids": [3]}
    assert FlakyInventory.actors[1:] and all(a == system for a in FlakyInventory.actors[1:])


class Crm:
    name = "crm"

    @rpc
    def get_customer(self, actor, customer_id):
        return {"id": customer_id, "name": "赵七", "mobile": "136****0000", "mobile_masked": True, "owner_id": 9,
                "project_id": None}


def test_a_crm_customer_is_the_buyer_with_the_holds_number_when_crm_masks_it(
        container_factory, service_config, call, inv, site, contracts_config):
    container_factory(Crm, dict(service_config, WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}")).start()
    deal = call("create_subscription", advisor(site), body(hold(inv, site, 0)["hold_id"], customer_id=42))
    assert (deal["customer_id"], deal["customer_name"], deal["customer_phone"]) == (42, "赵七", "13812345678")


# 审核 ------------------------------------------------------------------------------------
def test_approval_publishes_the_subscription_and_a_second_review_is_refused(call, inv, site, event_sink):
    sink = event_sink("contracts")
    entered_late = (today() - timedelta(days=3)).isoformat()  # 补录
    deal = call("create_subscription", advisor(site), body(hold(inv, site, 0)["hold_id"], customer_name="钱八",
                                                           customer_phone="13600000000", subscribed_on=entered_late))
    assert deal["subscribed_on"] == entered_late
    manager = actor(2, "manager", [site["project_id"]])
    raises("ROLE_FORBIDDEN", call, "approve_subscription", advisor(site), deal["id"])
    approved = call("approve_subscription", manager, deal["id"], {"note": "资料齐全"})
    assert (approved["status"], approved["reviewed_by"], approved["review_note"]) == ("subscribed", 2, "资料齐全")
    [event] = sink.wait_for("subscription_approved")
    p = event["payload"]
    assert (p["deal_id"], p["subscription_id"], p["subscription_no"], p["unit_id"]) == (
        deal["id"], deal["id"], "RG000001", site["units"][0])
    assert (p["customer_name"], p["customer_phone"], p["price"], p["deposit"], p["gross_area"]) == (
        "钱八", "13600000000", "3000000.00", "50000.00", "100.00")
    assert (p["unit_label"], p["delivery_date"], p["payment_method"]) == ("1号楼-101", DELIVERY, "full")
    assert p["approved_on"] is not None and event["project_id"] == site["project_id"]
    assert p["subscribed_on"] == entered_late  # finance dates no receipt before it
    raises("DEAL_NOT_SUBMITTED", call, "approve_subscription", manager, deal["id"])
    raises("DEAL_NOT_SUBMITTED", call, "reject_subscription", manager, deal["id"], {"note": "x"})
    assert unit_of(inv, site["units"][0])["status"] == "subscribed"


def test_a_buyers_own_selection_hold_names_its_registration_on_the_deal(call, inv, site, inventory, contracts_config,
                                                                         event_sink):
    """A hold a buyer took in a 开盘's 选房 carries its 认筹 (inventory's registration_id): the
    deal keeps it and subscription_approved names it, for finance's 诚意金 → 定金."""
    from services.inventory.models import Hold

    taken = hold(inv, site, 0)
    db_write(inventory.config, update(Hold).where(Hold.id == taken["hold_id"]).values(registration_id=42))
    deal = call("create_subscription", advisor(site), body(taken["hold_id"]))
    plain = call("create_subscription", advisor(site), body(hold(inv, site, 1, phone="13812345679")["hold_id"]))
    rows = dict(db_rows(contracts_config, select(Deal.id, Deal.launch_registration_id)))
    assert (rows[deal["id"]], rows[plain["id"]]) == (42, None)
    sink = event_sink("contracts")
    call("approve_subscription", actor(2, "manager", [site["project_id"]]), deal["id"], {"note": "选房"})
    [event] = sink.wait_for("subscription_approved")
    assert event["payload"]["launch_registration_id"] == 42


def test_two_managers_approving_at_once_one_wins(call, inv, site, contracts, event_sink):
    sink = event_sink("contracts")
    deal = call("create_subscription", advisor(site), body(hold(inv, site, 0)["hold_id"]))
    manager = actor(2, "manager", [site["project_id"]])
    with cluster_rpc(contracts.config) as cluster:
        replies = [cluster.contracts.approve_subscription.call_async(manager, deal["id"]) for _ in range(6)]
        outcomes = []
        for reply in replies:
            try:
                outcomes.append(reply.result()["status"])
            except Conflict as exc:
                outcomes.append(exc.code)
    assert sorted(outcomes) == ["DEAL_NOT_SUBMITTED"] * 5 + ["subscribed"]
    # a later approval's event: the relay publishes the outbox in order, so once it is here
    # every event the race wrote before it is here too
    later = call("create_subscription", advisor(site), body(hold(inv, site, 1, phone="13812345679")["hold_id"]))
    call("approve_subscription", manager, later["id"])
    events = sink.wait_for("subscription_approved", count=2)
    assert sorted(e["payload"]["deal_id"] for e in events) == [deal["id"], later["id"]]


def test_rejection_releases_the_unit_through_the_outbox(call, inv, site, event_sink, contracts_config):
    sink = event_sink("contracts")
    deal = call("create_subscription", advisor(site), body(hold(inv, site, 0)["hold_id"]))
    manager = actor(2, "manager", [site["project_id"]])
    raises("VALIDATION_ERROR", call, "reject_subscription", manager, deal["id"], {"note": " "})
    rejected = call("reject_subscription", manager, deal["id"], {"note": "价格未获批"})
    assert rejected["status"] == "rejected"
    [event] = sink.wait_for("deal_cancelled")
    assert (event["payload"]["from_status"], event["payload"]["deal_id"]) == ("submitted", deal["id"])
    wait_until(lambda: unit_of(inv, site["units"][0])["status"] == "available", what="unit released")
    assert unit_of(inv, site["units"][0])["deal_id"] is None
    raises("DEAL_NOT_SUBMITTED", call, "approve_subscription", manager, deal["id"])


# reads -----------------------------------------------------------------------------------
def test_reads_mask_the_buyers_phone_but_for_the_advisor_and_managers(call, inv, site):
    deal = call("create_subscription", advisor(site), body(hold(inv, site, 0)["hold_id"]))
    other = hold(inv, site, 1, account_id=8, phone="13700000000")
    call("create_subscription", advisor(site, 8), body(other["hold_id"]))
    pid = site["project_id"]
    for who, phone in ((advisor(site), "13812345678"), (actor(2, "manager", [pid]), "13812345678"),
                       (advisor(site, 8), "138****5678"), (actor(5, "developer_viewer", [pid]), None)):
        detail = call("get_deal", who, deal["id"])
        assert (detail["customer_phone"], detail["buyers"][0]["phone"]) == (phone, phone)
    detail = call("get_deal", advisor(site), deal["id"])
    assert detail["contract"] is None and detail["agreements"] == []
    assert [h["to_status"] for h in detail["history"]] == ["pending", "submitted"]
    with pytest.raises(Forbidden):
        call("get_deal", actor(9, "advisor", [pid + 1]), deal["id"])
    with pytest.raises(NotFound):
        call("get_deal", actor(1, "director", agency_id=2), deal["id"])
    raises("ROLE_FORBIDDEN", call, "get_deal", actor(3, "hr", [pid]), deal["id"])

    page = call("list_deals", advisor(site), pid, {"advisor_id": 8})
    assert page["total"] == 1 and page["items"][0]["customer_phone"] == "137****0000"
    page = call("list_deals", DIRECTOR, pid, {"status": "submitted", "limit": 1, "offset": 1})
    assert (page["total"], len(page["items"]), page["items"][0]["id"]) == (2, 1, deal["id"])
    assert call("list_deals", DIRECTOR, pid, {"status": "subscribed"})["total"] == 0
    raises("VALIDATION_ERROR", call, "list_deals", DIRECTOR, pid, {"status": "nonsense"})
