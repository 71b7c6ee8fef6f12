"""Mortgage quotes, agency commission (结佣), staff commission (提成) and expenses over HTTP
through the gateway with every service running. Deals reach finance as contracts events
published on the system's broker; receipts are recorded through the receipts route."""
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import partial

import pytest

from loupan.testing import publish_event, wait_until
from tests.conftest import staff
from tests.api import short

poll = partial(wait_until, timeout=60)
D = Decimal


@pytest.fixture(scope="module")
def site(system, director):
    project = director.ok(director.post("/api/projects", {"name": "结佣花园", "city": "杭州",
                                                          "developer_name": "某地产"}), 201)
    other = director.ok(director.post("/api/projects", {"name": "别的楼盘", "city": "杭州",
                                                        "developer_name": "某地产"}), 201)
    pid = project["id"]
    apis = {"manager": staff(system, director, "fc_mgr", "manager", [pid]),
            "finance": staff(system, director, "fc_fin", "finance", [pid]),
            "assistant": staff(system, director, "fc_asst", "assistant", [pid]),
            "supervisor": staff(system, director, "fc_sup", "supervisor", [pid]),
            "a1": staff(system, director, "fc_adv1", "advisor", [pid]),
            "a2": staff(system, director, "fc_adv2", "advisor", [pid]),
            "developer": staff(system, director, "fc_dev", "developer_viewer", [pid]),
            "other_developer": staff(system, director, "fc_dev2", "developer_viewer", [other["id"]])}
    accounts = {short(a["username"]): a for a in director.ok(director.get("/api/accounts"))}
    ids = {k: accounts[f"fc_{u}"]["id"] for k, u in (("supervisor", "sup"), ("a1", "adv1"), ("a2", "adv2"))}
    return {"pid": pid, "other": other["id"], "agency_id": accounts["fc_mgr"]["agency_id"], "ids": ids,
            "director": director, "system": system, **apis}


def at(day):
    return datetime.fromisoformat(f"{day}T04:00:00").replace(tzinfo=timezone.utc)


def sign_deal(site, deal_id, advisor_id, price, loan, project_id=None):
    """认购 approved on 1 September, signed on 5 September; waits until finance has the schedule."""
    pid = project_id or site["pid"]
    uri = site["system"].amqp_uri
    publish_event(uri, "subscription_approved", {
        "deal_id": deal_id, "unit_id": deal_id, "advisor_id": advisor_id, "subscription_id": deal_id,
        "customer_name": "王先生", "customer_phone": "13800000000", "price": price, "deposit": "50000",
        "payment_method": "commercial_mortgage", "approved_on": date(2026, 9, 1), "unit_label": f"1-{deal_id}"},
        agency_id=site["agency_id"], project_id=pid, occurred_at=at("2026-09-01"))
    publish_event(uri, "contract_signed", {
        "deal_id": deal_id, "unit_id": deal_id, "advisor_id": advisor_id, "contract_id": deal_id, "price": price,
        "payment_method": "commercial_mortgage", "signed_on": date(2026, 9, 5), "loan_amount": loan},
        agency_id=site["agency_id"], project_id=pid, occurred_at=at("2026-09-05"))
    finance = site["finance"]

    def signed():
        response = finance.get(f"/api/deals/{deal_id}/schedule")
        return response.status_code == 200 and response.json()["status"] == "signed" and response.json()

    return poll(signed, what=f"deal {deal_id} signed in finance")


def down_payment(schedule):
    return sum(D(x["amount"]) for x in schedule["lines"] if x["kind"] in ("deposit", "down_payment")
               and x["status"] != "closed")


def receive(site, deal_id, amount, day):
    site["finance"].ok(site["finance"].post(f"/api/deals/{deal_id}/receipts", {
        "amount": str(amount), "method": "transfer", "received_on": day}), 201)


