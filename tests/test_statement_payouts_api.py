"""结佣 and 提成 statements paid out and previewed through the gateway (issue 16): paid once
with who and when (409 STATEMENT_PAID after, the correction in the next statement); the
running period previewed at any time, marked provisional, so an office sees this month's
clawbacks before the month ends. Deals reach finance as contracts events, as in
tests/test_finance_commission_api.py."""
from datetime import timedelta
from functools import partial

import pytest

from loupan.testing import publish_event, wait_until
from loupan.types import today
from tests.api import short
from tests.conftest import staff
from tests.test_finance_commission_api import down_payment, receive, sign_deal

poll = partial(wait_until, timeout=60)


@pytest.fixture(scope="module")
def site(system, director):
    project = director.ok(director.post("/api/projects", {"name": "结算发放", "city": "杭州",
                                                          "developer_name": "某地产"}), 201)
    pid = project["id"]
    apis = {"manager": staff(system, director, "payout_mgr", "manager", [pid]),
            "finance": staff(system, director, "payout_fin", "finance", [pid]),
            "a1": staff(system, director, "payout_adv", "advisor", [pid])}
    accounts = {short(a["username"]): a for a in director.ok(director.get("/api/accounts"))}
    return {"pid": pid, "agency_id": accounts["payout_mgr"]["agency_id"], "system": system,
            "ids": {"a1": accounts["payout_adv"]["id"], "finance": accounts["payout_fin"]["id"]}, **apis}


def test_statements_are_paid_once_and_the_running_period_is_previewed(site):
    pid, manager, finance, advisor, ids = site["pid"], site["manager"], site["finance"], site["a1"], site["ids"]
    manager.ok(manager.put(f"/api/projects/{pid}/agency-terms",
                           {"base_rate": "1.0", "total_units": 10, "billable_when": "signed_and_down_payment"}))
    manager.ok(manager.put(f"/api/projects/{pid}/commission-rules",
                           {"rules": [{"role": "advisor", "kind": "percent", "rate": "0.5"}]}))
    deal = sign_deal(site, 7301, ids["a1"], "2000000", "1400000")
    receive(site, 7301, down_payment(deal), "2026-09-10")
    september = finance.ok(finance.post(f"/api/projects/{pid}/agency-statements",
                                        {"period_from": "2026-09-01", "period_to": "2026-09-30"}), 201)
    run = finance.ok(finance.post(f"/api/projects/{pid}/commission-statements/2026-09"), 201)
    (mine,) = run["statements"]
    assert (september["paid"], mine["paid"], run["provisional"]) == (False, False, False)

    paid = finance.ok(finance.post(f"/api/agency-statements/{september['id']}/pay", {"payment_ref": "HD-9"}))
    assert (paid["paid"], paid["paid_by"], paid["paid_by_name"], paid["paid_on"], paid["payment_ref"]) == (
        True, ids["finance"], "payout_fin", today().isoformat(), "HD-9")
    again = finance.post(f"/api/agency-statements/{september['id']}/pay", {})
    assert (again.status_code, again.json()["error"]) == (409, "STATEMENT_PAID"), again.text
    assert advisor.post(f"/api/commission-statements/{mine['id']}/pay", {}).status_code == 403
    paid = finance.ok(finance.post(f"/api/commission-statements/{mine['id']}/pay", {}))
    assert (paid["paid"], paid["account_name"], paid["paid_by_name"]) == (True, "payout_adv", "payout_fin")
    again = finance.post(f"/api/commission-statements/{mine['id']}/pay", {})
    assert (again.status_code, again.json()["error"]) == (409, "STATEMENT_PAID"), again.text
    assert advisor.ok(advisor.get("/api/commission-statements", params={"month": "2026-09"}))[0]["paid"] is True

    # 退房 today: both previews of the running period show the reversal and the clawback now
    publish_event(site["system"].amqp_uri, "deal_cancelled", {
        "deal_id": 7301, "unit_id": 7301, "advisor_id": ids["a1"], "from_status": "signed", "reason": "退房"},
        agency_id=site["agency_id"], project_id=pid)
    poll(lambda: finance.get("/api/deals/7301/schedule").json()["status"] == "cancelled", what="deal cancelled")
    running = {"period_from": "2026-10-01", "period_to": (today() + timedelta(days=30)).isoformat()}
    preview = finance.ok(finance.get(f"/api/projects/{pid}/agency-statements/preview", params=running))
    assert (preview["provisional"], preview["number"], preview["as_of"]) == (True, None, today().isoformat())
    assert [(x["deal_id"], x["kind"], x["amount"]) for x in preview["lines"]] == [(7301, "reversal", "-20000.00")]
    month = today().strftime("%Y-%m")
    clawback = finance.ok(finance.get(f"/api/projects/{pid}/commission-statements/{month}/preview"))
    assert clawback["provisional"] is True
    assert [(s["account_name"], x["kind"], x["amount"]) for s in clawback["statements"] for x in s["lines"]] == [
        ("payout_adv", "clawback", f"-{mine['total']}")]
    assert [s["number"] for s in finance.ok(finance.get(f"/api/projects/{pid}/agency-statements"))] == [1]
    assert advisor.get(f"/api/projects/{pid}/agency-statements/preview", params=running).status_code == 403
