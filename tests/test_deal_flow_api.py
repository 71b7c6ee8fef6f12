"""A whole deal across inventory, crm, contracts and finance through the gateway, as a
front-end drives it: a registered customer's hold → 认购 → 审核 → 付款计划 → 签约 → 收款 →
催款 → 结佣 and 提成 → 退房 → refund and reversal; and, lighter, each payment method from the
hold to the handover with its schedule.

Statements are drawn only for periods that are over, so the paperwork of the deal is
entered as the office does when it catches up (补录): the contract signed and the money
received last month; the 退房 happens today."""
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest

from loupan.testing import wait_until
from loupan.testing.days import last_month_end, last_month_start, yesterday
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff
from tests.api import short

poll = partial(wait_until, timeout=60)
D = Decimal

DELIVERY = (today() + timedelta(days=700)).isoformat()
LOANS = {"full": None, "instalments": None, "commercial_mortgage": "2000000.00", "provident_fund": "1200000.00",
         "combined": "2400000.00"}
MORTGAGE_KIND = {"commercial_mortgage": "commercial", "provident_fund": "provident_fund", "combined": "combined"}
SCHEDULE_KINDS = {"full": {"deposit", "balance"}, "instalments": {"deposit", "down_payment", "instalment"},
                  "commercial_mortgage": {"deposit", "down_payment", "mortgage"},
                  "provident_fund": {"deposit", "down_payment", "mortgage"},
                  "combined": {"deposit", "down_payment", "mortgage"}}


def error(response, status, code):
    assert (response.status_code, response.json()["error"]) == (status, code), response.text


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "成交全流程", units=8)
    pid = project["id"]
    apis = {"advisor": staff(system, director, "flow_adv", "advisor", [pid]),
            "manager": staff(system, director, "flow_mgr", "manager", [pid]),
            "assistant": staff(system, director, "flow_asst", "assistant", [pid]),
            "cashier": staff(system, director, "flow_fin1", "finance", [pid]),
            "cashier2": staff(system, director, "flow_fin2", "finance", [pid])}
    accounts = {short(a["username"]): a["id"] for a in director.ok(director.get("/api/accounts"))}
    return {"pid": pid, "units": units, "advisor_id": accounts["flow_adv"], **apis}


def subscribe(site, unit_id, method, customer_name, phone, **extra):
    """Hold and 认购 by the advisor, approved by the manager: the deal, subscribed."""
    advisor, manager = site["advisor"], site["manager"]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": customer_name, "customer_phone": phone}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    body = {"hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": method,
            "delivery_date": DELIVERY, **extra}
    if LOANS[method]:
        body["loan_amount"] = LOANS[method]
    deal = advisor.ok(advisor.post("/api/subscriptions", body), 201)
    assert deal["status"] == "submitted"
    assert manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))["status"] == "subscribed"
    return deal


def sign(site, deal_id, signed_on):
    advisor, manager = site["advisor"], site["manager"]
    advisor.ok(advisor.post(f"/api/deals/{deal_id}/contract", {"signed_on": signed_on.isoformat()}), 201)
    assert manager.ok(manager.post(f"/api/deals/{deal_id}/contract/approve", {}))["status"] == "signed"


def schedule_of(api, deal_id, status):
    def ready():
        response = api.get(f"/api/deals/{deal_id}/schedule")
        return response.status_code == 200 and response.json()["status"] == status and response.json()
    return poll(ready, what=f"finance has deal {deal_id} {status}")


def live(schedule):
    """The lines in force (a regenerated schedule keeps its replaced lines, closed)."""
    return [x for x in schedule["lines"] if x["status"] != "closed"]


def unit_of(api, unit_id):
    return api.ok(api.get(f"/api/units/{unit_id}"))


