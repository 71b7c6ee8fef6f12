"""Staff lifecycle (入职 join / 调岗 transfer / 离职 leave) over a unit of work: the account's
employment record and projects change, the move is kept in staff_moves, and the hr event
goes out in the same transaction. Staff are accounts; the caller commits."""
import json
from collections import defaultdict

from sqlalchemy import delete, select, update

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.roles import AGENCY_WIDE, PERMISSIONS, require_may_grant, require_role
from loupan.scope import event_actor
from loupan.types import today as local_today
from services.hr import accounts
from services.hr.models import Account, AccountProject, StaffMove

SWEEP_BATCH = 200  # planned transfers applied per tick; the next tick takes the rest


def check_may_manage(actor, role=None):
    """Director or hr manage staff records; only a director manages a director's."""
    require_role(actor, PERMISSIONS["staff.manage"], "manage staff records")
    if role in AGENCY_WIDE and actor["role"] not in PERMISSIONS["staff.manage_directors"]:
        raise Forbidden("only a director may manage a director's record", "ROLE_FORBIDDEN")


def join(uow, actor, data):
    """入职: create the account (with `account_created`), record the move, publish `staff_joined`."""
    check_may_manage(actor, data["role"])
    require_may_grant(actor, data["role"])
    account = accounts.add_account(uow, actor["agency_id"], data, actor["account_id"], event_actor(actor))
    account.joined_on = data["joined_on"]
    projects = accounts.project_ids_of(uow.session, account) or []
    _record_move(uow.session, actor, account, "joined", data["joined_on"], [], projects, None)
    uow.publish("staff_joined", {
        "account_id": account.id, "username": account.username, "full_name": account.full_name,
        "role": account.role, "project_ids": projects, "joined_on": data["joined_on"],
    }, agency_id=account.agency_id, actor=event_actor(actor))
    return account


def transfer(uow, actor, account_id, data, today=None):
    """调岗: the account's projects are replaced, and its role if `role` is given; publishes
    `staff_transferred`. A director's record moves nowhere (it sees every project), and
    nobody becomes a director by a transfer. Dated after `today` (the sales office's), it is
    planned: nothing changes until its day, when apply_due_transfers applies it; one planned
    transfer per person at a time (409 TRANSFER_ALREADY_PLANNED)."""
    session = uow.session
    account = _account_in_agency(session, actor, account_id)
    check_may_manage(actor, account.role)
    if account.role in AGENCY_WIDE:
        raise RuleViolated("a director sees every project: there is nothing to transfer", "AGENCY_WIDE_ROLE")
    old_role, new_role = account.role, data.get("role") or account.role
    # a transfer grants the role it leaves on the new projects: nobody moves themselves, and
    # a supervisor or manager is promoted or moved by a director only
    require_may_grant(actor, new_role, account.id)
    _check_not_before_joining(account, data["effective_on"], "effective_on")
    after = sorted(set(data["to_project_ids"]))
    roles = (old_role, new_role) if new_role != old_role else (None, None)
    if data["effective_on"] > (today or local_today()):
        _change_active(session, account, bump=False)  # locks the row; 409 for a leaver
        before = accounts.project_ids_of(session, account)
        _check_changes(account, before, after, old_role, new_role)
        if _planned(session, account.id) is not None:
            raise Conflict(f"account {account.id} has a transfer planned already", "TRANSFER_ALREADY_PLANNED")
        _record_move(session, actor, account, "transferred", data["effective_on"], before, after, data["reason"],
                     roles=roles, status="planned")
        session.flush()
        return account
    # the conditional update comes first: it locks the row, so the projects read next are current
    _change_active(session, account, role=new_role)
    before = accounts.project_ids_of(session, account)
    _check_changes(account, before, after, old_role, new_role)
    _move_projects(uow, account, before, after, data["effective_on"], event_actor(actor))
    _record_move(session, actor, account, "transferred", data["effective_on"], before, after, data["reason"],
                 roles=roles)
    return account


