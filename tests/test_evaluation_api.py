"""Targets, scorecard weights, scorecards and 销售之星 over HTTP through the gateway, with
every service running: who may do what (403), bad input (400), rules (422), and that a
refused request changes nothing. Facts arrive as events published from the test."""
import json
from decimal import Decimal
from functools import partial

import pytest
from kombu import Connection, Exchange, Producer

from loupan.events import make_envelope
from loupan.testing import wait_until
from tests.conftest import staff
from tests.api import short

poll = partial(wait_until, timeout=60)
MONTH = "2026-05"
SIGNED_QUEUE = "evt-contracts-contract_signed--hr.count_contract_signed"


@pytest.fixture(scope="module")
def site(system, director):
    project = director.ok(director.post("/api/projects", {"name": "考核花园", "city": "杭州",
                                                          "developer_name": "某地产"}), 201)
    other = director.ok(director.post("/api/projects", {"name": "别的楼盘", "city": "杭州",
                                                        "developer_name": "某地产"}), 201)
    pid = project["id"]
    apis = {"manager": staff(system, director, "ev_mgr", "manager", [pid]),
            "supervisor": staff(system, director, "ev_sup", "supervisor", [pid]),
            "a1": staff(system, director, "ev_adv1", "advisor", [pid]),
            "a2": staff(system, director, "ev_adv2", "advisor", [pid]),
            "outsider": staff(system, director, "ev_adv9", "advisor", [other["id"]])}
    accounts = {short(a["username"]): a for a in director.ok(director.get("/api/accounts"))}
    ids = {k: accounts[f"ev_{u}"]["id"] for k, u in
           (("manager", "mgr"), ("supervisor", "sup"), ("a1", "adv1"), ("a2", "adv2"))}
    return {"pid": pid, "other": other["id"], "agency_id": accounts["ev_mgr"]["agency_id"], "ids": ids,
            **apis, "director": director}


def targets_body(site, a1=(2, "6000000.00"), a2=(1, "3000000.00")):
    return {"project": {"units": a1[0] + a2[0], "amount": str(Decimal(a1[1]) + Decimal(a2[1])),
                        "collections": "0"},
            "teams": [{"supervisor_id": site["ids"]["supervisor"], "units": a1[0] + a2[0],
                       "amount": str(Decimal(a1[1]) + Decimal(a2[1])), "collections": "0"}],
            "advisors": [{"advisor_id": site["ids"]["a1"], "units": a1[0], "amount": a1[1], "collections": "0"},
                         {"advisor_id": site["ids"]["a2"], "units": a2[0], "amount": a2[1], "collections": "0"}]}


def publish(system, source, envelopes):
    with Connection(system.amqp_uri) as conn:
        producer = Producer(conn.channel())
        exchange = Exchange(f"{source}.events", type="topic", durable=True)
        for envelope in envelopes:
            producer.publish(json.dumps(envelope), exchange=exchange, routing_key=envelope["type"],
                             content_type="application/json", content_encoding="utf-8", declare=[exchange])


def envelope(site, event_type, payload):
    body = make_envelope(event_type, payload, agency_id=site["agency_id"], project_id=site["pid"])
    body["occurred_at"] = "2026-05-12T03:00:00+00:00"
    return body


def acked(system, queue):
    info = system.rabbit._call("GET", f"queues/{system.vhost}/{queue}").json()
    if info.get("messages", 1) or info.get("messages_unacknowledged", 1):
        return 0
    return info.get("message_stats", {}).get("ack", 0)


def test_teams_and_targets_by_the_manager_read_by_the_supervisor(site):
    pid, manager = site["pid"], site["manager"]
    teams = manager.ok(manager.put(f"/api/projects/{pid}/teams", {"teams": [
        {"supervisor_id": site["ids"]["supervisor"], "advisor_ids": [site["ids"]["a1"], site["ids"]["a2"]]}]}))
    assert teams["teams"][0]["full_name"] == "ev_sup"
    saved = manager.ok(manager.put(f"/api/projects/{pid}/targets?month={MONTH}", targets_body(site)))
    assert saved["project"]["amount"] == "9000000.00" and saved["teams"][0]["units"] == 3
    assert site["supervisor"].ok(site["supervisor"].get(f"/api/projects/{pid}/targets?month={MONTH}")) == saved


