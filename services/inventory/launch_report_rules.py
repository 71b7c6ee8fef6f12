"""开盘报告 (the launch's report), pure: the figures of a launch from what its tables hold,
no I/O (launch_report.py reads the rows and calls these).

Each buyer of a lottery window ends in exactly one of four outcomes, so a window's
`members = chose + gave_up + no_shows + pending`:
- chose: confirmed at least one unit (a 认购), whether or not they gave up afterwards;
- gave_up: gave up (放弃) without confirming any unit, in their window or ahead of it;
- no_show: let the window pass without confirming or giving up (counted once it closed);
- pending: neither, and their window has not closed (it is open, still to come, or never
  opened because selection finished before it)."""
from typing import NamedTuple


class Buyer(NamedTuple):
    confirmed: int  # units confirmed (holds converted into a 认购)
    gave_up: bool


def outcome(buyer, window_closed):
    """chose, gave_up, no_show or pending (the module's docstring)."""
    if buyer.confirmed > 0:
        return "chose"
    if buyer.gave_up:
        return "gave_up"
    return "no_show" if window_closed else "pending"


def window_figures(buyers, window_closed):
    """A window's counts from its members' Buyer rows: members, chose, gave_up, no_shows,
    pending, and the units its members confirmed (sold)."""
    counts = {"chose": 0, "gave_up": 0, "no_show": 0, "pending": 0}
    for buyer in buyers:
        counts[outcome(buyer, window_closed)] += 1
    return {"members": len(buyers), "chose": counts["chose"], "gave_up": counts["gave_up"],
            "no_shows": counts["no_show"], "pending": counts["pending"],
            "sold": sum(b.confirmed for b in buyers)}


def registration_figures(rows, deposit_required):
    """认筹 counts from (status, eligibility, deposit paid) of every registration: total and
    cancelled; of those not cancelled, eligible (passed the 购房资格 review) and 诚意金 paid
    (None when the launch asks none)."""
    live = [r for r in rows if r[0] != "cancelled"]
    return {"total": len(rows), "cancelled": len(rows) - len(live),
            "eligible": sum(1 for r in live if r[1] == "eligible"),
            "sincerity_paid": sum(1 for r in live if r[2]) if deposit_required else None}


def units_figures(units, sold):
    """The launch's units: in it, sold (认购 made through 选房), left."""
    if sold > units:
        raise ValueError(f"{sold} sold of {units} units")
    return {"total": units, "sold": sold, "left": units - sold}


def sell_out_seconds(selecting_at, last_sold_at, left):
    """Seconds from selection starting to the last unit's 认购, or None while units are left
    (or selection never started)."""
    if left > 0 or selecting_at is None or last_sold_at is None:
        return None
    return max(0, int((last_sold_at - selecting_at).total_seconds()))


def refusals_by_code(codes):
    """[{code, count}] most frequent first (then by code), from the refusals' codes."""
    counts = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    return [{"code": c, "count": n} for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
