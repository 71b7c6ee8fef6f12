"""A hold's buyer's full number shown to a manager or director is logged (loupan.reveals,
issue 13), through the real inventory entrypoints on SQLite and PostgreSQL: the unit's
detail, a cancelled or extended hold; the hold's own advisor, other roles and the developer's
viewers log nothing, and a supervisor cancelling another advisor's hold gets the number
masked. The log keeps masked numbers only and is read by the director alone."""
import pytest
from sqlalchemy import create_engine, select

from loupan.errors import Forbidden
from services.inventory.models import data_reveals
from services.inventory.tests.conftest import DIRECTOR
from services.inventory.tests.test_holds import BUYER, advisor, released

MANAGER = dict(DIRECTOR, account_id=2, username="mgr", role="manager")


def role(project, name, account_id):
    return dict(advisor(project, account_id), role=name, username=f"{name}{account_id}")


def logged(inventory):
    engine = create_engine(inventory.config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(data_reveals).order_by(data_reveals.c.id))]
    finally:
        engine.dispose()


def test_unit_details_and_hold_answers_to_managers_are_logged(call, inventory, project):
    first, second = released(call, project, 2)
    hold = call("hold_unit", advisor(project), first, BUYER)
    other = call("hold_unit", advisor(project), second, dict(BUYER, customer_phone="13900000002"))
    assert logged(inventory) == []  # the advisor typed the number: no reveal

    # the owner, another advisor, a supervisor, a developer viewer: nothing logged
    assert call("get_unit", advisor(project), first)["hold"]["customer_phone"] == "13812345678"
    for who in (advisor(project, 8), role(project, "supervisor", 9), role(project, "developer_viewer", 10)):
        assert call("get_unit", who, first)["hold"]["customer_phone"] == "138****5678"
    assert logged(inventory) == []

    assert call("get_unit", DIRECTOR, first)["hold"]["customer_phone"] == "13812345678"
    assert call("extend_hold", MANAGER, hold["hold_id"], {"minutes": 30})["customer_phone"] == "13812345678"
    assert call("cancel_hold", MANAGER, hold["hold_id"])["customer_phone"] == "13812345678"
    rows = logged(inventory)
    assert [(r["kind"], r["entrypoint"], r["role"], r["account_id"]) for r in rows] == [
        ("detail", "get_unit", "director", 1), ("detail", "extend_hold", "manager", 2),
        ("detail", "cancel_hold", "manager", 2)]
    assert {(r["hold_id"], r["project_id"], r["masked_mobile"], r["customer_id"]) for r in rows} == {
        (hold["hold_id"], project["project"]["id"], "138****5678", None)}

    cancelled = call("cancel_hold", role(project, "supervisor", 9), other["hold_id"])
    assert cancelled["customer_phone"] == "139****0002"  # not the supervisor's customer
    assert len(logged(inventory)) == 3


def test_the_director_reads_the_inventory_log(call, project):
    unit_id = released(call, project, 1)[0]
    call("hold_unit", advisor(project), unit_id, BUYER)
    call("get_unit", MANAGER, unit_id)
    log = call("list_data_reveals", DIRECTOR, {})
    assert [(r["service"], r["entrypoint"], r["masked_mobile"]) for r in log] == [
        ("inventory", "get_unit", "138****5678")]
    assert call("list_data_reveals", DIRECTOR, {"account_id": 1}) == []
    for who in (MANAGER, advisor(project)):
        with pytest.raises(Forbidden):
            call("list_data_reveals", who, {})
