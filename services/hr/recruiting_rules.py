"""招聘 recruiting rules, pure: the candidate stage machine, requisition seats, and the
试用期 (probation) calendar of the 转正 (confirmation) review. No I/O here."""
import calendar
from datetime import date, timedelta

# applied 投递 -> screened 初筛 -> interview_1 初试 -> interview_2 复试 -> offer 录用 -> hired 入职
PATH = ("applied", "screened", "interview_1", "interview_2", "offer", "hired")
ENDINGS = ("rejected", "withdrawn")
STAGES = PATH + ENDINGS
CLOSED = ("hired",) + ENDINGS
# the second interview (复试) is optional: a site may make an offer after the first
SKIPPABLE = ("interview_2",)
# candidates go past screening only on a requisition a director has approved
NEEDS_APPROVAL_AFTER = "screened"

MAX_PROBATION_MONTHS = 6  # 劳动合同法: a probation never exceeds six months
MAX_EXTENSION_MONTHS = 3
REVIEW_WINDOW = timedelta(days=14)
DECISIONS = ("confirm", "extend", "terminate")


def can_move(from_stage, to_stage):
    """Forward one stage along the path (skipping only an optional stage), or out to
    rejected/withdrawn from any open stage; nothing moves once hired, rejected or withdrawn."""
    if from_stage in CLOSED or from_stage not in PATH or to_stage not in STAGES:
        return False
    if to_stage in ENDINGS:
        return True
    if to_stage not in PATH:
        return False
    step = PATH.index(from_stage) + 1
    while step < len(PATH) and PATH[step] != to_stage and PATH[step] in SKIPPABLE:
        step += 1
    return step < len(PATH) and PATH[step] == to_stage


def needs_approved_requisition(to_stage):
    """Moves beyond screening (interviews, offer, hire) need an approved requisition."""
    return to_stage in PATH and PATH.index(to_stage) > PATH.index(NEEDS_APPROVAL_AFTER)


def seat_available(headcount, seats_taken):
    """An offer takes a seat of the requisition (outstanding, accepted or hired): no more
    offers than the headcount."""
    return seats_taken < headcount


def is_filled(headcount, hired):
    return hired >= headcount


def add_months(day, months):
    """`day` plus whole months, clamped to the end of a shorter month (Jan 31 + 1 = Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def probation_end(start_on, months):
    """The last day of a probation of `months` starting on `start_on`."""
    if not 1 <= months <= MAX_PROBATION_MONTHS:
        raise ValueError(f"a probation lasts 1 to {MAX_PROBATION_MONTHS} months")
    return add_months(start_on, months)


def review_opens_on(end_on):
    """The 转正 review may be held from two weeks before the probation ends."""
    return end_on - REVIEW_WINDOW


def review_problem(status, end_on, today, decision, months):
    """Why a review cannot be decided now (a short code), or None when it can. A probation
    is extended at most once, so an `extended` one may only be confirmed or terminated."""
    if status not in ("in_probation", "extended"):
        return "PROBATION_DECIDED"
    if today < review_opens_on(end_on):
        return "REVIEW_TOO_EARLY"
    if decision == "extend":
        if status == "extended":
            return "ALREADY_EXTENDED"
        if months is None or not 1 <= months <= MAX_EXTENSION_MONTHS:
            return "EXTENSION_TOO_LONG"
    return None


def outcome(decision):
    """The probation status a decision leads to."""
    return {"confirm": "confirmed", "extend": "extended", "terminate": "terminated"}[decision]
