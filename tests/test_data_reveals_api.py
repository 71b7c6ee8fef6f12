"""Personal data over HTTP (issue 13): every full mobile number a manager or director is shown
in a list, a detail or an export is logged by the service that showed it, with who, when,
where and which record, the number masked; GET /api/data-reveals merges the logs of crm,
inventory and contracts for the director alone. An advisor reading its own customers and a
developer viewer (who never sees a number) log nothing."""
import re
from datetime import timedelta

import pytest

from loupan.types import today
from tests.api import make_project
from tests.conftest import staff
from tests.api import short

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
DELIVERY = (today() + timedelta(days=700)).isoformat()


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "隐私一期", units=3)
    p = project["id"]
    people = {"advisor": staff(system, director, "pd_advisor", "advisor", [p]),
              "manager": staff(system, director, "pd_manager", "manager", [p]),
              "viewer": staff(system, director, "pd_viewer", "developer_viewer", [p])}
    accounts = director.ok(director.get("/api/accounts"))
    ids = {short(a["username"]): a["id"] for a in accounts}
    advisor = people["advisor"]
    customers = [advisor.ok(advisor.post(f"/api/projects/{p}/customers", {
        "mobile": mobile, "name": "隐私客户", "channel": "walk_in"}), 201)["customer"]["id"]
        for mobile in ("13566660001", "13566660002")]
    advisor.ok(advisor.post(f"/api/units/{units[0]}/holds", {"customer_name": "预留客户",
                                                             "customer_phone": "13566660003"}), 201)
    held = advisor.ok(advisor.post(f"/api/units/{units[1]}/holds", {"customer_name": "认购客户",
                                                                    "customer_phone": "13566660004"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{units[1]}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": held["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": DELIVERY}), 201)
    return dict(people, p=p, held_unit=units[0], customers=customers, deal=deal["id"],
                ids=dict({k: ids[f"pd_{k}"] for k in people},
                         director=next(a["id"] for a in accounts if a["role"] == "director")))


def reveals(director, **params):
    response = director.get("/api/data-reveals", params=params)
    assert response.status_code == 200, response.text
    assert MOBILE.findall(response.text) == [], response.text[:500]  # masked numbers only
    return response.json()


def test_an_advisor_on_its_own_customers_and_a_developer_viewer_log_nothing(site, director):
    advisor, viewer, p = site["advisor"], site["viewer"], site["p"]
    assert "13566660001" in advisor.get(f"/api/customers/{site['customers'][0]}").text
    assert "13566660001" in advisor.get(f"/api/projects/{p}/customers").text
    assert "13566660004" in advisor.get(f"/api/deals/{site['deal']}").text
    for path in (f"/api/units/{site['held_unit']}", f"/api/deals/{site['deal']}", f"/api/projects/{p}/deals",
                 f"/api/projects/{p}/board"):
        response = viewer.get(path)
        assert response.status_code == 200 and MOBILE.findall(response.text) == [], (path, response.text[:300])
    assert viewer.get(f"/api/projects/{p}/customers").status_code == 403
    assert reveals(director, project_id=p) == []


def test_a_managers_list_logs_one_row_per_customer(site, director):
    manager, p = site["manager"], site["p"]
    listed = manager.ok(manager.get(f"/api/projects/{p}/customers"))
    assert {c["mobile"] for c in listed} == {"13566660001", "13566660002"}
    rows = reveals(director, project_id=p, account_id=site["ids"]["manager"], kind="list")
    assert sorted((r["service"], r["entrypoint"], r["customer_id"]) for r in rows) == sorted(
        ("crm", "list_customers", c) for c in site["customers"])
    assert sorted(r["masked_mobile"] for r in rows) == ["135****0001", "135****0002"]
    assert {(short(r["username"]), r["role"]) for r in rows} == {("pd_manager", "manager")}


def test_a_director_opening_a_deal_and_a_held_unit_is_logged(site, director):
    p = site["p"]
    assert director.ok(director.get(f"/api/deals/{site['deal']}"))["customer_phone"] == "13566660004"
    assert director.ok(director.get(f"/api/units/{site['held_unit']}"))["hold"]["customer_phone"] == "13566660003"
    rows = reveals(director, project_id=p, account_id=site["ids"]["director"], kind="detail")
    assert [(r["service"], r["entrypoint"], r["masked_mobile"]) for r in rows] == [
        ("inventory", "get_unit", "135****0003"), ("contracts", "get_deal", "135****0004")]  # newest first
    assert rows[1]["deal_id"] == site["deal"] and rows[0]["hold_id"] is not None
    only = reveals(director, project_id=p, service="inventory", kind="detail")
    assert [r["service"] for r in only] == ["inventory"]
    paged = reveals(director, project_id=p, limit=1, offset=1)
    assert len(paged) == 1 and paged[0] == reveals(director, project_id=p)[1]


def test_the_log_is_the_directors_alone(site, director):
    for who in ("manager", "advisor", "viewer"):
        response = site[who].get("/api/data-reveals")
        assert (response.status_code, response.json()["error"]) == (403, "ROLE_FORBIDDEN"), who
    bad = director.get("/api/data-reveals", params={"kind": "peek"})
    assert bad.status_code == 400
