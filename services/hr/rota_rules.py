"""排班 rota and 考勤 attendance rules, pure (no I/O): plan a site's week with rest days
(轮休) and daily duty (值日), check a hand-edited rota, and judge a day's clock events.

Days are Asia/Shanghai calendar dates; shift times are Asia/Shanghai wall-clock times;
clock events are aware instants (UTC in the database).
"""
from collections import Counter, defaultdict, deque, namedtuple
from datetime import datetime, timedelta

from loupan.errors import Invalid, RuleViolated
from loupan.types import SHANGHAI

GRACE = timedelta(minutes=5)  # a clock-in within this after the shift start is on time
WEEKEND = (5, 6)  # Saturday, Sunday: the busiest days of a sales office

Shift = namedtuple("Shift", "id name starts ends min_staff")
Entry = namedtuple("Entry", "day account_id shift_id rest duty")
DayResult = namedtuple("DayResult", "scheduled present late early_leave absent leave")


def week_days(week_start):
    return [week_start + timedelta(days=i) for i in range(7)]


class _Flow:
    """A small max-flow (shortest augmenting paths); the rota's assignments are bipartite
    matchings with capacities, and a flow finds one whenever one exists."""

    def __init__(self):
        self.residual = defaultdict(dict)

    def add(self, u, v, capacity):
        self.residual[u][v] = self.residual[u].get(v, 0) + capacity
        self.residual[v].setdefault(u, 0)

    def augment(self, source, sink, limit):
        """Push up to `limit` more units; returns how many went through."""
        pushed = 0
        while pushed < limit:
            parent = {source: None}
            queue = deque([source])
            while queue and sink not in parent:
                u = queue.popleft()
                for v, capacity in self.residual[u].items():
                    if capacity > 0 and v not in parent:
                        parent[v] = u
                        queue.append(v)
            if sink not in parent:
                break
            v = sink
            while parent[v] is not None:
                u = parent[v]
                self.residual[u][v] -= 1
                self.residual[v][u] += 1
                v = u
            pushed += 1
        return pushed

    def used(self, u, v):
        """Whether the capacity-1 edge u→v carries flow."""
        return self.residual[v].get(u, 0) > 0 and self.residual[u][v] == 0


def _rest_targets(total, fixed_counts, most_per_day):
    """People resting per weekday: fixed rests first, then each further rest on the day with
    the fewest so far, weekdays before the weekend (so counts differ by at most one unless
    the fixed rests alone are uneven)."""
    counts = [fixed_counts[d] for d in range(7)]
    for _ in range(total - sum(counts)):
        day = min(range(7), key=lambda d: (counts[d], d in WEEKEND, d))
        counts[day] += 1
    for d in range(7):
        if counts[d] > most_per_day:
            return None
    return counts


def _plan_rest(staff, week, rest_days, fixed_rest, weekend_rested, needed, absent):
    """Rest days of the week per person. A day a person is not employed (`absent`: weekday
    indexes before their 入职 or after their 离职) counts towards their rest days: it keeps
    them off that day and is no rest entry of theirs (plan_week writes none)."""
    n = len(staff)
    fixed = {p: sorted(set(fixed_rest.get(p, ()))) for p in staff}
    for person, weekdays in fixed.items():
        if len(weekdays) > rest_days or any(not 0 <= d <= 6 for d in weekdays):
            raise Invalid(f"fixed rest of {person} must be at most {rest_days} weekdays 0-6", "BAD_FIXED_REST")
        if weekend_rested and person in weekend_rested and set(weekdays) & set(WEEKEND):
            raise RuleViolated(f"{person} rested at the weekend last week and cannot again", "WEEKEND_REST_TWICE")
    off = {p: sorted(set(fixed[p]) | absent.get(p, set())) for p in staff}
    quota = {p: max(rest_days, len(off[p])) for p in staff}
    off_counts = Counter(d for days in off.values() for d in days)
    targets = _rest_targets(sum(quota.values()), off_counts, n - needed)
    if targets is None:
        raise RuleViolated(f"{n} staff with {rest_days} rest day(s) each cannot cover shifts needing "
                           f"{needed} people every day", "ROTA_NOT_COVERABLE")
    flow = _Flow()
    for i, person in enumerate(staff):
        flow.add("s", ("p", person), quota[person] - len(off[person]))
        for k in range(7):
            day = (i + k) % 7  # start each person's choices on a different day: spreads rests
            if day in off[person]:
                continue
            if weekend_rested and person in weekend_rested and day in WEEKEND:
                continue  # 轮休 fairness: no weekend rest two weeks running
            flow.add(("p", person), ("d", day), 1)
    for day in range(7):
        flow.add(("d", day), "t", targets[day] - off_counts[day])
    free = sum(quota.values()) - sum(off_counts.values())
    if flow.augment("s", "t", free) < free:
        raise RuleViolated("the rest days cannot be spread evenly with the weekend rule and the fixed "
                           "rest days", "ROTA_NOT_COVERABLE")
    return {p: {week[d] for d in range(7) if d in off[p] or flow.used(("p", p), ("d", d))}
            for p in staff}


