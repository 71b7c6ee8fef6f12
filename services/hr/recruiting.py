"""招聘 recruiting over a unit of work: requisitions a director approves, candidates moved
through the interview stages, offers bounded by the headcount, hiring (the account and its
试用期), and the 转正 review. Every status change is a conditional update, recorded in
recruiting_history; the rules themselves live in recruiting_rules."""
from sqlalchemy import select, update

from loupan.errors import Conflict, Forbidden, RuleViolated
from loupan.roles import PERMISSIONS, require_not_own, require_role
from loupan.scope import check_scope, get_in_scope
from loupan import reveals
from loupan.types import today, utcnow
from loupan.validators import mask_mobile
from services.hr import accounts
from services.hr import recruiting_rules as rules
from services.hr.models import (Candidate, data_reveals, InterviewFeedback, Offer, Probation, RecruitingHistory,
                                Requisition)

def _history(session, row, record, from_status, to_status, actor, note=None):
    session.add(RecruitingHistory(
        agency_id=row.agency_id, project_id=row.project_id, record=record, record_id=row.id,
        from_status=from_status, to_status=to_status, actor_id=actor["account_id"], note=note,
    ))


def _transition(session, row, column, expected, new, conflict, **values):
    """`column` of `row` from `expected` to `new` only if it still is `expected` (another
    worker may have moved it since it was read); `conflict` otherwise."""
    model = type(row)
    moved = session.execute(
        update(model).where(model.id == row.id, getattr(model, column) == expected)
        .values({column: new, **values}).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise conflict
    session.refresh(row)


# 招聘需求 requisitions

def request_requisition(uow, actor, project_id, data):
    """A manager (or hr, a director) asks for people of a role on a project; it starts open."""
    require_role(actor, PERMISSIONS["requisitions.request"], "request staff")
    check_scope(actor, actor["agency_id"], project_id, "project")
    session = uow.session
    requisition = Requisition(agency_id=actor["agency_id"], project_id=project_id, role=data["role"],
                              headcount=data["headcount"], reason=data["reason"], status="open",
                              seats_taken=0, hired=0, requested_by=actor["account_id"])
    session.add(requisition)
    session.flush()
    _history(session, requisition, "requisition", None, "open", actor, data["reason"])
    return requisition


def list_requisitions(session, actor, project_id):
    require_role(actor, PERMISSIONS["recruiting.read"], "read requisitions")
    check_scope(actor, actor["agency_id"], project_id, "project")
    return session.execute(
        select(Requisition).where(Requisition.agency_id == actor["agency_id"],
                                  Requisition.project_id == project_id).order_by(Requisition.id.desc())
    ).scalars().all()


def approve_requisition(uow, actor, requisition_id):
    """A director approves an open requisition (hires need a director: see DOMAIN roles)."""
    require_role(actor, PERMISSIONS["requisitions.approve"], "approve requisitions")
    session = uow.session
    requisition = get_in_scope(session, actor, Requisition, requisition_id, "requisition")
    require_not_own(actor, requisition.requested_by, what="requisition")
    now = utcnow()
    _transition(session, requisition, "status", "open", "approved",
                Conflict(f"requisition {requisition_id} is not open", "REQUISITION_NOT_OPEN"),
                approved_by=actor["account_id"], approved_at=now, updated_at=now)
    _history(session, requisition, "requisition", "open", "approved", actor)
    return requisition


def cancel_requisition(uow, actor, requisition_id, reason):
    """Withdraw an open or approved requisition; refused while offers are outstanding
    (they are honoured or declined first, so nobody holds an offer for a closed post)."""
    session = uow.session
    requisition = get_in_scope(session, actor, Requisition, requisition_id, "requisition")
    if actor["role"] not in PERMISSIONS["requisitions.cancel_any"] and requisition.requested_by != actor["account_id"]:
        raise Forbidden("only a director or the requester may cancel a requisition", "ROLE_FORBIDDEN")
    before = requisition.status
    if before not in ("open", "approved"):
        raise Conflict(f"requisition {requisition_id} is {before}", "REQUISITION_CLOSED")
    cancelled = session.execute(
        update(Requisition).where(Requisition.id == requisition.id, Requisition.status == before,
                                  Requisition.seats_taken == Requisition.hired)
        .values(status="cancelled", updated_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    if cancelled != 1:
        raise Conflict(f"requisition {requisition_id} has offers outstanding or changed", "OFFERS_OUTSTANDING")
    session.refresh(requisition)
    _history(session, requisition, "requisition", before, "cancelled", actor, reason)
    return requisition


def _take_seat(session, requisition):
    """One more offer on the requisition, if it is approved and a seat is left (checked
    again in the UPDATE so that two offers racing for the last seat cannot both win)."""
    if requisition.status != "approved":
        raise Conflict(f"requisition {requisition.id} is {requisition.status}", "REQUISITION_NOT_APPROVED")
    if not rules.seat_available(requisition.headcount, requisition.seats_taken):
        raise Conflict(f"requisition {requisition.id} has no seat left", "HEADCOUNT_REACHED")
    taken = session.execute(
        update(Requisition).where(Requisition.id == requisition.id, Requisition.status == "approved",
                                  Requisition.seats_taken < Requisition.headcount)
        .values(seats_taken=Requisition.seats_taken + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise Conflict(f"requisition {requisition.id} has no seat left", "HEADCOUNT_REACHED")


def _free_seat(session, requisition_id):
    session.execute(
        update(Requisition).where(Requisition.id == requisition_id, Requisition.seats_taken > 0)
        .values(seats_taken=Requisition.seats_taken - 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# 应聘者 candidates

def add_candidate(uow, actor, requisition_id, data):
    require_role(actor, PERMISSIONS["candidates.manage"], "add candidates")
    session = uow.session
    requisition = get_in_scope(session, actor, Requisition, requisition_id, "requisition")
    if requisition.status not in ("open", "approved"):
        raise Conflict(f"requisition {requisition_id} is {requisition.status}", "REQUISITION_CLOSED")
    candidate = uow.add_unique(
        Candidate(agency_id=requisition.agency_id, project_id=requisition.project_id,
                  requisition_id=requisition.id, name=data["name"], phone=data["phone"],
                  source=data["source"], stage="applied", created_by=actor["account_id"]),
        Conflict(f"{data['phone']} already applied to requisition {requisition_id}", "CANDIDATE_EXISTS"),
    )
    _history(session, candidate, "candidate", None, "applied", actor, data["source"])
    return candidate


SEES_PHONES = PERMISSIONS["candidates.manage"]  # hr and directors call applicants: the full number, logged


def candidate_view(actor, candidate):
    """A candidate (row or dict) as the actor may see it: the phone in full for those who
    manage candidates (SEES_PHONES), masked (139****0001) for the managers who read them."""
    data = dict(candidate) if isinstance(candidate, dict) else \
        {c.name: getattr(candidate, c.name) for c in Candidate.__table__.columns}
    if actor["role"] not in SEES_PHONES:
        data["phone"] = mask_mobile(data["phone"])
    return data


def shown(session, actor, kind, entrypoint, candidates):
    """The candidates as the actor may see them, each full number shown logged (loupan.reveals,
    hr's data_reveals, by candidate_id) in the caller's transaction, committed before the answer."""
    views = [candidate_view(actor, c) for c in candidates]
    reveals.record(session, data_reveals, actor, kind, entrypoint,
                   ({"project_id": v["project_id"], "candidate_id": v["id"], "mobile": v["phone"]} for v in views),
                   revealed_to=SEES_PHONES)
    return views


def list_data_reveals(session, actor, query):
    return reveals.list_reveals(session, data_reveals, actor, query, "hr")


def list_candidates(session, actor, requisition_id):
    require_role(actor, PERMISSIONS["recruiting.read"], "read candidates")
    requisition = get_in_scope(session, actor, Requisition, requisition_id, "requisition")
    return session.execute(
        select(Candidate).where(Candidate.requisition_id == requisition.id).order_by(Candidate.id)
    ).scalars().all()


def candidate_detail(session, actor, candidate_id):
    """A candidate with every interview feedback and offer."""
    require_role(actor, PERMISSIONS["recruiting.read"], "read candidates")
    candidate = get_in_scope(session, actor, Candidate, candidate_id, "candidate")
    feedback = session.execute(select(InterviewFeedback).where(InterviewFeedback.candidate_id == candidate.id)
                               .order_by(InterviewFeedback.id)).scalars().all()
    offers = session.execute(select(Offer).where(Offer.candidate_id == candidate.id)
                             .order_by(Offer.id)).scalars().all()
    data = {c.name: getattr(candidate, c.name) for c in Candidate.__table__.columns}
    return dict(data, feedback=feedback, offers=offers)


def _move_candidate(session, actor, candidate, to_stage, note=None):
    """Check the stage machine and the requisition's approval, then move conditionally."""
    before = candidate.stage
    if not rules.can_move(before, to_stage):
        raise Conflict(f"candidate {candidate.id} cannot go from {before} to {to_stage}", "ILLEGAL_STAGE_MOVE")
    if rules.needs_approved_requisition(to_stage):
        requisition = session.get(Requisition, candidate.requisition_id)
        if requisition.status != "approved":
            raise Conflict(f"requisition {requisition.id} is {requisition.status}, not approved",
                           "REQUISITION_NOT_APPROVED")
    _transition(session, candidate, "stage", before, to_stage,
                Conflict(f"candidate {candidate.id} was moved meanwhile", "ILLEGAL_STAGE_MOVE"),
                updated_at=utcnow())
    _history(session, candidate, "candidate", before, to_stage, actor, note)


def advance_candidate(uow, actor, candidate_id, to_stage, reason=None):
    """Move a candidate one stage on, or out (rejected/withdrawn). Leaving at the offer stage
    declines the open offer and gives its seat back to the requisition."""
    require_role(actor, PERMISSIONS["candidates.manage"], "move candidates")
    session = uow.session
    candidate = get_in_scope(session, actor, Candidate, candidate_id, "candidate")
    before = candidate.stage
    _move_candidate(session, actor, candidate, to_stage, reason)
    if before == "offer":
        offer = _open_offer(session, candidate.id)
        if offer is not None:
            _answer_offer(session, actor, offer, offer.status, "declined", to_stage)
    return candidate


def give_feedback(uow, actor, candidate_id, data):
    """面试评价 by the actor at the candidate's current interview stage, once per interviewer."""
    require_role(actor, PERMISSIONS["candidates.feedback"], "give interview feedback")
    candidate = get_in_scope(uow.session, actor, Candidate, candidate_id, "candidate")
    if candidate.stage not in ("interview_1", "interview_2"):
        raise Conflict(f"candidate {candidate_id} is not in an interview ({candidate.stage})", "NOT_IN_INTERVIEW")
    return uow.add_unique(
        InterviewFeedback(agency_id=candidate.agency_id, project_id=candidate.project_id,
                          candidate_id=candidate.id, stage=candidate.stage,
                          interviewer_id=actor["account_id"], score=data["score"],
                          recommendation=data["recommendation"], notes=data["notes"]),
        Conflict(f"feedback for {candidate.stage} already given", "FEEDBACK_EXISTS"),
    )


# 录用 offers

def _open_offer(session, candidate_id):
    return session.execute(
        select(Offer).where(Offer.candidate_id == candidate_id, Offer.status.in_(("offered", "accepted")))
    ).scalar_one_or_none()


def make_offer(uow, actor, candidate_id, data):
    """An offer after the interviews (or a new one after a declined offer); it takes a seat
    of the requisition, so a filled headcount takes no more offers."""
    require_role(actor, PERMISSIONS["candidates.manage"], "make offers")
    session = uow.session
    candidate = get_in_scope(session, actor, Candidate, candidate_id, "candidate")
    if candidate.stage == "offer" and _open_offer(session, candidate.id) is not None:
        raise Conflict(f"candidate {candidate_id} has an open offer", "OFFER_OPEN")
    if candidate.stage != "offer" and not rules.can_move(candidate.stage, "offer"):
        raise Conflict(f"candidate {candidate_id} cannot get an offer at {candidate.stage}", "ILLEGAL_STAGE_MOVE")
    _take_seat(session, session.get(Requisition, candidate.requisition_id))
    if candidate.stage != "offer":
        _move_candidate(session, actor, candidate, "offer")
    offer = uow.add_unique(
        Offer(agency_id=candidate.agency_id, project_id=candidate.project_id, candidate_id=candidate.id,
              requisition_id=candidate.requisition_id, salary=data["salary"], start_on=data["start_on"],
              probation_months=data["probation_months"], status="offered", created_by=actor["account_id"]),
        Conflict(f"candidate {candidate_id} has an open offer", "OFFER_OPEN"),
    )
    _history(session, offer, "offer", None, "offered", actor)
    return offer


def _answer_offer(session, actor, offer, expected, status, note=None):
    _transition(session, offer, "status", expected, status,
                Conflict(f"offer {offer.id} is not {expected}", "OFFER_NOT_OPEN"), answered_at=utcnow())
    if status == "declined":
        _free_seat(session, offer.requisition_id)
    _history(session, offer, "offer", expected, status, actor, note)


def answer_offer(uow, actor, offer_id, accepted):
    """The candidate's answer, recorded by hr: a declined offer frees its seat and leaves the
    candidate at the offer stage (a new offer may follow, or rejection/withdrawal)."""
    require_role(actor, PERMISSIONS["candidates.manage"], "record offer answers")
    session = uow.session
    offer = get_in_scope(session, actor, Offer, offer_id, "offer")
    _answer_offer(session, actor, offer, "offered", "accepted" if accepted else "declined")
    return offer


# 入职 hire and 试用期 probation

def probation_dict(probation):
    data = {c.name: getattr(probation, c.name) for c in Probation.__table__.columns}
    return dict(data, review_opens_on=rules.review_opens_on(probation.end_on))


def hire_candidate(uow, actor, candidate_id, data):
    """入职 of a candidate whose offer was accepted: the account (on the project, with the
    requisition's role unless another is given), the 试用期 from the offer, and the seat
    counted as hired; the requisition is filled with its last hire."""
    require_role(actor, PERMISSIONS["candidates.manage"], "hire")
    session = uow.session
    candidate = get_in_scope(session, actor, Candidate, candidate_id, "candidate")
    offer = _open_offer(session, candidate.id)
    if candidate.stage != "offer" or offer is None or offer.status != "accepted":
        raise Conflict(f"candidate {candidate_id} has no accepted offer", "OFFER_NOT_ACCEPTED")
    # the candidate moves first: the stage machine wants the requisition still approved
    _move_candidate(session, actor, candidate, "hired")
    requisition = session.get(Requisition, candidate.requisition_id)
    counted = session.execute(
        update(Requisition).where(Requisition.id == requisition.id, Requisition.status == "approved",
                                  Requisition.hired < Requisition.headcount)
        .values(hired=Requisition.hired + 1, updated_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    if counted != 1:
        raise Conflict(f"requisition {requisition.id} is {requisition.status}", "REQUISITION_NOT_APPROVED")
    session.refresh(requisition)
    if rules.is_filled(requisition.headcount, requisition.hired):
        _transition(session, requisition, "status", "approved", "filled",
                    Conflict(f"requisition {requisition.id} changed meanwhile", "REQUISITION_NOT_APPROVED"))
        _history(session, requisition, "requisition", "approved", "filled", actor)
    account = accounts.add_account(uow, candidate.agency_id, {
        "username": data["username"], "password": data["password"], "full_name": candidate.name,
        "role": data.get("role") or requisition.role, "project_ids": [candidate.project_id],
    }, actor["account_id"], actor)
    probation = Probation(agency_id=candidate.agency_id, project_id=candidate.project_id,
                          account_id=account.id, candidate_id=candidate.id, start_on=offer.start_on,
                          end_on=rules.probation_end(offer.start_on, offer.probation_months),
                          status="in_probation")
    session.add(probation)
    session.flush()
    _history(session, probation, "probation", None, "in_probation", actor)
    return {"candidate": candidate, "account": accounts.as_dict(session, account),
            "probation": probation_dict(probation)}


def list_probations(session, actor, project_id):
    require_role(actor, PERMISSIONS["recruiting.read"], "read probations")
    check_scope(actor, actor["agency_id"], project_id, "project")
    rows = session.execute(
        select(Probation).where(Probation.agency_id == actor["agency_id"], Probation.project_id == project_id)
        .order_by(Probation.end_on, Probation.id)
    ).scalars().all()
    return [probation_dict(p) for p in rows]


def review_probation(uow, actor, probation_id, data):
    """转正 review: confirm, extend once (by 1–3 months), or terminate; open from two weeks
    before the probation ends. Nobody decides their own probation."""
    require_role(actor, PERMISSIONS["probations.review"], "decide a 转正 review")
    session = uow.session
    probation = get_in_scope(session, actor, Probation, probation_id, "probation")
    if probation.account_id == actor["account_id"]:
        raise Forbidden("nobody decides their own probation", "OWN_PROBATION")
    before, decision, months = probation.status, data["decision"], data.get("months")
    problem = rules.review_problem(before, probation.end_on, today(), decision, months)
    if problem == "PROBATION_DECIDED":
        raise Conflict(f"probation {probation_id} is {before}", problem)
    if problem:
        raise RuleViolated(f"probation {probation_id} ends {probation.end_on}: {problem.lower()}", problem)
    status = rules.outcome(decision)
    end_on = rules.add_months(probation.end_on, months) if decision == "extend" else probation.end_on
    _transition(session, probation, "status", before, status,
                Conflict(f"probation {probation_id} was decided meanwhile", "PROBATION_DECIDED"),
                end_on=end_on, review_notes=data["notes"], decided_by=actor["account_id"],
                decided_at=utcnow())
    _history(session, probation, "probation", before, status, actor, data["notes"])
    return probation_dict(probation)
