"""开盘活动 rules, pure: the launch's state machine, 认筹 numbers and what a registration
shows (masked ID numbers and names). No I/O here; the lottery is lottery_rules.py.

A launch goes draft → registration_open → registration_closed → drawn (lottery only) →
selecting → finished. A manager may pause it in any state but draft and finished (with a
reason); resume returns it to the state it was paused in. ACTIONS is the one table: every
conditional update of a launch's status takes its expected and new status from `move()`."""
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
