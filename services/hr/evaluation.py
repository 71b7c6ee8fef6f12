"""销售目标 targets, teams, scorecard weights and the facts other services publish about
advisors, read and written over a unit of work; the maths is in services.hr.scorecard_rules."""
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, inspect, or_, select
from sqlalchemy.exc import IntegrityError

from loupan.errors import Conflict, Forbidden, NotFound, RuleViolated
from loupan.roles import ADVISOR, PERMISSIONS, SUPERVISOR, require_role
from loupan.scope import check_scope
from loupan.types import local_day, utcnow
from services.hr import attendance, rota_rules, scorecard_rules
from services.hr.rota_rules import SHANGHAI  # a fact belongs to the sales office's month
from services.hr.models import (Account, AccountProject, AdvisorFact, ClockEvent, RotaEntry,
                                ScorecardWeights, Shift, Target, TeamMember)

FIGURES = ("units", "amount", "collections")


def _in_project(actor, project_id, roles):
    require_role(actor, roles)
    check_scope(actor, actor["agency_id"], project_id, "project")


def _staff(session, agency_id, project_id, role, ids):
    """{id: Account} of active `role` accounts assigned to the project; 422 for any other id."""
    ids = set(ids)
    if not ids:
        return {}
    found = {a.id: a for a in session.execute(
        select(Account).join(AccountProject, AccountProject.account_id == Account.id).where(
            Account.id.in_(ids), Account.agency_id == agency_id, Account.role == role,
            Account.active.is_(True), AccountProject.project_id == project_id)
    ).scalars()}
    missing = sorted(ids - set(found))
    if missing:
        raise RuleViolated(f"accounts {missing} are not active {role}s of project {project_id}",
                           f"NOT_{role.upper()}_OF_PROJECT")
    return found


def _names(session, agency_id, ids):
    if not ids:
        return {}
    return dict(session.execute(
        select(Account.id, Account.full_name).where(Account.id.in_(set(ids)), Account.agency_id == agency_id)
    ).all())


# teams -----------------------------------------------------------------------------------
def _teams(session, agency_id, project_id):
    """{supervisor_id: [advisor ids]} of the site."""
    teams = defaultdict(list)
    rows = session.execute(
        select(TeamMember.supervisor_id, TeamMember.advisor_id)
        .where(TeamMember.agency_id == agency_id, TeamMember.project_id == project_id)
        .order_by(TeamMember.supervisor_id, TeamMember.advisor_id)
    ).all()
    for supervisor_id, advisor_id in rows:
        teams[supervisor_id].append(advisor_id)
    return teams


def put_teams(uow, actor, project_id, data):
    """Replace the site's teams: each supervisor with the advisors listed for them."""
    _in_project(actor, project_id, PERMISSIONS["evaluation.set"])
    session = uow.session
    agency_id = actor["agency_id"]
    _staff(session, agency_id, project_id, SUPERVISOR, [t["supervisor_id"] for t in data["teams"]])
    _staff(session, agency_id, project_id, ADVISOR, [a for t in data["teams"] for a in t["advisor_ids"]])
    session.execute(delete(TeamMember).where(TeamMember.agency_id == agency_id,
                                             TeamMember.project_id == project_id))
    session.add_all(TeamMember(agency_id=agency_id, project_id=project_id, supervisor_id=t["supervisor_id"],
                               advisor_id=a) for t in data["teams"] for a in t["advisor_ids"])
    _flush_or_conflict(uow, "the teams were changed at the same time; try again")
    return get_teams(session, actor, project_id)


def get_teams(session, actor, project_id):
    _in_project(actor, project_id, PERMISSIONS["evaluation.read"])
    teams = _teams(session, actor["agency_id"], project_id)
    names = _names(session, actor["agency_id"], teams)
    return {"project_id": project_id, "teams": [
        {"supervisor_id": s, "full_name": names.get(s, ""), "advisor_ids": ids} for s, ids in teams.items()]}


def _flush_or_conflict(uow, message):
    """Two replacements racing: the unique keys refuse the second one's rows."""
    try:
        uow.session.flush()
    except IntegrityError:
        uow.rollback()
        raise Conflict(message, "CHANGED_CONCURRENTLY") from None


