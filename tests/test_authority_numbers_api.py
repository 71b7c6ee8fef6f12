"""网签 and 备案 numbers are unique per project, through the gateway (issue 16): the housing
authority gives each number once, so a second deal of the project with the same number is
409 with a stable code, naming the deal that has it; another project may have it."""
from datetime import timedelta

import pytest

from loupan.testing.days import yesterday
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff

DELIVERY = (today() + timedelta(days=700)).isoformat()


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "网签编号", units=2)
    other, other_units = make_project(director, "网签编号二期", units=1)
    pids = [project["id"], other["id"]]
    return {"units": [(project["id"], u) for u in units] + [(other["id"], u) for u in other_units],
            "advisor": staff(system, director, "numbers_adv", "advisor", pids),
            "manager": staff(system, director, "numbers_mgr", "manager", pids),
            "assistant": staff(system, director, "numbers_asst", "assistant", pids)}


def signed_deal(site, unit_id, phone):
    advisor, manager = site["advisor"], site["manager"]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds", {"customer_name": "郑先生", "customer_phone": phone}),
                      201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": DELIVERY, "subscribed_on": yesterday().isoformat()}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    advisor.ok(advisor.post(f"/api/deals/{deal['id']}/contract", {"signed_on": yesterday().isoformat()}), 201)
    manager.ok(manager.post(f"/api/deals/{deal['id']}/contract/approve", {}))
    return deal["id"]


def test_a_second_deal_with_the_same_number_is_409(site):
    assistant, on = site["assistant"], today().isoformat()
    first, second, elsewhere = (signed_deal(site, unit_id, f"1390000000{i}")
                                for i, (_, unit_id) in enumerate(site["units"]))
    assistant.ok(assistant.post(f"/api/deals/{first}/online-signing", {"number": "WQ-N-1", "date": on}))
    taken = assistant.post(f"/api/deals/{second}/online-signing", {"number": "WQ-N-1", "date": on})
    assert (taken.status_code, taken.json()["error"]) == (409, "ONLINE_SIGNING_NO_TAKEN"), taken.text
    assert f"deal {first}" in taken.json()["message"]
    assert assistant.ok(assistant.get(f"/api/deals/{second}"))["contract"]["online_signing_no"] is None
    assistant.ok(assistant.post(f"/api/deals/{elsewhere}/online-signing", {"number": "WQ-N-1", "date": on}))
    assistant.ok(assistant.post(f"/api/deals/{second}/online-signing", {"number": "WQ-N-2", "date": on}))

    assistant.ok(assistant.post(f"/api/deals/{first}/filing", {"filing_no": "BA-N-1", "date": on}))
    taken = assistant.post(f"/api/deals/{second}/filing", {"filing_no": "BA-N-1", "date": on})
    assert (taken.status_code, taken.json()["error"]) == (409, "FILING_NO_TAKEN"), taken.text
    assert assistant.ok(assistant.get(f"/api/deals/{second}"))["status"] == "signed"
    assistant.ok(assistant.post(f"/api/deals/{elsewhere}/filing", {"filing_no": "BA-N-1", "date": on}))