@pytest.mark.parametrize("who,status", [("supervisor", 403), ("a1", 403), ("outsider", 403)])
def test_who_may_not_set_targets_and_nothing_changes(site, who, status):
    pid = site["pid"]
    before = site["manager"].ok(site["manager"].get(f"/api/projects/{pid}/targets?month={MONTH}"))
    response = site[who].put(f"/api/projects/{pid}/targets?month={MONTH}", targets_body(site, a1=(9, "9.00")))
    assert response.status_code == status
    assert response.json()["error"] in ("ROLE_FORBIDDEN", "PROJECT_FORBIDDEN")
    assert site["manager"].ok(site["manager"].get(f"/api/projects/{pid}/targets?month={MONTH}")) == before


def test_advisors_may_not_read_targets_or_the_ranking(site):
    pid = site["pid"]
    assert site["a1"].get(f"/api/projects/{pid}/targets?month={MONTH}").status_code == 403
    assert site["a1"].get(f"/api/projects/{pid}/scorecards?month={MONTH}").status_code == 403


@pytest.mark.parametrize("path,mutate,status,code", [
    ("targets?month=2026-5", lambda b: b, 400, "VALIDATION_ERROR"),
    ("targets", lambda b: b, 400, "VALIDATION_ERROR"),
    (f"targets?month={MONTH}", lambda b: b["project"].update(amount=9000000.0), 400, "VALIDATION_ERROR"),
    (f"targets?month={MONTH}", lambda b: b.pop("advisors"), 400, "VALIDATION_ERROR"),
    (f"targets?month={MONTH}", lambda b: b["project"].update(units=4), 422, "TARGET_SPLIT_MISMATCH"),
    (f"targets?month={MONTH}", lambda b: b["teams"][0].update(units=2), 422, "TEAM_TARGET_MISMATCH"),
])
def test_bad_targets_are_refused_and_change_nothing(site, path, mutate, status, code):
    pid, manager = site["pid"], site["manager"]
    before = manager.ok(manager.get(f"/api/projects/{pid}/targets?month={MONTH}"))
    body = targets_body(site, a1=(5, "1.00"))
    mutate(body)
    response = manager.put(f"/api/projects/{pid}/{path}", body)
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert manager.ok(manager.get(f"/api/projects/{pid}/targets?month={MONTH}")) == before


def test_targets_for_a_project_that_does_not_exist_are_404(site):
    response = site["director"].put(f"/api/projects/987654/targets?month={MONTH}", targets_body(site))
    assert response.status_code == 404


def test_weights_must_add_up_to_100_and_only_managers_set_them(site):
    pid, manager = site["pid"], site["manager"]
    weights = {"units": 30, "amount": 30, "leads": 10, "complaints": 10, "satisfaction": 10, "attendance": 10}
    response = manager.put(f"/api/projects/{pid}/scorecard-weights", dict(weights, units=31))
    assert (response.status_code, response.json()["error"]) == (422, "WEIGHTS_NOT_100")
    assert site["supervisor"].put(f"/api/projects/{pid}/scorecard-weights", weights).status_code == 403
    assert manager.put(f"/api/projects/{pid}/scorecard-weights", dict(weights, units="30")).status_code == 400
    assert manager.ok(manager.get(f"/api/projects/{pid}/scorecard-weights"))["is_default"] is True
    saved = manager.ok(manager.put(f"/api/projects/{pid}/scorecard-weights", weights))
    assert saved["is_default"] is False and saved["units"] == 30


