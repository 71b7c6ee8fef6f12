"""Report figures through the real entrypoint: the names of a project's staff (also of a
leaver who sold there) and the month's 销售目标 against what was signed; scope and roles."""
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import insert

from loupan.errors import Forbidden, Invalid
from loupan.testing import db_write
from services.hr.models import AdvisorFact
from services.hr.tests.conftest import actor_of
from services.hr.tests.test_evaluation import MONTH, P1, P2, q, split


@pytest.fixture
def site(call, director):
    """A manager and two advisors at P1, an advisor of P2 and one who left P1 for P2."""
    def make(username, role, projects=(P1,)):
        return actor_of(call("create_account", director, {
            "username": username, "password": "sales-office-42", "full_name": username, "role": role,
            "project_ids": list(projects)}))

    people = {"director": director, "manager": make("mgr", "manager"), "a1": make("adv1", "advisor"),
              "a2": make("adv2", "advisor"), "a3": make("adv3", "advisor", (P2,)),
              "other": make("adv9", "advisor", (P2,))}
    people.update({f"{k}_id": v["account_id"] for k, v in list(people.items())})
    return people


def sold(config, account_id, amount, project_id=P1):
    db_write(config, insert(AdvisorFact).values(
        agency_id=1, project_id=project_id, month=MONTH, account_id=account_id, kind="contract", quantity=1,
        amount=Decimal(amount), event_id=str(uuid.uuid4()), occurred_at=datetime(2026, 5, 10, tzinfo=timezone.utc)))


def test_names_of_the_site_and_the_months_target_against_what_was_signed(call, site, hr_config):
    call("put_targets", site["manager"], P1, q(), split(site, {"a1": (2, "6000000", "0"), "a2": (1, "3000000", "0")}))
    sold(hr_config, site["a1_id"], "3100000.00")
    sold(hr_config, site["a2_id"], "2900000.00")
    sold(hr_config, site["other_id"], "1000000.00")  # sold at P1 once, now assigned to P2 only
    sold(hr_config, site["a3_id"], "5.00", project_id=P2)
    viewer = dict(site["manager"], role="developer_viewer")
    figures = call("report_figures", viewer, P1, {"month": MONTH})
    names = {n["account_id"]: n["full_name"] for n in figures["names"]}
    assert names[site["a1_id"]] == "adv1" and names[site["other_id"]] == "adv9"
    assert site["director_id"] not in names  # a director is assigned to no project
    assert figures["sales_target"] == {"month": MONTH, "target_units": 3, "target_amount": "9000000.00",
                                       "actual_units": 3, "actual_amount": "7000000.00"}
    other_month = call("report_figures", viewer, P1, {"month": "2026-06"})["sales_target"]
    assert (other_month["target_amount"], other_month["actual_amount"]) == (None, "0.00")
    assert call("report_figures", viewer, P1, {})["sales_target"] is None


def test_another_project_a_role_without_reports_or_a_bad_month_is_refused(call, site):
    with pytest.raises(Forbidden):
        call("report_figures", site["a1"], P2, {})
    with pytest.raises(Forbidden):
        call("report_figures", dict(site["a1"], role="hr"), P1, {})
    with pytest.raises(Invalid):
        call("report_figures", site["a1"], P1, {"month": "2026-13"})
