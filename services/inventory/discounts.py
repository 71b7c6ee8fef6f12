"""折扣/优惠 discounts on a hold: within the project's advisor range the price is recorded on
the hold at once; beyond it a manager decides, and below the unit's 底价 a director, and the
approved special price takes effect only when the assistant (内勤) executes it (records it on
the hold, with who and when; docs/domain.md): until then the 认购 goes by the normal price
rules. The price on the hold (holds.special_price) is what the subscription must use."""
from sqlalchemy import select, update

from loupan.errors import Conflict, RuleViolated
from loupan.roles import PERMISSIONS, require_not_own, require_role
from loupan.scope import get_in_scope
from loupan.types import utcnow
from services.inventory import price_rules
from services.inventory.catalog import get_project
from services.inventory.models import DiscountRequest, Hold, Project, Unit
from services.inventory.holds import own_hold


def get_hold(session, actor, hold_id):
    """A hold with all a 认购 checks its price against, in one read: the approved special
    price, the unit's current 表价 and 底价, and the project's advisor discount range."""
    hold = get_in_scope(session, actor, Hold, hold_id, "hold")
    unit = session.get(Unit, hold.unit_id)
    project = session.get(Project, hold.project_id)
    data = {c.name: getattr(hold, c.name) for c in Hold.__table__.columns}
    return dict(data, hold_id=hold.id, list_price=unit.list_price, base_price=unit.base_price,
                advisor_discount_pct=project.advisor_discount_pct)


def _set_special_price(session, hold_id, price):
    """Conditional: an ended hold (expired, cancelled, converted) takes no price."""
    written = session.execute(
        update(Hold).where(Hold.id == hold_id, Hold.status == "active").values(special_price=price)
    ).rowcount
    if written != 1:
        raise Conflict(f"hold {hold_id} is no longer active", "HOLD_NOT_ACTIVE")


def request_discount(uow, actor, hold_id, data):
    """Ask for a price below the list price on a hold. Within the advisor range (and not below
    底价) it is approved and recorded at once; otherwise it waits for a decision."""
    session = uow.session
    require_role(actor, PERMISSIONS["discounts.request"], "ask for a discount")
    hold = own_hold(session, actor, hold_id)
    if hold.status != "active":
        raise Conflict(f"hold {hold_id} is no longer active", "HOLD_NOT_ACTIVE")
    unit = session.get(Unit, hold.unit_id)
    project = session.get(Project, hold.project_id)
    price, pct = price_rules.discount_terms(unit.list_price, data.get("price"), data.get("discount_pct"))
    if price >= unit.list_price:
        raise RuleViolated(f"{price} is not below the list price {unit.list_price}", "NOT_A_DISCOUNT")
    needs_director = price < unit.base_price
    at_once = not needs_director and price_rules.within_range(unit.list_price, price,
                                                              project.advisor_discount_pct)
    now = utcnow()
    request = uow.add_unique(
        DiscountRequest(
            agency_id=hold.agency_id, project_id=hold.project_id, hold_id=hold.id, unit_id=unit.id,
            list_price=unit.list_price, requested_price=price, discount_pct=pct, reason=data["reason"],
            status="approved" if at_once else "pending", needs_director=needs_director,
            requested_by=actor["account_id"], requested_at=now,
            decided_by=actor["account_id"] if at_once else None, decided_at=now if at_once else None,
            note="within the advisor's discount range" if at_once else None,
            executed_by=actor["account_id"] if at_once else None, executed_at=now if at_once else None,
        ),
        Conflict(f"a discount request for hold {hold_id} is already pending", "DISCOUNT_PENDING"),
    )
    if at_once:
        _set_special_price(session, hold.id, price)
    return request


def decide(uow, actor, request_id, approve, note):
    """A manager approves or rejects a pending request; one below 底价 needs a director. An
    approval waits for the assistant to execute it (execute): nothing is on the hold yet."""
    session = uow.session
    require_role(actor, PERMISSIONS["discounts.decide"], "decide discounts")
    request = get_in_scope(session, actor, DiscountRequest, request_id, "discount request")
    if approve:
        require_not_own(actor, request.requested_by, what="discount")
        if session.get(Hold, request.hold_id).status != "active":  # nothing to put the price on
            raise Conflict(f"hold {request.hold_id} is no longer active", "HOLD_NOT_ACTIVE")
    unit = session.get(Unit, request.unit_id)
    # 底价 is read again: it may have been raised since the request was made
    needs_director = request.needs_director or request.requested_price < unit.base_price
    if needs_director:
        require_role(actor, PERMISSIONS["prices.below_floor"], "decide a price below 底价 (a director's decision)",
                     "DIRECTOR_REQUIRED")
    decided = session.execute(
        update(DiscountRequest).where(DiscountRequest.id == request.id, DiscountRequest.status == "pending")
        .values(status="approved" if approve else "rejected", needs_director=needs_director,
                decided_by=actor["account_id"], decided_at=utcnow(), note=note)
        .execution_options(synchronize_session=False)
    ).rowcount
    if decided != 1:
        raise Conflict(f"discount request {request_id} is not pending", "REQUEST_NOT_PENDING")
    session.refresh(request)
    return request


def execute(uow, actor, request_id):
    """执行特价: the assistant records an approved special price on its hold, with who and when;
    not by whoever approved it. Once; the hold must still be active (else 409, nothing changes)."""
    session = uow.session
    require_role(actor, PERMISSIONS["discounts.execute"], "execute special prices")
    request = get_in_scope(session, actor, DiscountRequest, request_id, "discount request")
    require_not_own(actor, request.decided_by, what="special price")
    executed = session.execute(
        update(DiscountRequest).where(DiscountRequest.id == request.id, DiscountRequest.status == "approved",
                                      DiscountRequest.executed_at.is_(None))
        .values(executed_by=actor["account_id"], executed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if executed != 1:
        raise Conflict(f"discount request {request_id} is not an approved price waiting to be executed",
                       "NOT_AWAITING_EXECUTION")
    _set_special_price(session, request.hold_id, request.requested_price)
    session.refresh(request)
    return request


def list_requests(session, actor, project_id, status=None):
    project = get_project(session, actor, project_id)
    query = select(DiscountRequest).where(DiscountRequest.project_id == project.id)
    if status:
        query = query.where(DiscountRequest.status == status)
    return session.execute(query.order_by(DiscountRequest.id.desc()).limit(500)).scalars().all()
