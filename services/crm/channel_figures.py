"""渠道效果, the distribution side (issue 19): per channel company of a project, and the
全民经纪人 as one row, the 报备 filed, the 带看 verified and the 认购 of the customers the
channel held, over a period of Asia/Shanghai days. The gateway puts them next to finance's
commission billed (gateway/reports/compose.py distribution).

A 认购 counts as the funnel counts it (funnel.py): a customer's first becoming subscribed in
the period, once; it is the channel's whose verified report held the customer at that
moment (visited by then, protected until after it, not rejected by a ruling), so the
channel's 认购 are among the funnel's `channel_partner` ones (the 认知途径 the visit gives the
customer)."""
from collections import Counter

from sqlalchemy import func, select

from loupan.roles import PERMISSIONS, require_role
from services.crm.channels import INDIVIDUAL
from services.crm.funnel import _bounds
from services.crm.models import Channel, ChannelReport, ChannelVisit, CustomerStatusChange
from services.crm.rotation import project_scope


def _reports(session, agency_id, project_id, start, end):
    return Counter(dict(session.execute(
        select(ChannelReport.channel_id, func.count())
        .where(ChannelReport.agency_id == agency_id, ChannelReport.project_id == project_id,
               ChannelReport.filed_at >= start, ChannelReport.filed_at < end)
        .group_by(ChannelReport.channel_id)).all()))


def _visits(session, agency_id, project_id, start, end):
    return Counter(dict(session.execute(
        select(ChannelReport.channel_id, func.count()).select_from(ChannelVisit)
        .join(ChannelReport, ChannelReport.id == ChannelVisit.report_id)
        .where(ChannelVisit.agency_id == agency_id, ChannelVisit.project_id == project_id,
               ChannelVisit.result == "visited", ChannelVisit.at >= start, ChannelVisit.at < end)
        .group_by(ChannelReport.channel_id)).all()))


def _holder(reports, at):
    """The channel (None: a 全民经纪人) of the report that held the customer at `at`; the
    latest visit if several did. False: none did."""
    held = [r for r in reports if r.visited_at <= at and (r.protected_until is None or at < r.protected_until)]
    if not held:
        return False
    return max(held, key=lambda r: (r.visited_at, r.id)).channel_id


def _deals(session, agency_id, project_id, start, end):
    first = {}
    for customer_id, at in session.execute(
            select(CustomerStatusChange.customer_id, CustomerStatusChange.at)
            .where(CustomerStatusChange.agency_id == agency_id, CustomerStatusChange.project_id == project_id,
                   CustomerStatusChange.to_status == "subscribed",
                   CustomerStatusChange.at >= start, CustomerStatusChange.at < end)
            .order_by(CustomerStatusChange.at, CustomerStatusChange.id)):
        first.setdefault(customer_id, at)  # once per customer, as the funnel
    if not first:
        return Counter()
    reports = {}
    for row in session.execute(select(ChannelReport).where(
            ChannelReport.agency_id == agency_id, ChannelReport.project_id == project_id,
            ChannelReport.customer_id.in_(list(first)), ChannelReport.status == "visited",
            ChannelReport.visited_at.is_not(None))).scalars():
        reports.setdefault(row.customer_id, []).append(row)
    deals = Counter()
    for customer_id, at in first.items():
        channel_id = _holder(reports.get(customer_id, ()), at)
        if channel_id is not False:
            deals[channel_id] += 1
    return deals


def channel_figures(session, actor, project_id, first, last):
    """Each channel company active on the project or with a figure in days first..last, by
    name, then the 全民经纪人 (the reports of brokers of no channel) once the agency has its
    全民经纪人 channel (the first verified visit of one makes it) or they have a figure."""
    require_role(actor, PERMISSIONS["reports.channels"], "read the channel-effectiveness figures")
    project_scope(actor, project_id)
    agency_id = actor["agency_id"]
    start, end = _bounds(first, last)
    facts = {"reports": _reports(session, agency_id, project_id, start, end),
             "visits": _visits(session, agency_id, project_id, start, end),
             "deals": _deals(session, agency_id, project_id, start, end)}
    channels = sorted(session.execute(select(Channel).where(Channel.agency_id == agency_id)).scalars(),
                      key=lambda c: (c.name, c.id))  # by name as Python orders it, whatever the database's collation
    individual = next((c for c in channels if c.name == INDIVIDUAL), None)
    rows = []
    for channel in channels:
        if channel is individual:
            continue
        counts = {k: facts[k][channel.id] for k in facts}
        on_project = channel.status == "active" and project_id in (channel.project_ids or [])
        if on_project or any(counts.values()):
            rows.append({"channel_id": channel.id, "channel_name": channel.name, "individual": False, **counts})
    # the 全民经纪人's reports carry no channel; finance knows them by the agency's 全民经纪人 channel
    counts = {k: facts[k][None] + (facts[k][individual.id] if individual else 0) for k in facts}
    if individual is not None or any(counts.values()):
        rows.append({"channel_id": individual.id if individual else None, "channel_name": INDIVIDUAL,
                     "individual": True, **counts})
    return {"project_id": project_id, "start": first, "end": last, "channels": rows}
