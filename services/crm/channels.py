"""Channels (渠道分销) over the database: channel companies and their brokers (and 全民经纪人),
each project's 判客 rules, 报备 judged at once, the one-time 带看码 checked at reception, 判客
appeals (申诉) ruled by a manager, and risk alerts (渠道风控). The rules themselves are in
channel_rules.py; docs/domain.md "Channels: 判客 rules" says them in a site manager's words.

Reports of one 前三后四 in a project are judged one after the other: each locks the key's row
(channel_report_keys) and bumps its version by a conditional update, so of several channels
reporting one customer at once exactly one is first and the others are told so.

A verified visit (or a manager's ruling) that makes a channel the customer's bringer publishes
`channel_attributed`; a ruling (or a later channel's verified visit once the first one's
protection is over) that takes it away publishes `channel_attribution_ended`. Finance pays
the channel's commission from these."""
import hashlib
import secrets
from collections import Counter
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from loupan.errors import Conflict as ConflictError
from loupan.errors import Forbidden, Invalid, NotFound, RuleViolated
from loupan.roles import BROKER, PERMISSIONS, require_not_own, require_role
from loupan.scope import check_scope, event_actor, get_in_scope, not_found
from loupan.types import utcnow
from loupan.validators import mask_mobile
from services.crm import channel_rules as rules
from services.crm import customers
from services.crm.models import (Broker, Channel, ChannelAppeal, ChannelReport, ChannelReportKey, ChannelRiskAlert,
                                 ChannelSetting, ChannelVisit, Customer, DealCustomer)

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed at reception
CODE_LENGTH = 8
INDIVIDUAL = "全民经纪人"  # the channel name of a broker of no channel
MANY_CHANNELS_DAYS = 30
LAPSE_BATCH = 200


def _project(actor, project_id):
    check_scope(actor, actor["agency_id"], project_id, "project")


def _agency_row(session, actor, model, record_id, what):
    """A row of the agency (channels and brokers belong to no one project): 404 otherwise."""
    row = session.get(model, record_id)
    if row is None or row.agency_id != actor["agency_id"]:
        raise not_found(what, record_id)
    return row


# settings ---------------------------------------------------------------------------------
def project_settings(session, agency_id, project_id):
    row = session.get(ChannelSetting, project_id)
    if row is None or row.agency_id != agency_id:
        return rules.Settings()
    return rules.Settings(row.report_valid_hours, row.protection_days, row.site_protection_wins)


def get_settings(session, actor, project_id):
    require_role(actor, PERMISSIONS["channels.read"])
    _project(actor, project_id)
    return {"project_id": project_id, **project_settings(session, actor["agency_id"], project_id).__dict__}


def set_settings(uow, actor, project_id, data):
    """A manager sets the project's 判客 rules; they judge the reports filed from now on."""
    require_role(actor, PERMISSIONS["channels.manage"])
    _project(actor, project_id)
    session = uow.session
    row = session.get(ChannelSetting, project_id)
    if row is None:
        row = ChannelSetting(project_id=project_id, agency_id=actor["agency_id"])
        session.add(row)
    elif row.agency_id != actor["agency_id"]:
        raise not_found("project", project_id)
    for key in ("report_valid_hours", "protection_days", "site_protection_wins"):
        setattr(row, key, data[key])
    row.updated_by, row.updated_at = actor["account_id"], utcnow()
    session.flush()
    return get_settings(session, actor, project_id)


# channels and brokers ---------------------------------------------------------------------
CHANNEL_FIELDS = ("id", "name", "grade", "contract_no", "commission_terms", "project_ids", "status", "created_at")
BROKER_FIELDS = ("id", "channel_id", "name", "status", "created_at")


def channel_view(channel):
    return {c: getattr(channel, c) for c in CHANNEL_FIELDS}


def broker_view(actor, broker, channel_name=None):
    shown = actor["role"] in PERMISSIONS["phones.see_all"]
    return {**{c: getattr(broker, c) for c in BROKER_FIELDS}, "channel_name": channel_name or INDIVIDUAL,
            "mobile": broker.mobile if shown else mask_mobile(broker.mobile), "mobile_masked": not shown}


def _unique(session, write, code, what):
    """A write refused by a unique constraint (a name or mobile taken): 409 `code`."""
    try:
        with session.begin_nested():
            write()
    except IntegrityError:
        raise ConflictError(f"{what} exists already", code) from None


def create_channel(uow, actor, data):
    require_role(actor, PERMISSIONS["channels.manage"])
    session = uow.session
    channel = Channel(agency_id=actor["agency_id"], created_by=actor["account_id"], status="active",
                      **{k: data.get(k) for k in ("name", "grade", "contract_no", "commission_terms")},
                      project_ids=sorted(set(data["project_ids"])))
    _unique(session, lambda: session.add(channel), "CHANNEL_EXISTS", f"a channel named {data['name']}")
    return channel_view(channel)


def update_channel(uow, actor, channel_id, data):
    """Grade, contract, commission terms, projects, status (suspended: no new reports)."""
    require_role(actor, PERMISSIONS["channels.manage"])
    session = uow.session
    channel = _agency_row(session, actor, Channel, channel_id, "channel")

    def write():
        for key in ("name", "grade", "contract_no", "commission_terms", "status"):
            if key in data:
                setattr(channel, key, data[key])
        if "project_ids" in data:
            channel.project_ids = sorted(set(data["project_ids"]))
        channel.updated_at = utcnow()
        session.flush()

    _unique(session, write, "CHANNEL_EXISTS", f"a channel named {data.get('name')}")
    return channel_view(channel)


