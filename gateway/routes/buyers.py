"""Buyers on their phones (online 开盘): sign-in with the 认筹 mobile and a one-time code sent
by text (gateway/sms.py), then the buyer's own view of the launch. A mixin of GatewayService.

The session is an opaque token (lpb_…), not a JWT: every staff route reads the Authorization
header as a signed account token and answers 401 TOKEN_INVALID to it, so a buyer reaches the
/api/buyer/* routes, which check it themselves, and nothing else (as a display token does).
Asking for a code answers the same whether the mobile is registered or not: the page tells
no stranger who registered for a launch."""
import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import bindparam, insert, select, update

from gateway import buyer_codes as rules
from gateway import hold_batch, session_cache
from gateway.auth import _read_state
from gateway.http import route
from gateway.models import BuyerCode, BuyerSession
from gateway.sms import sender_from
from loupan.errors import Conflict, RuleViolated, TooManyRequests, TooSoon, Unauthenticated
from loupan.roles import ADVISOR
from loupan.schemas import dump
from loupan.schemas import gateway_buyers as b
from loupan.schemas import inventory_selection as sel
from loupan.types import utcnow
from loupan.uow import read_connection
from loupan.validators import mask_mobile

UNAUTHORIZED = {"401": "no buyer session (TOKEN_MISSING), or one unknown, signed out or past its expiry "
                       "(BUYER_SESSION_INVALID)"}
_SESSIONS = BuyerSession.__table__
_BY_HASH = {}  # table name -> the select of a session by its token's hash
SESSION_HEAD = b.BuyerSessionOut(only=("token", "expires_at"))


def _refuse(refusal):
    if refusal == "spent":
        raise TooManyRequests(f"{rules.MAX_ATTEMPTS} wrong tries: ask for a new code", "CODE_ATTEMPTS_EXCEEDED")
    if refusal == "expired":
        raise Unauthenticated("the code has expired: ask for a new one", "CODE_EXPIRED")
    raise Unauthenticated("no code is waiting for this mobile: ask for a new one", "CODE_INVALID")


def _hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sale_actor(ready):
    """The actor the gateway seals for a buyer's 认购 (contracts.create_subscription): the
    registration's advisor, the staff member who took the 认筹, as a seller (role advisor),
    scoped to the launch's project; named for the buyer in every history row.

    Why this one: a buyer has no account, and contracts and inventory check every call's actor
    (deals.sell; the hold's own advisor; the project's scope). A service's own actor (role
    system) cannot come from the gateway (loupan.bus: SYSTEM_FROM_GATEWAY), and must not: it
    would pass every ownership check. The advisor is whom the 认购 and its commission belong to
    anyway (the hold is made in their name, selection.buyer_actor), and role advisor is the
    least that sells: it reaches only a hold of its own, whatever the account's real role (an
    assistant who took the 认筹 could not sell; a manager's wider rights are not lent). The
    gateway seals it only after checking the buyer's session and inventory's buyer_confirmable
    (this registration's own active hold, in its window)."""
    return {"account_id": ready["advisor_id"], "username": f"线上选房 {ready['number']}"[:80], "role": ADVISOR,
            "agency_id": ready["agency_id"], "project_ids": [ready["project_id"]]}


