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

from sqlalchemy import bindparam, insert, select, update

from gateway import buyer_codes as rules
from gateway.http import route
from gateway.models import BuyerCode, BuyerSession
from gateway.sms import sender_from
from loupan.errors import DomainError, Unauthenticated
from loupan.schemas import dump
from loupan.schemas import gateway_buyers as b
from loupan.types import utcnow
from loupan.uow import read_connection
from loupan.validators import mask_mobile

UNAUTHORIZED = {"401": "no buyer session (TOKEN_MISSING), or one unknown, signed out or past its expiry "
                       "(BUYER_SESSION_INVALID)"}
_SESSIONS = BuyerSession.__table__
SESSION_BY_HASH = select(_SESSIONS).where(_SESSIONS.c.token_hash == bindparam("token_hash"))
SESSION_HEAD = b.BuyerSessionOut(only=("token", "expires_at"))


class TooManyTries(DomainError):
    status = 429
    default_code = "CODE_ATTEMPTS_EXCEEDED"


class ResendTooSoon(DomainError):
    status = 429
    default_code = "CODE_RESEND_TOO_SOON"

    def __init__(self, seconds):
        self.retry_after = seconds  # error_response's Retry-After
        super().__init__(f"a new code may be asked for in {seconds} s")


def _refuse(refusal):
    if refusal == "spent":
        raise TooManyTries(f"{rules.MAX_ATTEMPTS} wrong tries: ask for a new code")
    if refusal == "expired":
        raise Unauthenticated("the code has expired: ask for a new one", "CODE_EXPIRED")
    raise Unauthenticated("no code is waiting for this mobile: ask for a new one", "CODE_INVALID")


def _hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
        """The session row of the request's `Authorization: Bearer lpb_…`, if in force."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("a buyer session is required: sign in with your mobile", "TOKEN_MISSING")
        with read_connection(self.db.engine) as conn:
            row = conn.execute(SESSION_BY_HASH, {"token_hash": _hash(token)}).first()
        if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
            raise Unauthenticated("the session is not valid: sign in again", "BUYER_SESSION_INVALID")
        return row

    @route("POST", "/api/buyer/codes", body=b.BuyerCodeIn, response=b.BuyerCodeSent, status=202,
           errors={"429": "another code asked for too soon or too often (CODE_RESEND_TOO_SOON, Retry-After), "
                          "or too many requests from this address (RATE_LIMITED)",
                   "503": "the text could not be sent (SMS_UNAVAILABLE): ask again"},
           summary="A buyer asks for a one-time sign-in code for a launch: texted to the mobile if it has a "
                   "live 认筹 there; the answer is the same either way")
    def request_buyer_code(self, request, body):
        launch_id, mobile = body["launch_id"], body["mobile"]
        now = utcnow()
        sent_at = list(self.db.session.execute(
            select(BuyerCode.created_at).where(BuyerCode.launch_id == launch_id, BuyerCode.mobile == mobile,
                                               BuyerCode.created_at > now - timedelta(hours=1))
            .order_by(BuyerCode.id)).scalars())
        wait = rules.resend_wait(sent_at, now)
        if wait:
            raise ResendTooSoon(wait)
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
        session = self.db.session  # no RPC until the code is checked and used
        row = _latest_code(session, launch_id, mobile)
        refusal = rules.refusal(row, now)
        if refusal:
            _refuse(refusal)
        left = rules.MAX_ATTEMPTS - row.attempts - 1
        # one try counted by a conditional update: parallel guesses cannot exceed the attempts
        tried = session.execute(update(BuyerCode).where(BuyerCode.id == row.id, BuyerCode.used_at.is_(None),
                                                        BuyerCode.attempts < rules.MAX_ATTEMPTS)
                                .values(attempts=BuyerCode.attempts + 1)).rowcount
        if tried != 1:
            self.db.commit()
            raise TooManyTries(f"{rules.MAX_ATTEMPTS} wrong tries: ask for a new code")
        if row.registration_id is None or not rules.matches(self.config["JWT_SECRET"], launch_id, mobile, code,
                                                            row.code_hash):
            self.db.commit()
            raise Unauthenticated(f"the code is not right ({left} tries left)", "CODE_INVALID")
        used = session.execute(update(BuyerCode).where(BuyerCode.id == row.id, BuyerCode.used_at.is_(None))
                               .values(used_at=now)).rowcount
        self.db.commit()  # the code is spent before anything else: it signs in once, whatever follows
        if used != 1:  # the same code signed in a parallel request first
            raise Unauthenticated("the code has been used: ask for a new one", "CODE_INVALID")
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

    @route("GET", "/api/buyer/me", response=b.BuyerView, errors=UNAUTHORIZED,
           summary="The signed-in buyer's own view: their 认筹 (masked), the launch, their place in the drawn "
                   "order and selection window, and the launch's units with their status")
    def buyer_me(self, request):
        row = self.buyer_session(request)
        return self.inventory.buyer_view(row.registration_id)

    @route("DELETE", "/api/buyer/session", response=b.BuyerSignedOut, errors=UNAUTHORIZED,
           summary="Sign the buyer's session out (the token is refused from then on)")
    def close_buyer_session(self, request):
        row = self.buyer_session(request)
        self.db.session.execute(update(BuyerSession).where(BuyerSession.id == row.id,
                                                           BuyerSession.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
        self.db.commit()
        return {"signed_out": True}