def test_scorecards_from_published_facts_counting_a_duplicate_once(system, site):
    pid, ids = site["pid"], site["ids"]
    signed = envelope(site, "contract_signed", {"deal_id": 1, "unit_id": 1, "advisor_id": ids["a1"],
                                                "contract_id": 1, "price": "3000000.00"})
    publish(system, "contracts", [signed, signed])
    publish(system, "crm", [envelope(site, "customer_registered",
                                     {"customer_id": i, "advisor_id": ids["a2"], "channel": "walk-in"})
                            for i in (1, 2)])
    manager = site["manager"]

    def ranking():
        return manager.ok(manager.get(f"/api/projects/{pid}/scorecards?month={MONTH}"))

    poll(lambda: {c["account_id"]: c for c in ranking()["cards"]}[ids["a1"]]["units_signed"] == 1,
         what="the contract counted")
    poll(lambda: acked(system, SIGNED_QUEUE) >= 2, what="both deliveries consumed")
    poll(lambda: any(c["name"] == "leads" and c["raw"] == "2"
                     for card in ranking()["cards"] for c in card["components"]), what="the leads counted")
    cards = {c["account_id"]: c for c in ranking()["cards"]}
    assert cards[ids["a1"]]["units_signed"] == 1 and cards[ids["a1"]]["amount_signed"] == "3000000.00"
    assert [c["account_id"] for c in ranking()["cards"]][0] == ids["a1"]
    for card in cards.values():
        assert sum(Decimal(c["contribution"]) for c in card["components"]) == Decimal(card["total"])
        assert {c["name"] for c in card["components"]} == {"units", "amount", "leads", "complaints",
                                                          "satisfaction", "attendance"}

    own = site["a1"].ok(site["a1"].get(f"/api/projects/{pid}/scorecards/{ids['a1']}?month={MONTH}"))
    assert own == cards[ids["a1"]]
    response = site["a1"].get(f"/api/projects/{pid}/scorecards/{ids['a2']}?month={MONTH}")
    assert (response.status_code, response.json()["error"]) == (403, "OWN_SCORECARD_ONLY")
    assert site["outsider"].get(f"/api/projects/{pid}/scorecards/{ids['a1']}?month={MONTH}").status_code == 403

    star = site["a2"].ok(site["a2"].get(f"/api/projects/{pid}/sales-star?quarter=2026-Q2"))
    assert star["star"]["account_id"] == ids["a1"] and star["star"]["rank"] == 1
    assert site["a2"].get(f"/api/projects/{pid}/sales-star?quarter=2026-Q5").status_code == 400
    assert site["a2"].get(f"/api/projects/{pid}/scorecards?month=May").status_code == 403  # role before input
    assert manager.get(f"/api/projects/{pid}/scorecards?month=May").status_code == 400


def test_the_collection_target_is_one_figure_wherever_it_is_set(site):
    """回款目标: set with the month's targets or on its own (/collection-targets), the targets,
    the collection target and the 月报 show the same figure: the last one set."""
    manager, pid, month = site["manager"], site["pid"], "2026-07"
    body = targets_body(site)
    body["project"]["collections"], body["teams"] = "5000000.00", []
    body["advisors"][0]["collections"], body["advisors"][1]["collections"] = "3000000.00", "2000000.00"
    assert manager.ok(manager.put(f"/api/projects/{pid}/targets?month={month}", body))["project"]["collections"] \
        == "5000000.00"
    assert manager.ok(manager.get(f"/api/projects/{pid}/collection-targets/{month}"))["target"] == "5000000.00"

    manager.ok(manager.put(f"/api/projects/{pid}/collection-targets/{month}", {"amount": "4200000.00"}))
    assert manager.ok(manager.get(f"/api/projects/{pid}/targets", params={"month": month}))["project"][
        "collections"] == "4200000.00"
    report = manager.ok(manager.get(f"/api/projects/{pid}/reports/monthly", params={"month": month}))
    assert Decimal(str(report["collection_vs_target"]["target"])) == Decimal("4200000.00")
    # a supervisor reads the targets with the same figure
    assert site["supervisor"].ok(site["supervisor"].get(f"/api/projects/{pid}/targets", params={"month": month}))[
        "project"]["collections"] == "4200000.00"
