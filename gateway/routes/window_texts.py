"""Buyers are told when their 选房 window opens: inventory's `selection_window_opened` (a
lottery window opened, with its members and the mobiles of their 认筹) becomes one text to
each member through the SMS adapter (gateway/sms.py; the demo's writes var/sms.log). A mixin
of GatewayService (its `sms()` is BuyerRoutes').

Once per registration and window: inventory publishes the event once per window (the
conditional update that opens it), and the inbox applies it once. A text the provider
refuses is logged and not retried, so that the others are not sent twice: the buyer's page
shows the window anyway (GET /api/buyer/me)."""
import logging

from loupan.errors import Unavailable
from loupan.inbox import handles
from loupan.types import SHANGHAI
from loupan.validators import mask_mobile

log = logging.getLogger(__name__)


def window_text(payload, member):
    """The text a member of the window receives."""
    closes = payload["closes_at"].astimezone(SHANGHAI).strftime("%H:%M")
    return (f"【Loupan选房】{payload['launch_name']}：您的选房时段（第{payload['number']}批）已开始，"
            f"请于 {closes} 前登录选房页面选房（认筹号 {member['number']}）。")


class WindowTexts:
    @handles("inventory", "selection_window_opened")
    def on_selection_window_opened(self, event):
        """Text each buyer of the window that it is open, and until when."""
        payload = event["payload"]
        for member in payload["members"]:
            try:
                self.sms().send(member["mobile"], window_text(payload, member))
            except Unavailable:
                log.warning("window %s of launch %s: the text to %s was not sent", payload["number"],
                            payload["launch_id"], mask_mobile(member["mobile"]))
