"""Targets, teams, weights and scorecards through the real hr entrypoints, on SQLite and
PostgreSQL with the real broker: the facts arrive as events published from the test to the
`contracts.events` and `crm.events` exchanges, a duplicate among them."""
import json
from datetime import date, datetime, time, timezone
from decimal import Decimal

import pytest
from kombu import Connection, Exchange, Producer
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.orm import Session

from loupan.errors import Forbidden, Invalid, RuleViolated
from loupan.events import make_envelope
from loupan.migrate import upgrade
from loupan.testing import wait_until
from services.hr import evaluation
from services.hr.models import AdvisorFact, ClockEvent, RotaEntry, Shift, Target
from services.hr.scorecard_rules import DEFAULT_WEIGHTS, Attendance
from services.hr.tests.conftest import MIGRATIONS, actor_of

P1, P2 = 101, 102
MONTH = "2026-05"
MAY = datetime(2026, 5, 10, 4, 0, tzinfo=timezone.utc)


@pytest.fixture
def site(call, director):
    """A manager, a supervisor and three advisors at P1; an advisor of P2."""
    def make(username, role, projects=(P1,)):
        return actor_of(call("create_account", director, {
            "username": username, "password": "sales-office-42", "full_name": username, "role": role,
            "project_ids": list(projects)}))

    people = {"director": director, "manager": make("mgr", "manager"), "supervisor": make("sup", "supervisor"),
              "a1": make("adv1", "advisor"), "a2": make("adv2", "advisor"), "a3": make("adv3", "advisor"),
              "other": make("adv9", "advisor", (P2,))}
    people.update({f"{k}_id": v["account_id"] for k, v in list(people.items())})
    return people


def figures(units, amount, collections="0"):
    return {"units": units, "amount": amount, "collections": collections}


def split(site, shares, teams=()):
    """Targets body: the project's target is the sum of the advisors' shares."""
    advisors = [dict(figures(u, a, c), advisor_id=site[f"{k}_id"]) for k, (u, a, c) in shares.items()]
    project = figures(sum(u for u, _, _ in shares.values()), str(sum(Decimal(a) for _, a, _ in shares.values())),
                      str(sum(Decimal(c) for _, _, c in shares.values())))
    return {"project": project, "teams": list(teams), "advisors": advisors}


def publish(config, source, envelopes):
    with Connection(config["AMQP_URI"]) as conn:
        producer = Producer(conn.channel())
        exchange = Exchange(f"{source}.events", type="topic", durable=True)
        for envelope in envelopes:
            producer.publish(json.dumps(envelope), exchange=exchange, routing_key=envelope["type"],
                             content_type="application/json", content_encoding="utf-8", declare=[exchange])


def event(event_type, payload, project_id=P1, agency_id=1, at=MAY):
    envelope = make_envelope(event_type, payload, agency_id=agency_id, project_id=project_id)
    envelope["occurred_at"] = at.isoformat()
    return envelope


def signed(advisor_id, price, contract_id, **kwargs):
    return event("contract_signed", {"deal_id": contract_id, "unit_id": contract_id, "advisor_id": advisor_id,
                                     "contract_id": contract_id, "price": price}, **kwargs)


def deliver(hr, config, source, handler, envelopes):
    """Publish each envelope and wait until the handler's worker has finished with it."""
    for envelope in envelopes:
        with entrypoint_waiter(hr, handler, timeout=15):
            publish(config, source, [envelope])


def facts(config):
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(select(AdvisorFact.event_id, AdvisorFact.kind, AdvisorFact.month)).all()
    finally:
        engine.dispose()


def q(month=MONTH):
    return {"month": month}


# targets and teams -------------------------------------------------------------------------
def test_manager_sets_teams_and_targets_and_supervisor_reads_them(call, site):
    teams = call("put_teams", site["manager"], P1, {"teams": [
        {"supervisor_id": site["supervisor_id"], "advisor_ids": [site["a2_id"], site["a1_id"]]}]})
    assert teams["teams"] == [{"supervisor_id": site["supervisor_id"], "full_name": "sup",
                               "advisor_ids": sorted([site["a1_id"], site["a2_id"]])}]
    body = split(site, {"a1": (3, "3000000.00", "1000000"), "a2": (2, "2000000.50", "0"), "a3": (1, "1", "0.5")},
                 teams=[dict(figures(5, "5000000.50", "1000000"), supervisor_id=site["supervisor_id"])])
    result = call("put_targets", site["manager"], P1, q(), body)
    assert result["project"] == {"units": 6, "amount": "5000001.50", "collections": "1000000.50",
                                 "actual_units": 0, "actual_amount": "0.00"}
    assert [t["units"] for t in result["teams"]] == [5]
    assert {a["advisor_id"]: a["amount"] for a in result["advisors"]} == {
        site["a1_id"]: "3000000.00", site["a2_id"]: "2000000.50", site["a3_id"]: "1.00"}
    assert result["set_by"] == site["manager_id"]
    assert call("get_targets", site["supervisor"], P1, q()) == result
    assert call("get_targets", site["director"], P1, q("2026-06"))["project"] is None