def test_a_mortgage_quote_for_any_signed_in_user(site):
    advisor = site["a1"]
    q = advisor.ok(advisor.get("/api/finance/mortgage-quote", params={
        "principal": "1000000", "years": 30, "annual_rate": "4.9", "method": "equal_instalment"}))
    assert q["monthly_payment"] == "5307.27" and len(q["schedule"]) == 360
    assert sum(D(x["principal"]) for x in q["schedule"]) == D("1000000")
    assert (q["total_interest"], q["total_paid"]) == ("910616.19", "1910616.19")  # the bank calculators'
    assert q["headline_rounding"] == "half_up_from_exact"
    assert q["schedule_rounding"] == "cent_ledger_remainder_to_last"
    assert q["schedule_total_paid"] == str(sum(D(x["payment"]) for x in q["schedule"]))
    p = advisor.ok(advisor.get("/api/finance/mortgage-quote", params={
        "principal": "1000000", "years": 30, "annual_rate": "4.9", "method": "equal_principal"}))
    assert (p["monthly_payment"], p["monthly_decrease"]) == ("6861.11", "11.34")
    assert (p["total_interest"], p["total_paid"]) == ("737041.67", "1737041.67")
    # docs/money.md: 100.14 / 12 = 8.345 shown half-up; the ledger's last line takes the remainder
    z = advisor.ok(advisor.get("/api/finance/mortgage-quote", params={
        "principal": "100.14", "years": 1, "annual_rate": "0", "method": "equal_instalment"}))
    assert (z["monthly_payment"], z["total_paid"]) == ("8.35", "100.14")
    assert [x["payment"] for x in z["schedule"]][-2:] == ["8.35", "8.29"]
    bad = advisor.get("/api/finance/mortgage-quote", params={
        "principal": "1000000", "years": 31, "annual_rate": "4.9", "method": "equal_principal"})
    assert bad.status_code == 400 and bad.json()["error"] == "VALIDATION_ERROR"


def test_a_deal_earns_agency_fee_and_commission_and_cancelling_it_reverses_both(site):
    pid, manager, finance, ids = site["pid"], site["manager"], site["finance"], site["ids"]
    terms = {"base_rate": "1.0", "total_units": 10, "billable_when": "signed_and_down_payment",
             "tiers": [{"from_ratio": "0", "rate": "1.0"}, {"from_ratio": "0.2", "rate": "1.2"}]}
    assert finance.put(f"/api/projects/{pid}/agency-terms", terms).status_code == 403
    manager.ok(manager.put(f"/api/projects/{pid}/agency-terms", terms))
    rules = {"rules": [{"role": "advisor", "kind": "percent", "rate": "0.5"},
                       {"role": "supervisor", "account_ids": [ids["supervisor"]], "override_rate": "0.1"}]}
    manager.ok(manager.put(f"/api/projects/{pid}/commission-rules", rules))

    first = sign_deal(site, 7101, ids["a1"], "2000000", "1400000")
    second = sign_deal(site, 7102, ids["a2"], "1000000", "700000")
    receive(site, 7101, down_payment(first), "2026-09-10")  # 600 000: 30 %
    receive(site, 7102, "50000", "2026-09-10")  # the deposit only

    september = finance.ok(finance.post(f"/api/projects/{pid}/agency-statements",
                                        {"period_from": "2026-09-01", "period_to": "2026-09-30"}), 201)
    assert (september["rate"], september["sell_through"]) == ("1.2", "0.2000")
    assert [(x["deal_id"], x["kind"], x["amount"]) for x in september["lines"]] == [(7101, "fee", "24000.00")]
    commission = finance.ok(finance.post(f"/api/projects/{pid}/commission-statements/2026-09"), 201)
    lines = {(s["account_id"], x["deal_id"]): x["amount"] for s in commission["statements"] for x in s["lines"]}
    assert lines == {(ids["a1"], 7101): "3000.00", (ids["supervisor"], 7101): "600.00",
                     (ids["a2"], 7102): "250.00", (ids["supervisor"], 7102): "50.00"}
    # the names a finance desk shows: finance keeps ids, the gateway adds hr's names
    assert september["issued_by_name"] == "fc_fin"
    assert {s["account_id"]: s["account_name"] for s in commission["statements"]} == \
        {ids["a1"]: "fc_adv1", ids["a2"]: "fc_adv2", ids["supervisor"]: "fc_sup"}
    listed = finance.ok(finance.get("/api/commission-statements", params={"project_id": pid, "month": "2026-09"}))
    assert {s["account_name"] for s in listed} == {"fc_adv1", "fc_adv2", "fc_sup"}

    publish_event(site["system"].amqp_uri, "deal_cancelled", {
        "deal_id": 7101, "unit_id": 7101, "advisor_id": ids["a1"], "from_status": "signed", "reason": "退房"},
        agency_id=site["agency_id"], project_id=pid, occurred_at=at("2026-10-08"))
    poll(lambda: finance.get("/api/deals/7101/schedule").json()["status"] == "cancelled", what="deal cancelled")
    receive(site, 7102, down_payment(second) - 50000, "2026-10-09")

    october = finance.ok(finance.post(f"/api/projects/{pid}/agency-statements",
                                      {"period_from": "2026-10-01", "period_to": "2026-10-31"}), 201)
    assert [(x["deal_id"], x["kind"], x["amount"]) for x in october["lines"]] == [
        (7101, "reversal", "-24000.00"), (7102, "fee", "10000.00")]  # 1 of 10 signed now: base rate
    commission = finance.ok(finance.post(f"/api/projects/{pid}/commission-statements/2026-10"), 201)
    lines = {(s["account_id"], x["deal_id"]): (x["kind"], x["amount"])
             for s in commission["statements"] for x in s["lines"]}
    assert lines == {(ids["a1"], 7101): ("clawback", "-3000.00"), (ids["supervisor"], 7101): ("clawback", "-600.00"),
                     (ids["a2"], 7102): ("accrual", "1250.00"), (ids["supervisor"], 7102): ("accrual", "250.00")}

    developer = site["developer"]
    assert [s["number"] for s in developer.ok(developer.get(f"/api/projects/{pid}/agency-statements"))] == [1, 2]
    assert developer.ok(developer.get(f"/api/agency-statements/{october['id']}"))["total"] == "-14000.00"
    outsider = site["other_developer"]
    assert outsider.get(f"/api/projects/{pid}/agency-statements").status_code == 403
    assert outsider.get(f"/api/agency-statements/{october['id']}").status_code == 403
    assert developer.get("/api/commission-statements").status_code == 403

    a1 = site["a1"]
    own = a1.ok(a1.get("/api/commission-statements", params={"project_id": pid}))
    assert [(s["month"], s["total"]) for s in own] == [("2026-09", "3000.00"), ("2026-10", "-3000.00")]
    assert a1.get("/api/commission-statements", params={"account_id": ids["a2"]}).status_code == 403
    again = finance.post(f"/api/projects/{pid}/commission-statements/2026-10")
    assert again.status_code == 409 and again.json()["error"] == "COMMISSION_MONTH_ISSUED"