def bearer_session(engine, request, table, who):
    """The session row of `table` (buyer_sessions, broker_sessions) of the request's
    `Authorization: Bearer <token>` if in force, None if unknown, signed out or expired;
    401 TOKEN_MISSING without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated(f"a {who} session is required: sign in with your mobile", "TOKEN_MISSING")
    key, now = (table.name, _hash(token)), utcnow()
    row = session_cache.sessions.get(key, now)  # read in the last SESSION_CACHE_SECONDS by this process
    if row is not None:
        return row
    query = _BY_HASH.get(table.name)
    if query is None:  # built once per table (its compiled form is reused): this runs on every session's call
        query = _BY_HASH[table.name] = select(table).where(table.c.token_hash == bindparam("token_hash"))
    with read_connection(engine) as conn:
        row = conn.execute(query, {"token_hash": key[1]}).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    session_cache.sessions.put(key, row)
    return row


def session_of(engine, request):
    """The buyer session row of the request's `Authorization: Bearer lpb_…`, if in force;
    401 otherwise. The buyer routes run it before reading their body (route authenticate=)."""
    row = bearer_session(engine, request, _SESSIONS, "buyer")
    if row is None:
        raise Unauthenticated("the session is not valid: sign in again", "BUYER_SESSION_INVALID")
    return row


def may_send(session, model, now, *same):
    """429 CODE_RESEND_TOO_SOON (with Retry-After) if the codes of `model` asked for in the
    last hour for the same mobile (`same`: its conditions) allow no other now."""
    sent_at = list(session.execute(select(model.created_at).where(*same, model.created_at > now - timedelta(hours=1))
                                   .order_by(model.id)).scalars())
    wait = rules.resend_wait(sent_at, now)
    if wait:
        raise TooSoon(f"a new code may be asked for in {wait} s", "CODE_RESEND_TOO_SOON", retry_after=wait)


def try_code(db, model, row, good, now):
    """One try of the latest code `row` of `model` (buyer_codes, broker_codes): refused (401
    CODE_INVALID/CODE_EXPIRED, 429 CODE_ATTEMPTS_EXCEEDED) unless it may be tried and
    `good(row)`. The try is counted by a conditional update, so parallel guesses cannot
    exceed the attempts, and committed whatever the outcome."""
    refusal = rules.refusal(row, now)
    if refusal:
        _refuse(refusal)
    left = rules.MAX_ATTEMPTS - row.attempts - 1
    tried = db.session.execute(update(model).where(model.id == row.id, model.used_at.is_(None),
                                                   model.attempts < rules.MAX_ATTEMPTS)
                               .values(attempts=model.attempts + 1)).rowcount
    if tried != 1:
        db.commit()
        raise TooManyRequests(f"{rules.MAX_ATTEMPTS} wrong tries: ask for a new code", "CODE_ATTEMPTS_EXCEEDED")
    if not good(row):
        db.commit()
        raise Unauthenticated(f"the code is not right ({left} tries left)", "CODE_INVALID")
    db.commit()


def spend_code(db, model, row, now):
    """The code is spent (it signs in once, whatever follows): a conditional update, so of
    parallel sign-ins with the same code one wins; the others 401 CODE_INVALID."""
    used = db.session.execute(update(model).where(model.id == row.id, model.used_at.is_(None))
                              .values(used_at=now)).rowcount
    db.commit()
    if used != 1:
        raise Unauthenticated("the code has been used: ask for a new one", "CODE_INVALID")


def _latest_code(session, launch_id, mobile):
    return session.execute(select(BuyerCode).where(BuyerCode.launch_id == launch_id, BuyerCode.mobile == mobile)
                           .order_by(BuyerCode.id.desc()).limit(1)).scalar_one_or_none()


class BuyerRoutes:
    _sms = None

    def sms(self):
        if self._sms is None:
            type(self)._sms = sender_from(self.config)
        return self._sms

    def buyer_session(self, request):
        """The session row the route checked before its body (session_of), if in force."""
        row = getattr(request, "authenticated", None)
        return row if row is not None else session_of(self.db.engine, request)

    @route("POST", "/api/buyer/codes", body=b.BuyerCodeIn, response=b.BuyerCodeSent, status=202,
           errors={"429": "another code asked for too soon or too often (CODE_RESEND_TOO_SOON, Retry-After), "
                          "or too many requests from this address (RATE_LIMITED)",
                   "503": "the text could not be sent (SMS_UNAVAILABLE): ask again"},
           summary="A buyer asks for a one-time sign-in code for a launch: texted to the mobile if it has a "
                   "live 认筹 there; the answer is the same either way")
    def request_buyer_code(self, request, body):
        launch_id, mobile = body["launch_id"], body["mobile"]
        now = utcnow()
        may_send(self.db.session, BuyerCode, now, BuyerCode.launch_id == launch_id, BuyerCode.mobile == mobile)
        found = self.inventory.find_buyer(launch_id, mobile)
        code = rules.new_code() if found else None
        # self.db.session anew after an RPC: the call let go of the session held before it (loupan/uow.py release)
        self.db.session.add(BuyerCode(
            launch_id=launch_id, mobile=mobile, registration_id=found["registration_id"] if found else None,
            code_hash=rules.code_hash(self.config["JWT_SECRET"], launch_id, mobile, code) if code else None,
            created_at=now, expires_at=now + timedelta(seconds=rules.CODE_SECONDS), attempts=0))
        self.db.commit()  # counted before it is sent: a failing provider does not lift the limits
        if code:
            self.sms().send(mobile, rules.message(code))
        return dump(b.BuyerCodeSent, {"sent_to": mask_mobile(mobile), "expires_in": rules.CODE_SECONDS,
                                 "resend_after": rules.RESEND_SECONDS})

    @route("POST", "/api/buyer/sessions", body=b.BuyerSessionIn, response=b.BuyerSessionOut, status=201,
           errors={"401": "the code is wrong (CODE_INVALID), past its time (CODE_EXPIRED) or none is waiting",
                   "429": f"{rules.MAX_ATTEMPTS} wrong tries spent the code (CODE_ATTEMPTS_EXCEEDED), or too many "
                          "requests from this address (RATE_LIMITED)"},
           summary="A buyer signs in with the code: a session token for /api/buyer/* and the buyer's view")
    def open_buyer_session(self, request, body):
        launch_id, mobile, code = body["launch_id"], body["mobile"], body["code"]
        now = utcnow()
        # no RPC until the code is checked and used
        row = _latest_code(self.db.session, launch_id, mobile)
        try_code(self.db, BuyerCode, row, lambda r: r.registration_id is not None and rules.matches(
            self.config["JWT_SECRET"], launch_id, mobile, code, r.code_hash), now)
        spend_code(self.db, BuyerCode, row, now)  # spent before anything else: it signs in once
        found = self.inventory.find_buyer(launch_id, mobile)  # still registered (not cancelled since)?
        if found is None or found["registration_id"] != row.registration_id:
            raise Unauthenticated("the registration of this mobile is no longer live", "CODE_INVALID")
        view = self.inventory.buyer_view(row.registration_id)
        token = rules.SESSION_PREFIX + secrets.token_urlsafe(32)
        expires_at = now + timedelta(hours=rules.SESSION_HOURS)
        self.db.session.execute(insert(BuyerSession).values(
            token_hash=_hash(token), agency_id=found["agency_id"], project_id=found["project_id"],
            launch_id=launch_id, registration_id=row.registration_id, created_at=now, expires_at=expires_at))
        self.db.commit()
        # the view is inventory's answer, dumped there already: passed through as it came
        return dict(SESSION_HEAD.dump({"token": token, "expires_at": expires_at}), buyer=view)

    @route("GET", "/api/buyer/me", response=b.BuyerView, authenticate=session_of, errors=UNAUTHORIZED,
           summary="The signed-in buyer's own view: their 认筹 (masked), the launch, their place in the drawn "
                   "order and selection window, their 选房 turn (the current window, theirs: waiting, open, passed "
                   "or done) and holds, and the launch's units with their status")
    def buyer_me(self, request):
        row = self.buyer_session(request)
        return self.inventory.buyer_view(row.registration_id)

    @route("POST", "/api/buyer/holds", body=sel.BuyerHoldIn, response=sel.BuyerHoldOut, status=201,
           authenticate=session_of,
           errors=dict(UNAUTHORIZED, **{
               "409": "not now: NOT_YOUR_WINDOW, WINDOW_PASSED, TURN_OVER, LAUNCH_PAUSED, SELECTION_NOT_OPEN, "
                      "SELECTION_OVER, BUYER_UNIT_LIMIT, or the unit is taken (UNIT_NOT_AVAILABLE)",
               "429": "race mode: too many attempts on this unit (HOLD_ATTEMPTS_EXCEEDED, Retry-After)"}),
           summary="选房: the signed-in buyer holds a unit of their launch (lottery: in their window; race: from the "
                   "opening second, within the attempt limit); confirm it before the hold ends")
    def buyer_hold(self, request, body):
        row = self.buyer_session(request)
        # with the other holds waiting in this process: one RPC, one transaction (gateway/hold_batch.py)
        return hold_batch.holds.call(self.inventory.buyer_holds, [row.registration_id, body["unit_id"]])

    @route("POST", "/api/buyer/holds/<int:hold_id>/confirm", body=sel.BuyerConfirmIn, response=sel.BuyerConfirmOut,
           authenticate=session_of,
           status=201, errors=dict(UNAUTHORIZED, **{
               "409": "the hold ended (HOLD_NOT_ACTIVE), the window passed (WINDOW_PASSED) or the launch is paused "
                      "(LAUNCH_PAUSED); the advisor of the 认筹 has left (ADVISOR_INACTIVE)",
               "422": "the 定金 is below the 诚意金 paid (DEPOSIT_BELOW_EARNEST) or none was given (DEPOSIT_REQUIRED); "
                      "the unit has no 交付 date (DELIVERY_DATE_UNKNOWN)"}),
           summary="选房: the buyer confirms their hold: the 认购 is made online through contracts' saga at the list "
                   "price, the 诚意金 paid becoming part of the 定金; it waits for the site's 审核")
    def confirm_buyer_hold(self, request, hold_id, body):
        row = self.buyer_session(request)
        ready = self.inventory.buyer_confirmable(row.registration_id, hold_id)
        earnest = Decimal(ready["earnest"])
        deposit = earnest if body.get("deposit") is None else Decimal(str(body["deposit"]))
        if deposit < earnest:
            raise RuleViolated(f"the 定金 includes the 诚意金 paid ({earnest}): it cannot be less",
                               "DEPOSIT_BELOW_EARNEST")
        if deposit <= 0:
            raise RuleViolated("no 诚意金 was paid: give the 定金", "DEPOSIT_REQUIRED")
        if ready["delivery_date"] is None:
            raise RuleViolated("the unit has no 交付 date to promise: the sales office makes this 认购",
                               "DELIVERY_DATE_UNKNOWN")
        state, _ = _read_state(self.db.engine, ready["advisor_id"], "POST", None)
        if state is not None and not state.active:
            raise Conflict("the advisor of this 认筹 has left: the sales office makes this 认购", "ADVISOR_INACTIVE")
        deal = self.contracts.create_subscription(sale_actor(ready), {
            "hold_id": ready["hold_id"], "customer_name": ready["buyer_name"], "customer_phone": ready["mobile"],
            "customer_id_number": ready["id_number"], "price": ready["list_price"], "deposit": str(deposit),
            "payment_method": body.get("payment_method") or "full",
            "loan_amount": None if body.get("loan_amount") is None else str(body["loan_amount"]),
            "delivery_date": ready["delivery_date"]})
        return dump(sel.BuyerConfirmOut, {
            "deal_id": deal["id"], "deal_status": deal["status"], "hold_id": ready["hold_id"],
            "unit_id": ready["unit_id"], "price": ready["list_price"], "deposit": deposit, "earnest": earnest})

    @route("POST", "/api/buyer/give-up", response=sel.BuyerSelection, authenticate=session_of,
           errors=dict(UNAUTHORIZED, **{"409": "the turn is over already (TURN_OVER), the window passed "
                                               "(WINDOW_PASSED), the launch is paused or not selecting"}),
           summary="放弃: the buyer ends their 选房 turn (their holds are released); the window moves on early "
                   "once everyone in it finished")
    def buyer_give_up(self, request):
        row = self.buyer_session(request)
        return self.inventory.buyer_give_up(row.registration_id)

    @route("DELETE", "/api/buyer/session", response=b.BuyerSignedOut, authenticate=session_of, errors=UNAUTHORIZED,
           summary="Sign the buyer's session out (the token is refused from then on)")
    def close_buyer_session(self, request):
        row = self.buyer_session(request)
        self.db.session.execute(update(BuyerSession).where(BuyerSession.id == row.id,
                                                           BuyerSession.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
        self.db.commit()
        session_cache.sessions.forget((_SESSIONS.name, row.token_hash))  # here at once; elsewhere within its time
        return {"signed_out": True}