def test_a_deal_from_the_first_visit_to_the_refund_of_its_cancellation(site):
    pid, advisor, manager, cashier, cashier2 = (site[k] for k in ("pid", "advisor", "manager", "cashier",
                                                                   "cashier2"))
    customer = advisor.ok(advisor.post(f"/api/projects/{pid}/customers",
                                       {"mobile": "13655550001", "name": "钱女士", "channel": "walk_in"}), 201)
    customer_id = customer["customer"]["id"]
    unit_id = site["units"][0]

    deal = subscribe(site, unit_id, "commercial_mortgage", "钱女士", "13655550001", customer_id=customer_id,
                     subscribed_on=last_month_start().isoformat())  # 补录 too: the 认购 came first
    deal_id = deal["id"]
    assert (deal["customer_id"], deal["customer_name"]) == (customer_id, "钱女士")
    poll(lambda: unit_of(advisor, unit_id)["status"] == "subscribed", what="unit subscribed")

    schedule = schedule_of(advisor, deal_id, "subscribed")
    assert sum(D(x["amount"]) for x in live(schedule)) == D(deal["price"])
    assert {x["kind"] for x in live(schedule)} == {"deposit", "down_payment", "mortgage"}
    poll(lambda: advisor.ok(advisor.get(f"/api/customers/{customer_id}"))["status"] == "subscribed",
         what="crm customer subscribed")

    sign(site, deal_id, last_month_start() + timedelta(days=4))
    signed = schedule_of(cashier, deal_id, "signed")
    assert sum(D(x["amount"]) for x in live(signed)) == D(deal["price"])
    assert [x["amount"] for x in live(signed) if x["kind"] == "mortgage"] == [LOANS["commercial_mortgage"]]
    poll(lambda: advisor.ok(advisor.get(f"/api/customers/{customer_id}"))["status"] == "signed",
         what="crm customer signed")

    receipts = []
    for offset, kind in ((5, "deposit"), (6, "down_payment")):
        (line,) = [x for x in live(signed) if x["kind"] == kind]
        receipts.append(cashier.ok(cashier.post(f"/api/deals/{deal_id}/receipts", {
            "amount": line["amount"], "method": "transfer", "payer": "钱女士",
            "received_on": (last_month_start() + timedelta(days=offset)).isoformat()}), 201))
    collected = sum(D(r["amount"]) for r in receipts)
    paid = cashier.ok(cashier.get(f"/api/deals/{deal_id}/schedule"))
    assert (D(paid["collected"]), D(paid["outstanding"])) == (collected, D(LOANS["commercial_mortgage"]))
    error(cashier.post(f"/api/deals/{deal_id}/receipts", {"amount": "2000000.01", "method": "transfer"}),
          422, "OVERPAYMENT")

    # the bank's disbursement, not paid when it falls due, is the advisor's to chase
    later = (today() + timedelta(days=200)).isoformat()
    chase = advisor.ok(advisor.get(f"/api/projects/{pid}/collections", params={"as_of": later}))
    (overdue,) = [x for x in chase["lines"] if x["deal_id"] == deal_id]
    assert (overdue["kind"], overdue["remaining"], overdue["advisor_id"]) == (
        "mortgage", LOANS["commercial_mortgage"], site["advisor_id"])
    assert overdue["days_overdue"] > 0

    manager.ok(manager.put(f"/api/projects/{pid}/agency-terms",
                   {"base_rate": "1.0", "total_units": 8, "billable_when": "signed_and_down_payment"}))
    manager.ok(manager.put(f"/api/projects/{pid}/commission-rules",
                   {"rules": [{"role": "advisor", "kind": "percent", "rate": "0.5"}]}))
    fee = (D(deal["price"]) / 100).quantize(D("0.01"))
    first = cashier.ok(cashier.post(f"/api/projects/{pid}/agency-statements", {
        "period_from": last_month_start().isoformat(), "period_to": last_month_end().isoformat()}), 201)
    assert [(x["deal_id"], x["kind"], D(x["amount"])) for x in first["lines"]] == [(deal_id, "fee", fee)]
    month = last_month_end().strftime("%Y-%m")
    run = cashier.ok(cashier.post(f"/api/projects/{pid}/commission-statements/{month}"), 201)
    accrued = (collected * D("0.005")).quantize(D("0.01"))
    lines = [(s["account_id"], x["deal_id"], x["kind"], D(x["amount"])) for s in run["statements"]
             for x in s["lines"]]
    assert lines == [(site["advisor_id"], deal_id, "accrual", accrued)]
    assert [s["total"] for s in advisor.ok(advisor.get("/api/commission-statements", params={"month": month}))] == [
        f"{accrued}"]

    # 退房: asked by the advisor, approved by the manager
    change = advisor.ok(advisor.post(f"/api/deals/{deal_id}/changes", {"kind": "cancel", "reason": "贷款未批"}), 201)
    assert manager.ok(manager.post(f"/api/changes/{change['id']}/approve", {}))["status"] == "applied"
    assert manager.ok(manager.get(f"/api/deals/{deal_id}"))["status"] == "cancelled"
    poll(lambda: unit_of(manager, unit_id)["status"] == "available", what="unit back on sale")
    assert unit_of(manager, unit_id)["deal_id"] is None
    closed = schedule_of(cashier, deal_id, "cancelled")
    assert "open" not in {x["status"] for x in closed["lines"]} and D(closed["outstanding"]) == 0
    poll(lambda: advisor.ok(advisor.get(f"/api/customers/{customer_id}"))["status"] == "lost",
         what="crm customer lost")
    assert [x for x in cashier.ok(cashier.get(f"/api/projects/{pid}/collections",
                                              params={"as_of": later}))["lines"] if x["deal_id"] == deal_id] == []

    # the money goes back, each refund checked by a second person (双人复核)
    for receipt in receipts:
        error(cashier.post(f"/api/receipts/{receipt['id']}/refund", {"reason": "退房退款"}), 403, "SAME_PERSON")
        assert cashier2.ok(cashier2.post(f"/api/receipts/{receipt['id']}/refund",
                                         {"reason": "退房退款"}))["status"] == "refunded"
    assert {r["status"] for r in cashier.ok(cashier.get(f"/api/deals/{deal_id}/receipts"))} == {"refunded"}
    assert D(cashier.ok(cashier.get(f"/api/deals/{deal_id}/schedule"))["collected"]) == 0

    # the next agency statement reverses the settled fee; the 提成 clawback falls in this
    # month (the 退房 is today), whose statements can be drawn once it is over
    second = cashier.ok(cashier.post(f"/api/projects/{pid}/agency-statements", {
        "period_from": yesterday().isoformat(), "period_to": yesterday().isoformat()}), 201)
    assert [(x["deal_id"], x["kind"], D(x["amount"])) for x in second["lines"]] == [(deal_id, "reversal", -fee)]
    assert [D(s["total"]) for s in cashier.ok(cashier.get(f"/api/projects/{pid}/agency-statements"))] == [fee, -fee]
    error(cashier.post(f"/api/projects/{pid}/commission-statements/{today().strftime('%Y-%m')}"),
          422, "MONTH_NOT_OVER")