def test_putting_targets_again_replaces_the_month(call, site):
    call("put_targets", site["manager"], P1, q(), split(site, {"a1": (3, "300", "0"), "a2": (1, "100", "0")}))
    result = call("put_targets", site["director"], P1, q(), split(site, {"a3": (2, "200", "0")}))
    assert [a["advisor_id"] for a in result["advisors"]] == [site["a3_id"]]
    assert result["project"]["units"] == 2


def targets_rows(config):
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Target)).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.parametrize("change,code", [
    (lambda b: b["project"].update(units=b["project"]["units"] + 1), "TARGET_SPLIT_MISMATCH"),
    (lambda b: b["project"].update(amount="400.01"), "TARGET_SPLIT_MISMATCH"),
    (lambda b: b["advisors"][0].update(collections="1"), "TARGET_SPLIT_MISMATCH"),
])
def test_shares_that_do_not_add_up_are_refused_and_change_nothing(call, site, hr_config, change, code):
    before = call("put_targets", site["manager"], P1, q(), split(site, {"a1": (1, "100", "0")}))
    body = split(site, {"a1": (3, "300", "0"), "a2": (1, "100", "0")})
    change(body)
    with pytest.raises(RuleViolated) as err:
        call("put_targets", site["manager"], P1, q(), body)
    assert err.value.code == code
    assert call("get_targets", site["manager"], P1, q()) == before and targets_rows(hr_config) == 2


def test_a_team_share_must_equal_its_advisors_shares(call, site):
    call("put_teams", site["manager"], P1, {"teams": [{"supervisor_id": site["supervisor_id"],
                                                       "advisor_ids": [site["a1_id"]]}]})
    body = split(site, {"a1": (3, "300", "0"), "a2": (1, "100", "0")},
                 teams=[dict(figures(4, "400", "0"), supervisor_id=site["supervisor_id"])])
    with pytest.raises(RuleViolated) as err:
        call("put_targets", site["manager"], P1, q(), body)
    assert err.value.code == "TEAM_TARGET_MISMATCH"


def test_targets_only_for_active_advisors_of_the_project(call, site):
    body = split(site, {"other": (1, "100", "0")})
    with pytest.raises(RuleViolated) as err:
        call("put_targets", site["manager"], P1, q(), body)
    assert err.value.code == "NOT_ADVISOR_OF_PROJECT"
    body = split(site, {"a1": (1, "100", "0")}, teams=[dict(figures(1, "100", "0"), supervisor_id=site["a2_id"])])
    with pytest.raises(RuleViolated) as err:
        call("put_targets", site["manager"], P1, q(), body)
    assert err.value.code == "NOT_SUPERVISOR_OF_PROJECT"


@pytest.mark.parametrize("body,query", [
    ({"project": figures(1, "100"), "advisors": []}, q()),
    ({"project": figures(1, 1.5), "advisors": [dict(figures(1, "1"), advisor_id=1)]}, q()),
    ({"project": figures(-1, "0"), "advisors": [dict(figures(-1, "0"), advisor_id=1)]}, q()),
    ({"project": figures(2, "2"), "advisors": [dict(figures(1, "1"), advisor_id=1)] * 2}, q()),
    ({"project": figures(1, "1"), "advisors": [dict(figures(1, "1"), advisor_id=1)]}, {"month": "2026-13"}),
    ({"project": figures(1, "1"), "advisors": [dict(figures(1, "1"), advisor_id=1)]}, {}),
])
def test_malformed_targets_are_invalid(call, site, body, query):
    with pytest.raises(Invalid) as err:
        call("put_targets", site["manager"], P1, query, body)
    assert err.value.code == "VALIDATION_ERROR"


@pytest.mark.parametrize("who,method,args", [
    ("supervisor", "put_targets", (P1, q(), {"project": figures(1, "1"),
                                            "advisors": [dict(figures(1, "1"), advisor_id=1)]})),
    ("a1", "get_targets", (P1, q())),
    ("a1", "put_teams", (P1, {"teams": []})),
    ("supervisor", "put_scorecard_weights", (P1, dict(DEFAULT_WEIGHTS))),
    ("a1", "list_scorecards", (P1, q())),
    ("manager", "get_targets", (P2, q())),
])
def test_who_may_not(call, site, who, method, args):
    with pytest.raises(Forbidden):
        call(method, site[who], *args)


