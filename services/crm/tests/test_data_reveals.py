"""Full numbers shown to managers and directors are logged (loupan.reveals, issue 13), through
the real crm entrypoints on SQLite and PostgreSQL: a list logs one row per customer, a detail
and an update one, an export one per row; an owner advisor, the others and a developer
viewer log nothing; the log keeps masked numbers only and is read by the director alone."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from loupan.errors import Forbidden, Invalid, NotFound
from loupan.testing import db_rows
from loupan.types import SHANGHAI, utcnow
from services.crm.models import data_reveals
from services.crm.tests.conftest import actor

P = 1
ALICE = actor(11, "advisor", [P], username="alice")
BOB = actor(12, "advisor", [P], username="bob")
SUPERVISOR = actor(13, "supervisor", [P])
MANAGER = actor(2, "manager", [P], username="mgr")
DIRECTOR = actor(1, "director", username="boss")
OTHER_DIRECTOR = actor(1, "director", agency_id=2)
VIEWER = actor(15, "developer_viewer", [P])


def lead(mobile, name="王先生"):
    return {"mobile": mobile, "name": name, "channel": "walk_in"}


def logged(config):
    return [dict(r._mapping) for r in db_rows(config, select(data_reveals).order_by(data_reveals.c.id))]


def test_a_managers_list_logs_one_masked_row_per_customer(call, crm_config):
    ids = [call("register_customer", ALICE, P, lead(f"1380000000{i}"))["customer"]["id"] for i in range(3)]
    assert logged(crm_config) == []  # registering echoes the number typed: no reveal
    listed = call("list_customers", MANAGER, P, {})
    assert {c["mobile"] for c in listed} == {f"1380000000{i}" for i in range(3)}
    rows = logged(crm_config)
    assert sorted(r["customer_id"] for r in rows) == sorted(ids)
    assert {(r["kind"], r["entrypoint"], r["account_id"], r["username"], r["role"], r["agency_id"], r["project_id"])
            for r in rows} == {("list", "list_customers", 2, "mgr", "manager", 1, P)}
    assert sorted(r["masked_mobile"] for r in rows) == [f"138****000{i}" for i in range(3)]
    assert all(r["revealed_at"] is not None and r["hold_id"] is None for r in rows)


def test_owners_other_roles_and_developer_viewers_log_nothing(call, crm_config):
    mine = call("register_customer", ALICE, P, lead("13900000001"))["customer"]
    call("register_customer", BOB, P, lead("13900000002"))
    assert call("get_customer", ALICE, mine["id"])["mobile"] == "13900000001"
    assert call("list_customers", ALICE, P, {})[0]["mobile"] == "13900000001"
    assert {c["mobile"] for c in call("list_customers", SUPERVISOR, P, {})} == {"139****0001", "139****0002"}
    with pytest.raises(Forbidden):
        call("list_customers", VIEWER, P, {})
    assert logged(crm_config) == []


def test_detail_update_and_export_are_logged(call, crm_config):
    customer = call("register_customer", ALICE, P, lead("13700000001"))["customer"]
    call("get_customer", DIRECTOR, customer["id"])
    call("update_customer", MANAGER, customer["id"], {"notes": "看过样板间"})
    call("export_customers", MANAGER, P, {"format": "json"})
    rows = logged(crm_config)
    assert [(r["kind"], r["entrypoint"], r["role"]) for r in rows] == [
        ("detail", "get_customer", "director"), ("detail", "update_customer", "manager"),
        ("export", "export_customers", "manager")]
    assert {r["customer_id"] for r in rows} == {customer["id"]}
    assert {r["masked_mobile"] for r in rows} == {"137****0001"}


def test_the_director_reads_the_log_newest_first_filtered(call, crm_config):
    customer = call("register_customer", ALICE, P, lead("13600000001"))["customer"]
    call("get_customer", MANAGER, customer["id"])
    call("list_customers", DIRECTOR, P, {})
    log = call("list_data_reveals", DIRECTOR, {})
    assert [(r["service"], r["kind"], r["account_id"]) for r in log] == [("crm", "list", 1), ("crm", "detail", 2)]
    assert log[0]["masked_mobile"] == "136****0001" and "13600000001" not in str(log)
    assert [r["kind"] for r in call("list_data_reveals", DIRECTOR, {"account_id": 2})] == ["detail"]
    assert [r["kind"] for r in call("list_data_reveals", DIRECTOR, {"kind": "list"})] == ["list"]
    assert call("list_data_reveals", DIRECTOR, {"project_id": 2}) == []
    assert len(call("list_data_reveals", DIRECTOR, {"limit": 1, "offset": 1})) == 1
    today = utcnow().astimezone(SHANGHAI).date()
    assert len(call("list_data_reveals", DIRECTOR, {"from": str(today), "to": str(today)})) == 2
    assert call("list_data_reveals", DIRECTOR, {"to": str(today - timedelta(days=1))}) == []
    assert call("list_data_reveals", OTHER_DIRECTOR, {}) == []  # another agency's log is not theirs
    with pytest.raises(NotFound):  # nor its projects (loupan.entrypoints checks the query's project_id)
        call("list_data_reveals", OTHER_DIRECTOR, {"project_id": P})
    for who in (MANAGER, ALICE, VIEWER):
        with pytest.raises(Forbidden):
            call("list_data_reveals", who, {})
    with pytest.raises(Invalid):
        call("list_data_reveals", DIRECTOR, {"kind": "peek"})
