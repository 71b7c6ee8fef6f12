"""开盘活动 (launches): the launch and its moves, 认筹 registrations with their 购房资格
review and 诚意金, and the verifiable 摇号 (publish the list and the seed's commitment, then
draw). The rules are launch_rules.py and lottery_rules.py; every status change here is a
conditional update with its history row, and a refused move changes nothing (409)."""
import json
import logging

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from loupan import reveals
from loupan.errors import Conflict, NotFound, RuleViolated
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import event_actor, get_in_scope
from loupan.types import utcnow
from loupan.validators import mask_mobile
from services.inventory import launch_rules as rules
from services.inventory import lottery_rules, selection
from services.inventory.catalog import get_project
from services.inventory.models import (Hold, Launch, LaunchDraw, LaunchHistory, LaunchRegistration, LaunchUnit, Unit,
                                       data_reveals)

log = logging.getLogger(__name__)


# launches ------------------------------------------------------------------------------
def _history(session, launch, action, from_status, to_status, actor, reason, at):
    session.execute(insert(LaunchHistory), [{
        "agency_id": launch.agency_id, "project_id": launch.project_id, "launch_id": launch.id, "action": action,
        "from_status": from_status, "to_status": to_status, "actor_id": actor["account_id"],
        "actor_name": actor["username"], "reason": (reason or "")[:200] or None, "at": at}])


def launch_dict(session, launch):
    data = {c.name: getattr(launch, c.name) for c in Launch.__table__.columns}
    data["priority_quotas"] = json.loads(launch.priority_quotas)
    data["unit_ids"] = list(session.execute(
        select(LaunchUnit.unit_id).where(LaunchUnit.launch_id == launch.id).order_by(LaunchUnit.unit_id)).scalars())
    draw = session.get(LaunchDraw, launch.id)
    data["published"], data["drawn"] = draw is not None, draw is not None and draw.drawn_at is not None
    data["actions"] = [a for a in rules.allowed_actions(launch.status, launch.mode, launch.paused_from)
                       if a != "draw" or (data["published"] and not data["drawn"])]
    data["history"] = session.execute(
        select(LaunchHistory).where(LaunchHistory.launch_id == launch.id).order_by(LaunchHistory.id)
    ).scalars().all()
    return data


def create_launch(uow, actor, project_id, data):
    """A draft launch of some of the project's units (any status: a launch is planned before
    its units are released)."""
    require_role(actor, PERMISSIONS["launches.manage"], "plan a launch")
    session = uow.session
    project = get_project(session, actor, project_id)
    unit_ids = sorted(set(data.pop("unit_ids")))
    found = set(session.execute(
        select(Unit.id).where(Unit.project_id == project.id, Unit.id.in_(unit_ids))).scalars())
    missing = sorted(set(unit_ids) - found)
    if missing:
        raise NotFound(f"units {missing[:50]} are not in project {project.id}", "UNIT_NOT_FOUND")
    quotas = data.pop("priority_quotas")
    now = utcnow()
    launch = Launch(agency_id=project.agency_id, project_id=project.id, status="draft",
                    priority_quotas=json.dumps(quotas, ensure_ascii=False), registrations_count=0,
                    created_by=actor["account_id"], created_at=now, **data)
    session.add(launch)
    session.flush()
    session.execute(insert(LaunchUnit), [{"launch_id": launch.id, "unit_id": uid, "agency_id": project.agency_id,
                                          "project_id": project.id} for uid in unit_ids])
    _history(session, launch, "create", None, "draft", actor, None, now)
    return launch_dict(session, launch)


def get_launch(session, actor, launch_id):
    require_role(actor, PERMISSIONS["launches.read"], "read launches")
    return launch_dict(session, get_in_scope(session, actor, Launch, launch_id, "launch"))


def list_launches(session, actor, project_id):
    require_role(actor, PERMISSIONS["launches.read"], "read launches")
    project = get_project(session, actor, project_id)
    launches = session.execute(
        select(Launch).where(Launch.project_id == project.id).order_by(Launch.opens_at, Launch.id)).scalars().all()
    return [launch_dict(session, launch) for launch in launches]


