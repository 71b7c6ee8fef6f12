"""Brokers on their phones (issue 19): a channel's broker (made by the site's manager) or a
全民经纪人 (who signs up here) signs in with their mobile and a code sent by text, then sees
and does only their own: 报备 with the verdict and the 带看码, their reports with status and
visits, 申诉 of a verdict, and their channel's commission and statements (confirming an issued
one). A mixin of GatewayService.

The session is an opaque token (lpk_…), as a buyer's (gateway/routes/buyers.py, whose code
rules and SMS sender it shares): every staff route answers it 401 TOKEN_INVALID, and the
/api/broker/* routes take no staff token. crm and finance answer the broker routes through
RPCs with no actor that act for the one broker (or channel) the checked session names, and
never read another's: another broker's report, another channel's statement is 404. The
projects' names (crm keeps ids only) are inventory's, read as `broker_reader`."""
import secrets
from datetime import timedelta

from sqlalchemy import insert, select, update

from gateway import buyer_codes as rules
from gateway import session_cache
from gateway.http import route
from gateway.models import BrokerCode, BrokerSession
from gateway.reports.gather import gather
from gateway.routes.buyers import _hash, bearer_session, may_send, spend_code, try_code
from loupan.errors import Conflict, Unauthenticated
from loupan.roles import BROKER
from loupan.schemas import dump
from loupan.schemas import crm_channels as c
from loupan.schemas import finance_channel as f
from loupan.schemas import gateway_brokers as k
from loupan.schemas import gateway_buyers as b
from loupan.scope import not_found
from loupan.types import utcnow
from loupan.validators import mask_mobile

SCOPE = "broker"  # the codes' binding (a buyer's is their launch)
SIGN = "Loupan经纪人"
SESSION_PREFIX = "lpk_"  # tells a broker's session from a buyer's (lpb_), a display token (lpd_) or a JWT
SESSION_DAYS = 7
UNAUTHORIZED = {"401": "no broker session (TOKEN_MISSING), or one unknown, signed out or past its expiry "
                       "(BROKER_SESSION_INVALID)"}
DISABLED = {"403": "the broker was disabled by the office (BROKER_ACCOUNT_DISABLED)"}
SIGN_IN_ERRORS = {"401": "the code is wrong (CODE_INVALID), past its time (CODE_EXPIRED) or none is waiting",
                  "429": f"{rules.MAX_ATTEMPTS} wrong tries spent the code (CODE_ATTEMPTS_EXCEEDED), or too many "
                         "requests from this address (RATE_LIMITED)"}
SESSION_HEAD = k.BrokerSessionOut(only=("token", "expires_at"))

def broker_session_of(engine, request):
    """The broker session row of the request's `Authorization: Bearer lpk_…`, if in force;
    401 otherwise. The broker routes run it before reading their body (route authenticate=)."""
    row = bearer_session(engine, request, BrokerSession.__table__, "broker")
    if row is None:
        raise Unauthenticated("the session is not valid: sign in again", "BROKER_SESSION_INVALID")
    return row


def broker_reader(row, project_ids):
    """The actor the gateway reads the projects' names of a broker's session as (inventory's
    list_projects, as a display token reads its board: the gateway builds the actor of a
    session that has no account). Role broker, which no permission names, so any RPC that
    checks one refuses it; no account (0); the session's agency; scoped to `project_ids`, the
    ones the broker may see (the channel's active projects, their own reports' projects), or
    None for a 全民经纪人, who reports to any of the agency's."""
    return {"account_id": 0, "username": f"经纪人#{row.broker_id}", "role": BROKER, "agency_id": row.agency_id,
            "project_ids": None if project_ids is None else sorted(set(project_ids))}


def _latest_code(session, mobile):
    return session.execute(select(BrokerCode).where(BrokerCode.mobile == mobile)
                           .order_by(BrokerCode.id.desc()).limit(1)).scalar_one_or_none()


