"""Changes of a deal (更名/换房/退房) through the real entrypoints on SQLite and PostgreSQL with
the real broker. Inventory is outside the bounded context: a small fake service named
"inventory" answers get_unit and swap_unit as the real one does (atomic, idempotent by deal
and new unit, 409 UNIT_NOT_AVAILABLE); the real one is in tests/test_contracts_*."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from loupan.entrypoints import nameko_rpc as rpc  # a fake answers as our services do
from sqlalchemy import insert, select, update

from loupan.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, RuleViolated
from loupan.testing import db_rows, db_write, wait_until
from loupan.types import utcnow
from services.contracts.models import ChangeRequest, Deal, DealBuyer, DealHistory
from services.contracts.tests.conftest import actor

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

PROJECT = 7
ADVISOR = actor(11, "advisor", [PROJECT])
MANAGER = actor(2, "manager", [PROJECT])
UNITS = {}  # the fake inventory's units: id -> dict
SWAP_ACTORS = []  # the actor of each swap_unit the fake inventory answered


class FakeInventory:
    name = "inventory"

    @rpc(expected_exceptions=DomainError)
    def get_unit(self, actor, unit_id):
        if unit_id not in UNITS:
            raise NotFound(f"unit {unit_id} not found", "UNIT_NOT_FOUND")
        return dict(UNITS[unit_id], id=unit_id)

    @rpc(expected_exceptions=DomainError)
    def swap_unit(self, actor, deal_id, from_unit_id, to_unit_id):
        SWAP_ACTORS.append(actor)
        # inventory's rule: a manager, or the service itself (a SYSTEM actor a service sealed)
        if actor["role"] not in ("director", "manager", "system"):
            raise Forbidden("only a manager may approve 换房", "ROLE_FORBIDDEN")
        old, new = UNITS[from_unit_id], UNITS[to_unit_id]
        if new["deal_id"] != deal_id:
            if old["deal_id"] != deal_id:
                raise Conflict("deal not on unit", "DEAL_NOT_ON_UNIT")
            if new["status"] != "available":
                raise Conflict(f"unit {to_unit_id} is not available", "UNIT_NOT_AVAILABLE")
            new.update(status=old["status"], deal_id=deal_id)
            old.update(status="available", deal_id=None)
        difference = Decimal(new["list_price"]) - Decimal(old["list_price"])
        return {"deal_id": deal_id, "from_unit_id": from_unit_id, "to_unit_id": to_unit_id,
                "status": new["status"], "price_difference": str(difference)}


def put_unit(unit_id, status="available", deal_id=None, list_price="3000000.00", project_id=PROJECT,
             building_id=1, number=None):
    UNITS[unit_id] = {"project_id": project_id, "status": status, "deal_id": deal_id, "list_price": list_price,
                      "building_id": building_id, "number": number or f"{unit_id:04d}"}


def start_fake_inventory(config, container_factory):
    UNITS.clear()
    container_factory(FakeInventory, config).start()


@pytest.fixture
def config(contracts_config, contracts, container_factory):
    """contracts running with the fake inventory; its settings."""
    start_fake_inventory(contracts_config, container_factory)
    return contracts_config


def make_deal(config, status="subscribed", unit_id=None, price="2900000.00", payment_method="full",
              advisor_id=11, unit_status=None, subscribed_on=date(2026, 1, 5)):
    """A deal as the 认购 saga leaves it, written straight into the database, and its unit
    in the fake inventory."""
    unit_id = unit_id or 100 + len(UNITS)
    with_unit = status not in ("cancelled", "rejected", "failed")
    put_unit(unit_id, status=unit_status or ("subscribed" if with_unit else "available"),
             deal_id=None, list_price="3000000.00")
    db_write(config, insert(Deal).values(
        agency_id=1, project_id=PROJECT, unit_id=unit_id, unit_label=f"1号楼-{unit_id:04d}", status=status,
        customer_name="张三", customer_phone="13812345678", advisor_id=advisor_id, price=Decimal(price),
        deposit=Decimal("50000.00"), payment_method=payment_method, list_price=Decimal("3000000.00"),
        subscribed_on=subscribed_on, created_at=utcnow(), updated_at=utcnow()))
    deal_id = db_rows(config, select(Deal.id).where(Deal.unit_id == unit_id).order_by(Deal.id.desc()))[0][0]
    if with_unit:
        UNITS[unit_id]["deal_id"] = deal_id
    db_write(config, insert(DealBuyer).values(deal_id=deal_id, name="张三", phone="13812345678",
                                              share=Decimal("100.00"), position=0, active=True))
    return deal_id


def deal_row(config, deal_id):
    return db_rows(config, select(Deal).where(Deal.id == deal_id))[0]


def history(config, deal_id):
    return db_rows(config, select(DealHistory.from_status, DealHistory.to_status, DealHistory.note)
                   .where(DealHistory.deal_id == deal_id).order_by(DealHistory.id))


RENAME = {"kind": "rename", "buyers": [{"name": "李四", "phone": "+86 139-1234-5678", "share": "60"},
                                       {"name": "王五", "phone": "13712345678", "share": "40.00"}]}


# 更名 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["subscribed", "signed"])
def test_rename_replaces_the_buyers_and_publishes_buyers_changed(call, config, event_sink, status):
    sink = event_sink("contracts")
    deal_id = make_deal(config, status)
    change = call("request_change", ADVISOR, deal_id, RENAME)
    assert change["status"] == "requested" and change["kind"] == "rename"
    assert change["payload"]["buyers"][0]["phone"] == "13912345678"  # normalised
    applied = call("approve_change", MANAGER, change["id"], {"note": "同意"})
    assert applied["status"] == "applied" and applied["decided_by"] == 2 and applied["note"] == "同意"
    buyers = db_rows(config, select(DealBuyer.name, DealBuyer.share, DealBuyer.active)
                     .where(DealBuyer.deal_id == deal_id).order_by(DealBuyer.id))
    assert buyers == [("张三", Decimal("100.00"), False), ("李四", Decimal("60.00"), True),
                      ("王五", Decimal("40.00"), True)]
    deal = deal_row(config, deal_id)
    assert (deal.customer_name, deal.customer_phone, deal.status) == ("李四", "13912345678", status)
    assert [h.to_status for h in history(config, deal_id)] == [status]
    (event,) = sink.wait_for("buyers_changed")
    assert event["payload"]["deal_id"] == deal_id
    assert [(b["name"], b["share"]) for b in event["payload"]["buyers"]] == [("李四", "60.00"), ("王五", "40.00")]


@pytest.mark.parametrize("status,error,code", [("filed", RuleViolated, "DEAL_FILED"),
                                               ("handed_over", Conflict, "DEAL_STATE"),
                                               ("pending", Conflict, "DEAL_STATE"),
                                               ("cancelled", Conflict, "DEAL_STATE")])
def test_rename_is_refused_outside_subscribed_and_signed(call, config, status, error, code):
    deal_id = make_deal(config, status)
    with pytest.raises(error) as refused:
        call("request_change", MANAGER, deal_id, RENAME)
    assert refused.value.code == code


def test_rename_needs_shares_summing_to_exactly_100(call, config):
    deal_id = make_deal(config)
    bad = dict(RENAME, buyers=[dict(RENAME["buyers"][0], share="60"), dict(RENAME["buyers"][1], share="39.99")])
    with pytest.raises(RuleViolated) as refused:
        call("request_change", ADVISOR, deal_id, bad)
    assert refused.value.code == "BUYER_SHARES"
    five = dict(RENAME, buyers=[{"name": f"买受人{i}", "phone": f"1381234567{i}", "share": "20"} for i in range(5)])
    with pytest.raises(Invalid):
        call("request_change", ADVISOR, deal_id, five)


def test_a_rename_approved_after_the_deal_was_filed_fails_and_changes_nothing(call, config):
    deal_id = make_deal(config, "signed")
    change = call("request_change", ADVISOR, deal_id, RENAME)
    db_write(config, update(Deal).where(Deal.id == deal_id).values(status="filed"))
    with pytest.raises(RuleViolated) as refused:
        call("approve_change", MANAGER, change["id"], {})
    assert refused.value.code == "DEAL_FILED"
    assert call("deal_changes", ADVISOR, deal_id)[0]["status"] == "requested"
    assert deal_row(config, deal_id).customer_name == "张三"


def test_who_may_ask_and_decide(call, config):
    deal_id = make_deal(config, advisor_id=99)
    with pytest.raises(Forbidden) as refused:
        call("request_change", ADVISOR, deal_id, RENAME)
    assert refused.value.code == "NOT_DEAL_OWNER"
    with pytest.raises(NotFound):
        call("request_change", actor(3, "manager", [PROJECT + 1], agency_id=2), deal_id, RENAME)
    with pytest.raises(Forbidden):
        call("request_change", actor(4, "finance", [PROJECT]), deal_id, RENAME)
    change = call("request_change", MANAGER, deal_id, RENAME)
    with pytest.raises(Forbidden):
        call("approve_change", actor(5, "supervisor", [PROJECT]), change["id"], {})
    rejected = call("reject_change", MANAGER, change["id"], {"note": "资料不全"})
    assert rejected["status"] == "rejected" and rejected["note"] == "资料不全"
    with pytest.raises(Conflict) as again:
        call("approve_change", MANAGER, change["id"], {})
    assert again.value.code == "CHANGE_NOT_REQUESTED"
    assert deal_row(config, deal_id).customer_name == "张三"
    listed = call("project_changes", MANAGER, PROJECT, {"status": "rejected"})
    assert [c["id"] for c in listed] == [change["id"]]
    assert [b["phone"] for b in listed[0]["payload"]["buyers"]] == ["13912345678", "13712345678"]
    # a supervisor sees another advisor's buyers as the deal shows them: masked
    (seen,) = call("deal_changes", actor(5, "supervisor", [PROJECT]), deal_id)
    assert [b["phone"] for b in seen["payload"]["buyers"]] == ["139****5678", "137****5678"]
    assert call("project_changes", MANAGER, PROJECT, {"status": "applied"}) == []


# 换房 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["subscribed", "signed"])
def test_swap_moves_the_deal_and_its_price_by_the_list_price_difference(call, config, event_sink, status):
    sink = event_sink("contracts")
    deal_id = make_deal(config, status, unit_id=201)
    put_unit(202, list_price="3120000.00")
    change = call("request_change", ADVISOR, deal_id, {"kind": "swap", "to_unit_id": 202})
    assert (change["from_unit_id"], change["price_difference"], change["new_price"]) == \
        (201, "120000.00", "3020000.00")
    assert change["payload"]["to_unit_label"] == "1号楼-0202"
    applied = call("approve_change", MANAGER, change["id"], {})
    assert applied["status"] == "applied"
    deal = deal_row(config, deal_id)
    assert (deal.unit_id, deal.price, deal.status, deal.unit_label) == (202, Decimal("3020000.00"), status, "1号楼-0202")
    assert UNITS[202]["deal_id"] == deal_id and UNITS[201]["deal_id"] is None
    (event,) = sink.wait_for("deal_unit_swapped")
    assert event["payload"] == {"deal_id": deal_id, "from_unit_id": 201, "to_unit_id": 202, "advisor_id": 11,
                                "new_price": "3020000.00", "price_difference": "120000.00",
                                "to_unit_label": "1号楼-0202", "deal_status": status}
    assert "换房" in history(config, deal_id)[0].note


def test_a_manager_may_approve_an_explicit_new_price(call, config):
    deal_id = make_deal(config, unit_id=211)
    put_unit(212, list_price="2950000.00")
    change = call("request_change", ADVISOR, deal_id, {"kind": "swap", "to_unit_id": 212})
    assert change["new_price"] == "2850000.00"
    applied = call("approve_change", MANAGER, change["id"], {"new_price": "2870000.00"})
    assert applied["new_price"] == "2870000.00"
    assert deal_row(config, deal_id).price == Decimal("2870000.00")


def test_a_swap_to_a_unit_taken_meanwhile_fails_with_its_code_and_changes_nothing(call, config, event_sink):
    sink = event_sink("contracts")
    deal_id = make_deal(config, unit_id=221)
    put_unit(222)
    change = call("request_change", ADVISOR, deal_id, {"kind": "swap", "to_unit_id": 222})
    UNITS[222]["status"] = "held"
    with pytest.raises(Conflict) as refused:
        call("approve_change", MANAGER, change["id"], {})
    assert refused.value.code == "UNIT_NOT_AVAILABLE"
    (failed,) = call("deal_changes", ADVISOR, deal_id)
    assert (failed["status"], failed["error_code"]) == ("failed", "UNIT_NOT_AVAILABLE")
    deal = deal_row(config, deal_id)
    assert (deal.unit_id, deal.price) == (221, Decimal("2900000.00"))
    assert UNITS[221]["deal_id"] == deal_id
    assert [e for e in sink.drain() if e["type"] == "deal_unit_swapped"] == []


@pytest.mark.parametrize("target,error,code", [
    (dict(status="held"), Conflict, "UNIT_NOT_AVAILABLE"),
    (dict(project_id=PROJECT + 1), RuleViolated, "SWAP_ACROSS_PROJECTS"),
])
def test_a_swap_request_needs_an_available_unit_of_the_project(call, config, target, error, code):
    deal_id = make_deal(config, unit_id=231)
    put_unit(232, **target)
    with pytest.raises(error) as refused:
        call("request_change", ADVISOR, deal_id, {"kind": "swap", "to_unit_id": 232})
    assert refused.value.code == code


@pytest.mark.parametrize("status,error,code", [("filed", RuleViolated, "DEAL_FILED"),
                                               ("submitted", Conflict, "DEAL_STATE")])
def test_swap_is_refused_outside_subscribed_and_signed(call, config, status, error, code):
    deal_id = make_deal(config, status, unit_id=241)
    put_unit(242)
    with pytest.raises(error) as refused:
        call("request_change", MANAGER, deal_id, {"kind": "swap", "to_unit_id": 242})
    assert refused.value.code == code


@pytest.mark.parametrize("inventory_done", [False, True])
def test_the_sweep_finishes_an_approved_swap_once(contracts_config, container_factory, event_sink, inventory_done):
    """A crash after the approval, or after inventory moved the unit, leaves the request
    approved; the sweep applies it (inventory's step is idempotent) and publishes once."""
    config = dict(contracts_config, CHANGE_SWEEP_SECONDS=0.2, CHANGE_SWEEP_GRACE_SECONDS=0)
    start_fake_inventory(config, container_factory)
    SWAP_ACTORS.clear()
    sink = event_sink("contracts")
    deal_id = make_deal(config, unit_id=251)
    put_unit(252, list_price="3010000.00")
    if inventory_done:
        UNITS[252].update(status="subscribed", deal_id=deal_id)
        UNITS[251].update(status="available", deal_id=None)
    db_write(config, insert(ChangeRequest).values(
        agency_id=1, project_id=PROJECT, deal_id=deal_id, kind="swap", status="approved",
        payload={"to_unit_id": 252, "to_unit_label": "1号楼-0252", "to_list_price": "3010000.00"},
        from_unit_id=251, price_difference=Decimal("10000.00"), new_price=Decimal("2910000.00"),
        requested_by=11, requested_at=utcnow(), decided_by=2, decided_at=utcnow() - timedelta(minutes=1),
        approver=dict(MANAGER)))
    from services.contracts.service import ContractsService

    container_factory(ContractsService, config).start()
    wait_until(lambda: db_rows(config, select(ChangeRequest.status))[0][0] == "applied", what="swap applied")
    deal = deal_row(config, deal_id)
    assert (deal.unit_id, deal.price) == (252, Decimal("2910000.00"))
    assert UNITS[252]["deal_id"] == deal_id and UNITS[251]["deal_id"] is None
    sink.wait_for("deal_unit_swapped")
    assert len([e for e in sink.drain() if e["type"] == "deal_unit_swapped"]) == 1
    assert len(history(config, deal_id)) == 1
    # the sweep calls inventory as the service itself for the change's project, not as the
    # approver (issue 30); the deal's history still names the approving manager
    assert SWAP_ACTORS and all(a == {"account_id": 0, "username": "contracts", "role": "system", "agency_id": 1,
                                     "project_ids": [PROJECT]} for a in SWAP_ACTORS)


# 退房 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["subscribed", "signed", "filed"])
def test_cancel_ends_the_deal_and_publishes_deal_cancelled(call, config, event_sink, status):
    sink = event_sink("contracts")
    deal_id = make_deal(config, status, unit_id=301)
    change = call("request_change", ADVISOR, deal_id, {"kind": "cancel", "reason": "客户资金问题"})
    assert call("approve_change", MANAGER, change["id"], {})["status"] == "applied"
    deal = deal_row(config, deal_id)
    assert (deal.status, deal.cancel_reason) == ("cancelled", "客户资金问题")
    assert history(config, deal_id)[0][:2] == (status, "cancelled")
    (event,) = sink.wait_for("deal_cancelled")
    assert event["payload"]["from_status"] == status and event["payload"]["unit_id"] == 301


@pytest.mark.parametrize("status", ["handed_over", "cancelled", "rejected", "pending"])
def test_cancel_is_refused_once_handed_over_or_over(call, config, status):
    deal_id = make_deal(config, status, unit_id=311)
    with pytest.raises(Conflict) as refused:
        call("request_change", MANAGER, deal_id, {"kind": "cancel", "reason": "x"})
    assert refused.value.code == "DEAL_STATE"


def test_two_approved_cancels_cancel_once(call, config, event_sink):
    sink = event_sink("contracts")
    deal_id = make_deal(config, unit_id=321)
    first = call("request_change", ADVISOR, deal_id, {"kind": "cancel", "reason": "一"})
    second = call("request_change", ADVISOR, deal_id, {"kind": "cancel", "reason": "二"})
    call("approve_change", MANAGER, first["id"], {})
    with pytest.raises(Conflict) as refused:
        call("approve_change", MANAGER, second["id"], {})
    assert refused.value.code == "DEAL_STATE"
    sink.wait_for("deal_cancelled")
    assert len([e for e in sink.drain() if e["type"] == "deal_cancelled"]) == 1
    assert [h.to_status for h in history(config, deal_id)] == ["cancelled"]


def test_kind_specific_fields_are_required(call, config):
    deal_id = make_deal(config)
    for body in ({"kind": "swap"}, {"kind": "rename"}, {"kind": "cancel", "reason": " "}, {"kind": "merge"}):
        with pytest.raises(Invalid):
            call("request_change", ADVISOR, deal_id, body)
