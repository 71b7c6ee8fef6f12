"""Missed follow-up deadlines reach people: hr's `sla_breach_routed` (crm's `sla_breached`
with the advisor's supervisors named) becomes a notification (GET /api/notifications) for
the advisor and for each supervisor, saying who breached what. A mixin of GatewayService."""
from gateway.models import Notification
from gateway.routes.bell import RULES
from loupan.inbox import handles


def breach_texts(payload):
    """(the advisor's text, the supervisors' text) of a breach."""
    rule = RULES.get(payload["rule"], payload["rule"])
    customer = payload.get("customer_name") or f"客户 #{payload['customer_id']}"
    advisor = payload.get("advisor_name") or f"顾问 #{payload['advisor_id']}"
    return f"{rule}超时：{customer}，请尽快跟进", f"{rule}超时：{advisor} 的客户 {customer}"


class BreachNotices:
    @handles("hr", "sla_breach_routed")
    def on_sla_breach_routed(self, event):
        """Tell the advisor and their supervisors that a follow-up deadline was missed."""
        payload = event["payload"]
        mine, theirs = breach_texts(payload)
        people = [(payload["advisor_id"], mine)] if payload["advisor_id"] is not None else []
        people += [(s, theirs) for s in payload["supervisor_ids"] if s != payload["advisor_id"]]
        self.db.session.add_all(
            Notification(agency_id=event["agency_id"], project_id=event["project_id"], account_id=account_id,
                         kind="sla_breached", text=text, event_id=event["event_id"])
            for account_id, text in people)
