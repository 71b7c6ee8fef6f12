"""Buyers' full numbers shown to managers and directors are logged (loupan.reveals, issue 13),
through the real contracts entrypoints on SQLite and PostgreSQL (the fake inventory of
test_changes): deal lists and details, 审核 answers, 更名 changes; the deal's own advisor,
other roles and the developer's viewers log nothing. The log keeps masked numbers only and
is read by the director alone."""
import pytest
from sqlalchemy import select

from loupan.errors import Forbidden
from loupan.testing import db_rows
from services.contracts.models import data_reveals
from services.contracts.tests.conftest import actor
from services.contracts.tests.test_changes import (ADVISOR, MANAGER, PROJECT, RENAME, make_deal,
                                                  start_fake_inventory)

DIRECTOR = actor(1, "director", username="boss")
OTHER_ADVISOR = actor(12, "advisor", [PROJECT])
SUPERVISOR = actor(13, "supervisor", [PROJECT])
VIEWER = actor(15, "developer_viewer", [PROJECT])


@pytest.fixture
def config(contracts_config, contracts, container_factory):
    """contracts running with test_changes' fake inventory; its settings."""
    start_fake_inventory(contracts_config, container_factory)
    return contracts_config


def logged(config):
    return [dict(r._mapping) for r in db_rows(config, select(data_reveals).order_by(data_reveals.c.id))]


def test_deal_reads_by_managers_are_logged_and_nobody_elses(call, config):
    deal_id = make_deal(config)
    assert call("get_deal", ADVISOR, deal_id)["customer_phone"] == "13812345678"
    assert call("get_deal", OTHER_ADVISOR, deal_id)["customer_phone"] == "138****5678"
    assert call("list_deals", SUPERVISOR, PROJECT, {})["items"][0]["customer_phone"] == "138****5678"
    assert call("get_deal", VIEWER, deal_id)["customer_phone"] is None
    assert logged(config) == []

    other = make_deal(config)
    listed = call("list_deals", MANAGER, PROJECT, {})
    assert {d["customer_phone"] for d in listed["items"]} == {"13812345678"}
    detail = call("get_deal", DIRECTOR, deal_id)
    assert detail["buyers"][0]["phone"] == "13812345678"
    rows = logged(config)
    assert sorted((r["kind"], r["entrypoint"], r["deal_id"]) for r in rows) == sorted([
        ("list", "list_deals", deal_id), ("list", "list_deals", other), ("detail", "get_deal", deal_id)])
    assert {(r["masked_mobile"], r["project_id"]) for r in rows} == {("138****5678", PROJECT)}
    assert {(r["role"], r["account_id"]) for r in rows} == {("manager", 2), ("director", 1)}


def test_review_answers_and_renames_shown_to_managers_are_logged(call, config):
    submitted = make_deal(config, "submitted")
    call("approve_subscription", MANAGER, submitted, {"note": "ok"})
    deal_id = make_deal(config)
    change = call("request_change", ADVISOR, deal_id, RENAME)  # the advisor typed the numbers
    assert [r["entrypoint"] for r in logged(config)] == ["approve_subscription"]
    call("approve_change", MANAGER, change["id"], {})
    assert len(call("deal_changes", DIRECTOR, deal_id)) == 1
    rows = [r for r in logged(config) if r["deal_id"] == deal_id]
    assert sorted((r["entrypoint"], r["masked_mobile"]) for r in rows) == [
        ("approve_change", "137****5678"), ("approve_change", "139****5678"),
        ("deal_changes", "137****5678"), ("deal_changes", "139****5678")]
    call("deal_changes", ADVISOR, deal_id)
    assert len(logged(config)) == 5


def test_the_director_reads_the_contracts_log(call, config):
    deal_id = make_deal(config)
    call("get_deal", MANAGER, deal_id)
    log = call("list_data_reveals", DIRECTOR, {"project_id": PROJECT})
    assert [(r["service"], r["entrypoint"], r["deal_id"], r["masked_mobile"]) for r in log] == [
        ("contracts", "get_deal", deal_id, "138****5678")]
    assert "13812345678" not in str(log)
    for who in (MANAGER, ADVISOR, VIEWER):
        with pytest.raises(Forbidden):
            call("list_data_reveals", who, {})
