"""开盘活动 rules, pure: the launch's state machine, 认筹 numbers and what a registration
shows (masked ID numbers and names). No I/O here; the lottery is lottery_rules.py.

A launch goes draft → registration_open → registration_closed → drawn (lottery only) →
selecting → finished. A manager may pause it in any state but draft and finished (with a
reason); resume returns it to the state it was paused in. ACTIONS is the one table: every
conditional update of a launch's status takes its expected and new status from `move()`."""
import math
from datetime import timedelta
from typing import NamedTuple

MODES = ("lottery", "race")
STATES = ("draft", "registration_open", "registration_closed", "drawn", "selecting", "finished", "paused")
PAUSABLE = ("registration_open", "registration_closed", "drawn", "selecting")

# action -> {from status: to status}; `modes` says which launches may take it (None: both)
ACTIONS = {
    "open_registration": ({"draft": "registration_open"}, None),
    "close_registration": ({"registration_open": "registration_closed"}, None),
    "draw": ({"registration_closed": "drawn"}, ("lottery",)),  # 摇号: the draw route only
    # a lottery selects in drawn order; a race opens to every eligible buyer at once
    "start_selection": ({"drawn": "selecting", "registration_closed": "selecting"}, None),
    "finish": ({"selecting": "finished"}, None),
    "pause": ({state: "paused" for state in PAUSABLE}, None),
    "resume": ({"paused": None}, None),  # None: back to the state it was paused in
}
# what the transitions route takes: the draw has its own route (it needs the seed)
ROUTE_ACTIONS = tuple(a for a in ACTIONS if a != "draw")


class Move(NamedTuple):
    source: str  # the status the conditional UPDATE expects
    target: str  # the status it writes
    paused_from: str | None  # what the launch's paused_from becomes


class Refused(Exception):
    """A move the table does not allow: `code` is the stable 409 code."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message, self.code = message, code


def move(action, status, mode, paused_from=None):
    """The Move of `action` on a launch in `status`, or Refused (LAUNCH_MODE_MISMATCH for an
    action of the other mode, ILLEGAL_LAUNCH_TRANSITION otherwise)."""
    if action not in ACTIONS:
        raise ValueError(f"no such launch action {action!r}")
    table, modes = ACTIONS[action]
    if modes is not None and mode not in modes:
        raise Refused(f"a {mode} launch does not {action.replace('_', ' ')}", "LAUNCH_MODE_MISMATCH")
    if action == "start_selection" and status == "registration_closed" and mode == "lottery":
        raise Refused("a lottery launch is drawn before selection starts", "ILLEGAL_LAUNCH_TRANSITION")
    if action == "start_selection" and status == "drawn" and mode != "lottery":
        raise Refused("only a lottery launch is drawn", "ILLEGAL_LAUNCH_TRANSITION")
    if status not in table:
        raise Refused(f"a launch that is {status} cannot {action.replace('_', ' ')}", "ILLEGAL_LAUNCH_TRANSITION")
    if action == "resume":
        if paused_from not in PAUSABLE:
            raise ValueError(f"a paused launch must remember a pausable state, not {paused_from!r}")
        return Move(status, paused_from, None)
    if action == "pause":
        return Move(status, "paused", status)
    return Move(status, table[status], None)


def allowed_actions(status, mode, paused_from=None):
    """The actions of ROUTE_ACTIONS (and draw) a launch in `status` may take now."""
    found = []
    for action in ACTIONS:
        try:
            move(action, status, mode, paused_from)
        except Refused:
            continue
        found.append(action)
    return found


# 认筹 -----------------------------------------------------------------------------------
def registration_number(seq):
    """认筹号 of the seq-th registration of a launch: RC-0001, ..., RC-9999, RC-10000."""
    if seq < 1:
        raise ValueError("registration numbers start at 1")
    return f"RC-{seq:04d}"


def registration_open(status):
    """认筹 is taken only while registration is open (not while paused)."""
    return status == "registration_open"


def registrations_frozen(status, published):
    """Once the lottery's list is published, or the launch is past registration, nothing
    changes the list: no review, no cancellation, no 诚意金 (the list is what was drawn)."""
    return published or status not in ("draft", "registration_open", "registration_closed")


def on_the_list(eligibility, status, deposit_paid, deposit_required):
    """Whether a registration is on the lottery's published list: not cancelled, reviewed
    eligible (购房资格) and, when the launch asks for one, its 诚意金 paid."""
    return status == "registered" and eligibility == "eligible" and (deposit_paid or not deposit_required)


# masking -------------------------------------------------------------------------------
def mask_id_number(id_number):
    """110***********1234: the first three (the province and city) and the last four, the
    birth date and sequence hidden; what everyone but the authorised roles sees."""
    if not id_number or len(id_number) < 8:
        return "*" * len(id_number or "")
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


def mask_name(name):
    """张** for 张三丰: the family name's first character, one * for each other character."""
    name = name or ""
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*"