# targets ---------------------------------------------------------------------------------
def _check_split(data, teams):
    """The advisors' shares add up exactly to the project target; a team's share equals the
    sum of its advisors' shares (advisors without a share count 0)."""
    advisors = {a["advisor_id"]: a for a in data["advisors"]}
    for name in FIGURES:
        shares = sum(a[name] for a in data["advisors"])
        if shares != data["project"][name]:
            raise RuleViolated(f"the advisors' {name} add up to {shares}, the project target is "
                               f"{data['project'][name]}", "TARGET_SPLIT_MISMATCH")
    for team in data["teams"]:
        members = teams.get(team["supervisor_id"], [])
        for name in FIGURES:
            shares = sum(advisors[m][name] for m in members if m in advisors)
            if shares != team[name]:
                raise RuleViolated(f"team of supervisor {team['supervisor_id']}: its advisors' {name} add "
                                   f"up to {shares}, the team target is {team[name]}", "TEAM_TARGET_MISMATCH")


def put_targets(uow, actor, project_id, month, data):
    """销售目标 of a month: the project's target and its split to teams and advisors,
    replacing what was set for that month; all or nothing."""
    _in_project(actor, project_id, PERMISSIONS["evaluation.set"])
    session = uow.session
    agency_id = actor["agency_id"]
    _staff(session, agency_id, project_id, ADVISOR, [a["advisor_id"] for a in data["advisors"]])
    _staff(session, agency_id, project_id, SUPERVISOR, [t["supervisor_id"] for t in data["teams"]])
    _check_split(data, _teams(session, agency_id, project_id))
    session.execute(delete(Target).where(Target.agency_id == agency_id, Target.project_id == project_id,
                                         Target.month == month))
    now = utcnow()
    rows = [("project", None, data["project"])]
    rows += [("team", t["supervisor_id"], t) for t in data["teams"]]
    rows += [(ADVISOR, a["advisor_id"], a) for a in data["advisors"]]
    session.add_all(Target(agency_id=agency_id, project_id=project_id, month=month, level=level,
                           subject_id=subject, set_by=actor["account_id"], set_at=now,
                           **{name: figures[name] for name in FIGURES})
                    for level, subject, figures in rows)
    _flush_or_conflict(uow, "the targets were changed at the same time; try again")
    return get_targets(session, actor, project_id, month)


def _signed(session, agency_id, project_id, month):
    """{account_id: (units, amount)} signed in the month."""
    rows = session.execute(
        select(AdvisorFact.account_id, func.sum(AdvisorFact.quantity), func.sum(AdvisorFact.amount))
        .where(AdvisorFact.agency_id == agency_id, AdvisorFact.project_id == project_id,
               AdvisorFact.month == month, AdvisorFact.kind == "contract")
        .group_by(AdvisorFact.account_id)
    ).all()
    return {account_id: (int(units), amount) for account_id, units, amount in rows}


def _figures(row, actual_ids, signed):
    units = sum(signed[a][0] for a in actual_ids if a in signed)
    amount = sum((signed[a][1] for a in actual_ids if a in signed), scorecard_rules.ZERO)
    return {"units": row.units, "amount": row.amount, "collections": row.collections,
            "actual_units": units, "actual_amount": amount}


def get_targets(session, actor, project_id, month):
    """The month's targets with the units and amount actually signed against each."""
    _in_project(actor, project_id, PERMISSIONS["evaluation.read"])
    agency_id = actor["agency_id"]
    rows = session.execute(
        select(Target).where(Target.agency_id == agency_id, Target.project_id == project_id,
                             Target.month == month).order_by(Target.level, Target.subject_id)
    ).scalars().all()
    signed = _signed(session, agency_id, project_id, month)
    teams = _teams(session, agency_id, project_id)
    names = _names(session, agency_id, [r.subject_id for r in rows if r.subject_id])
    result = {"project_id": project_id, "month": month, "project": None, "teams": [], "advisors": [],
              "set_by": None, "set_at": None}
    for row in rows:
        if row.level == "project":
            result.update(project=_figures(row, list(signed), signed), set_by=row.set_by, set_at=row.set_at)
        elif row.level == "team":
            members = teams.get(row.subject_id, [])
            result["teams"].append(dict(_figures(row, members, signed), supervisor_id=row.subject_id,
                                        full_name=names.get(row.subject_id, ""), advisor_ids=members))
        else:
            result["advisors"].append(dict(_figures(row, [row.subject_id], signed), advisor_id=row.subject_id,
                                           full_name=names.get(row.subject_id, "")))
    return result


# weights ---------------------------------------------------------------------------------
def _weights(session, agency_id, project_id):
    row = session.execute(
        select(ScorecardWeights).where(ScorecardWeights.agency_id == agency_id,
                                       ScorecardWeights.project_id == project_id)
    ).scalar_one_or_none()
    if row is None:
        return dict(scorecard_rules.DEFAULT_WEIGHTS, project_id=project_id, is_default=True, set_by=None, set_at=None)
    return dict({name: getattr(row, name) for name in scorecard_rules.COMPONENTS}, project_id=project_id,
                is_default=False, set_by=row.set_by, set_at=row.set_at)