class BrokerRoutes:
    def broker_session(self, request):
        """The session row the route checked before its body (broker_session_of)."""
        row = getattr(request, "authenticated", None)
        return row if row is not None else broker_session_of(self.db.engine, request)

    def _broker_project_names(self, row, project_ids):
        """{project id: name} of `project_ids` (None: the agency's) for the session `row`; {}
        when inventory does not answer in time: the page shows the ids then."""
        if project_ids is not None and not project_ids:
            return {}
        results, _ = gather({"names": lambda: self.inventory.list_projects(broker_reader(row, project_ids))},
                            self._part_timeout())  # ReportRoutes' bound
        return {p["id"]: p["name"] for p in results.get("names") or []}

    def _broker_reports_named(self, row, reports):
        """Each report (crm's answer, dumped there already) with its project's name."""
        names = self._broker_project_names(row, [r["project_id"] for r in reports])
        return [dict(r, project_name=names.get(r["project_id"])) for r in reports]

    def _check_code(self, mobile, code, now):
        """The latest code of the mobile tried (counted); its row if right, else 401/429."""
        row = _latest_code(self.db.session, mobile)
        key = self.config["JWT_SECRET"]
        try_code(self.db, BrokerCode, row, lambda r: rules.matches(key, SCOPE, mobile, code, r.code_hash), now)
        return row

    def _open_session(self, found, now):
        token = SESSION_PREFIX + secrets.token_urlsafe(32)
        expires_at = now + timedelta(days=SESSION_DAYS)
        me = self.crm.broker_me(found["broker_id"])
        # self.db.session anew after an RPC (loupan/uow.py release)
        self.db.session.execute(insert(BrokerSession).values(
            token_hash=_hash(token), agency_id=found["agency_id"], broker_id=found["broker_id"],
            channel_id=found["channel_id"], created_at=now, expires_at=expires_at))
        self.db.commit()
        # the broker is crm's answer, dumped there already: passed through as it came
        return dict(SESSION_HEAD.dump({"token": token, "expires_at": expires_at}), broker=me)

    @route("POST", "/api/broker/codes", body=k.BrokerCodeIn, response=b.BuyerCodeSent, status=202,
           errors={"429": "another code asked for too soon or too often (CODE_RESEND_TOO_SOON, Retry-After), "
                          "or too many requests from this address (RATE_LIMITED)",
                   "503": "the text could not be sent (SMS_UNAVAILABLE): ask again"},
           summary="A broker (or a 全民经纪人 about to sign up) asks for a one-time code, texted to the mobile; the "
                   "answer is the same whether the mobile brokers anywhere or not")
    def request_broker_code(self, request, body):
        mobile, now = body["mobile"], utcnow()
        may_send(self.db.session, BrokerCode, now, BrokerCode.mobile == mobile)
        code = rules.new_code()
        self.db.session.add(BrokerCode(mobile=mobile, code_hash=rules.code_hash(self.config["JWT_SECRET"], SCOPE,
                                                                               mobile, code),
                                       created_at=now, expires_at=now + timedelta(seconds=rules.CODE_SECONDS),
                                       attempts=0))
        self.db.commit()  # counted before it is sent: a failing provider does not lift the limits
        self.sms().send(mobile, rules.message(code, SIGN))
        return dump(b.BuyerCodeSent, {"sent_to": mask_mobile(mobile), "expires_in": rules.CODE_SECONDS,
                                      "resend_after": rules.RESEND_SECONDS})

    @route("POST", "/api/broker/sessions", body=k.BrokerSessionIn, response=k.BrokerSessionOut, status=201,
           errors=dict(SIGN_IN_ERRORS, **{
               "401": SIGN_IN_ERRORS["401"] + "; no active broker has this mobile (BROKER_UNKNOWN: the code "
                                              "is kept, to sign up as a 全民经纪人 with it)",
               "409": "the mobile brokers for several agencies: name one (BROKER_AGENCY_REQUIRED)"}),
           summary="A broker signs in with the texted code: a session token for /api/broker/* and who they are")
    def open_broker_session(self, request, body):
        mobile, now = body["mobile"], utcnow()
        row = self._check_code(mobile, body["code"], now)  # no RPC until the code is checked
        found = self.crm.find_brokers(mobile)
        if body.get("agency_id") is not None:
            found = [x for x in found if x["agency_id"] == body["agency_id"]]
        if not found:
            raise Unauthenticated("no broker has this mobile: sign up as a 全民经纪人, or ask your channel",
                                  "BROKER_UNKNOWN")
        if len(found) > 1:
            raise Conflict(f"this mobile brokers for {len(found)} agencies: say which", "BROKER_AGENCY_REQUIRED")
        spend_code(self.db, BrokerCode, row, now)
        return self._open_session(found[0], now)

    @route("POST", "/api/broker/signup", body=k.BrokerSignupIn, response=k.BrokerSessionOut, status=201,
           errors=dict(SIGN_IN_ERRORS, **{"404": "no such project (PROJECT_NOT_FOUND)",
                                          "409": "the mobile brokers for the agency already: sign in (BROKER_EXISTS)"}),
           summary="全民经纪人 sign-up: with the texted code, name and mobile, a broker of no channel of the project's "
                   "agency; signed in at once")
    def broker_signup(self, request, body):
        mobile, now = body["mobile"], utcnow()
        row = self._check_code(mobile, body["code"], now)
        found = self.crm.signup_broker(body["project_id"], body["name"], mobile)
        spend_code(self.db, BrokerCode, row, now)
        return self._open_session(found, now)

    @route("DELETE", "/api/broker/session", response=b.BuyerSignedOut, authenticate=broker_session_of,
           errors=UNAUTHORIZED, summary="Sign the broker's session out (the token is refused from then on)")
    def close_broker_session(self, request):
        row = self.broker_session(request)
        self.db.session.execute(update(BrokerSession).where(BrokerSession.id == row.id,
                                                            BrokerSession.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
        self.db.commit()
        session_cache.sessions.forget((BrokerSession.__tablename__, row.token_hash))  # here at once
        return {"signed_out": True}

    @route("GET", "/api/broker/me", response=k.BrokerMeView, authenticate=broker_session_of,
           errors=dict(UNAUTHORIZED, **DISABLED),
           summary="The signed-in broker: name, mobile, channel (or 全民经纪人) and the projects they report to, "
                   "with their names")
    def broker_me(self, request):
        row = self.broker_session(request)
        me = self.crm.broker_me(row.broker_id)
        names = self._broker_project_names(row, me["project_ids"])
        ids = me["project_ids"] if me["project_ids"] is not None else sorted(names)
        # crm's answer, dumped there already, passed through with the names
        return dict(me, projects=[{"id": i, "name": names.get(i)} for i in ids])

    @route("POST", "/api/broker/reports", body=c.BrokerReportIn, response=k.BrokerFiledReportView, status=201,
           authenticate=broker_session_of, location="/api/broker/reports/{id}",
           errors=dict(UNAUTHORIZED, **DISABLED, **{
               "404": "no such project of the broker's agency (PROJECT_NOT_FOUND)",
               "422": "the channel does not report to the project or is suspended (CHANNEL_NOT_ON_PROJECT)"}),
           summary="报备 by the broker (full mobile, or 前三后四 138****5678), judged at once: valid with its one-time "
                   "带看码 and QR (shown this once; bring the customer by valid_until), or rejected with the reason "
                   "(reported_by_other, duplicate, site_customer, natural_visit)")
    def broker_file_report(self, request, body):
        row = self.broker_session(request)
        return self._broker_reports_named(row, [self.crm.broker_file_report(row.broker_id, body)])[0]

    @route("GET", "/api/broker/reports", query=c.BrokerReportQuery, response=k.BrokerReportView, many=True,
           authenticate=broker_session_of, errors=dict(UNAUTHORIZED, **DISABLED),
           summary="The broker's own reports, newest first, with status, verdict and the project's name (of one "
                   "project, of one status)")
    def broker_reports(self, request, query):
        row = self.broker_session(request)
        return self._broker_reports_named(row, self.crm.broker_reports(row.broker_id, query))

    @route("GET", "/api/broker/reports/<int:channel_report_id>", response=k.BrokerReportDetailView,
           authenticate=broker_session_of, errors=dict(UNAUTHORIZED, **DISABLED),
           summary="One of the broker's reports with its visits (带看), appeals and the project's name; another's "
                   "is 404")
    def broker_report(self, request, channel_report_id):
        row = self.broker_session(request)
        return self._broker_reports_named(row, [self.crm.broker_report(row.broker_id, channel_report_id)])[0]

    @route("POST", "/api/broker/reports/<int:channel_report_id>/appeals", body=c.BrokerAppealIn,
           response=c.AppealOut, status=201, authenticate=broker_session_of,
           errors=dict(UNAUTHORIZED, **DISABLED, **{"409": "the report has an open appeal (APPEAL_PENDING)"}),
           summary="申诉 by the broker of their own report's verdict, with the reason and evidence references; a "
                   "manager rules it")
    def broker_appeal(self, request, channel_report_id, body):
        return self.crm.broker_appeal(self.broker_session(request).broker_id, channel_report_id, body)

    @route("GET", "/api/broker/commission", response=f.BrokerCommissionOut, authenticate=broker_session_of,
           errors=dict(UNAUTHORIZED, **DISABLED),
           summary="分销佣金 as finance computes it: the channel's deals (pending, billable, billed, reversed, and what "
                   "was stated of each) and its issued statements; a 全民经纪人: the deals they brought")
    def broker_commission(self, request):
        row = self.broker_session(request)
        self.crm.broker_me(row.broker_id)  # still active (a disabled broker: 403)
        return self.finance.broker_commission(row.agency_id, row.channel_id, row.broker_id)

    @route("POST", "/api/broker/statements/<int:channel_statement_id>/confirm", body=f.BrokerConfirmIn,
           response=f.BrokerStatementOut, authenticate=broker_session_of,
           errors=dict(UNAUTHORIZED, **DISABLED, **{
               "404": "not an issued statement of the broker's channel (CHANNEL_STATEMENT_NOT_FOUND)",
               "409": "confirmed already (STATEMENT_CONFIRMED)"}),
           summary="The channel confirms its issued statement today, by the broker (or the name given): recorded "
                   "as confirmed by the channel")
    def broker_confirm_statement(self, request, channel_statement_id, body):
        row = self.broker_session(request)
        if row.channel_id is None:  # a 全民经纪人 has no statement of their own
            raise not_found("channel statement", channel_statement_id)
        me = self.crm.broker_me(row.broker_id)  # still active; their name
        return self.finance.confirm_statement_by_channel(row.agency_id, row.channel_id, channel_statement_id,
                                                         body.get("confirmed_by_name") or me["name"])