# 选房 (selection) ------------------------------------------------------------------------
# Lottery: the drawn order is called in windows of `window_size` buyers, each `window_minutes`
# long. The launch stores the current window (its number, when it opened); these rules say
# what the state is at `now` and who may act. Race: every buyer on the list from opens_at,
# within the attempt limit per unit.
LATE_GRACE_SECONDS = 60  # a window opened by a late timer keeps the schedule up to this late


class Window(NamedTuple):
    number: int  # 1 first; total + 1 once every window is over
    opened_at: object  # datetime
    reason: str  # why it opened: "start", "time", "early", "resume" (or "" for the stored state)


def window_number(position, window_size):
    """The window of the buyer at `position` (1-based) of the drawn order."""
    if position < 1 or window_size < 1:
        raise ValueError("positions and window sizes start at 1")
    return (position - 1) // window_size + 1


def windows_total(entries, window_size):
    """How many windows the drawn order needs."""
    return (entries + window_size - 1) // window_size


def window_closes_at(opened_at, window_minutes):
    return opened_at + timedelta(minutes=window_minutes)


def next_window(number, opened_at, window_minutes, total, now):
    """The window after the stored one if the stored one has run its length by `now`, else
    None. It opens when the last one closed (on time) or, if nobody advanced it for more than
    LATE_GRACE_SECONDS after that (every inventory down), at `now`: a buyer's window is never
    over before it opened for them. Past the last window: number total + 1 (selection over)."""
    if number > total:
        return None
    closes = window_closes_at(opened_at, window_minutes)
    if now < closes:
        return None
    return Window(number + 1, closes if (now - closes).total_seconds() <= LATE_GRACE_SECONDS else now, "time")


def due_window(number, opened_at, window_minutes, total, now):
    """The window that should be current at `now`, given the stored one (next_window until
    none is due)."""
    current = Window(number, opened_at, "")
    while (step := next_window(current.number, current.opened_at, window_minutes, total, now)) is not None:
        current = step
    return current


def turn_status(own_window, current_window, finished):
    """A buyer's turn: `done` (they confirmed all they may or gave up), `waiting` (their window
    is later), `open` (it is the current one), `passed` (it went by without them finishing)."""
    if finished:
        return "done"
    if own_window > current_window:
        return "waiting"
    return "open" if own_window == current_window else "passed"


def turn_finished(gave_up, confirmed, units_per_buyer):
    return gave_up or confirmed >= units_per_buyer


# refusals of a buyer's hold or confirmation: (status, code)
REFUSALS = {
    "LAUNCH_PAUSED": 409, "SELECTION_NOT_OPEN": 409, "SELECTION_OVER": 409, "NOT_YOUR_WINDOW": 409,
    "WINDOW_PASSED": 409, "TURN_OVER": 409, "NOT_ON_THE_LIST": 403, "BUYER_UNIT_LIMIT": 409,
}


def selection_refusal(status, mode, opens_at, now, on_list):
    """Why nobody of the launch may select now (or None): paused, not yet selecting or over,
    a race before its opening second, a buyer not on the list."""
    if status == "paused":
        return "LAUNCH_PAUSED"
    if status == "finished":
        return "SELECTION_OVER"
    if status != "selecting" or (mode == "race" and now < opens_at):
        return "SELECTION_NOT_OPEN"
    if not on_list:
        return "NOT_ON_THE_LIST"
    return None


def turn_refusal(own_window, current_window, finished):
    """Lottery: why this buyer may not hold or confirm now (or None): only the current window's
    buyers who have not finished their turn."""
    status = turn_status(own_window, current_window, finished)
    return {"waiting": "NOT_YOUR_WINDOW", "passed": "WINDOW_PASSED", "done": "TURN_OVER"}.get(status)


def window_finished(finished_flags):
    """The current window may close early once every buyer in it has finished their turn."""
    return bool(finished_flags) and all(finished_flags)


def attempt_wait(attempt_times, now, limit, cooldown_minutes):
    """Race: seconds to wait before another attempt on a unit (0: it may be tried now), given
    the buyer's earlier attempts on it. At most `limit` attempts in any `cooldown_minutes`."""
    cooldown = timedelta(minutes=cooldown_minutes)
    recent = sorted(t for t in attempt_times if now - t < cooldown)
    if len(recent) < limit:
        return 0
    free_at = recent[len(recent) - limit] + cooldown
    return max(1, math.ceil((free_at - now).total_seconds()))