def _move(uow, actor, launch, action, reason):
    """The conditional update of one move (from launch_rules), with its history row; 409 and
    nothing changed when the table refuses it or another request moved the launch first."""
    try:
        step = rules.move(action, launch.status, launch.mode, launch.paused_from)
    except rules.Refused as refused:
        uow.rollback()  # the draw's row, when the draw asked
        if refused.code == "LAUNCH_MODE_MISMATCH":
            raise Conflict(refused.message, "LAUNCH_MODE_MISMATCH") from None
        raise Conflict(refused.message, "ILLEGAL_LAUNCH_TRANSITION") from None
    values = {"status": step.target, "paused_from": step.paused_from}
    if action in ("pause", "resume"):
        values["pause_reason"] = reason if action == "pause" else None
    moved = uow.session.execute(
        update(Launch).where(Launch.id == launch.id, Launch.status == step.source)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        uow.rollback()
        raise Conflict(f"launch {launch.id} changed meanwhile; read it again", "ILLEGAL_LAUNCH_TRANSITION")
    now = utcnow()
    _history(uow.session, launch, action, step.source, step.target, actor, reason, now)
    uow.session.refresh(launch)
    selection.on_move(uow.session, launch, action, now)  # 选房's windows: open, restart, close
    if action == "finish":  # for integrators (webhooks): the launch is over, with its tally
        units = uow.session.execute(select(func.count()).select_from(LaunchUnit)
                                    .where(LaunchUnit.launch_id == launch.id)).scalar_one()
        sold = uow.session.execute(select(func.count(func.distinct(Hold.unit_id))).where(
            Hold.launch_id == launch.id, Hold.status == "converted")).scalar_one()
        uow.publish("launch_finished", {"launch_id": launch.id, "name": launch.name, "mode": launch.mode,
                                        "finished_at": now, "units": units, "sold": sold},
                    agency_id=launch.agency_id, project_id=launch.project_id, actor=event_actor(actor))
    return launch


def transition(uow, actor, launch_id, action, reason=None):
    """A manager moves the launch: open or close registration, start selection, finish,
    pause (with a reason) or resume. The draw is `draw` (it needs the seed)."""
    require_role(actor, PERMISSIONS["launches.manage"], "run a launch")
    session = uow.session
    launch = get_in_scope(session, actor, Launch, launch_id, "launch")
    return launch_dict(session, _move(uow, actor, launch, action, reason))


# 认筹 -----------------------------------------------------------------------------------
def sees_id_numbers(actor):
    return actor["role"] in PERMISSIONS["id_numbers.see_all"]


def registration_dict(actor, registration):
    """A registration as `actor` may see it: the ID number masked but to managers and
    directors; the mobile masked but to them and the staff member who took it."""
    data = {c.name: getattr(registration, c.name) for c in LaunchRegistration.__table__.columns}
    data["review_documents"] = json.loads(registration.review_documents)
    if not sees_id_numbers(actor):
        data["id_number"] = rules.mask_id_number(registration.id_number)
        if registration.advisor_id != actor["account_id"]:
            data["mobile"] = mask_mobile(registration.mobile)
    return data


def _log_reveals(session, actor, kind, entrypoint, shown):
    """Full ID numbers (and mobiles) shown to a manager or director: logged (loupan.reveals)."""
    return reveals.record(session, data_reveals, actor, kind, entrypoint,
                          ({"project_id": r["project_id"], "registration_id": r["id"], "mobile": r["mobile"]}
                           for r in shown if sees_id_numbers(actor)))


def _registration(session, actor, registration_id):
    return get_in_scope(session, actor, LaunchRegistration, registration_id, "registration")


def _require_open_list(session, launch):
    """Reviews, 诚意金 and cancellations change the list: refused once it is published or the
    launch is past registration."""
    if rules.registrations_frozen(launch.status, session.get(LaunchDraw, launch.id) is not None):
        raise Conflict(f"launch {launch.id} is {launch.status} and its list is fixed", "REGISTRATIONS_FROZEN")


def _check_group(launch, group):
    groups = [q["group"] for q in json.loads(launch.priority_quotas)]
    if group is not None and group not in groups:
        raise RuleViolated(f"the launch's priority groups are {groups}, not {group}", "UNKNOWN_PRIORITY_GROUP")


def register(uow, actor, launch_id, data):
    """认筹: one registration per ID number per launch (409 ALREADY_REGISTERED), numbered in
    the launch (RC-0001) by the same conditional update that finds registration open."""
    require_role(actor, PERMISSIONS["registrations.create"], "take registrations")
    session = uow.session
    launch = get_in_scope(session, actor, Launch, launch_id, "launch")
    _check_group(launch, data["priority_group"])
    if session.execute(select(LaunchRegistration.id).where(
            LaunchRegistration.launch_id == launch.id, LaunchRegistration.id_number == data["id_number"],
            LaunchRegistration.status == "registered")).first() is not None:
        raise Conflict(f"this ID number is registered for launch {launch.id} already", "ALREADY_REGISTERED")
    seq = session.execute(
        update(Launch).where(Launch.id == launch.id, Launch.status == "registration_open")
        .values(registrations_count=Launch.registrations_count + 1).returning(Launch.registrations_count)
    ).scalar_one_or_none()
    if seq is None:
        raise Conflict(f"launch {launch.id} is {launch.status}: registration is not open", "REGISTRATION_NOT_OPEN")
    registration = LaunchRegistration(
        agency_id=launch.agency_id, project_id=launch.project_id, launch_id=launch.id, seq=seq,
        number=rules.registration_number(seq), status="registered", eligibility="pending", review_documents="[]",
        advisor_id=actor["account_id"], advisor_name=actor["username"], created_at=utcnow(), **data)
    session.add(registration)
    try:
        session.flush()
    except IntegrityError:  # a concurrent registration of the same ID number won
        uow.rollback()
        raise Conflict(f"this ID number is registered for launch {launch.id} already", "ALREADY_REGISTERED") from None
    # finance takes the 诚意金 from it: the name for its 收据, the mobile masked, no ID number
    uow.publish("launch_registered", {
        "launch_id": launch.id, "registration_id": registration.id, "number": registration.number,
        "deposit_amount": launch.deposit_amount, "advisor_id": registration.advisor_id,
        "channel_name": registration.channel_name, "buyer_name": registration.buyer_name,
        "mobile_masked": mask_mobile(registration.mobile)}, agency_id=launch.agency_id,
        project_id=launch.project_id, actor=event_actor(actor))
    return registration_dict(actor, registration)


def list_registrations(session, actor, launch_id, query):
    require_role(actor, PERMISSIONS["registrations.read"], "read registrations")
    launch = get_in_scope(session, actor, Launch, launch_id, "launch")
    q = select(LaunchRegistration).where(LaunchRegistration.launch_id == launch.id)
    for name in ("status", "eligibility"):
        if query.get(name) is not None:
            q = q.where(getattr(LaunchRegistration, name) == query[name])
    shown = [registration_dict(actor, r) for r in session.execute(q.order_by(LaunchRegistration.seq)).scalars()]
    _log_reveals(session, actor, "list", "list_registrations", shown)
    return shown


def get_registration(session, actor, registration_id):
    require_role(actor, PERMISSIONS["registrations.read"], "read registrations")
    shown = registration_dict(actor, _registration(session, actor, registration_id))
    _log_reveals(session, actor, "detail", "get_registration", [shown])
    return shown


def _change(uow, actor, registration, values, code, message):
    """One conditional update of a registration still registered; 409 `code` otherwise."""
    changed = uow.session.execute(
        update(LaunchRegistration).where(LaunchRegistration.id == registration.id,
                                         LaunchRegistration.status == "registered")
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        uow.rollback()
        raise Conflict(message, code)
    uow.session.refresh(registration)
    shown = registration_dict(actor, registration)
    _log_reveals(uow.session, actor, "detail", "registration", [shown])
    return shown


def review(uow, actor, registration_id, data):
    """购房资格: the reviewer records eligible or ineligible with a note and the documents
    seen, who and when; a later review replaces it until the list is published."""
    require_role(actor, PERMISSIONS["registrations.review"], "review registrations")
    session = uow.session
    registration = _registration(session, actor, registration_id)
    launch = session.get(Launch, registration.launch_id)
    _require_open_list(session, launch)
    values = {"eligibility": data["result"], "review_note": data["note"],
              "review_documents": json.dumps(data["documents"], ensure_ascii=False),
              "reviewed_by": actor["account_id"], "reviewed_by_name": actor["username"], "reviewed_at": utcnow()}
    if "priority_group" in data:
        _check_group(launch, data["priority_group"])
        values["priority_group"] = data["priority_group"]
    return _change(uow, actor, registration, values, "REGISTRATION_CANCELLED",
                   f"registration {registration.id} is cancelled")


def record_deposit(uow, actor, registration_id, data):
    """诚意金 paid, recorded by hand: its amount and a receipt's number, once. The fallback
    for money taken outside finance; the cashier's receipt in finance marks it paid by
    itself (`sincerity_received`, apply_sincerity_received)."""
    require_role(actor, PERMISSIONS["registrations.deposit"], "record 诚意金")
    session = uow.session
    registration = _registration(session, actor, registration_id)
    launch = session.get(Launch, registration.launch_id)
    _require_open_list(session, launch)
    if registration.deposit_paid_at is not None:
        raise Conflict(f"the 诚意金 of {registration.number} is recorded already", "DEPOSIT_RECORDED")
    if data["amount"] != launch.deposit_amount:
        raise RuleViolated(f"the launch's 诚意金 is {launch.deposit_amount}", "DEPOSIT_AMOUNT_MISMATCH")
    return _change(uow, actor, registration, {
        "deposit_amount": data["amount"], "deposit_receipt_no": data["receipt_no"],
        "deposit_recorded_by": actor["account_id"], "deposit_paid_at": utcnow()},
        "REGISTRATION_CANCELLED", f"registration {registration.id} is cancelled")


def apply_sincerity_received(uow, event):
    """finance took the 诚意金 (`sincerity_received`): the registration is paid, with the
    receipt's number, whatever the launch's state (the money is in; whether it is on the list
    was decided when the list was published). A registration already marked paid (by hand)
    keeps its record; the mismatch is logged for finance."""
    p = event["payload"]
    actor = event["actor"] or {}
    changed = uow.session.execute(
        update(LaunchRegistration).where(LaunchRegistration.id == p["registration_id"],
                                         LaunchRegistration.agency_id == event["agency_id"],
                                         LaunchRegistration.deposit_paid_at.is_(None))
        .values(deposit_amount=p["amount"], deposit_receipt_no=p["receipt_no"],
                deposit_recorded_by=actor.get("account_id"), deposit_paid_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        log.warning("sincerity_received %s for registration %s: already paid or unknown here",
                    p["receipt_no"], p["registration_id"])


def apply_sincerity_refunded(uow, event):
    """finance refunded the 诚意金 (`sincerity_refunded`): the registration is unpaid again
    (off a list still to be published; paid again by a new receipt)."""
    p = event["payload"]
    uow.session.execute(
        update(LaunchRegistration).where(LaunchRegistration.id == p["registration_id"],
                                         LaunchRegistration.agency_id == event["agency_id"],
                                         LaunchRegistration.deposit_receipt_no == p["receipt_no"])
        .values(deposit_amount=None, deposit_receipt_no=None, deposit_recorded_by=None, deposit_paid_at=None)
        .execution_options(synchronize_session=False))


def cancel(uow, actor, registration_id, reason):
    """A registration withdrawn before the list is published (its 诚意金 is refunded by
    finance: a later slice)."""
    require_role(actor, PERMISSIONS["registrations.review"], "cancel registrations")
    session = uow.session
    registration = _registration(session, actor, registration_id)
    _require_open_list(session, session.get(Launch, registration.launch_id))
    return _change(uow, actor, registration, {"status": "cancelled", "cancelled_by": actor["account_id"],
                                              "cancelled_at": utcnow(), "cancel_reason": reason},
                   "REGISTRATION_CANCELLED", f"registration {registration.id} is cancelled already")


# 摇号 -----------------------------------------------------------------------------------
def _entries(session, launch):
    deposit_required = launch.deposit_amount > 0
    rows = session.execute(select(LaunchRegistration).where(LaunchRegistration.launch_id == launch.id)
                           .order_by(LaunchRegistration.seq)).scalars()
    return [{"number": r.number, "group": r.priority_group, "name": rules.mask_name(r.buyer_name),
             "id_number": rules.mask_id_number(r.id_number)} for r in rows
            if rules.on_the_list(r.eligibility, r.status, r.deposit_paid_at is not None, deposit_required)]


def published_dict(launch, draw):
    return dict(json.loads(draw.published), format=lottery_rules.LIST_FORMAT, launch_id=launch.id,
                project_id=launch.project_id, list_digest=draw.list_digest, seed_commitment=draw.seed_commitment,
                published_at=draw.published_at)


def publish(uow, actor, launch_id, commitment):
    """Before the draw: the list of eligible registrations (masked) with its digest, and the
    commitment to a seed the operator or notary keeps. Once, after registration closed."""
    require_role(actor, PERMISSIONS["launches.manage"], "publish the lottery's list")
    session = uow.session
    launch = get_in_scope(session, actor, Launch, launch_id, "launch")
    if launch.mode != "lottery":
        raise Conflict("a race launch has no lottery", "LAUNCH_MODE_MISMATCH")
    if session.get(LaunchDraw, launch.id) is not None:
        raise Conflict(f"the list of launch {launch.id} is published already", "LOTTERY_PUBLISHED")
    if launch.status != "registration_closed":
        raise Conflict(f"launch {launch.id} is {launch.status}: close registration first", "ILLEGAL_LAUNCH_TRANSITION")
    entries = _entries(session, launch)
    if not entries:
        raise RuleViolated("no registration is eligible: nothing to draw", "NOTHING_TO_DRAW")
    quotas = json.loads(launch.priority_quotas)
    draw = LaunchDraw(launch_id=launch.id, agency_id=launch.agency_id, project_id=launch.project_id,
                      published=json.dumps({"entries": entries, "quotas": quotas}, ensure_ascii=False),
                      list_digest=lottery_rules.list_digest(entries, quotas), seed_commitment=commitment,
                      published_by=actor["account_id"], published_at=utcnow())
    uow.add_unique(draw, Conflict(f"the list of launch {launch.id} is published already", "LOTTERY_PUBLISHED"))
    return published_dict(launch, draw)


def _draw_row(session, actor, launch_id):
    launch = get_in_scope(session, actor, Launch, launch_id, "launch")
    draw = session.get(LaunchDraw, launch.id)
    if draw is None:
        raise NotFound(f"launch {launch.id} has published no lottery list", "LOTTERY_NOT_PUBLISHED")
    return launch, draw


def get_published(session, actor, launch_id):
    require_role(actor, PERMISSIONS["launches.read"], "read launches")
    return published_dict(*_draw_row(session, actor, launch_id))


def result_dict(launch, draw):
    return {"format": lottery_rules.RESULT_FORMAT, "launch_id": launch.id, "list_digest": draw.list_digest,
            "seed_commitment": draw.seed_commitment, "seed": draw.seed, "public_value": draw.public_value,
            "order": json.loads(draw.result), "result_digest": draw.result_digest,
            "drawn_by_name": draw.drawn_by_name, "drawn_at": draw.drawn_at}


def draw(uow, actor, launch_id, seed, public_value=None):
    """摇号: the seed revealed (it must hash to the commitment), the order derived from the
    published list; written once (a second draw is 409) and the launch moves to drawn."""
    require_role(actor, PERMISSIONS["launches.manage"], "draw the lottery")
    session = uow.session
    launch, row = _draw_row(session, actor, launch_id)
    if row.drawn_at is not None:
        raise Conflict(f"launch {launch.id} is drawn already", "LOTTERY_DRAWN")
    if launch.status != "registration_closed":  # e.g. paused: resume it first
        raise Conflict(f"launch {launch.id} is {launch.status}, not registration_closed", "ILLEGAL_LAUNCH_TRANSITION")
    if lottery_rules.commitment(seed) != row.seed_commitment:
        raise RuleViolated("the seed does not hash to the published commitment", "SEED_MISMATCH")
    published = json.loads(row.published)
    order = lottery_rules.draw(published["entries"], published["quotas"], seed, public_value)
    now = utcnow()
    written = session.execute(
        update(LaunchDraw).where(LaunchDraw.launch_id == launch.id, LaunchDraw.drawn_at.is_(None))
        .values(seed=seed, public_value=public_value, result=json.dumps(order, ensure_ascii=False),
                result_digest=lottery_rules.result_digest(order), drawn_by=actor["account_id"],
                drawn_by_name=actor["username"], drawn_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if written != 1:
        uow.rollback()
        raise Conflict(f"launch {launch.id} is drawn already", "LOTTERY_DRAWN")
    _move(uow, actor, launch, "draw", f"摇号 of {len(order)}, list {row.list_digest[:12]}")
    session.refresh(row)
    return result_dict(launch, row)


def get_result(session, actor, launch_id):
    require_role(actor, PERMISSIONS["launches.read"], "read launches")
    launch, row = _draw_row(session, actor, launch_id)
    if row.drawn_at is None:
        raise NotFound(f"launch {launch.id} is not drawn yet", "LOTTERY_NOT_DRAWN")
    return result_dict(launch, row)

