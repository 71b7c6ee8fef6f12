"""The bell's texts (gateway/routes/bell.py): what an office reads for each item, from the
services' answers as they come over RPC (times as ISO text)."""
from datetime import datetime, timezone

from gateway.routes.bell import approval_items, late, sla_items, when


def test_lateness_is_said_in_days_hours_and_minutes():
    assert late(40) == "40 分"
    assert late(61) == "1 小时 1 分"
    assert late(1440 * 2 + 185) == "2 天 3 小时"
    assert late(None) == "0 分"


def test_each_approval_waiting_names_what_and_whom_and_links_to_the_inbox():
    items = approval_items(
        [{"unit_id": 7, "unit_label": "1号楼-0102", "customer_name": "王先生", "created_at": "2026-12-06T01:00:00+00:00"}],
        [{"unit_id": 8, "discount_pct": "2.00", "needs_director": True, "requested_at": "2026-12-06T02:00:00+00:00"}],
        [{"kind": "swap", "deal_id": 3, "requested_by_name": "李顾问", "requested_at": "2026-12-06T03:00:00+00:00"}])
    assert [i["text"] for i in items] == ["认购待审批：1号楼-0102 王先生", "折扣待审批：房源 #8 优惠 2.00%（低于底价，须总监审批）",
                                          "换房待审批：交易 #3（李顾问 申请）"]
    assert {i["kind"] for i in items} == {"approval_waiting"} and {i["link"] for i in items} == {"/approvals"}


def test_a_late_lead_names_the_rule_and_for_a_supervisor_whose_it_is():
    overdue = [{"customer_id": 5, "customer_name": "赵先生", "advisor_name": "陈顾问", "rule": "first_response",
                "due_at": "2026-12-05T01:00:00+00:00", "minutes_late": 90}]
    [mine] = sla_items(overdue, mine=True)
    [theirs] = sla_items(overdue, mine=False)
    assert mine["text"] == "首次响应超时：赵先生，已超 1 小时 30 分" and mine["link"] == "/customers/5"
    assert theirs["text"] == "首次响应超时：赵先生（陈顾问），已超 1 小时 30 分"


def test_times_from_rpc_answers_become_datetimes():
    assert when("2026-12-06T01:00:00+00:00") == datetime(2026, 12, 6, 1, tzinfo=timezone.utc)
    moment = datetime(2026, 12, 6, tzinfo=timezone.utc)
    assert when(moment) is moment and when(None) is None
