"""Pure rules of 更正手机号: what a change does (at once, waiting for a manager, approved by
the manager who asked), its alert's stage, the number asked for, and the channel rules of a
number that changes: which report holds the customer's number, and when the reports that
follow the customer would clash with another claim on the new number."""
from datetime import datetime, timedelta, timezone

import pytest

from loupan.errors import Invalid
from services.crm import channel_rules
from services.crm import mobile_change_rules as rules

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)
OLD, NEW = "13812345678", "13987654321"


def report(id, mobile, status="valid", filed=T0, protected_until=None, channel="c1"):
    return channel_rules.ReportFact(id=id, channel=channel, mobile=channel_rules.parse_mobile(mobile), filed_at=filed,
                                    status=status, valid_until=filed + 72 * H, protected_until=protected_until)


@pytest.mark.parametrize("held, by_manager, status", [
    (False, False, "applied"), (False, True, "applied"), (True, False, "pending"), (True, True, "approved")])
def test_only_a_held_customer_asked_by_a_non_manager_waits(held, by_manager, status):
    assert rules.outcome(held, by_manager) == status


def test_the_alert_says_which_step():
    assert rules.alert_stage("pending", asked_by_decider=False) == "requested"
    assert rules.alert_stage("approved", asked_by_decider=True) == "applied"
    assert rules.alert_stage("approved", asked_by_decider=False) == "approved"


def test_the_same_number_is_no_change():
    rules.check_new_mobile(OLD, NEW)
    with pytest.raises(Invalid) as same:
        rules.check_new_mobile(OLD, OLD)
    assert same.value.code == "MOBILE_UNCHANGED"


def test_a_waiting_report_of_the_number_or_its_3_and_4_holds_it():
    mine = channel_rules.parse_mobile(OLD)
    assert channel_rules.holds_number(report(1, OLD), mine, T0 + H)
    assert channel_rules.holds_number(report(2, "138****5678"), mine, T0 + H)  # may be them
    assert not channel_rules.holds_number(report(3, "13800005678"), mine, T0 + H)  # another person of the 3+4
    assert not channel_rules.holds_number(report(4, OLD), mine, T0 + 73 * H)  # lapsed
    assert not channel_rules.holds_number(report(5, OLD, status="rejected"), mine, T0 + H)
    brought = report(6, OLD, status="visited", protected_until=T0 + 30 * 24 * H)
    assert not channel_rules.holds_number(brought, mine, T0 + H)  # its customer: the attributed report says


def test_the_reports_that_follow_a_customer_clash_only_with_another_live_claim_on_the_new_number():
    new = channel_rules.parse_mobile(NEW)
    brought = report(1, OLD, status="visited", protected_until=T0 + 30 * 24 * H)
    theirs = report(2, NEW, channel="c2")
    hidden = report(3, "139****4321", channel="c3")
    assert channel_rules.move_clash([brought], [theirs], new, T0 + H) == 2
    assert channel_rules.move_clash([brought], [hidden], new, T0 + H) == 3  # a hidden one collides too
    assert channel_rules.move_clash([brought], [theirs], new, T0 + 73 * H) is None  # theirs lapsed
    assert channel_rules.move_clash([brought], [brought], new, T0 + H) is None  # itself (the same 3+4)
    ended = report(4, OLD, status="visited", protected_until=T0)
    assert channel_rules.move_clash([ended], [theirs], new, T0 + H) is None  # holds nothing: moves freely
    assert channel_rules.move_clash([], [theirs], new, T0 + H) is None