def apply_due_transfers(uow, today):
    """The planned transfers whose day has come (effective_on <= `today`) take effect, as a
    transfer made that day would: projects and role replaced, tokens stale, `staff_transferred`
    published. Each move goes planned → done by a conditional update, so two replicas of the
    sweep apply it once. Returns how many were applied."""
    session = uow.session
    due = session.execute(
        select(StaffMove).where(StaffMove.status == "planned", StaffMove.effective_on <= today)
        .order_by(StaffMove.effective_on, StaffMove.id).limit(SWEEP_BATCH)
    ).scalars().all()
    applied = 0
    for move in due:
        if session.execute(update(StaffMove).where(StaffMove.id == move.id, StaffMove.status == "planned")
                           .values(status="done").execution_options(synchronize_session=False)).rowcount != 1:
            continue
        account = session.get(Account, move.account_id)
        if account.employment_status != "active":  # left meanwhile (leave cancels, this is a guard)
            move.status = "cancelled"
            continue
        _change_active(session, account, role=move.to_role or account.role)
        before = accounts.project_ids_of(session, account)
        after = json.loads(move.to_project_ids)
        move.from_project_ids = json.dumps(before)
        recorder = session.get(Account, move.by) if move.by is not None else None
        by = event_actor({"account_id": move.by, "username": recorder and recorder.username,
                          "role": recorder and recorder.role})
        _move_projects(uow, account, before, after, move.effective_on, by)
        applied += 1
    session.flush()
    return applied


def _check_changes(account, before, after, old_role, new_role):
    if before == after and new_role == old_role:
        raise Invalid(f"account {account.id} already works on exactly these projects", "TRANSFER_NO_CHANGE")


def _move_projects(uow, account, before, after, effective_on, by):
    """Replace the account's projects and publish `staff_transferred` (the gateway moves
    its tokens, crm its place in the rotation)."""
    session = uow.session
    session.execute(delete(AccountProject).where(AccountProject.account_id == account.id))
    session.add_all(AccountProject(account_id=account.id, project_id=p, agency_id=account.agency_id) for p in after)
    uow.publish("staff_transferred", {
        "account_id": account.id, "from_project_ids": before, "to_project_ids": after,
        "effective_on": effective_on, "role": account.role, "token_version": account.token_version,
    }, agency_id=account.agency_id, actor=by)


def _planned(session, account_id):
    return session.execute(
        select(StaffMove).where(StaffMove.account_id == account_id, StaffMove.status == "planned")
    ).scalars().first()


def leave(uow, actor, account_id, data):
    """离职: active → left once; the account is disabled at once; publishes `staff_left`
    (crm reassigns the leaver's customers, the gateway refuses the leaver's tokens)."""
    session = uow.session
    account = _account_in_agency(session, actor, account_id)
    check_may_manage(actor, account.role)
    if account.id == actor["account_id"]:
        raise Forbidden("nobody records their own leave", "OWN_LEAVE_FORBIDDEN")
    _check_not_before_joining(account, data["left_on"], "left_on")
    _change_active(session, account, employment_status="left", active=False, left_on=data["left_on"])
    # a transfer planned for after the leave never happens
    session.execute(update(StaffMove).where(StaffMove.account_id == account.id, StaffMove.status == "planned")
                    .values(status="cancelled").execution_options(synchronize_session=False))
    projects = accounts.project_ids_of(session, account) or []
    _record_move(session, actor, account, "left", data["left_on"], projects, [], data["reason"])
    uow.publish("staff_left", {
        "account_id": account.id, "username": account.username, "role": account.role,
        "project_ids": projects, "left_on": data["left_on"], "token_version": account.token_version,
    }, agency_id=account.agency_id, actor=event_actor(actor))
    return account


def list_staff(session, actor, project_id=None, status=None):
    """Staff records of the actor's agency, optionally of one project and/or one status."""
    check_may_manage(actor)
    query = select(Account).where(Account.agency_id == actor["agency_id"])
    if status is not None:
        query = query.where(Account.employment_status == status)
    if project_id is not None:
        query = query.where(Account.id.in_(
            select(AccountProject.account_id).where(AccountProject.agency_id == actor["agency_id"],
                                                    AccountProject.project_id == project_id)))
    rows = session.execute(query.order_by(Account.id)).scalars().all()
    return staff_records(session, actor["agency_id"], rows)


