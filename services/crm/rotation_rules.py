"""轮序接待 walk-in rotation rules, pure (no I/O): who is eligible to take a new walk-in today,
how the day's queue follows the eligible set, who takes the next walk-in, and what a
supervisor's reorder (补位) may do.

The queue is a list of account ids in the order they take walk-ins. It only ever holds
eligible advisors: whoever stops being eligible (clocked out, on leave, skipped) leaves it
and, when eligible again, joins at the back, as a newly clocked-in advisor does.
"""
from collections import namedtuple

from loupan.types import local_day

# the hr facts crm keeps per (project, account); times are aware UTC, days Asia/Shanghai
Staff = namedtuple("Staff", "account_id certified_on clocked_in_at clocked_out_at left_on")
Leave = namedtuple("Leave", "account_id start_on end_on")


def is_eligible(staff, day, leaves=(), skipped=()):
    """On duty for walk-ins on `day`: certified (上岗考核) by then, clocked in that day and
    not clocked out since, not gone (离职), not on approved leave, not skipped by a supervisor."""
    if staff.certified_on is None or staff.certified_on > day:
        return False
    if staff.left_on is not None and staff.left_on <= day:
        return False
    if staff.clocked_in_at is None or local_day(staff.clocked_in_at) != day:
        return False
    if staff.clocked_out_at is not None and staff.clocked_out_at >= staff.clocked_in_at:
        return False
    if staff.account_id in skipped:
        return False
    return not any(leave.account_id == staff.account_id and leave.start_on <= day <= leave.end_on
                   for leave in leaves)


def eligible_in_arrival_order(staff_rows, day, leaves=(), skipped=()):
    """Eligible account ids, earliest clock-in first (ties by account id): the order in
    which newcomers join the back of the queue."""
    rows = [s for s in staff_rows if is_eligible(s, day, leaves, skipped)]
    rows.sort(key=lambda s: (s.clocked_in_at, s.account_id))
    return [s.account_id for s in rows]


def reconcile(order, eligible):
    """The queue after the eligible set changed: members still eligible keep their order,
    the others leave, newly eligible ones join the back in the order `eligible` lists them."""
    allowed = set(eligible)
    kept = [a for a in order if a in allowed]
    present = set(kept)
    return kept + [a for a in eligible if a not in present]


def take_next(order, eligible):
    """The advisor for a new walk-in and the queue after: the head of the reconciled queue
    takes it and moves to the back. (None, queue) when nobody is eligible."""
    queue = reconcile(order, eligible)
    if not queue:
        return None, queue
    return queue[0], queue[1:] + queue[:1]


def reorder(order, eligible, proposed):
    """A supervisor's new order of today's queue. It must list exactly the advisors in the
    queue, each once; returns (new queue, problem or None)."""
    queue = reconcile(order, eligible)
    if len(proposed) != len(set(proposed)):
        return queue, "an advisor is listed twice"
    if set(proposed) != set(queue):
        missing = sorted(set(queue) - set(proposed))
        extra = sorted(set(proposed) - set(queue))
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"not in the queue {extra}")
        return queue, "the order must list exactly the queue: " + ", ".join(parts)
    return list(proposed), None


def changes(before, after):
    """(joined, left) between two queues, each in queue order."""
    was, now = set(before), set(after)
    return [a for a in after if a not in was], [a for a in before if a not in now]