def test_expense_budget_against_actuals_and_sales(site, system, director):
    project = director.ok(director.post("/api/projects", {"name": "费用花园", "city": "杭州",
                                                          "developer_name": "某地产"}), 201)
    pid = project["id"]
    manager = staff(system, director, "fx_mgr", "manager", [pid])
    assistant = staff(system, director, "fx_asst", "assistant", [pid])
    finance = staff(system, director, "fx_fin", "finance", [pid])
    budget = {"lines": [{"category": "advertising", "channel": "online", "medium": "抖音", "amount": "50000"},
                        {"category": "events", "amount": "20000"}]}
    assert assistant.put(f"/api/projects/{pid}/expense-budgets/2026-09", budget).status_code == 403
    assert manager.put(f"/api/projects/{pid}/expense-budgets/2026-9", budget).status_code == 400
    assert manager.ok(manager.put(f"/api/projects/{pid}/expense-budgets/2026-09", budget))["total"] == "70000.00"
    assert manager.post(f"/api/projects/{pid}/expenses", {"month": "2026-09", "category": "events",
                                                          "amount": "1"}).status_code == 403
    for category, channel, amount in (("advertising", "online", "42000.50"), ("events", "", "8000")):
        assistant.ok(assistant.post(f"/api/projects/{pid}/expenses", {
            "month": "2026-09", "category": category, "channel": channel, "amount": amount, "note": "发票"}), 201)
    finance_site = dict(site, pid=pid, finance=finance)
    sign_deal(finance_site, 7201, site["ids"]["a1"], "2500000", "1750000", project_id=pid)

    report = finance.ok(finance.get(f"/api/projects/{pid}/expenses/2026-09"))
    categories = {c["category"]: (c["budget"], c["actual"]) for c in report["categories"]}
    assert categories["advertising"] == ("50000.00", "42000.50") and categories["events"] == ("20000.00", "8000.00")
    assert report["channels"] == [{"category": "advertising", "channel": "online", "budget": "50000.00",
                                   "actual": "42000.50", "remaining": "7999.50"}]
    assert (report["total_actual"], report["signed_amount"], report["ratio_to_sales"]) == \
        ("50000.50", "2500000.00", "0.0200")
    assert site["a1"].get(f"/api/projects/{pid}/expenses/2026-09").status_code == 403
