"""Nobody works, is absent or is scored where they were not employed: the rota plans nobody
before their 入职 day (nor after their 离职), the monthly attendance counts no working day
there, and no scorecard is made for a month before someone joined. Assistants are planned
in the rota like everyone on the site."""
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from loupan.errors import RuleViolated
from loupan.testing import db_write
from services.hr.models import RotaEntry
from services.hr.tests.conftest import actor_of

SITE = 21
MONDAY = date(2025, 1, 6)


def hire(call, director, username, role, joined_on):
    return call("join_staff", director, {"username": username, "password": "sales-office-42",
                                         "full_name": username, "role": role, "project_ids": [SITE],
                                         "joined_on": joined_on.isoformat()})


def test_the_rota_plans_nobody_before_they_join_and_plans_assistants(call, director):
    planner = actor_of(hire(call, director, "a1.sup", "supervisor", MONDAY - timedelta(days=30)))
    old_hands = [hire(call, director, f"a1.adv{i}", "advisor", MONDAY - timedelta(days=30))["id"] for i in range(3)]
    assistant = hire(call, director, "a1.asst", "assistant", MONDAY - timedelta(days=30))["id"]
    newcomer = hire(call, director, "a1.new", "advisor", MONDAY + timedelta(days=3))["id"]  # joins Thursday
    call("create_shift", planner, SITE, {"name": "全天", "starts": "09:00", "ends": "18:00", "min_staff": 2})

    entries = call("plan_rota", planner, SITE, {"week_start": MONDAY.isoformat()})["entries"]
    days = Counter(e["account_id"] for e in entries)
    assert days[assistant] == 7 and all(days[p] == 7 for p in old_hands)
    assert days[newcomer] == 4
    assert min(date.fromisoformat(e["day"]) for e in entries if e["account_id"] == newcomer) == MONDAY + timedelta(days=3)
    # Monday to Wednesday count as the newcomer's rest: Thursday to Sunday are worked
    assert [e for e in entries if e["account_id"] == newcomer and e["rest"]] == []
    assert sum(e["duty"] for e in entries if e["account_id"] == assistant) >= 1

    # a week wholly before someone's 入职 does not have them at all
    later = hire(call, director, "a1.later", "advisor", MONDAY + timedelta(days=60))["id"]
    entries = call("plan_rota", planner, SITE, {"week_start": MONDAY.isoformat()})["entries"]
    assert later not in {e["account_id"] for e in entries}

    # a hand edit putting the newcomer on Monday is refused
    monday_rows = [{k: e[k] for k in ("account_id", "shift_id", "rest", "duty")}
                   for e in entries if e["day"] == MONDAY.isoformat()]
    shift_id = next(e["shift_id"] for e in entries if e["shift_id"])
    monday_rows.append({"account_id": newcomer, "shift_id": shift_id, "rest": False, "duty": False})
    with pytest.raises(RuleViolated) as err:
        call("set_rota_day", planner, SITE, MONDAY.isoformat(), {"entries": monday_rows})
    assert err.value.code == "ROTA_INVALID" and "not employed" in str(err.value)


def test_attendance_counts_no_absence_before_joining(call, director, hr_config):
    planner = actor_of(hire(call, director, "a1.sup", "supervisor", MONDAY - timedelta(days=30)))
    newcomer = hire(call, director, "a1.new", "advisor", MONDAY + timedelta(days=3))["id"]
    shift = call("create_shift", planner, SITE, {"name": "全天", "starts": "09:00", "ends": "18:00", "min_staff": 1})
    # a rota written before the fix (or by hand in the database): the newcomer on every day
    db_write(hr_config, insert(RotaEntry).values([
        {"agency_id": director["agency_id"], "project_id": SITE, "account_id": newcomer, "day": MONDAY + timedelta(days=i),
         "shift_id": shift["id"], "rest": False, "duty": False} for i in range(7)]))
    stats = {p["account_id"]: p for p in call("attendance_stats", director, SITE, {"month": "2025-01"})["people"]}
    assert (stats[newcomer]["scheduled"], stats[newcomer]["absent"]) == (4, 4)  # Thursday to Sunday, no clock-in


def test_no_scorecard_for_a_month_before_joining(call, director, hr_config):
    veteran = hire(call, director, "a1.vet", "advisor", date(2026, 1, 5))["id"]
    newcomer = hire(call, director, "a1.new", "advisor", date(2026, 6, 10))["id"]
    shift = call("create_shift", director, SITE, {"name": "全天", "starts": "09:00", "ends": "18:00", "min_staff": 1})
    db_write(hr_config, insert(RotaEntry).values([
        {"agency_id": director["agency_id"], "project_id": SITE, "account_id": newcomer, "day": date(2026, 6, d),
         "shift_id": shift["id"], "rest": False, "duty": False} for d in (8, 9, 10)]))
    may = call("list_scorecards", director, SITE, {"month": "2026-05"})["cards"]
    assert [c["account_id"] for c in may] == [veteran]
    june = {c["account_id"]: c for c in call("list_scorecards", director, SITE, {"month": "2026-06"})["cards"]}
    assert set(june) == {veteran, newcomer}
    attendance = {c["name"]: c for c in june[newcomer]["components"]}["attendance"]
    assert attendance["reference"] == "1"  # 10 June only: the 8th and 9th were before joining