def put_weights(uow, actor, project_id, data):
    """考核权重 of the project's scorecard; they must add up to 100."""
    _in_project(actor, project_id, PERMISSIONS["evaluation.set"])
    weights = scorecard_rules.check_weights(data)
    session = uow.session
    row = session.get(ScorecardWeights, project_id)
    if row is not None and row.agency_id != actor["agency_id"]:
        raise NotFound(f"project {project_id} not found", "PROJECT_NOT_FOUND")
    if row is None:
        row = ScorecardWeights(project_id=project_id, agency_id=actor["agency_id"])
        session.add(row)
    for name, value in weights.items():
        setattr(row, name, value)
    row.set_by, row.set_at = actor["account_id"], utcnow()
    _flush_or_conflict(uow, "the weights were set at the same time; try again")
    return _weights(session, actor["agency_id"], project_id)


def get_weights(session, actor, project_id):
    _in_project(actor, project_id, PERMISSIONS["evaluation.read"])
    return _weights(session, actor["agency_id"], project_id)


# facts (event handlers; the inbox wrapper commits) ----------------------------------------
def record_fact(uow, event, kind, account_id, quantity, amount=None):
    """Keep one fact about an advisor; an event naming no advisor or project has none."""
    if account_id is None or event["project_id"] is None:
        return
    uow.session.add(AdvisorFact(
        agency_id=event["agency_id"], project_id=event["project_id"],
        month=event["occurred_at"].astimezone(SHANGHAI).strftime("%Y-%m"), account_id=account_id,
        kind=kind, quantity=quantity, amount=amount, event_id=event["event_id"],
        occurred_at=event["occurred_at"]))


# attendance ------------------------------------------------------------------------------
def attendance_of(session, agency_id, project_id, month, account_ids):
    """{account_id: Attendance} of the month from the attendance tables (rota_entries,
    clock_events); zeros for everyone while those tables do not exist yet."""
    tables = inspect(session.get_bind()).get_table_names()
    if "rota_entries" not in tables or "clock_events" not in tables:
        return {a: scorecard_rules.Attendance() for a in account_ids}
    first = date.fromisoformat(f"{month}-01")
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    now = utcnow()
    days = session.execute(
        select(RotaEntry.account_id, RotaEntry.day, Shift)
        .join(Shift, Shift.id == RotaEntry.shift_id)
        .where(RotaEntry.agency_id == agency_id, RotaEntry.project_id == project_id,
               RotaEntry.account_id.in_(account_ids),
               RotaEntry.day >= first, RotaEntry.day < after, RotaEntry.rest.is_(False))
    ).all()
    clock_ins = defaultdict(list)
    for account_id, at in session.execute(
        select(ClockEvent.account_id, ClockEvent.at)
        .where(ClockEvent.agency_id == agency_id, ClockEvent.project_id == project_id,
               ClockEvent.account_id.in_(account_ids),
               ClockEvent.kind == "in", ClockEvent.at >= datetime.combine(first, time(0), SHANGHAI),
               ClockEvent.at < datetime.combine(after, time(0), SHANGHAI))
    ).all():
        clock_ins[(account_id, local_day(at))].append(at)
    on_leave = attendance.leave_days(session, agency_id, project_id, account_ids, first, after - timedelta(days=1))
    employed = attendance.employment(session, agency_id, account_ids)
    counts = defaultdict(lambda: [0, 0, 0])
    for account_id, day, shift in days:
        if rota_rules.shift_window(day, shift)[0] + rota_rules.GRACE > now:
            continue  # a day still to come is not judged yet
        if not rota_rules.employed_on(day, employed.get(account_id, (None, None))):
            continue  # before 入职 or after 离职: no working day
        result = rota_rules.judge_day(day, shift, clock_ins[(account_id, day)], [], now, (account_id, day) in on_leave)
        if result.scheduled:
            count = counts[account_id]
            count[0] += 1
            count[1] += result.absent
            count[2] += result.late
    return {a: scorecard_rules.Attendance(*counts[a]) for a in account_ids}


