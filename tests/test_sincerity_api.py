"""诚意金 as money in finance, through the gateway on PostgreSQL (issue 18): a 认筹 known to
finance from inventory's launch_registered, the 诚意金 taken by the cashier as a numbered
receipt (printable), inventory showing the registration paid, the refund by a second person
and inventory showing it unpaid again, the refusals, the launch's list, and a second agency
reaching none of it."""
from datetime import timedelta

import pytest

from loupan.testing import wait_until
from loupan.testing.client import Api
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff
from tests.test_launch_api import IDS, move

FEE = "20000.00"


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "诚意金一号", units=4)
    people = {role: staff(system, director, f"sincerity_{role}", role, [project["id"]])
              for role in ("manager", "advisor", "finance")}
    manager = people["manager"]
    launch = manager.ok(manager.post(f"/api/projects/{project['id']}/launches", {
        "name": "首开", "mode": "lottery", "opens_at": "2030-05-01T09:00:00+08:00", "unit_ids": units[:2],
        "deposit_amount": FEE}), 201)
    manager.ok(move(manager, launch, "open_registration"))
    return {"pid": project["id"], "launch": launch, **people}


def register(site, i):
    advisor = site["advisor"]
    return advisor.ok(advisor.post(f"/api/launches/{site['launch']['id']}/registrations", {
        "buyer_name": f"李四{i}", "id_number": IDS[i], "mobile": f"1390000000{i}"}), 201)


def take(api, registration, amount=FEE, **extra):
    return api.post(f"/api/registrations/{registration['id']}/sincerity-receipts",
                    dict({"amount": amount, "method": "transfer", "slip_no": "HD-88"}, **extra))


def taken_once_known(api, registration):
    """finance learns the registration from the event: until then the route answers 404."""
    def attempt():
        response = take(api, registration)
        if response.status_code == 404:
            return None
        assert response.status_code == 201, response.text
        return response.json()
    return wait_until(attempt, timeout=30, what="finance knows the registration")


def paid_at(api, registration):
    return api.ok(api.get(f"/api/registrations/{registration['id']}"))["deposit_paid_at"]


def test_take_show_paid_refund_by_a_second_person(site):
    cashier, manager, advisor = site["finance"], site["manager"], site["advisor"]
    registration = register(site, 0)
    receipt = taken_once_known(cashier, registration)
    assert (receipt["amount"], receipt["status"], receipt["payer"], receipt["number"]) == (FEE, "valid", "李四0", "RC-0001")
    assert receipt["receipt_no"].startswith(f"SK-{site['pid']}-") and receipt["mobile_masked"] == "139****0000"
    assert receipt["recorded_by_name"]  # the cashier's name, from hr
    wait_until(lambda: paid_at(manager, registration), timeout=30, what="inventory shows it paid")
    shown = manager.ok(manager.get(f"/api/registrations/{registration['id']}"))
    assert (shown["deposit_amount"], shown["deposit_receipt_no"]) == (FEE, receipt["receipt_no"])

    again = take(cashier, registration)
    assert again.status_code == 409 and again.json()["error"] == "SINCERITY_ALREADY_PAID"
    assert take(advisor, registration).status_code == 403  # advisors hand the money to the cashier
    pdf = cashier.get(f"/api/sincerity-receipts/{receipt['id']}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    same = cashier.post(f"/api/sincerity-receipts/{receipt['id']}/refund", {"reason": "未中签"})
    assert same.status_code == 403 and same.json()["error"] == "SAME_PERSON"
    refunded = manager.ok(manager.post(f"/api/sincerity-receipts/{receipt['id']}/refund", {"reason": "未中签"}))
    assert refunded["status"] == "refunded" and refunded["ended_by_name"]
    twice = manager.post(f"/api/sincerity-receipts/{receipt['id']}/refund", {"reason": "未中签"})
    assert twice.status_code == 409 and twice.json()["error"] == "SINCERITY_REFUNDED"
    wait_until(lambda: paid_at(manager, registration) is None, timeout=30, what="inventory shows it unpaid")


def test_refusals_and_the_launchs_list(site):
    cashier, manager = site["finance"], site["manager"]
    registration = register(site, 1)
    # a Response is falsy for a 4xx: wait on a tuple
    wrong, = wait_until(lambda: (lambda r: (r,) if r.status_code != 404 else None)(
        take(cashier, registration, "19999.99")), timeout=30, what="finance knows the registration")
    assert wrong.status_code == 422 and wrong.json()["error"] == "SINCERITY_AMOUNT_MISMATCH"
    floats = take(cashier, registration, 20000.0)
    assert floats.status_code == 400
    future = take(cashier, registration, received_on=(today() + timedelta(days=1)).isoformat())
    assert future.status_code == 400 and future.json()["error"] == "RECEIVED_IN_FUTURE", future.text
    receipt = cashier.ok(take(cashier, registration), 201)
    outstanding = register(site, 2)
    wait_until(lambda: len(cashier.ok(cashier.get(f"/api/launches/{site['launch']['id']}/sincerity"))
                           ["registrations"]) >= 3, timeout=30, what="finance knows all three")
    listed = cashier.ok(cashier.get(f"/api/launches/{site['launch']['id']}/sincerity"))
    standing = {r["number"]: r["standing"] for r in listed["registrations"]}
    assert standing[registration["number"]] == "paid" and standing[outstanding["number"]] == "outstanding"
    assert standing["RC-0001"] == "refunded"
    assert listed["totals"]["paid"]["count"] >= 1 and listed["totals"]["outstanding"]["amount"] == FEE
    assert listed["registrations"][1]["receipts"][0]["id"] == receipt["id"]
    assert site["advisor"].get(f"/api/launches/{site['launch']['id']}/sincerity").status_code == 403
    assert manager.ok(manager.get(f"/api/sincerity-receipts/{receipt['id']}"))["status"] == "valid"


def test_a_second_agency_reaches_nothing(system, site):
    from services.hr.create_director import create_director

    create_director({"DATABASE_URL": system.urls["hr"], "AMQP_URI": system.amqp_uri},
                    "代理 sincerity 乙", "director_sincerity_b", "director-pass-1", "总监", "sincerity-b")
    other = Api(system.url()).login("director_sincerity_b", "director-pass-1")
    cashier = site["finance"]
    registration = register(site, 3)
    receipt = taken_once_known(cashier, registration)
    for path in (f"/api/sincerity-receipts/{receipt['id']}", f"/api/sincerity-receipts/{receipt['id']}.pdf",
                 f"/api/launches/{site['launch']['id']}/sincerity"):
        response = other.get(path)
        assert response.status_code == 404 and response.json()["error"].endswith("_NOT_FOUND"), path
    for path, body in ((f"/api/registrations/{registration['id']}/sincerity-receipts",
                        {"amount": FEE, "method": "cash"}),
                       (f"/api/sincerity-receipts/{receipt['id']}/refund", {"reason": "越界"})):
        response = other.post(path, body)
        assert response.status_code == 404 and response.json()["error"].endswith("_NOT_FOUND"), (path, response.text)
    assert cashier.ok(cashier.get(f"/api/sincerity-receipts/{receipt['id']}"))["status"] == "valid"
