"""换房 and 更名 reach crm: the customer's deal moves to its new unit (with its label); a
更名 keeps the buyers (co-buyers) on the deal, and one naming another main buyer takes the
deal to that person's customer record (found or registered) while the former buyer, named
no more, is lost; facts that arrive before the deal's approval wait for it."""
import pytest
from sqlalchemy import select

from loupan.testing import db_rows, wait_until
from services.crm.models import Customer, DealCustomer
from services.crm.tests.test_deal_facts import (ALICE, MANAGER, approved, crm_config, publish,  # noqa: F401
                                                register, signed, wait_status)

pytestmark = pytest.mark.sqlite  # on SQLite too: the deal map's JSON buyers


def deal_row(config, deal_id):
    rows = db_rows(config, select(DealCustomer).where(DealCustomer.deal_id == deal_id))
    return rows[0] if rows else None


def test_a_swap_moves_the_customers_deal_to_its_new_unit(call, crm_config):
    customer = register(call)
    publish(crm_config, "deal_unit_swapped", {"deal_id": 7, "from_unit_id": 107, "to_unit_id": 208,
                                              "advisor_id": 11, "new_price": "3100000.00",
                                              "to_unit_label": "2栋-0801"})  # before its approval: waits
    approved(crm_config, 7, customer_id=customer["id"])
    wait_until(lambda: (deal_row(crm_config, 7) or DealCustomer()).unit_id == 208, what="the deal on unit 208")
    [deal] = call("get_customer", MANAGER, customer["id"])["deals"]
    assert (deal["deal_id"], deal["unit_id"], deal["unit_label"], deal["status"]) == (7, 208, "2栋-0801", "subscribed")


def test_buyers_changed_keeps_the_co_buyers_and_follows_a_new_main_buyer(call, crm_config):
    first = register(call, "13812345678")
    approved(crm_config, 8, customer_id=first["id"])
    wait_until(lambda: deal_row(crm_config, 8) is not None, what="the deal mapped")  # 签约 comes after, as in life
    signed(crm_config, 8, customer_id=first["id"])
    wait_status(crm_config, first["id"], "signed")

    # a spouse added: the main buyer stays, the deal keeps both
    publish(crm_config, "buyers_changed", {"deal_id": 8, "unit_id": 108, "advisor_id": 11, "buyers": [
        {"name": "王先生", "phone": "13812345678", "share": "50"}, {"name": "李女士", "phone": "13912345678",
                                                                 "share": "50"}]})
    wait_until(lambda: (deal_row(crm_config, 8).buyers or [None])[-1] is not None
               and len(deal_row(crm_config, 8).buyers) == 2, what="two buyers on the deal")
    [deal] = call("get_customer", MANAGER, first["id"])["deals"]
    assert [(b["name"], b["phone"], b["share"]) for b in deal["buyers"]] == [
        ("王先生", "13812345678", "50.00"), ("李女士", "13912345678", "50.00")]
    assert [b["phone"] for b in call("get_customer", ALICE, first["id"])["deals"][0]["buyers"]] == [
        "13812345678", "13912345678"]  # the owner sees the numbers, as the customer's own

    # renamed to the spouse alone: the deal is hers (registered to the deal's advisor), he is lost
    publish(crm_config, "buyers_changed", {"deal_id": 8, "unit_id": 108, "advisor_id": 11, "buyers": [
        {"name": "李女士", "phone": "13912345678", "share": "100"}]})
    wait_until(lambda: deal_row(crm_config, 8).customer_id != first["id"], what="the deal moved to the new buyer")
    spouse_id = deal_row(crm_config, 8).customer_id
    spouse = db_rows(crm_config, select(Customer).where(Customer.id == spouse_id))[0]
    assert (spouse.mobile, spouse.name, spouse.status, spouse.owner_id) == ("13912345678", "李女士", "signed", 11)
    wait_status(crm_config, first["id"], "lost")
    assert call("get_customer", MANAGER, first["id"])["deals"] == []
    [deal] = call("get_customer", MANAGER, spouse_id)["deals"]
    assert deal["deal_id"] == 8 and [b["name"] for b in deal["buyers"]] == ["李女士"]
