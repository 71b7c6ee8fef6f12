"""交房 handover of a filed deal's unit, with the inspection (验房) notes and issues, then the
房产证 title certificate's progress: applied → issued → delivered, each dated."""
from sqlalchemy import select, update

from loupan.schemas.contracts_changes import TITLE_STEPS
from loupan.errors import Conflict, NotFound, RuleViolated
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import event_actor, get_in_scope
from loupan.types import today, utcnow
from services.contracts import dates
from services.contracts.change_rules import check_handover_allowed, next_step
from services.contracts.models import Deal, Handover
from services.contracts.subscriptions import move_deal

def hand_over(uow, actor, deal_id, data):
    """filed → handed_over with the handover record and unit_handed_over in one transaction
    (inventory marks the unit delivered when the event reaches it)."""
    require_role(actor, PERMISSIONS["handovers.record"], "record a handover")
    session = uow.session
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    check_handover_allowed(deal.status)
    dates.check(session, deal, "deal", handed_over_on=data["date"])
    now = utcnow()
    try:
        move_deal(session, deal, "hand_over", actor, f"交房 on {data['date']}", where=[Deal.unit_id == deal.unit_id],
                  updated_at=now)
    except Conflict:
        uow.rollback()
        raise
    handover = Handover(agency_id=deal.agency_id, project_id=deal.project_id, deal_id=deal.id,
                        handed_over_on=data["date"], inspection_notes=data.get("inspection_notes"),
                        issues=list(data.get("issues") or []), created_by=actor["account_id"], created_at=now)
    uow.add_unique(handover, Conflict(f"deal {deal.id} was handed over already", "DEAL_STATE"))
    uow.publish("unit_handed_over", {
        "deal_id": deal.id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id, "handed_over_at": now,
        "customer_id": deal.customer_id,
    }, deal.agency_id, deal.project_id, actor=event_actor(actor))
    return handover


def get_handover(session, actor, deal_id):
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    handover = session.execute(select(Handover).where(Handover.deal_id == deal.id)).scalar_one_or_none()
    if handover is None:
        raise NotFound(f"deal {deal.id} has not been handed over", "HANDOVER_NOT_FOUND")
    return handover


def advance_title(uow, actor, deal_id, data):
    """房产证 one step forward, dated; the certificate number is required once issued."""
    require_role(actor, PERMISSIONS["handovers.record"], "record a title step")
    session = uow.session
    handover = get_handover(session, actor, deal_id)
    to = next_step(TITLE_STEPS, handover.title_step, data["to"], "title")
    on = data.get("date") or today()
    deal = session.get(Deal, handover.deal_id)
    dates.check(session, deal, "deal", **{f"title_{to}_on": on})
    certificate_no = data.get("certificate_no") or handover.certificate_no
    if to == "issued" and not certificate_no:
        raise RuleViolated("an issued title needs its certificate number", "CERTIFICATE_NO_REQUIRED")
    where = Handover.title_step.is_(None) if handover.title_step is None else Handover.title_step == handover.title_step
    moved = session.execute(
        update(Handover).where(Handover.id == handover.id, where)
        .values(title_step=to, certificate_no=certificate_no, **{f"title_{to}_on": on})
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        uow.rollback()
        raise Conflict("the title moved meanwhile; reload it", "TITLE_CHANGED")
    session.refresh(handover)
    return handover