def list_channels(session, actor, query):
    require_role(actor, PERMISSIONS["channels.read"])
    q = select(Channel).where(Channel.agency_id == actor["agency_id"])
    if query.get("status"):
        q = q.where(Channel.status == query["status"])
    rows = [channel_view(c) for c in session.execute(q.order_by(Channel.name, Channel.id)).scalars()]
    if query.get("project_id") is not None:
        rows = [c for c in rows if query["project_id"] in c["project_ids"]]
    return rows


def get_channel(session, actor, channel_id):
    require_role(actor, PERMISSIONS["channels.read"])
    return channel_view(_agency_row(session, actor, Channel, channel_id, "channel"))


def create_broker(uow, actor, data):
    """A channel's broker, or a 全民经纪人 (no channel_id); one per mobile in the agency."""
    require_role(actor, PERMISSIONS["channels.manage"])
    session = uow.session
    channel = None
    if data.get("channel_id") is not None:
        channel = _agency_row(session, actor, Channel, data["channel_id"], "channel")
    broker = Broker(agency_id=actor["agency_id"], channel_id=channel.id if channel else None, name=data["name"],
                    mobile=customers.normalise_mobile(data["mobile"]), status="active",
                    created_by=actor["account_id"])
    _unique(session, lambda: session.add(broker), "BROKER_EXISTS", "a broker with this mobile")
    return broker_view(actor, broker, channel.name if channel else None)


def update_broker(uow, actor, broker_id, data):
    require_role(actor, PERMISSIONS["channels.manage"])
    session = uow.session
    broker = _agency_row(session, actor, Broker, broker_id, "broker")
    for key in ("name", "status"):
        if key in data:
            setattr(broker, key, data[key])
    session.flush()
    return broker_view(actor, broker, _channel_name(session, broker))


def _channel_name(session, broker):
    return session.get(Channel, broker.channel_id).name if broker.channel_id else None


def list_brokers(session, actor, query):
    require_role(actor, PERMISSIONS["channels.read"])
    q = select(Broker, Channel.name).outerjoin(Channel, Channel.id == Broker.channel_id).where(
        Broker.agency_id == actor["agency_id"])
    if query.get("channel_id") is not None:  # another agency's channel: 404, as for none
        q = q.where(Broker.channel_id == _agency_row(session, actor, Channel, query["channel_id"], "channel").id)
    if query.get("individual"):
        q = q.where(Broker.channel_id.is_(None))
    return [broker_view(actor, b, name) for b, name in session.execute(q.order_by(Broker.name, Broker.id))]


# reports ----------------------------------------------------------------------------------
REPORT_FIELDS = ("id", "project_id", "broker_id", "broker_name", "channel_id", "channel_name", "customer_name",
                 "mobile_key", "expected_visit_at", "status", "reason", "against_report_id", "valid_until",
                 "visited_at", "protected_until", "customer_id", "attributed", "filed_by", "filed_by_name",
                 "filed_at")


def report_view(actor, report):
    """A report as staff see it: the full number for managers (when known), else 3+4."""
    view = {c: getattr(report, c) for c in REPORT_FIELDS}
    shown = report.mobile is not None and actor["role"] in PERMISSIONS["phones.see_all"]
    view["mobile"] = report.mobile if shown else report.mobile_key
    view["mobile_masked"] = not shown
    view["channel_name"] = report.channel_name or INDIVIDUAL
    return view


def _fact(report):
    mobile = rules.ReportMobile(report.mobile, report.mobile_key[:3], report.mobile_key[-4:])
    return rules.ReportFact(id=report.id, channel=_channel_key(report.channel_id, report.broker_id), mobile=mobile,
                            filed_at=report.filed_at, status=report.status, valid_until=report.valid_until,
                            protected_until=report.protected_until,
                            site_customer_ids=tuple(report.site_customer_ids or ()))


def _channel_key(channel_id, broker_id):
    """Channels told apart by the rules: a company, or a 全民经纪人 on their own."""
    return f"c{channel_id}" if channel_id is not None else f"b{broker_id}"


def _site(customer):
    return rules.SiteCustomer(id=customer.id, mobile=customer.mobile, owner_id=customer.owner_id,
                              owned_since=customer.owned_since, protected_until=customer.protected_until,
                              status=customer.status, first_visit_at=customer.first_visit_at)


def code_hash(project_id, code):
    return hashlib.sha256(f"{project_id}|{code}".encode("utf-8")).hexdigest()


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def qr_svg(code):
    """The 带看码 as a QR image (SVG), for the broker to show at reception."""
    from reportlab.graphics import renderSVG
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(code, barLevel="M")
    drawing = Drawing(160, 160)
    widget.barWidth = widget.barHeight = 160
    drawing.add(widget)
    return renderSVG.drawToString(drawing)


def _lock_key(session, agency_id, project_id, key):
    """The key row of (project, 前三后四), locked for this transaction; created if missing
    (two first reports of a key at once: the unique primary key lets one insert, the other
    waits for it and then locks the same row)."""
    query = (select(ChannelReportKey).where(ChannelReportKey.project_id == project_id,
                                            ChannelReportKey.mobile_key == key)
             .with_for_update().execution_options(populate_existing=True))
    row = session.execute(query).scalar_one_or_none()
    if row is not None:
        return row
    fresh = ChannelReportKey(project_id=project_id, mobile_key=key, agency_id=agency_id, version=1)
    if session.get_bind().dialect.name == "sqlite":  # units of work are serialised there
        session.add(fresh)
        session.flush()
        return fresh
    try:
        with session.begin_nested():
            session.add(fresh)
    except IntegrityError:
        pass
    return session.execute(query).scalar_one()


