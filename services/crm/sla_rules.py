"""Service levels of lead follow-up (跟进时效), as pure rules: what a lead is owed, by when,
and what is overdue at a given instant. No database here; sla.py feeds it the facts.

The items, for an owned lead (status "lead", grade not D 无效):
- first_response: a first follow-up within 24 h of registration;
- needs_analysis: a follow-up flagged `needs_analysis` (需求分析: the customer's budget,
  area, layout and district talked through) within 3 days of registration. The needs
  fields alone do not count: a walk-in form fills them before anyone has talked needs
  through, and the fields carry no date;
- weekly_follow_up: for A/B grade leads, a follow-up at most 7 days after the last contact
  (the last follow-up, or registration if none). It recurs: each follow-up moves it on.
A customer in the pool (公客, no owner) owes nobody anything until someone takes it; a
subscribed, signed or lost customer has left the lead stage.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

FIRST_RESPONSE = "first_response"
NEEDS_ANALYSIS = "needs_analysis"
WEEKLY_FOLLOW_UP = "weekly_follow_up"
RULES = (FIRST_RESPONSE, NEEDS_ANALYSIS, WEEKLY_FOLLOW_UP)

FIRST_RESPONSE_WITHIN = timedelta(hours=24)
NEEDS_ANALYSIS_WITHIN = timedelta(days=3)
WEEKLY_WITHIN = timedelta(days=7)
WEEKLY_GRADES = ("A", "B")
NO_SERVICE_GRADES = ("D",)


@dataclass(frozen=True)
class Lead:
    """What the rules need to know of one customer."""

    registered_at: datetime
    status: str = "lead"
    grade: str | None = None
    owned: bool = True
    first_follow_up_at: datetime | None = None
    needs_analysed_at: datetime | None = None  # the first follow-up flagged needs_analysis
    last_contact_at: datetime | None = None  # the latest follow-up (or other contact)


@dataclass(frozen=True)
class Item:
    rule: str
    due_at: datetime
    done_at: datetime | None = None

    def overdue(self, now):
        return self.done_at is None and now > self.due_at

    def minutes_late(self, now):
        return max(0, int((now - self.due_at).total_seconds() // 60))


def subject(lead):
    """Whether any service level applies to the lead at all."""
    return lead.owned and lead.status == "lead" and lead.grade not in NO_SERVICE_GRADES


def items(lead):
    """The service items the lead is subject to, each with its due instant and when it
    was done (None: still open; the weekly item is always open, its due moves)."""
    if not subject(lead):
        return []
    found = [
        Item(FIRST_RESPONSE, lead.registered_at + FIRST_RESPONSE_WITHIN, lead.first_follow_up_at),
        Item(NEEDS_ANALYSIS, lead.registered_at + NEEDS_ANALYSIS_WITHIN, lead.needs_analysed_at),
    ]
    if lead.grade in WEEKLY_GRADES:
        anchor = max(t for t in (lead.registered_at, lead.first_follow_up_at, lead.last_contact_at)
                     if t is not None)
        found.append(Item(WEEKLY_FOLLOW_UP, anchor + WEEKLY_WITHIN))
    return found


def overdue(lead, now):
    """The lead's items still open after their due instant, earliest due first."""
    return sorted((i for i in items(lead) if i.overdue(now)), key=lambda i: (i.due_at, i.rule))


def registered_before_for_overdue(now):
    """Only a lead registered before this instant can have anything overdue at `now` (the
    shortest deadline is the first response): lets the sweep skip fresh leads in SQL."""
    return now - FIRST_RESPONSE_WITHIN