# weights ------------------------------------------------------------------------------------
def test_weights_default_then_set_and_must_add_up_to_100(call, site):
    default = call("get_scorecard_weights", site["supervisor"], P1)
    assert default["is_default"] is True and default["units"] == 25
    weights = {"units": 40, "amount": 40, "leads": 5, "complaints": 5, "satisfaction": 5, "attendance": 5}
    saved = call("put_scorecard_weights", site["manager"], P1, weights)
    assert saved["is_default"] is False and saved["units"] == 40 and saved["set_by"] == site["manager_id"]
    with pytest.raises(RuleViolated) as err:
        call("put_scorecard_weights", site["manager"], P1, dict(weights, units=41))
    assert err.value.code == "WEIGHTS_NOT_100"
    assert call("get_scorecard_weights", site["manager"], P1)["units"] == 40
    assert call("list_scorecards", site["manager"], P1, q())["weights"] == weights


# facts and scorecards --------------------------------------------------------------------------
def test_facts_from_events_make_the_ranked_explained_cards(call, site, hr, hr_config):
    a1, a2, a3 = site["a1_id"], site["a2_id"], site["a3_id"]
    call("put_targets", site["manager"], P1, q(), split(site, {"a1": (2, "6000000", "0"), "a2": (2, "6000000", "0"),
                                                          "a3": (2, "2000000", "0")}))
    first = signed(a1, "3000000.00", 1)
    deliver(hr, hr_config, "contracts", "count_contract_signed", [
        first, first,  # the same event delivered twice counts once
        signed(a1, "3000000.00", 2), signed(a2, "2500000.00", 3),
        signed(a2, "9000000.00", 4, project_id=P2),  # another site
        signed(None, "1000000.00", 5),  # no advisor: nothing to count
        signed(a3, "1000000.00", 6, at=datetime(2026, 4, 30, 17, 0, tzinfo=timezone.utc)),  # 5月1日 01:00 上海
    ])
    deliver(hr, hr_config, "crm", "count_customer_registered", [
        event("customer_registered", {"customer_id": i, "advisor_id": adv, "channel": "walk-in"})
        for i, adv in enumerate([a1, a1, a1, a1, a2, a2, a3], start=1)])
    deliver(hr, hr_config, "crm", "count_complaint_filed", [
        event("complaint_filed", {"complaint_id": 1, "advisor_id": a2, "category": "staff", "severity": "minor"})])
    deliver(hr, hr_config, "crm", "count_satisfaction_recorded", [
        event("satisfaction_recorded", {"survey_id": i, "advisor_id": a1, "score": s})
        for i, s in enumerate([5, 4], start=1)])
    rows = facts(hr_config)
    assert [r.event_id for r in rows].count(first["event_id"]) == 1
    assert sorted((r.kind, r.month) for r in rows if r.kind == "contract") == [("contract", MONTH)] * 5

    ranking = call("list_scorecards", site["supervisor"], P1, q())
    cards = {c["account_id"]: c for c in ranking["cards"]}
    assert [c["account_id"] for c in ranking["cards"]] == [a1, a2, a3]
    assert [c["rank"] for c in ranking["cards"]] == [1, 2, 3]
    one = {c["name"]: c for c in cards[a1]["components"]}
    assert (one["units"]["raw"], one["units"]["reference"], one["units"]["score"]) == ("2", "2", "100.00")
    assert (one["amount"]["raw"], one["amount"]["score"]) == ("6000000.00", "100.00")
    assert (one["leads"]["raw"], one["leads"]["reference"], one["leads"]["score"]) == ("4", "2", "100.00")
    assert (one["satisfaction"]["raw"], one["satisfaction"]["score"]) == ("4.50", "90.00")
    assert one["attendance"]["score"] == "100.00"  # no rota: not marked down
    assert cards[a1]["units_signed"] == 2 and cards[a1]["amount_signed"] == "6000000.00"
    assert {c["name"]: c["score"] for c in cards[a2]["components"]}["complaints"] == "75.00"
    for card in ranking["cards"]:
        assert sum(Decimal(c["contribution"]) for c in card["components"]) == Decimal(card["total"])
    assert cards[a3]["units_signed"] == 1  # signed on 1 May in Shanghai
    assert [c["total"] for c in ranking["cards"]] == ["99.00", "69.42", "66.50"]

    actual = call("get_targets", site["manager"], P1, q())
    assert actual["project"]["actual_units"] == 4 and actual["project"]["actual_amount"] == "9500000.00"
    assert {a["advisor_id"]: a["actual_units"] for a in actual["advisors"]} == {a1: 2, a2: 1, a3: 1}

    assert call("get_scorecard", site["a1"], P1, a1, q()) == cards[a1]
    with pytest.raises(Forbidden) as err:
        call("get_scorecard", site["a1"], P1, a2, q())
    assert err.value.code == "OWN_SCORECARD_ONLY"

    star = call("get_sales_star", site["a3"], P1, {"quarter": "2026-Q2"})
    assert star["star"]["account_id"] == a1 and [s["account_id"] for s in star["standings"]] == [a1, a2, a3]
    totals = [next(c["total"] for c in call("list_scorecards", site["manager"], P1, q(m))["cards"]
                   if c["account_id"] == a1) for m in ("2026-04", "2026-05", "2026-06")]
    assert totals == ["35.00", "99.00", "35.00"]  # a quiet month: no complaint, no rota, no survey
    assert star["star"]["average_total"] == "56.33"
    assert [m["month"] for m in star["star"]["month_totals"]] == ["2026-04", "2026-05", "2026-06"]


