"""价目表 and 折扣 through the real entrypoints, on SQLite and PostgreSQL: publishing reprices
the units on sale, 底价 needs a director, versions supersede each other, the history has
direction/step/period/size, and discounts go within range, to a manager or to a director."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, update

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.types import utcnow
from services.inventory.models import Hold, PriceList, Unit
from services.inventory.tests.conftest import DIRECTOR, unit

BUYER = {"customer_name": "李四", "customer_phone": "13812345678"}


def staff(project, role, account_id):
    return {"account_id": account_id, "username": f"{role}{account_id}", "role": role, "agency_id": 1,
            "project_ids": [project["project"]["id"]]}


@pytest.fixture
def db(inventory):
    """A connection beside the service, to move time or deals the way other services would."""
    engine = create_engine(inventory.config["DATABASE_URL"])

    @contextmanager
    def begin():
        with engine.begin() as conn:
            yield conn

    yield begin
    engine.dispose()


def prices(call, project):
    units = call("list_units", DIRECTOR, project["project"]["id"], {})["items"]
    return {u["id"]: u["list_price"] for u in units}


def draft(call, project, *adjustments, actor=DIRECTOR, note="开盘后调价"):
    body = {"adjustments": list(adjustments), "note": note}
    return call("create_price_list", actor, project["project"]["id"], body)


def percent(value, **selector):
    return {"selector": selector, "method": "percent", "value": value}


def test_a_draft_previews_the_changes_and_publishing_reprices_the_units(call, project, event_sink):
    sink = event_sink("inventory")
    manager = staff(project, "manager", 5)
    building = project["building"]["id"]
    preview = draft(call, project, percent("2", building_id=building, floor_from=5, floor_to=10),
                    {"selector": {"unit_ids": [project["units"][0]["id"]]}, "method": "per_m2",
                     "value": "-100"},
                    actor=manager)
    assert (preview["version"], preview["status"], preview["needs_director_approval"]) == (1, "draft", False)
    counts = ("unit_count", "changed_count", "up_count", "down_count")
    assert [preview[k] for k in counts] == [11, 7, 6, 1]
    first = preview["items"][0]
    assert first == {"unit_id": project["units"][0]["id"], "building_name": "1号楼", "number": "101",
                     "floor": 1,
                     "layout": "3室2厅2卫", "gross_area": "100.00", "old_price": "3000000.00",
                     "new_price": "2990000.00", "difference": "-10000.00", "new_unit_price": "29900.00",
                     "base_price": "2800000.00", "below_base": False}
    assert preview["items"][-1]["new_price"] == "3060000.00"
    assert set(prices(call, project).values()) == {"3000000.00"}  # a draft changes nothing yet
    assert call("get_price_list", manager, preview["id"]) == preview

    published = call("publish_price_list", manager, preview["id"])
    assert published["status"] == "published" and published["published_by"] == 5
    after = prices(call, project)
    assert after[project["units"][0]["id"]] == "2990000.00"
    assert [after[u["id"]] for u in project["units"][4:10]] == ["3060000.00"] * 6
    assert after[project["units"][1]["id"]] == "3000000.00"
    (event,) = sink.wait_for("price_list_published")
    assert event["payload"] == {"price_list_id": preview["id"], "version": 1, "unit_count": 11,
                                "changed_count": 7}


def test_below_base_price_is_refused_until_a_director_approves(call, project):
    manager = staff(project, "manager", 5)
    cut = {"selector": {"floor_to": 2}, "method": "per_m2", "value": "-2500"}
    preview = draft(call, project, cut, actor=manager)
    assert preview["needs_director_approval"] and preview["below_base_count"] == 3
    with pytest.raises(RuleViolated) as err:
        call("publish_price_list", manager, preview["id"])
    assert err.value.code == "BELOW_BASE_PRICE"
    assert all(label in err.value.message for label in ("1号楼-101", "1号楼-201", "2号楼-101"))
    assert set(prices(call, project).values()) == {"3000000.00"}
    assert call("get_price_list", manager, preview["id"])["status"] == "draft"
    with pytest.raises(Forbidden):
        call("approve_price_list", manager, preview["id"])
    approved = call("approve_price_list", DIRECTOR, preview["id"])
    assert approved["approved_by"] == DIRECTOR["account_id"] and approved["approved_at"]
    call("publish_price_list", manager, preview["id"])
    assert prices(call, project)[project["units"][0]["id"]] == "2750000.00"


def test_versions_supersede_each_other_and_a_version_publishes_once(call, project):
    first = draft(call, project, percent("1"))
    with pytest.raises(Conflict) as err:
        draft(call, project, percent("1"))
    assert err.value.code == "DRAFT_EXISTS"
    call("publish_price_list", DIRECTOR, first["id"])
    with pytest.raises(Conflict) as err:
        call("publish_price_list", DIRECTOR, first["id"])
    assert err.value.code == "PRICE_LIST_NOT_DRAFT"
    with pytest.raises(Conflict):
        call("discard_price_list", DIRECTOR, first["id"])

    discarded = draft(call, project, percent("5"))
    assert call("discard_price_list", DIRECTOR, discarded["id"])["status"] == "discarded"
    with pytest.raises(NotFound):
        call("get_price_list", DIRECTOR, discarded["id"])
    second = draft(call, project, percent("-1"))
    assert second["version"] == 2  # the discarded draft left no gap
    call("publish_price_list", DIRECTOR, second["id"])
    versions = call("list_price_lists", DIRECTOR, project["project"]["id"])
    assert [(v["version"], v["status"]) for v in versions] == [(2, "published"), (1, "superseded")]
    assert set(prices(call, project).values()) == {"2999700.00"}  # 3,000,000 × 1.01 × 0.99


def test_units_with_a_deal_keep_their_price(call, project, db):
    sold, later = project["units"][0]["id"], project["units"][1]["id"]
    with db() as conn:
        conn.execute(update(Unit).where(Unit.id == sold).values(status="subscribed"))
    preview = draft(call, project, percent("10"))
    assert sold not in {i["unit_id"] for i in preview["items"]} and preview["changed_count"] == 10
    with db() as conn:  # subscribed between the draft and its publication
        conn.execute(update(Unit).where(Unit.id == later).values(status="signed"))
    published = call("publish_price_list", DIRECTOR, preview["id"])
    assert published["changed_count"] == 9
    after = prices(call, project)
    assert after[sold] == after[later] == "3000000.00"
    assert after[project["units"][2]["id"]] == "3300000.00"
    assert call("get_unit_prices", DIRECTOR, later)["changes"] == []


def test_price_history_has_direction_step_period_and_size(call, project, db):
    unit_id = project["units"][0]["id"]
    first = draft(call, project, percent("5"))
    call("publish_price_list", DIRECTOR, first["id"])
    with db() as conn:  # the first version went out ten days ago
        conn.execute(update(PriceList).where(PriceList.id == first["id"])
                     .values(published_at=utcnow() - timedelta(days=10, minutes=1)))
    second = draft(call, project, {"selector": {"unit_ids": [unit_id]}, "method": "per_m2", "value": "-630"})
    call("publish_price_list", DIRECTOR, second["id"])

    history = call("get_unit_prices", staff(project, "advisor", 7), unit_id)
    assert history["list_price"] == "3087000.00" and history["unit_price"] == "30870.00"
    up, down = history["changes"]
    assert (up["step"], up["direction"], up["period_days"], up["version"]) == (1, "up", None, 1)
    assert (up["old_price"], up["new_price"], up["amount"], up["percent"]) == \
        ("3000000.00", "3150000.00", "150000.00", "5.00")
    assert (down["step"], down["direction"], down["period_days"]) == (2, "down", 10)
    assert (down["amount"], down["percent"], down["new_unit_price"]) == ("-63000.00", "-2.00", "30870.00")
    assert call("get_unit_prices", DIRECTOR, project["units"][1]["id"])["changes"][0]["step"] == 1

    trend = call("get_price_history", DIRECTOR, project["project"]["id"])["versions"]
    assert [(v["version"], v["direction"], v["step"], v["period_days"]) for v in trend] == \
        [(1, "up", 1, None), (2, "down", 2, 10)]
    assert (trend[0]["previous_average_unit_price"], trend[0]["average_unit_price"]) == \
        ("30000.00", "31500.00")
    # 11 units of 100 m²: one of them 63,000 cheaper -> 均价 down 57.27 per m²
    assert (trend[1]["average_unit_price"], trend[1]["amount"], trend[1]["changed_count"]) == \
        ("31442.73", "-57.27", 1)


@pytest.mark.parametrize("adjustment, error, code", [
    (percent("1", layouts=["别墅"]), RuleViolated, "EMPTY_SELECTION"),
    (percent("1", building_id=999999), NotFound, "BUILDING_NOT_FOUND"),
    (percent("1", unit_ids=[999999]), NotFound, "UNIT_NOT_FOUND"),
    (percent("1", floor_from=5, floor_to=2), Invalid, "VALIDATION_ERROR"),
    (percent("30.0.1"), Invalid, "VALIDATION_ERROR"),
    (percent("80"), Invalid, "VALIDATION_ERROR"),
    ({"selector": {}, "method": "per_m2", "value": "-40000"}, RuleViolated, "PRICE_NOT_POSITIVE"),
    ({"selector": {}, "method": "by_feel", "value": "1"}, Invalid, "VALIDATION_ERROR"),
])
def test_invalid_adjustments_create_nothing(call, project, adjustment, error, code):
    with pytest.raises(error) as err:
        draft(call, project, adjustment)
    assert err.value.code == code
    assert call("list_price_lists", DIRECTOR, project["project"]["id"]) == []


def test_another_projects_staff_cannot_see_or_publish(call, project):
    preview = draft(call, project, percent("1"))
    outsider = dict(staff(project, "manager", 9), project_ids=[project["project"]["id"] + 1000])
    for method in ("get_price_list", "publish_price_list", "discard_price_list"):
        with pytest.raises(Forbidden):
            call(method, outsider, preview["id"])
    with pytest.raises(NotFound):
        call("publish_price_list", dict(DIRECTOR, agency_id=2), preview["id"])


# 折扣 -----------------------------------------------------------------------------------
@pytest.fixture
def site(call):
    """A project whose advisors may give 3 % alone; two units held by advisor 7."""
    project = call("create_project", DIRECTOR, {"name": "折扣花园", "city": "杭州", "developer_name": "某地产",
                                                "advisor_discount_pct": "3"})
    building = call("create_building", DIRECTOR, project["id"], {"name": "1号楼", "permit_no": "杭售许字009"})
    units = call("create_units", DIRECTOR, project["id"],
                 {"units": [unit(building["id"], f"{f}01", f) for f in (1, 2)]})
    call("release_units", DIRECTOR, project["id"], {"unit_ids": [u["id"] for u in units]})
    site = {"project": project, "units": units}
    advisor = staff(site, "advisor", 7)
    holds = [call("hold_unit", advisor, u["id"], dict(BUYER, customer_phone=f"1381234567{i}"))
             for i, u in enumerate(units)]
    return dict(site, holds=[h["hold_id"] for h in holds], advisor=advisor,
                manager=staff(site, "manager", 5), supervisor=staff(site, "supervisor", 6),
                assistant=staff(site, "assistant", 4))


def test_a_discount_within_the_advisor_range_is_recorded_at_once(call, site):
    hold_id = site["holds"][0]
    request = call("request_discount", site["advisor"], hold_id, {"discount_pct": "3", "reason": "老带新"})
    assert (request["status"], request["requested_price"], request["discount_pct"]) == \
        ("approved", "2910000.00", "3.00")
    assert request["decided_by"] == request["executed_by"] == 7 and not request["needs_director"]
    hold = call("get_hold", DIRECTOR, hold_id)
    assert (hold["special_price"], hold["list_price"], hold["status"]) == \
        ("2910000.00", "3000000.00", "active")


def test_a_discount_beyond_the_range_waits_for_a_manager(call, site):
    hold_id = site["holds"][0]
    request = call("request_discount", site["advisor"], hold_id, {"price": "2850000", "reason": "一次性付款"})
    assert (request["status"], request["discount_pct"], request["needs_director"]) == \
        ("pending", "5.00", False)
    assert call("get_hold", DIRECTOR, hold_id)["special_price"] is None
    with pytest.raises(Conflict) as err:
        call("request_discount", site["advisor"], hold_id, {"price": "2860000", "reason": "再议"})
    assert err.value.code == "DISCOUNT_PENDING"
    with pytest.raises(Forbidden):
        call("approve_discount", site["supervisor"], request["id"], {})
    pending = call("list_discount_requests", site["manager"], site["project"]["id"], {"status": "pending"})
    assert [r["id"] for r in pending] == [request["id"]]
    approved = call("approve_discount", site["manager"], request["id"], {"note": "同意"})
    assert (approved["status"], approved["decided_by"], approved["note"]) == ("approved", 5, "同意")
    with pytest.raises(Conflict) as err:
        call("reject_discount", site["manager"], request["id"], {})
    assert err.value.code == "REQUEST_NOT_PENDING"
    # approved is not yet in effect: the assistant (内勤) executes it, with who and when
    assert (approved["executed_at"], call("get_hold", DIRECTOR, hold_id)["special_price"]) == (None, None)
    with pytest.raises(Forbidden) as err:
        call("execute_discount", site["advisor"], request["id"])
    assert err.value.code == "ROLE_FORBIDDEN"
    with pytest.raises(Forbidden) as err:
        call("execute_discount", site["manager"], request["id"])  # whoever approved it
    assert err.value.code == "SELF_APPROVAL"
    executed = call("execute_discount", site["assistant"], request["id"])
    assert executed["executed_by"] == 4 and executed["executed_at"]
    assert call("get_hold", DIRECTOR, hold_id)["special_price"] == "2850000.00"
    with pytest.raises(Conflict) as err:
        call("execute_discount", site["assistant"], request["id"])
    assert err.value.code == "NOT_AWAITING_EXECUTION"


def test_an_approved_price_is_not_executed_on_a_hold_that_ended(inventory, call, site, db):
    from nameko.testing.services import entrypoint_hook

    hold_id = site["holds"][1]
    request = call("request_discount", site["advisor"], hold_id, {"price": "2850000", "reason": "一次性付款"})
    call("approve_discount", site["manager"], request["id"], {})
    with db() as conn:
        conn.execute(update(Hold).where(Hold.id == hold_id).values(expires_at=utcnow() - timedelta(seconds=1)))
    with entrypoint_hook(inventory, "expire_holds") as expire:
        expire()
    with pytest.raises(Conflict) as err:
        call("execute_discount", site["assistant"], request["id"])
    assert err.value.code == "HOLD_NOT_ACTIVE"
    (still,) = [r for r in call("list_discount_requests", site["manager"], site["project"]["id"], {})
                if r["id"] == request["id"]]
    assert (still["status"], still["executed_at"]) == ("approved", None)


def test_a_discount_below_base_price_needs_a_director(call, site):
    hold_id = site["holds"][0]
    request = call("request_discount", site["advisor"], hold_id, {"price": "2700000.00", "reason": "团购"})
    assert request["status"] == "pending" and request["needs_director"]
    with pytest.raises(Forbidden) as err:
        call("approve_discount", site["manager"], request["id"], {})
    assert err.value.code == "DIRECTOR_REQUIRED"
    assert call("get_hold", DIRECTOR, hold_id)["special_price"] is None
    rejected = call("reject_discount", DIRECTOR, request["id"], {"note": "低于底价"})
    assert rejected["status"] == "rejected"
    assert call("get_hold", DIRECTOR, hold_id)["special_price"] is None


def test_approving_after_the_hold_expired_is_a_conflict_and_changes_nothing(inventory, call, site, db):
    from nameko.testing.services import entrypoint_hook

    hold_id = site["holds"][0]
    request = call("request_discount", site["advisor"], hold_id, {"discount_pct": "4", "reason": "老客户"})
    with db() as conn:
        conn.execute(update(Hold).where(Hold.id == hold_id)
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
    with entrypoint_hook(inventory, "expire_holds") as expire:
        expire()
    with pytest.raises(Conflict) as err:
        call("approve_discount", site["manager"], request["id"], {})
    assert err.value.code == "HOLD_NOT_ACTIVE"
    pending = call("list_discount_requests", site["manager"], site["project"]["id"], {"status": "pending"})
    assert [r["id"] for r in pending] == [request["id"]]
    hold = call("get_hold", DIRECTOR, hold_id)
    assert (hold["status"], hold["special_price"]) == ("expired", None)
    with pytest.raises(Conflict):
        call("request_discount", site["advisor"], hold_id, {"discount_pct": "1", "reason": "再试"})


def test_an_advisor_asks_only_on_own_holds_and_only_for_a_discount(call, site):
    other = dict(site["advisor"], account_id=8, username="adv8")
    with pytest.raises(Forbidden) as err:
        call("request_discount", other, site["holds"][0], {"discount_pct": "1", "reason": "帮同事"})
    assert err.value.code == "NOT_HOLD_OWNER"
    with pytest.raises(RuleViolated) as err:
        call("request_discount", site["advisor"], site["holds"][0], {"price": "3000000", "reason": "原价"})
    assert err.value.code == "NOT_A_DISCOUNT"
    with pytest.raises(Invalid):
        call("request_discount", site["advisor"], site["holds"][0],
             {"price": "1", "discount_pct": "1", "reason": "x"})
    assert call("list_discount_requests", site["manager"], site["project"]["id"], {}) == []


def test_nobody_approves_their_own_discount(call, site):
    """A manager asks for a discount on a hold (sellers may): another manager or a director
    decides it, never the manager who asked (403 SELF_APPROVAL, nothing changes)."""
    hold_id = site["holds"][0]
    request = call("request_discount", site["manager"], hold_id, {"discount_pct": "4", "reason": "老客户"})
    assert request["status"] == "pending"
    with pytest.raises(Forbidden) as err:
        call("approve_discount", site["manager"], request["id"], {})
    assert err.value.code == "SELF_APPROVAL"
    assert call("get_hold", DIRECTOR, hold_id)["special_price"] is None
    assert call("approve_discount", DIRECTOR, request["id"], {})["status"] == "approved"