# scorecards ------------------------------------------------------------------------------
def _advisor_months(session, agency_id, project_id, month):
    """AdvisorMonth of every advisor on the site's card: those assigned to it and those with
    a target or a fact there that month (a leaver's sales still count). Nobody has a card
    for a month before the one they joined in (入职): doing nothing there is worth no points."""
    facts = session.execute(
        select(AdvisorFact.account_id, AdvisorFact.kind, func.count(), func.sum(AdvisorFact.quantity),
               func.sum(AdvisorFact.amount))
        .where(AdvisorFact.agency_id == agency_id, AdvisorFact.project_id == project_id,
               AdvisorFact.month == month)
        .group_by(AdvisorFact.account_id, AdvisorFact.kind)
    ).all()
    targets = {t.subject_id: t for t in session.execute(
        select(Target).where(Target.agency_id == agency_id, Target.project_id == project_id,
                             Target.month == month, Target.level == ADVISOR)).scalars()}
    assigned = session.execute(
        select(Account.id).join(AccountProject, AccountProject.account_id == Account.id)
        .where(AccountProject.project_id == project_id, Account.agency_id == agency_id,
               Account.role == ADVISOR, Account.active.is_(True))
    ).scalars().all()
    candidates = set(assigned) | set(targets) | {f[0] for f in facts}
    month_ends = date.fromisoformat(f"{month}-01") + timedelta(days=31)
    month_ends = month_ends - timedelta(days=month_ends.day)
    names = dict(session.execute(
        select(Account.id, Account.full_name).where(
            Account.id.in_(candidates), Account.agency_id == agency_id, Account.role == ADVISOR,
            or_(Account.joined_on.is_(None), Account.joined_on <= month_ends))).all()) if candidates else {}
    figures = defaultdict(dict)  # account -> kind -> (facts, sum of quantity, sum of amount)
    for account_id, kind, count, quantity, amount in facts:
        figures[account_id][kind] = (count, int(quantity), amount)
    attendance = attendance_of(session, agency_id, project_id, month, sorted(names))
    advisors = []
    for account_id in sorted(names):
        contract, lead, complaint, survey = (figures[account_id].get(kind, (0, 0, None))
                                             for kind in ("contract", "lead", "complaint", "satisfaction"))
        target = targets.get(account_id)
        advisors.append(scorecard_rules.AdvisorMonth(
            account_id=account_id, units=contract[1], amount=contract[2] or scorecard_rules.ZERO,
            leads=lead[0], complaints=complaint[0], satisfaction_sum=survey[1], satisfaction_count=survey[0],
            attendance=attendance[account_id],
            target_units=target.units if target else None,
            target_amount=target.amount if target else None,
        ))
    return advisors, names


def _cards(session, agency_id, project_id, month, weights):
    advisors, names = _advisor_months(session, agency_id, project_id, month)
    cards = scorecard_rules.ranking(advisors, weights)
    for card in cards:
        card.update(full_name=names[card["account_id"]], month=month)
    return cards


def _weights_only(session, agency_id, project_id):
    weights = _weights(session, agency_id, project_id)
    return {name: weights[name] for name in scorecard_rules.COMPONENTS}


def ranking(session, actor, project_id, month):
    """考核 ranking of the site's advisors for a month, each card explained."""
    _in_project(actor, project_id, PERMISSIONS["evaluation.read"])
    weights = _weights_only(session, actor["agency_id"], project_id)
    return {"project_id": project_id, "month": month, "weights": weights,
            "cards": _cards(session, actor["agency_id"], project_id, month, weights)}


def card_of(session, actor, project_id, account_id, month):
    """One advisor's card (with its rank at the site); an advisor may read only their own."""
    _in_project(actor, project_id, PERMISSIONS["evaluation.card"])
    if actor["role"] == ADVISOR and actor["account_id"] != account_id:
        raise Forbidden("an advisor may read only their own scorecard", "OWN_SCORECARD_ONLY")
    weights = _weights_only(session, actor["agency_id"], project_id)
    for card in _cards(session, actor["agency_id"], project_id, month, weights):
        if card["account_id"] == account_id:
            return card
    raise NotFound(f"no scorecard of account {account_id} in project {project_id} for {month}",
                   "SCORECARD_NOT_FOUND")


def sales_star(session, actor, project_id, quarter):
    """销售之星 of the quarter: the best average monthly total (current weights)."""
    _in_project(actor, project_id, PERMISSIONS["evaluation.sales_star"])
    agency_id = actor["agency_id"]
    weights = _weights_only(session, agency_id, project_id)
    monthly = {m: _cards(session, agency_id, project_id, m, weights) for m in scorecard_rules.quarter_months(quarter)}
    names = {c["account_id"]: c["full_name"] for cards in monthly.values() for c in cards}
    standings = scorecard_rules.sales_star(monthly)
    for standing in standings:
        standing["full_name"] = names[standing["account_id"]]
    return {"project_id": project_id, "quarter": quarter, "star": standings[0] if standings else None,
            "standings": standings}