def _plan_duty(staff, week, resting, partial=()):
    """值日: one working person a day; over the week everyone's count differs by at most one
    (first everybody's floor share, then the remaining days on top). Someone employed only
    part of the week (`partial`) has no floor share; the days they leave over are dealt one
    more per person and round, so that nobody takes two more than another."""
    floor_share = len(week) // len(staff)
    shares = {p: 0 if p in partial else floor_share for p in staff}
    flow = _Flow()
    for i, person in enumerate(staff):
        flow.add("s", ("p", person), shares[person])
        for k in range(len(week)):
            day = week[(i + k) % len(week)]
            if day not in resting[person]:
                flow.add(("p", person), ("d", day), 1)
    for day in week:
        flow.add(("d", day), "t", 1)
    floor_total = sum(shares.values())
    if flow.augment("s", "t", floor_total) < floor_total:
        raise RuleViolated("duty (值日) cannot be shared fairly: someone works too few days", "DUTY_NOT_FAIR")
    covered = floor_total
    while covered < len(week):
        for person in staff:
            flow.add("s", ("p", person), 1)
        more = flow.augment("s", "t", len(week) - covered)
        if more == 0:
            raise RuleViolated("no one works on some day to take duty (值日)", "DUTY_NOT_FAIR")
        covered += more
    return {day: next(p for p in staff if flow.used(("p", p), ("d", day))) for day in week}


def employed_on(day, employment):
    """Whether `day` is within (first, last) of `employment` (None: open on that side)."""
    first, last = employment
    return (first is None or day >= first) and (last is None or day <= last)


def plan_week(staff, shifts, week_start, rest_days_per_person=1, fixed_rest=None, weekend_rested=None,
              employed=None):
    """排班 plan one week from `week_start` (a Monday) for `staff` (account ids): each person
    rests `rest_days_per_person` days (轮休; `fixed_rest` {account_id: [weekday 0-6]} are kept),
    the number resting on each weekday differs by at most one, nobody in `weekend_rested`
    (rested on a Saturday or Sunday last week) rests at the weekend, every shift has at least
    its min_staff every day, and one working person a day is on duty (值日), shared fairly.
    `employed` {account_id: (入职 day, 离职 day)}, either None when open: nobody is planned
    (no entry at all) before they join or after they leave; those days count as their rest
    days, and someone employed no day of the week is not on it.
    Returns Entry rows, one per person and day employed; RuleViolated when it cannot be done."""
    if week_start.weekday() != 0:
        raise Invalid(f"week_start {week_start} is not a Monday", "NOT_A_MONDAY")
    week = week_days(week_start)
    employed = employed or {}
    absent = {p: {i for i, day in enumerate(week) if not employed_on(day, employed[p])}
              for p in set(staff) if p in employed}
    staff = sorted(p for p in set(staff) if len(absent.get(p, ())) < 7)
    if not shifts:
        raise RuleViolated("define the site's shifts before planning a rota", "NO_SHIFTS")
    if not staff:
        raise RuleViolated("nobody is assigned to this site", "NO_STAFF")
    if not 0 <= rest_days_per_person <= 6:
        raise Invalid("rest_days_per_person must be 0 to 6", "BAD_REST_DAYS")
    unknown = set(fixed_rest or {}) - set(staff)
    if unknown:
        raise Invalid(f"fixed rest for people not on the rota: {sorted(unknown)}", "BAD_FIXED_REST")
    shifts = sorted(shifts, key=lambda s: (s.starts, s.id))
    needed = sum(s.min_staff for s in shifts)
    if needed > len(staff):
        raise RuleViolated(f"the shifts need {needed} people a day but only {len(staff)} are assigned",
                           "ROTA_NOT_COVERABLE")
    resting = _plan_rest(staff, week, rest_days_per_person, fixed_rest or {}, set(weekend_rested or ()), needed,
                         absent)
    duty = _plan_duty(staff, week, resting, {p for p in staff if absent.get(p)})
    entries = []
    for offset, day in enumerate(week):
        workers = [p for p in staff if day not in resting[p]]
        # rotate who comes first so that people take turns on the early and late shifts
        shift = offset % len(workers)
        workers = workers[shift:] + workers[:shift]
        slots = [s.id for s in shifts for _ in range(s.min_staff)]
        slots += [shifts[i % len(shifts)].id for i in range(len(workers) - len(slots))]
        for person, shift_id in zip(workers, slots):
            entries.append(Entry(day, person, shift_id, False, duty[day] == person))
        entries.extend(Entry(day, p, None, True, False) for p in staff
                       if day in resting[p] and offset not in absent.get(p, ()))
    return sorted(entries, key=lambda e: (e.day, e.account_id))


def weekend_resters(entries):
    """Who rested on a Saturday or Sunday in `entries` (last week's rota)."""
    return {e.account_id for e in entries if e.rest and e.day.weekday() in WEEKEND}


