"""The header's bell: what waits for the signed-in account on a project, in one call. A mixin of
GatewayService.

Read from what the services already answer, each part only with the permission its own route
needs: my expired holds (the gateway's notifications, from inventory's unit_hold_expired), the
approvals waiting for me (认购 submitted, discounts pending, 更名/换房/退房 requested: the manager's
inbox), and the missed follow-up deadlines: an advisor's own from crm's overdue list (live: one
followed up leaves the bell); a supervisor's team's from the notifications hr routes to them
(`sla_breach_routed`, gateway/routes/breaches.py: the supervisor of the advisor's team, else the
site's supervisors), news for three days; a manager's or director's, the whole site's overdue list."""
from datetime import datetime, timedelta

from sqlalchemy import select

from gateway.http import route
from gateway.models import Notification
from loupan.roles import PERMISSIONS, SUPERVISOR
from loupan.schemas import dump
from loupan.schemas import gateway_display as g
from loupan.types import utcnow

NEWS_DAYS = 3  # an expired hold, a breach routed to a supervisor: news for three days
MAX_ITEMS = 50
LINKS = {"hold_expired": "/board", "sla_breached": "/today"}  # the console's page for a stored notification
CHANGES = {"rename": "更名", "swap": "换房", "cancel": "退房"}
RULES = {"first_response": "首次响应", "needs_analysis": "需求分析", "weekly_follow_up": "每周跟进",
         "satisfaction_visit": "满意度回访"}


def when(value):
    """A time as the RPCs answer it (ISO text) or as the gateway's rows hold it."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def late(minutes):
    """`minutes` late as an office says it: 2 天 3 小时, 5 小时 10 分, 40 分."""
    minutes = max(0, int(minutes or 0))
    if minutes >= 1440:
        return f"{minutes // 1440} 天 {minutes % 1440 // 60} 小时"
    if minutes >= 60:
        return f"{minutes // 60} 小时 {minutes % 60} 分"
    return f"{minutes} 分"


def approval_items(deals, discounts, changes):
    items = [{"kind": "approval_waiting", "link": "/approvals", "at": d.get("created_at"),
              "text": f"认购待审批：{d.get('unit_label') or '#' + str(d.get('unit_id'))} {d.get('customer_name') or ''}".rstrip()}
             for d in deals]
    items += [{"kind": "approval_waiting", "link": "/approvals", "at": r.get("requested_at"),
               "text": f"折扣待审批：房源 #{r.get('unit_id')} 优惠 {r.get('discount_pct')}%"
                       + ("（低于底价，须总监审批）" if r.get("needs_director") else "")}
              for r in discounts]
    items += [{"kind": "approval_waiting", "link": "/approvals", "at": c.get("requested_at"),
               "text": f"{CHANGES.get(c.get('kind'), '变更')}待审批：交易 #{c.get('deal_id')}"
                       + (f"（{c['requested_by_name']} 申请）" if c.get("requested_by_name") else "")}
              for c in changes]
    return items


def sla_items(overdue, mine):
    return [{"kind": "sla_breached", "link": f"/customers/{o['customer_id']}", "at": o.get("due_at"),
             "text": f"{RULES.get(o.get('rule'), o.get('rule'))}超时：{o.get('customer_name')}"
                     + ("" if mine or not o.get("advisor_name") else f"（{o['advisor_name']}）")
                     + f"，已超 {late(o.get('minutes_late'))}"}
            for o in overdue]


class BellRoutes:
    @route("GET", "/api/projects/<int:project_id>/notifications", response=g.BellOut,
           summary="The header's bell: my expired holds (3 days), the approvals waiting for me, and the "
                   "missed follow-up deadlines (an advisor's own overdue items; a supervisor's team's breaches "
                   "of the last 3 days; the site's overdue items for managers), each with the console page that "
                   "deals with it; at most 50 items, `count` all of them")
    def bell(self, request, actor, project_id):
        self.inventory.get_project(actor, project_id)  # another agency's project: 404 before any read
        role, me = actor["role"], actor["account_id"]
        team = role == SUPERVISOR  # their team's breaches come routed by hr, not the whole site's list
        kinds = ("hold_expired", "sla_breached") if team else ("hold_expired",)
        news = self.db.session.execute(
            select(Notification).where(Notification.account_id == me, Notification.project_id == project_id,
                                       Notification.kind.in_(kinds),
                                       Notification.created_at >= utcnow() - timedelta(days=NEWS_DAYS))
            .order_by(Notification.id.desc()).limit(MAX_ITEMS)).scalars().all()
        items = [{"kind": n.kind, "text": n.text, "link": LINKS[n.kind], "at": n.created_at} for n in news]
        deals = discounts = changes = ()
        if role in PERMISSIONS["deals.review"]:
            deals = self.contracts.list_deals(actor, project_id, {"status": "submitted", "limit": 500})["items"]
        if role in PERMISSIONS["discounts.decide"]:
            discounts = self.inventory.list_discount_requests(actor, project_id, {"status": "pending"})
        if role in PERMISSIONS["changes.decide"]:
            changes = self.contracts.project_changes(actor, project_id, {"status": "requested"})
        # nobody approves their own request (the services refuse it): not news for the requester
        items += approval_items([d for d in deals if d.get("advisor_id") != me],
                                [r for r in discounts if r.get("requested_by") != me],
                                [c for c in changes if c.get("requested_by") != me])
        if role in PERMISSIONS["follow_ups.overdue"] and not team:
            site = role in PERMISSIONS["follow_ups.overdue_site"]
            overdue = self.crm.overdue_items(actor, project_id, {} if site else {"advisor_id": me})
            items += sla_items(overdue, mine=not site)
        shown = [dict(i, at=when(i["at"])) for i in items[:MAX_ITEMS]]
        return dump(g.BellOut, {"count": len(items), "items": shown})