def test_other_agencies_and_unknown_accounts_do_not_appear(call, site, hr, hr_config):
    deliver(hr, hr_config, "contracts", "count_contract_signed", [
        signed(site["a1_id"], "100.00", 1, agency_id=site["director"]["agency_id"] + 1),
        signed(999999, "100.00", 2)])
    ranking = call("list_scorecards", site["manager"], P1, q())
    assert {c["account_id"] for c in ranking["cards"]} == {site["a1_id"], site["a2_id"], site["a3_id"]}
    assert all(c["units_signed"] == 0 for c in ranking["cards"])


def test_a_malformed_event_is_dead_lettered_not_counted(call, site, hr, hr_config):
    bad = signed(site["a1_id"], "100.00", 1)
    bad["payload"]["price"] = 100.5  # a float breaks the contract
    with entrypoint_waiter(hr, "count_contract_signed", timeout=15):
        publish(hr_config, "contracts", [bad])
    deliver(hr, hr_config, "contracts", "count_contract_signed", [signed(site["a1_id"], "200.00", 2)])
    wait_until(lambda: dead_letters(hr_config, "evt-contracts-contract_signed--hr.count_contract_signed") == 1,
               what="the bad event dead-lettered")
    assert len(facts(hr_config)) == 1
    assert call("get_scorecard", site["manager"], P1, site["a1_id"], q())["amount_signed"] == "200.00"


def dead_letters(config, queue):
    with Connection(config["AMQP_URI"]) as conn:
        return conn.SimpleQueue(f"{queue}.dlq").qsize()


# attendance ------------------------------------------------------------------------------------
def test_attendance_is_read_from_the_rota_and_clock_events(hr_config, site):
    engine = create_engine(hr_config["DATABASE_URL"])
    a1, agency = site["a1_id"], site["director"]["agency_id"]
    shanghai = evaluation.SHANGHAI
    with engine.begin() as conn:
        shift_id = conn.execute(insert(Shift).values(agency_id=agency, project_id=P1, name="早班",
                                                     starts=time(9), ends=time(18), min_staff=1)
                                .returning(Shift.id)).scalar_one()
        days = [date(2026, 3, d) for d in (2, 3, 4, 5)]
        conn.execute(insert(RotaEntry), [dict(agency_id=agency, project_id=P1, account_id=a1, day=d,
                                              shift_id=shift_id, rest=(d.day == 5), duty=False) for d in days])
        conn.execute(insert(ClockEvent), [
            dict(agency_id=agency, project_id=P1, account_id=a1, kind="in",
                 at=datetime.combine(days[0], time(8, 55), shanghai)),  # on time
            dict(agency_id=agency, project_id=P1, account_id=a1, kind="in",
                 at=datetime.combine(days[1], time(9, 30), shanghai)),  # late
        ])  # 4 March: no clock-in, absent; 5 March: rest day
    with Session(engine) as session:
        assert evaluation.attendance_of(session, agency, P1, "2026-03", [a1, site["a2_id"]]) == {
            a1: Attendance(3, 1, 1), site["a2_id"]: Attendance(0, 0, 0)}
    engine.dispose()


def test_attendance_is_zero_while_the_attendance_tables_do_not_exist(tmp_path):
    url = f"sqlite:///{tmp_path}/evaluation_only.db"
    upgrade(MIGRATIONS, url, "b5evaluation")
    engine = create_engine(url)
    with Session(engine) as session:
        assert evaluation.attendance_of(session, 1, P1, MONTH, [1, 2]) == {1: Attendance(), 2: Attendance()}
    engine.dispose()