def _bump_key(session, key_row, holder_report_id=None):
    """The conditional write that makes a judgement final: the version read under the lock
    must still be the key's, else 409 REPORT_BUSY (never seen while the lock holds)."""
    values = {"version": key_row.version + 1}
    if holder_report_id is not None:
        values["holder_report_id"] = holder_report_id
    done = session.execute(update(ChannelReportKey).where(
        ChannelReportKey.project_id == key_row.project_id, ChannelReportKey.mobile_key == key_row.mobile_key,
        ChannelReportKey.version == key_row.version).values(**values)
        .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise ConflictError("another report of this customer is being judged; try again", "REPORT_BUSY")


def _live_reports(session, project_id, key):
    return [_fact(r) for r in session.execute(select(ChannelReport).where(
        ChannelReport.project_id == project_id, ChannelReport.mobile_key == key,
        ChannelReport.status.in_(("valid", "visited")))).scalars()]


def _site_customers(session, agency_id, project_id, mobile):
    q = select(Customer).where(Customer.agency_id == agency_id, Customer.project_id == project_id)
    if mobile.full is not None:
        q = q.where(Customer.mobile == mobile.full)
    else:
        q = q.where(Customer.mobile.startswith(mobile.prefix), Customer.mobile.endswith(mobile.suffix))
    return [_site(c) for c in session.execute(q).scalars()]


def _broker_for_project(session, actor, broker_id, project_id):
    broker = _agency_row(session, actor, Broker, broker_id, "broker")
    if broker.status != "active":
        raise RuleViolated(f"broker {broker_id} is disabled", "BROKER_DISABLED")
    channel = session.get(Channel, broker.channel_id) if broker.channel_id is not None else None
    if channel is not None and (channel.status != "active" or project_id not in (channel.project_ids or [])):
        raise RuleViolated(f"channel {channel.name} does not report to project {project_id} (not active on it)",
                           "CHANNEL_NOT_ON_PROJECT")
    return broker, channel


def file_report(uow, actor, project_id, data, now=None):
    """报备 on behalf of a broker, judged at once (channel_rules.judge_report). A valid report
    answers its one-time 带看码 (and a QR image of it), shown this once: only its hash is kept."""
    require_role(actor, PERMISSIONS["channel_reports.file"], "file channel reports")
    _project(actor, project_id)
    broker, channel = _broker_for_project(uow.session, actor, data["broker_id"], project_id)
    return _file_report(uow, actor, broker, channel, project_id, data, now)


def _file_report(uow, actor, broker, channel, project_id, data, now=None):
    """报备 of `broker` (of `channel`, None for a 全民经纪人), judged at once; filed by `actor`
    (staff for the broker, or the broker themselves: broker_actor)."""
    session = uow.session
    now = now or utcnow()
    mobile = rules.parse_mobile(data["mobile"])
    settings = project_settings(session, actor["agency_id"], project_id)
    key_row = _lock_key(session, actor["agency_id"], project_id, mobile.key)
    verdict = rules.judge_report(now, _channel_key(broker.channel_id, broker.id), mobile,
                                 _site_customers(session, actor["agency_id"], project_id, mobile),
                                 _live_reports(session, project_id, mobile.key), settings)
    code = new_code() if verdict.status == "valid" else None
    report = ChannelReport(agency_id=actor["agency_id"], project_id=project_id, broker_id=broker.id,
                           broker_name=broker.name, channel_id=channel.id if channel else None,
                           channel_name=channel.name if channel else None, customer_name=data["customer_name"],
                           mobile=mobile.full, mobile_key=mobile.key, expected_visit_at=data.get("expected_visit_at"),
                           status=verdict.status, reason=verdict.reason, against_report_id=verdict.against_report_id,
                           site_customer_ids=list(verdict.site_customer_ids) or None,
                           code_hash=code_hash(project_id, code) if code else None, valid_until=verdict.valid_until,
                           filed_by=actor["account_id"], filed_by_name=actor["username"], filed_at=now,
                           updated_at=now)
    session.add(report)
    session.flush()
    _bump_key(session, key_row, report.id if verdict.status == "valid" else None)
    _alert_many_channels(session, report, now)
    session.flush()
    view = report_view(actor, report)
    view["visit_code"] = code
    view["visit_qr_svg"] = qr_svg(code) if code else None
    return view


def _report_query(actor, project_id, query):
    q = select(ChannelReport).where(ChannelReport.agency_id == actor["agency_id"],
                                    ChannelReport.project_id == project_id)
    for key in ("broker_id", "channel_id", "status", "customer_id"):
        if query.get(key) is not None:
            q = q.where(getattr(ChannelReport, key) == query[key])
    return q


def list_reports(session, actor, project_id, query):
    """A project's reports, newest first; `broker_id`: one broker's own (what a broker sees)."""
    require_role(actor, PERMISSIONS["channel_reports.read"])
    _project(actor, project_id)
    rows = session.execute(_report_query(actor, project_id, query)
                           .order_by(ChannelReport.filed_at.desc(), ChannelReport.id.desc())
                           .limit(query.get("limit", 50)).offset(query.get("offset", 0))).scalars()
    return [report_view(actor, r) for r in rows]


def get_report(session, actor, report_id):
    """One report with its visits and appeals."""
    require_role(actor, PERMISSIONS["channel_reports.read"])
    return _report_detail(session, actor, get_in_scope(session, actor, ChannelReport, report_id, "channel report"))


def _report_detail(session, actor, report):
    view = report_view(actor, report)
    view["visits"] = [visit_view(v) for v in session.execute(select(ChannelVisit).where(
        ChannelVisit.report_id == report.id).order_by(ChannelVisit.at, ChannelVisit.id)).scalars()]
    view["appeals"] = [appeal_view(a) for a in session.execute(select(ChannelAppeal).where(
        ChannelAppeal.report_id == report.id).order_by(ChannelAppeal.filed_at, ChannelAppeal.id)).scalars()]
    return view


def lapse_reports(uow, now=None):
    """Valid reports with no visit by their end lapse (a conditional update: replicas of the
    sweep and a visit at the last second cannot both win). Returns how many in this batch."""
    session = uow.session
    now = now or utcnow()
    ids = session.execute(select(ChannelReport.id).where(ChannelReport.status == "valid",
                                                         ChannelReport.valid_until <= now)
                          .order_by(ChannelReport.valid_until).limit(LAPSE_BATCH)).scalars().all()
    for report_id in ids:
        session.execute(update(ChannelReport).where(
            ChannelReport.id == report_id, ChannelReport.status == "valid", ChannelReport.valid_until <= now)
            .values(status="lapsed", reason="expired", updated_at=now)
            .execution_options(synchronize_session=False))
    session.flush()
    return len(ids)


# 带看: the visit ----------------------------------------------------------------------------
VISIT_FIELDS = ("id", "report_id", "customer_id", "result", "reason", "receptionist_id", "receptionist_name", "at")


def visit_view(visit):
    return {c: getattr(visit, c) for c in VISIT_FIELDS}


def _bring_customer(uow, actor, report, full, now):
    """The crm customer the channel brought: the site's record of the number (its owner
    kept), or a new one in the pool for the manager to give an advisor; its channel is the
    report's (channel_partner, the channel's name)."""
    session = uow.session
    partner = report.channel_name or f"{INDIVIDUAL} {report.broker_name}"
    customer = session.execute(select(Customer).where(Customer.project_id == report.project_id,
                                                      Customer.mobile == full).with_for_update()
                               ).scalar_one_or_none()
    if customer is None:
        customer, _, _ = customers.register(uow, actor, report.project_id, {
            "mobile": full, "name": report.customer_name, "channel": "channel_partner", "partner_name": partner},
            at=now)
    customer.channel, customer.partner_name = "channel_partner", partner[:100]
    if customer.first_visit_at is None:
        customer.first_visit_at = now
    customer.updated_at = now
    return customer


def individual_channel(session, agency_id):
    """The agency's 全民经纪人 channel: the channel the events name for brokers of no channel
    (finance keeps the 全民经纪人 reward terms on it); made the first time it is needed."""
    query = select(Channel).where(Channel.agency_id == agency_id, Channel.name == INDIVIDUAL)
    found = session.execute(query).scalar_one_or_none()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            session.add(Channel(agency_id=agency_id, name=INDIVIDUAL, grade="C", project_ids=[], status="active",
                                commission_terms="全民经纪人: brokers of no channel"))
    except IntegrityError:
        pass
    return session.execute(query).scalar_one()


def _event_channel_id(session, report):
    return report.channel_id if report.channel_id is not None else individual_channel(session, report.agency_id).id


def _attribute(uow, actor, report, customer, now, protected_until, reason):
    """The report's channel is now the customer's bringer: any other channel's attribution
    of the customer ends (`reason`), and `channel_attributed` is published."""
    session = uow.session
    for other in session.execute(select(ChannelReport).where(
            ChannelReport.customer_id == customer.id, ChannelReport.attributed.is_(True),
            ChannelReport.id != report.id).with_for_update()).scalars():
        _end_attribution(uow, actor, other, now, reason)
    report.customer_id, report.attributed = customer.id, True
    report.visited_at = report.visited_at or now
    report.protected_until = protected_until
    report.updated_at = now
    session.flush()
    uow.publish("channel_attributed", {
        "customer_id": customer.id, "project_id": report.project_id,
        "channel_id": _event_channel_id(session, report),
        "channel_name": report.channel_name or INDIVIDUAL, "broker_id": report.broker_id,
        "broker_name": report.broker_name, "report_id": report.id, "visited_at": report.visited_at,
        "protected_until": report.protected_until},
        agency_id=report.agency_id, project_id=report.project_id, actor=event_actor(actor))


def _end_attribution(uow, actor, report, now, reason):
    report.attributed = False
    if report.protected_until is None or report.protected_until > now:
        report.protected_until = now  # it holds the customer no longer
    report.updated_at = now
    uow.publish("channel_attribution_ended", {
        "customer_id": report.customer_id, "project_id": report.project_id,
        "channel_id": _event_channel_id(uow.session, report),
        "report_id": report.id, "reason": reason},
        agency_id=report.agency_id, project_id=report.project_id, actor=event_actor(actor))


def verify_visit(uow, actor, project_id, data, now=None):
    """带看: reception checks a report's one-time 带看码 (typed, or read from its QR) and the
    customer's full number (required when the report hid the middle digits). The visit is
    recorded with its time, the receptionist and the 判客 result: visited (the channel
    brought the customer: channel_attributed), rejected (a hidden number that was the site's
    customer) or lapsed (too late). A code already used: 409 VISIT_CODE_USED."""
    require_role(actor, PERMISSIONS["channel_visits.verify"], "verify 带看码")
    _project(actor, project_id)
    session = uow.session
    now = now or utcnow()
    code = "".join(str(data["code"]).split()).upper()
    report = session.execute(select(ChannelReport).where(
        ChannelReport.project_id == project_id, ChannelReport.code_hash == code_hash(project_id, code))
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if report is None or report.agency_id != actor["agency_id"]:
        raise NotFound("no report of this project has this 带看码", "VISIT_CODE_NOT_FOUND")
    if report.status in ("visited", "rejected"):
        raise ConflictError(f"this 带看码 was used at {report.visited_at or report.updated_at}", "VISIT_CODE_USED")
    settings = project_settings(session, actor["agency_id"], project_id)
    if report.status == "lapsed" or rules.lapses(_fact(report), now):
        report.status, report.reason, report.updated_at = "lapsed", "expired", now
        return _record_visit(session, actor, report, None, "lapsed", "expired", now)
    full = rules.check_visit_mobile(_fact(report).mobile, data.get("mobile"))
    key_row = _lock_key(session, actor["agency_id"], project_id, report.mobile_key)
    site = session.execute(select(Customer.id).where(Customer.project_id == project_id,
                                                     Customer.mobile == full)).scalar_one_or_none()
    verdict = rules.judge_visit(_fact(report), now, site, settings)
    if verdict.status != "visited":
        report.status, report.reason, report.updated_at = verdict.status, verdict.reason, now
        report.mobile = full
        _bump_key(session, key_row)
        return _record_visit(session, actor, report, site, verdict.status, verdict.reason, now)
    done = session.execute(update(ChannelReport).where(ChannelReport.id == report.id, ChannelReport.status == "valid")
                           .values(status="visited", reason="visited", mobile=full, visited_at=now, updated_at=now)
                           .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise ConflictError("this 带看码 was used a moment ago", "VISIT_CODE_USED")
    session.refresh(report)
    customer = _bring_customer(uow, actor, report, full, now)
    _attribute(uow, actor, report, customer, now, verdict.protected_until, "superseded")
    _bump_key(session, key_row)
    return _record_visit(session, actor, report, customer.id, "visited", "visited", now)


def _record_visit(session, actor, report, customer_id, result, reason, now):
    visit = ChannelVisit(agency_id=report.agency_id, project_id=report.project_id, report_id=report.id,
                         customer_id=customer_id, result=result, reason=reason, receptionist_id=actor["account_id"],
                         receptionist_name=actor["username"], at=now)
    session.add(visit)
    session.flush()
    return {"visit": visit_view(visit), "report": report_view(actor, report)}


# appeals (申诉) and rulings -----------------------------------------------------------------
APPEAL_FIELDS = ("id", "project_id", "report_id", "broker_id", "reason", "attachments", "status", "decision",
                 "ruling", "evidence", "filed_by", "filed_by_name", "filed_at", "ruled_by", "ruled_by_name",
                 "ruled_at")


def appeal_view(appeal):
    return {c: getattr(appeal, c) for c in APPEAL_FIELDS}


def file_appeal(uow, actor, report_id, data):
    """申诉 of a report's verdict, by a broker (through staff, broker_id: the report's broker)
    or an advisor, with a reason and attachments; one open appeal per report."""
    require_role(actor, PERMISSIONS["channel_appeals.file"], "appeal a 判客 verdict")
    session = uow.session
    report = get_in_scope(session, actor, ChannelReport, report_id, "channel report")
    if data.get("broker_id") is not None and data["broker_id"] != report.broker_id:
        raise Invalid(f"broker {data['broker_id']} did not file report {report_id}", "NOT_THE_REPORTS_BROKER")
    return _file_appeal(uow, actor, report, data)


def _file_appeal(uow, actor, report, data):
    session = uow.session
    report_id = report.id
    open_one = session.execute(select(ChannelAppeal.id).where(ChannelAppeal.report_id == report.id,
                                                              ChannelAppeal.status == "open")).first()
    if open_one is not None:
        raise ConflictError(f"report {report_id} has an open appeal ({open_one[0]})", "APPEAL_PENDING")
    appeal = ChannelAppeal(agency_id=report.agency_id, project_id=report.project_id, report_id=report.id,
                           broker_id=data.get("broker_id"), reason=data["reason"],
                           attachments=list(data.get("attachments") or []), status="open",
                           filed_by=actor["account_id"], filed_by_name=actor["username"], filed_at=utcnow())
    session.add(appeal)
    session.flush()
    return appeal_view(appeal)


def list_appeals(session, actor, project_id, query):
    require_role(actor, PERMISSIONS["channel_reports.read"])
    _project(actor, project_id)
    q = select(ChannelAppeal).where(ChannelAppeal.agency_id == actor["agency_id"],
                                    ChannelAppeal.project_id == project_id)
    if query.get("status"):
        q = q.where(ChannelAppeal.status == query["status"])
    return [appeal_view(a) for a in session.execute(q.order_by(ChannelAppeal.filed_at.desc(),
                                                                ChannelAppeal.id.desc())).scalars()]


def rule_appeal(uow, actor, appeal_id, data, now=None):
    """A manager rules an appeal once, with the ruling's words and its evidence, kept on the
    appeal: to_channel (the report's channel brought the customer: protected for the
    project's days from now; another channel's attribution ends), to_site (the report's
    channel loses the customer), dismiss (the verdict stands). Nobody rules their own appeal."""
    require_role(actor, PERMISSIONS["channel_appeals.rule"], "rule appeals")
    session = uow.session
    now = now or utcnow()
    appeal = get_in_scope(session, actor, ChannelAppeal, appeal_id, "channel appeal")
    require_not_own(actor, appeal.filed_by, what="appeal")
    report = session.execute(select(ChannelReport).where(ChannelReport.id == appeal.report_id)
                             .with_for_update().execution_options(populate_existing=True)).scalar_one()
    full = None
    if data["decision"] == "to_channel":  # checked before the ruling is written
        full = rules.check_visit_mobile(_fact(report).mobile, data.get("mobile"))
    done = session.execute(update(ChannelAppeal).where(ChannelAppeal.id == appeal.id, ChannelAppeal.status == "open")
                           .values(status="ruled", decision=data["decision"], ruling=data["ruling"],
                                   evidence=list(data.get("evidence") or []), ruled_by=actor["account_id"],
                                   ruled_by_name=actor["username"], ruled_at=now)
                           .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise ConflictError(f"appeal {appeal_id} was ruled already", "APPEAL_RULED")
    session.refresh(appeal)
    if data["decision"] == "to_channel":
        key_row = _lock_key(session, report.agency_id, report.project_id, report.mobile_key)
        settings = project_settings(session, report.agency_id, report.project_id)
        report.status, report.reason, report.mobile = "visited", "ruling", full
        customer = _bring_customer(uow, actor, report, full, now)
        # other reports still holding this customer hold it no longer
        for other in session.execute(select(ChannelReport).where(
                ChannelReport.project_id == report.project_id, ChannelReport.mobile_key == report.mobile_key,
                ChannelReport.id != report.id, ChannelReport.status.in_(("valid", "visited")))).scalars():
            if other.mobile in (None, full) and not other.attributed:
                other.status, other.reason, other.updated_at = "rejected", "ruling", now
        _attribute(uow, actor, report, customer, now, now + timedelta(days=settings.protection_days), "ruling")
        _bump_key(session, key_row, report.id)
    elif data["decision"] == "to_site":
        if report.attributed:
            _end_attribution(uow, actor, report, now, "ruling")
        if report.status in ("valid", "visited"):
            report.status, report.reason = "rejected", "ruling"
        report.updated_at = now
    session.flush()
    return appeal_view(appeal)


# risk (渠道风控) -----------------------------------------------------------------------------
ALERT_FIELDS = ("id", "project_id", "kind", "report_id", "customer_id", "broker_id", "mobile_key", "facts", "at")


def _alert(session, report_or_none, kind, facts, at, customer_id=None, agency_id=None, project_id=None,
           broker_id=None, mobile_key=None):
    r = report_or_none
    session.add(ChannelRiskAlert(agency_id=r.agency_id if r else agency_id, project_id=r.project_id if r else project_id,
                                 kind=kind, report_id=r.id if r else None, customer_id=customer_id or
                                 (r.customer_id if r else None), broker_id=r.broker_id if r else broker_id,
                                 mobile_key=r.mobile_key if r else mobile_key, facts=facts, at=at))


def _alert_many_channels(session, report, now):
    """The same customer (3+4) reported by MANY_CHANNELS channels within 30 days: one alert
    each time another channel joins them."""
    rows = session.execute(select(ChannelReport.id, ChannelReport.channel_id, ChannelReport.broker_id,
                                  ChannelReport.channel_name, ChannelReport.broker_name).where(
        ChannelReport.project_id == report.project_id, ChannelReport.mobile_key == report.mobile_key,
        ChannelReport.filed_at >= now - timedelta(days=MANY_CHANNELS_DAYS))).all()
    mine = _channel_key(report.channel_id, report.broker_id)
    others = {_channel_key(r.channel_id, r.broker_id) for r in rows if r.id != report.id}
    if mine in others or not rules.many_channels(others | {mine}):
        return
    names = sorted({r.channel_name or f"{INDIVIDUAL} {r.broker_name}" for r in rows})
    _alert(session, report, "many_channels", {"channels": names, "reports": len(rows),
                                              "days": MANY_CHANNELS_DAYS}, now)


def alert_reports_before_deal(session, customer, subscribed_at, deal_id):
    """截客: a report of the customer filed REPORT_BEFORE_DEAL_MINUTES or less before its 认购
    (or after it); called when crm learns the 认购 (subscription_approved)."""
    rows = session.execute(select(ChannelReport).where(
        ChannelReport.project_id == customer.project_id, ChannelReport.mobile_key == rules.key_of(customer.mobile),
        ChannelReport.filed_at >= subscribed_at - timedelta(minutes=rules.REPORT_BEFORE_DEAL_MINUTES))).scalars()
    for report in rows:
        if report.mobile not in (None, customer.mobile):
            continue
        if rules.report_just_before_deal(report.filed_at, subscribed_at):
            minutes = int((subscribed_at - report.filed_at).total_seconds() // 60)
            _alert(session, report, "report_before_deal", {
                "deal_id": deal_id, "subscribed_at": subscribed_at.isoformat(),
                "filed_at": report.filed_at.isoformat(), "minutes_before": minutes,
                "channel": report.channel_name or INDIVIDUAL, "broker": report.broker_name}, utcnow(),
                customer_id=customer.id)


def attributed_report(session, customer_id, at):
    """The report whose channel holds the customer at `at` (None: no channel does)."""
    return session.execute(select(ChannelReport).where(
        ChannelReport.customer_id == customer_id, ChannelReport.attributed.is_(True),
        ChannelReport.protected_until > at)).scalars().first()


def alert_owner_change(session, actor, customer, to_owner_id, reason, at):
    """An owner change of a customer a channel holds: listed for the manager with the facts."""
    report = attributed_report(session, customer.id, at)
    if report is None:
        return
    _alert(session, report, "owner_change", {"from_owner_id": customer.owner_id, "to_owner_id": to_owner_id,
                                             "reason": reason, "by": actor["username"] if actor else None},
           at, customer_id=customer.id)


# 更正手机号 of a customer a channel may hold (services/crm/mobile_changes.py) ------------------
def holding_report(session, customer, at):
    """The report through which a channel holds `customer` at `at`, else None: its attributed
    report while the channel's protection lasts, or a report of its number (in full, or 前三后四
    matching it) waiting for its visit."""
    report = attributed_report(session, customer.id, at)
    if report is not None:
        return report
    mine = rules.parse_mobile(customer.mobile)
    for waiting in session.execute(select(ChannelReport).where(
            ChannelReport.project_id == customer.project_id, ChannelReport.mobile_key == mine.key,
            ChannelReport.status == "valid").order_by(ChannelReport.filed_at, ChannelReport.id)).scalars():
        if rules.holds_number(_fact(waiting), mine, at):
            return waiting
    return None


def protection_view(session, customer_id, at):
    """The channel protection shown on the customer's record: who brought them, until when."""
    report = attributed_report(session, customer_id, at)
    if report is None:
        return None
    return {"report_id": report.id, "channel_id": report.channel_id, "channel_name": report.channel_name or INDIVIDUAL,
            "broker_id": report.broker_id, "broker_name": report.broker_name, "visited_at": report.visited_at,
            "protected_until": report.protected_until}


def lock_reports_of(session, customer):
    """The reports that follow the customer's number, locked (ids ascending): those that
    brought them (customer_id) and those of its full number still waiting for a visit. A
    hidden-number report stays on its 前三后四: it may be another person's."""
    return session.execute(select(ChannelReport).where(
        ChannelReport.project_id == customer.project_id,
        or_(ChannelReport.customer_id == customer.id,
            and_(ChannelReport.status == "valid", ChannelReport.mobile == customer.mobile)))
        .order_by(ChannelReport.id).with_for_update().execution_options(populate_existing=True)).scalars().all()


def lock_keys(session, agency_id, project_id, mobiles):
    """The 前三后四 key rows of `mobiles`, locked in one order: no report of either number is
    judged, and none filed, while the number changes."""
    return [_lock_key(session, agency_id, project_id, key) for key in sorted({rules.key_of(m) for m in mobiles})]


def check_move(session, customer, reports, new_mobile, at):
    """409 MOBILE_REPORTED when the customer's reports that still hold them cannot follow it to
    `new_mobile`: a live report of another claim holds the new number (channel_rules.move_clash)."""
    new = rules.parse_mobile(new_mobile)
    clash = rules.move_clash([_fact(r) for r in reports], _live_reports(session, customer.project_id, new.key),
                             new, at)
    if clash is not None:
        raise ConflictError(f"channel report {clash} holds {new.key} already: a manager rules it (申诉) first",
                            "MOBILE_REPORTED")


def move_reports(session, customer, reports, keys, new_mobile, at):
    """The customer's reports (lock_reports_of) follow it to `new_mobile`, so the 判客 of the
    new number finds the channel that holds it and the old number holds nobody (check_move
    first). The keys' versions move on: their judgements are final."""
    check_move(session, customer, reports, new_mobile, at)
    new = rules.parse_mobile(new_mobile)
    for report in reports:
        if report.mobile is not None:
            report.mobile = new.full
        report.mobile_key, report.updated_at = new.key, at
    session.flush()
    for key_row in keys:
        _bump_key(session, key_row)


def alert_mobile_change(session, customer, change, report, stage, at):
    """A mobile change of a customer a channel holds (stage requested, approved, or applied by
    a manager of their own): listed for the manager with the facts, the numbers masked."""
    _alert(session, report, "mobile_change", {
        "mobile_change_id": change.id, "stage": stage, "old_mobile": mask_mobile(change.old_mobile),
        "new_mobile": mask_mobile(change.new_mobile), "reason": change.reason, "by": change.requested_by_name,
        "approved_by": change.decided_by_name if stage != "requested" else None}, at, customer_id=customer.id)


def list_alerts(session, actor, project_id, query):
    """The project's risk alerts, newest first, and the brokers whose reports turn into 认购
    far above the site's norm (computed now: kind high_conversion, id null)."""
    require_role(actor, PERMISSIONS["channel_risk.read"])
    _project(actor, project_id)
    q = select(ChannelRiskAlert).where(ChannelRiskAlert.agency_id == actor["agency_id"],
                                       ChannelRiskAlert.project_id == project_id)
    if query.get("kind"):
        q = q.where(ChannelRiskAlert.kind == query["kind"])
    rows = [{c: getattr(a, c) for c in ALERT_FIELDS} for a in session.execute(
        q.order_by(ChannelRiskAlert.at.desc(), ChannelRiskAlert.id.desc()).limit(query.get("limit", 200))).scalars()]
    if query.get("kind") in (None, "high_conversion"):
        rows = _high_conversion(session, actor, project_id) + rows
    return rows


def _high_conversion(session, actor, project_id):
    agency = actor["agency_id"]
    site_customers = session.scalar(select(func.count()).select_from(Customer).where(
        Customer.agency_id == agency, Customer.project_id == project_id)) or 0
    dealt = set(session.execute(select(DealCustomer.customer_id).where(
        DealCustomer.agency_id == agency, DealCustomer.project_id == project_id,
        DealCustomer.customer_id.is_not(None))).scalars())
    per_broker, converted = Counter(), Counter()
    for broker_id, customer_id in session.execute(select(ChannelReport.broker_id, ChannelReport.customer_id).where(
            ChannelReport.agency_id == agency, ChannelReport.project_id == project_id,
            ChannelReport.status.in_(("valid", "visited", "lapsed")))):
        per_broker[broker_id] += 1
        converted[broker_id] += customer_id in dealt
    found = []
    for broker_id, reports in sorted(per_broker.items()):
        if rules.converts_far_above(reports, converted[broker_id], site_customers, len(dealt)):
            found.append({"id": None, "project_id": project_id, "kind": "high_conversion", "report_id": None,
                          "customer_id": None, "broker_id": broker_id, "mobile_key": None, "at": utcnow(),
                          "facts": {"reports": reports, "deals": converted[broker_id],
                                    "rate": round(converted[broker_id] / reports, 3),
                                    "site_rate": round(len(dealt) / site_customers, 3) if site_customers else 0}})
    return found


# brokers on their own phones (issue 19) -------------------------------------------------------
# The gateway's broker routes (gateway/routes/brokers.py) call these with the broker of the
# session they checked; nothing here takes a staff actor. A broker reaches their own reports
# only: another broker's report is 404, as one that does not exist.
def broker_actor(broker, project_ids=None):
    """The actor a broker acts as inside crm (filed_by_name, the phones they see): role broker,
    which no grant names, so no staff function lets it through."""
    return {"account_id": None, "username": f"经纪人 {broker.name}"[:80], "role": BROKER,
            "agency_id": broker.agency_id, "project_ids": project_ids}


def active_broker(session, broker_id):
    broker = session.get(Broker, broker_id)
    if broker is None:
        raise not_found("broker", broker_id)
    if broker.status != "active":
        raise Forbidden("this broker account is disabled: ask the channel or the sales office", "BROKER_ACCOUNT_DISABLED")
    return broker


def find_brokers(session, mobile):
    """The active brokers of `mobile`, one per agency (a mobile may broker for several)."""
    mobile = customers.normalise_mobile(mobile)
    rows = session.execute(select(Broker).where(Broker.mobile == mobile, Broker.status == "active")
                           .order_by(Broker.agency_id, Broker.id)).scalars()
    return [{"broker_id": b.id, "agency_id": b.agency_id, "channel_id": b.channel_id} for b in rows]


def broker_me(session, broker_id):
    """The broker and the projects they report to: their channel's, none while it is
    suspended (it reports to none: CHANNEL_NOT_ON_PROJECT); a 全民经纪人 (None): any of the
    agency's."""
    broker = active_broker(session, broker_id)
    channel = session.get(Channel, broker.channel_id) if broker.channel_id is not None else None
    projects = None if channel is None else list(channel.project_ids or []) if channel.status == "active" else []
    return {"id": broker.id, "name": broker.name, "mobile": broker.mobile, "channel_id": broker.channel_id,
            "channel_name": channel.name if channel else INDIVIDUAL, "individual": channel is None,
            "project_ids": projects, "created_at": broker.created_at}


def signup_broker(uow, agency_id, name, mobile):
    """A 全民经纪人 signs up themselves (their mobile proved by a texted code at the gateway):
    a broker of no channel of the agency; 409 BROKER_EXISTS for a mobile that brokers there."""
    session = uow.session
    broker = Broker(agency_id=agency_id, channel_id=None, name=name.strip(), mobile=customers.normalise_mobile(mobile),
                    status="active", created_by=None)
    _unique(session, lambda: session.add(broker), "BROKER_EXISTS", "a broker with this mobile (sign in instead)")
    return {"broker_id": broker.id, "agency_id": broker.agency_id, "channel_id": None}


def broker_file_report(uow, broker_id, project_id, data):
    """报备 by the broker themselves; the project is of the broker's agency (checked by the
    entrypoint) and, for a channel's broker, one the channel reports to."""
    broker = active_broker(uow.session, broker_id)
    actor = broker_actor(broker, [project_id])
    broker, channel = _broker_for_project(uow.session, actor, broker.id, project_id)
    return _file_report(uow, actor, broker, channel, project_id, data)


def _own_report(session, broker, report_id):
    report = session.get(ChannelReport, report_id)
    if report is None or report.broker_id != broker.id or report.agency_id != broker.agency_id:
        raise not_found("channel report", report_id)
    return report


def broker_reports(session, broker_id, query):
    """The broker's own reports, every project, newest first."""
    broker = active_broker(session, broker_id)
    actor = broker_actor(broker)
    q = select(ChannelReport).where(ChannelReport.agency_id == broker.agency_id, ChannelReport.broker_id == broker.id)
    for key in ("project_id", "status"):
        if query.get(key) is not None:
            q = q.where(getattr(ChannelReport, key) == query[key])
    rows = session.execute(q.order_by(ChannelReport.filed_at.desc(), ChannelReport.id.desc())
                           .limit(query.get("limit", 50)).offset(query.get("offset", 0))).scalars()
    return [report_view(actor, r) for r in rows]


def broker_report(session, broker_id, report_id):
    """One of the broker's reports with its visits and appeals (another's: 404)."""
    broker = active_broker(session, broker_id)
    report = _own_report(session, broker, report_id)
    return _report_detail(session, broker_actor(broker, [report.project_id]), report)


def broker_appeal(uow, broker_id, report_id, data):
    """申诉 by the broker themselves of their own report's verdict."""
    session = uow.session
    broker = active_broker(session, broker_id)
    report = _own_report(session, broker, report_id)
    return _file_appeal(uow, broker_actor(broker, [report.project_id]), report, dict(data, broker_id=broker.id))
