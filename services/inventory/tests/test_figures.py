"""Report figures through the real entrypoint: holds of a period per advisor, units by status
and what sell-through is computed from; scope and roles."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from loupan.errors import Forbidden, Invalid
from loupan.testing import db_write
from loupan.types import today
from services.inventory.models import Hold
from services.inventory.reports import day_bounds
from services.inventory.tests.conftest import DIRECTOR
from services.inventory.tests.test_holds import BUYER, advisor, released



def period(first, last=None):
    return {"from": first.isoformat(), "to": (last or first).isoformat()}


def test_holds_per_advisor_of_the_day_and_units_by_status(call, project, inventory):
    pid = project["project"]["id"]
    ids = released(call, project, 6)
    for unit_id, account_id in ((ids[0], 7), (ids[1], 7), (ids[2], 8)):
        phone = f"1381234000{unit_id % 10}"
        call("hold_unit", advisor(project, account_id), unit_id, dict(BUYER, customer_phone=phone))
    yesterday = call("hold_unit", advisor(project, 8), ids[3], dict(BUYER, customer_phone="13912340000"))
    start, _ = day_bounds(today())
    db_write(inventory.config, update(Hold).where(Hold.id == yesterday["hold_id"])
             .values(created_at=start - timedelta(hours=1)))
    figures = call("report_figures", DIRECTOR, pid, period(today()))
    assert figures["holds"] == [{"advisor_id": 7, "count": 2}, {"advisor_id": 8, "count": 1}]
    assert {s["status"]: s["count"] for s in figures["units_by_status"]} == {"held": 4, "available": 2,
                                                                            "unreleased": 5}
    assert (figures["released"], figures["sold"]) == (6, 0)
    two_days = call("report_figures", DIRECTOR, pid, period(today() - timedelta(days=1), today()))
    assert two_days["holds"] == [{"advisor_id": 7, "count": 2}, {"advisor_id": 8, "count": 2}]


def test_scope_roles_and_period_are_checked(call, project):
    pid = project["project"]["id"]
    with pytest.raises(Forbidden):
        call("report_figures", dict(advisor(project), project_ids=[pid + 1]), pid, period(today()))
    with pytest.raises(Forbidden):
        call("report_figures", dict(DIRECTOR, role="hr"), pid, period(today()))
    with pytest.raises(Invalid):
        call("report_figures", DIRECTOR, pid, {"from": "2026-01-02", "to": "2026-01-01"})
    viewer = dict(DIRECTOR, role="developer_viewer", project_ids=[pid])
    assert call("report_figures", viewer, pid, period(today()))["holds"] == []
