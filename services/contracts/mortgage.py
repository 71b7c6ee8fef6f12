"""按揭报件 the mortgage case of a deal paid by a bank loan: opened, then papers collected
(资料齐) → submitted to the bank (报件) → approved (批贷) → disbursed (放款), in that order,
each with its date. 放款 publishes mortgage_disbursed (finance receipts the loan). Cases that
have not moved for N days are listed for the supervisor: counted from the date the current
step happened (as entered, often later: papers collected on 10-02 and entered today are
stuck 30 days after 10-02), not from when it was entered (`step_changed_at`)."""
from datetime import timedelta

from sqlalchemy import case, select, update

from loupan.schemas.contracts_changes import MORTGAGE_STEPS
from loupan.errors import Conflict, Forbidden, NotFound, RuleViolated
from loupan.roles import ADVISOR, PERMISSIONS, require_role
from loupan.scope import check_scope, event_actor, get_in_scope
from loupan.types import today, utcnow
from services.contracts import dates
from services.contracts.change_rules import check_mortgage_allowed, next_step
from services.contracts.models import Deal, Mortgage

# the deal's payment method and the loan kind must tell the same story
KIND_OF_METHOD = {"commercial_mortgage": "commercial", "provident_fund": "provident_fund", "combined": "combined"}
OVER = ("rejected", "cancelled", "failed")


def _require_own(actor, deal):
    """An advisor handles the cases of their own deals only."""
    if actor["role"] == ADVISOR and deal.advisor_id != actor["account_id"]:
        raise Forbidden(f"deal {deal.id} is another advisor's", "NOT_DEAL_OWNER")


def open_mortgage(uow, actor, deal_id, data):
    """A deal's bank case, one per deal, for the amount the bank lends."""
    deal = get_in_scope(uow.session, actor, Deal, deal_id, "deal")
    require_role(actor, PERMISSIONS["mortgages.handle"], "handle mortgage cases")
    _require_own(actor, deal)
    check_mortgage_allowed(deal.payment_method, deal.status)
    if KIND_OF_METHOD[deal.payment_method] != data["kind"]:
        raise RuleViolated(f"the deal is paid by {deal.payment_method}, not a {data['kind']} loan", "MORTGAGE_KIND")
    if not 0 < data["amount"] <= deal.price:
        raise RuleViolated(f"the loan {data['amount']} must be above 0 and at most the price {deal.price}",
                           "MORTGAGE_AMOUNT")
    opened_on = data.get("date") or today()
    dates.check(uow.session, deal, "mortgage", opened_on=opened_on)
    now = utcnow()
    mortgage = Mortgage(agency_id=deal.agency_id, project_id=deal.project_id, deal_id=deal.id,
                        bank=data["bank"].strip(), amount=data["amount"], kind=data["kind"], step="opened",
                        opened_on=opened_on, note=data.get("note"), step_changed_at=now,
                        created_by=actor["account_id"], created_at=now)
    uow.add_unique(mortgage, Conflict(f"deal {deal.id} has a mortgage case already", "MORTGAGE_EXISTS"))
    return mortgage_view(uow.session, mortgage)


def advance_mortgage(uow, actor, mortgage_id, data):
    """One step forward, dated; only the next step (422 MORTGAGE_STEP otherwise)."""
    session = uow.session
    mortgage = get_in_scope(session, actor, Mortgage, mortgage_id, "mortgage")
    deal = session.get(Deal, mortgage.deal_id)
    require_role(actor, PERMISSIONS["mortgages.handle"], "handle mortgage cases")
    _require_own(actor, deal)
    if deal.status in OVER:
        raise Conflict(f"deal {deal.id} is {deal.status}; its mortgage case is closed", "DEAL_STATE")
    to = next_step(MORTGAGE_STEPS, mortgage.step, data["to"], "mortgage")
    on = data.get("date") or today()
    dates.check(session, deal, "mortgage", **{f"{to}_on": on})
    now = utcnow()
    moved = session.execute(
        update(Mortgage).where(Mortgage.id == mortgage.id, Mortgage.step == mortgage.step)
        .values(step=to, note=data.get("note") or mortgage.note, step_changed_at=now, **{f"{to}_on": on})
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        uow.rollback()
        raise Conflict(f"mortgage {mortgage.id} moved meanwhile; reload it", "MORTGAGE_CHANGED")
    if to == "disbursed":
        uow.publish("mortgage_disbursed", {
            "deal_id": deal.id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id, "mortgage_id": mortgage.id,
            "bank": mortgage.bank, "amount": mortgage.amount, "disbursed_on": on,
        }, deal.agency_id, deal.project_id, actor=event_actor(actor))
    session.refresh(mortgage)
    return mortgage_view(session, mortgage)


def deal_mortgage(session, actor, deal_id):
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    mortgage = session.execute(select(Mortgage).where(Mortgage.deal_id == deal.id)).scalar_one_or_none()
    if mortgage is None:
        raise NotFound(f"deal {deal.id} has no mortgage case", "MORTGAGE_NOT_FOUND")
    return mortgage_view(session, mortgage, deal)


# the date the case's current step happened: the column of that step
STEP_ON = case(*[(Mortgage.step == step, getattr(Mortgage, f"{step}_on")) for step in MORTGAGE_STEPS])


def stuck_mortgages(session, actor, project_id, days):
    """Open cases of live deals whose current step happened `days` or more days ago (by its
    entered date), longest stuck first."""
    require_role(actor, PERMISSIONS["mortgages.stuck"], "list stuck mortgages")
    check_scope(actor, actor["agency_id"], project_id, "project")
    rows = session.execute(
        select(Mortgage, Deal).join(Deal, Deal.id == Mortgage.deal_id)
        .where(Mortgage.agency_id == actor["agency_id"], Mortgage.project_id == project_id,
               Mortgage.step != "disbursed", STEP_ON <= today() - timedelta(days=days), Deal.status.not_in(OVER))
        .order_by(STEP_ON, Mortgage.id)).all()
    return [mortgage_view(session, m, d) for m, d in rows]


def mortgage_view(session, mortgage, deal=None):
    deal = deal or session.get(Deal, mortgage.deal_id)
    view = {c.name: getattr(mortgage, c.name) for c in Mortgage.__table__.columns}
    step_on = getattr(mortgage, f"{mortgage.step}_on")
    view.update(step_on=step_on, days_in_step=(today() - step_on).days, unit_label=deal.unit_label,
                customer_name=deal.customer_name, advisor_id=deal.advisor_id)
    return view