@pytest.mark.parametrize("index, method", list(enumerate(LOANS, start=1)))
def test_each_payment_method_from_the_hold_to_the_handover(site, index, method):
    advisor, manager, assistant = site["advisor"], site["manager"], site["assistant"]
    unit_id = site["units"][index]
    deal = subscribe(site, unit_id, method, "孙先生", f"1365555100{index}", subscribed_on=yesterday().isoformat())
    deal_id = deal["id"]
    schedule = schedule_of(advisor, deal_id, "subscribed")
    assert {x["kind"] for x in live(schedule)} == SCHEDULE_KINDS[method]
    assert sum(D(x["amount"]) for x in live(schedule)) == D(deal["price"])

    sign(site, deal_id, yesterday())
    assistant.ok(assistant.post(f"/api/deals/{deal_id}/online-signing",
                                {"number": f"WQ{deal_id}", "date": yesterday().isoformat()}))
    assistant.ok(assistant.post(f"/api/deals/{deal_id}/filing",
                                {"filing_no": f"BA{deal_id}", "date": today().isoformat()}))
    poll(lambda: unit_of(advisor, unit_id)["status"] == "filed", what="unit filed in inventory")

    mortgage = advisor.post(f"/api/deals/{deal_id}/mortgage",
                            {"bank": "建设银行", "amount": LOANS[method] or "1000000.00",
                             "kind": MORTGAGE_KIND.get(method, "commercial")})
    if method in MORTGAGE_KIND:
        case = advisor.ok(mortgage, 201)
        for step in ("papers_collected", "submitted", "approved", "disbursed"):
            case = advisor.ok(advisor.post(f"/api/mortgages/{case['id']}/advance",
                                           {"to": step, "date": today().isoformat()}))
        assert (case["step"], case["amount"]) == ("disbursed", LOANS[method])
    else:
        error(mortgage, 422, "NOT_MORTGAGE")

    assistant.ok(assistant.post(f"/api/deals/{deal_id}/handover",
                                {"date": today().isoformat(), "inspection_notes": "验房通过"}), 201)
    assert manager.ok(manager.get(f"/api/deals/{deal_id}"))["status"] == "handed_over"
    poll(lambda: unit_of(advisor, unit_id)["status"] == "delivered", what="unit delivered in inventory")
    signed = schedule_of(advisor, deal_id, "signed")
    assert sum(D(x["amount"]) for x in live(signed)) == D(deal["price"])
