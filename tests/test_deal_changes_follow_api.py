"""更名 and 换房 made through the gateway reach crm and finance: the customer record shows the
deal on its new unit with its co-buyers, a new main buyer has the deal on their own record
(the former buyer, named no more, is lost), and finance's schedule carries the new unit's
label."""
import pytest

from tests.test_contracts_changes_api import RENAME, Site, poll


@pytest.fixture(scope="module")
def site(system, director):
    return Site(system, director, "follow", units=4)


def customer_by_mobile(site, mobile):
    found = site.manager.ok(site.manager.get(f"/api/projects/{site.project['id']}/customers",
                                             params={"mobile": mobile}))
    return site.manager.ok(site.manager.get(f"/api/customers/{found[0]['id']}")) if found else None


def test_rename_and_swap_keep_the_customers_deal_and_finances_label_true(site):
    deal_id, _ = site.deal("subscribed")
    buyer = f"139{site.buyers:08d}"
    poll(lambda: (customer_by_mobile(site, buyer) or {}).get("deals"), what="the buyer's deal in crm")

    change = site.ask(deal_id, RENAME)
    assert site.manager.ok(site.approve(change["id"]))["status"] == "applied"
    poll(lambda: (customer_by_mobile(site, "13912340001") or {}).get("deals"), what="the deal on the new main buyer")
    [deal] = customer_by_mobile(site, "13912340001")["deals"]
    assert deal["deal_id"] == deal_id and deal["status"] == "subscribed"
    assert [(b["name"], b["phone"]) for b in deal["buyers"]] == [("李四", "13912340001"), ("王五", "13912340002")]
    former = customer_by_mobile(site, buyer)
    assert former["deals"] == [] and former["status"] == "lost"

    target = site.free.pop()
    swap = site.ask(deal_id, {"kind": "swap", "to_unit_id": target})
    site.manager.ok(site.approve(swap["id"]))
    label = site.get_deal(deal_id)["unit_label"]
    assert label
    poll(lambda: customer_by_mobile(site, "13912340001")["deals"][0]["unit_id"] == target,
         what="crm's deal on the new unit")
    assert customer_by_mobile(site, "13912340001")["deals"][0]["unit_label"] == label
    poll(lambda: site.manager.ok(site.manager.get(f"/api/deals/{deal_id}/schedule"))["unit_label"] == label,
         what="finance's schedule labelled with the new unit")