def staff_detail(session, actor, account_id):
    """One staff record with its moves, oldest first."""
    check_may_manage(actor)
    account = _account_in_agency(session, actor, account_id)
    moves = session.execute(
        select(StaffMove).where(StaffMove.agency_id == account.agency_id, StaffMove.account_id == account.id)
        .order_by(StaffMove.id)
    ).scalars()
    record = staff_record(session, account)
    record["moves"] = [
        {"id": m.id, "kind": m.kind, "status": m.status, "effective_on": m.effective_on, "reason": m.reason,
         "by": m.by, "at": m.at,
         "from_role": m.from_role, "to_role": m.to_role,
         "from_project_ids": json.loads(m.from_project_ids), "to_project_ids": json.loads(m.to_project_ids)}
        for m in moves
    ]
    return record


def staff_record(session, account):
    return staff_records(session, account.agency_id, [account], account_id=account.id)[0]


def staff_records(session, agency_id, rows, account_id=None):
    """Records of `rows` (accounts of one agency) with their projects, read in one query."""
    query = select(AccountProject.account_id, AccountProject.project_id).where(AccountProject.agency_id == agency_id)
    if account_id is not None:
        query = query.where(AccountProject.account_id == account_id)
    projects = defaultdict(list)
    for owner, project in session.execute(query.order_by(AccountProject.project_id)):
        projects[owner].append(project)
    planned = {m.account_id: m for m in session.execute(
        select(StaffMove).where(StaffMove.agency_id == agency_id, StaffMove.status == "planned",
                                StaffMove.account_id.in_([a.id for a in rows]))).scalars()} if rows else {}
    return [
        {"id": a.id, "agency_id": a.agency_id, "username": a.username, "full_name": a.full_name,
         "role": a.role, "active": a.active, "created_at": a.created_at,
         "project_ids": None if a.role in AGENCY_WIDE else projects[a.id],
         "employment_status": a.employment_status, "joined_on": a.joined_on, "left_on": a.left_on,
         "token_version": a.token_version, "planned_transfer": _planned_view(planned.get(a.id))}
        for a in rows
    ]


def _planned_view(move):
    if move is None:
        return None
    return {"move_id": move.id, "effective_on": move.effective_on, "to_project_ids": json.loads(move.to_project_ids),
            "to_role": move.to_role, "reason": move.reason, "by": move.by}


def _account_in_agency(session, actor, account_id):
    account = session.get(Account, account_id)
    if account is None or account.agency_id != actor["agency_id"]:
        raise NotFound(f"account {account_id} not found", "ACCOUNT_NOT_FOUND")
    return account


def _check_not_before_joining(account, day, field):
    if account.joined_on is not None and day < account.joined_on:
        raise Invalid(f"{field}: {day} is before the person joined on {account.joined_on}", "DATE_BEFORE_JOINED")


def _change_active(session, account, bump=True, **values):
    """Conditional update of an active account (row count checked): issued tokens go stale
    (not with bump=False: the row is only locked, a planned transfer changes nothing yet)."""
    if bump:
        values["token_version"] = Account.token_version + 1
    elif not values:
        values["active"] = Account.active
    result = session.execute(
        update(Account)
        .where(Account.id == account.id, Account.employment_status == "active")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(f"account {account.id} has left already", "STAFF_NOT_ACTIVE")
    session.refresh(account)


def _record_move(session, actor, account, kind, effective_on, before, after, reason, roles=(None, None),
                 status="done"):
    session.add(StaffMove(
        agency_id=account.agency_id, account_id=account.id, kind=kind, effective_on=effective_on,
        from_project_ids=json.dumps(before), to_project_ids=json.dumps(after), reason=reason,
        from_role=roles[0], to_role=roles[1],
        by=actor["account_id"], status=status,
    ))