def validate_rota(entries, staff, shifts, rest_days_per_person=1, on_leave=(), employed=None):
    """The violations of a (hand-edited) rota, as {code, day, account_id, message}: people not
    on the site, people on a day before their 入职 or after their 离职 (`employed`, as for
    plan_week), unknown shifts, working without a shift or on a rest day, two entries for one
    person and day, a shift below its min_staff, not exactly one working person on duty, a
    person on approved leave (`on_leave`: {(account_id, day)}) put on a shift, and, for people
    with a whole week on the rota, fewer rest days than `rest_days_per_person`."""
    staff, by_id, on_leave = set(staff), {s.id: s for s in shifts}, set(on_leave)
    employed = employed or {}
    violations = []

    def bad(code, day, account_id, message):
        violations.append({"code": code, "day": day, "account_id": account_id, "message": message})

    seen = Counter((e.day, e.account_id) for e in entries)
    for (day, person), count in sorted(seen.items()):
        if count > 1:
            bad("DUPLICATE_ENTRY", day, person, f"{day}: {person} is on the rota {count} times")
    for e in sorted(entries, key=lambda e: (e.day, e.account_id)):
        if e.account_id not in staff:
            bad("NOT_SITE_STAFF", e.day, e.account_id, f"{e.day}: {e.account_id} is not on this site's staff")
        elif e.account_id in employed and not employed_on(e.day, employed[e.account_id]):
            bad("NOT_EMPLOYED", e.day, e.account_id, f"{e.day}: {e.account_id} is not employed on that day")
        if e.rest and e.shift_id is not None:
            bad("WORKS_ON_REST_DAY", e.day, e.account_id, f"{e.day}: {e.account_id} rests but is on a shift")
        if not e.rest and e.shift_id is None:
            bad("NO_SHIFT", e.day, e.account_id, f"{e.day}: {e.account_id} works but has no shift")
        if e.shift_id is not None and e.shift_id not in by_id:
            bad("UNKNOWN_SHIFT", e.day, e.account_id, f"{e.day}: shift {e.shift_id} does not exist")
        if e.duty and e.rest:
            bad("DUTY_ON_REST_DAY", e.day, e.account_id, f"{e.day}: {e.account_id} is on duty on a rest day")
        if not e.rest and (e.account_id, e.day) in on_leave:
            bad("WORKS_ON_LEAVE", e.day, e.account_id, f"{e.day}: {e.account_id} is on approved leave")
    for day in sorted({e.day for e in entries}):
        working = [e for e in entries if e.day == day and not e.rest and (e.account_id, day) not in on_leave]
        for shift in sorted(shifts, key=lambda s: (s.starts, s.id)):
            have = sum(1 for e in working if e.shift_id == shift.id)
            if have < shift.min_staff:
                bad("SHIFT_UNDERSTAFFED", day, None,
                    f"{day}: shift {shift.name} has {have} of {shift.min_staff} people")
        on_duty = sum(1 for e in working if e.duty)
        if on_duty != 1:
            bad("DUTY_COUNT", day, None, f"{day}: {on_duty} people on duty (值日), need exactly 1")
    weeks = defaultdict(list)
    for e in entries:
        weeks[(e.account_id, e.day - timedelta(days=e.day.weekday()))].append(e)
    for (person, monday), rows in sorted(weeks.items()):
        rests = sum(1 for e in rows if e.rest)
        if len({e.day for e in rows}) == 7 and rests < rest_days_per_person:
            bad("TOO_FEW_REST_DAYS", None, person,
                f"week of {monday}: {person} rests {rests} day(s), needs {rest_days_per_person}")
    return violations


def shift_window(day, shift):
    """The aware start and end of `shift` on `day`; a shift ending before it starts ends the
    next day (overnight)."""
    starts = datetime.combine(day, shift.starts, SHANGHAI)
    ends = datetime.combine(day, shift.ends, SHANGHAI)
    if ends <= starts:
        ends += timedelta(days=1)
    return starts, ends


def judge_day(day, shift, clock_ins, clock_outs, now, on_leave=False):
    """考勤 of one working rota day: the first clock-in after the shift start + GRACE is late;
    the last clock-out before the shift end is early leave (also a missing clock-out once the
    shift is over); no clock-in at all is an absence once the grace has passed. An approved
    leave day is neither a working day nor an absence. `clock_ins`/`clock_outs`: that
    person's instants on the day (a clock-out of an overnight shift may be the next day)."""
    if on_leave:
        return DayResult(False, False, False, False, False, True)
    starts, ends = shift_window(day, shift)
    if not clock_ins:
        return DayResult(True, False, False, False, now > starts + GRACE, False)
    first_in = min(clock_ins)
    outs = [t for t in clock_outs if t > first_in]
    if outs:
        early = max(outs) < ends
    else:
        early = now > ends
    return DayResult(True, True, first_in > starts + GRACE, early, False, False)
