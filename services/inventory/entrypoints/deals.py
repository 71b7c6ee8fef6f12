"""Entrypoints of units moved by deals: the contracts saga's RPCs, its events, a unit's detail."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import inventory_deals as c
from loupan.schemas.reveals import DataRevealOut, DataRevealRpcQuery
from loupan.inbox import handles
from services.inventory import deals, holds


class DealEntrypoints:
    @command(c.DealUnitOut)
    def subscribe_hold(self, actor, hold_id, deal_id):
        """认购 subscription: the active hold becomes the deal's (hold converted, unit
        subscribed, in one transaction). Repeating it for the same deal returns the same
        unit; another deal or an ended hold is 409."""
        args = load(c.SubscribeHoldIn, {"hold_id": hold_id, "deal_id": deal_id})
        return deals.subscribe_hold(self.db, actor, **args)

    @command(c.SwapOut)
    def swap_unit(self, actor, deal_id, from_unit_id, to_unit_id):
        """换房: move the deal to an available unit of the project in the status it had;
        the old unit goes back on sale. Idempotent by (deal, new unit); returns the price
        difference (new list price − old)."""
        args = load(c.SwapUnitIn, {"deal_id": deal_id, "from_unit_id": from_unit_id, "to_unit_id": to_unit_id})
        return deals.swap_unit(self.db, actor, **args)

    @command(c.ReleaseDealUnitOut)
    def release_deal_unit(self, actor, deal_id, unit_id, reason):
        """退房 (or a rejected subscription): the deal's unit back on sale. A unit that no
        longer carries the deal is left alone (released: false)."""
        args = load(c.ReleaseDealUnitIn, {"deal_id": deal_id, "unit_id": unit_id, "reason": reason})
        return deals.release_deal_unit(self.db, actor, **args)

    @command(c.UnitDetail)
    def get_unit(self, actor, unit_id):
        """One unit with its status, deal, advisor and active hold (a buyer's full number shown
        to a manager or director is logged before answering)."""
        detail = deals.unit_detail(self.db.session, actor, unit_id)
        if detail["hold"] is not None:
            holds.log_reveals(self.db.session, actor, "detail", "get_unit",
                              [dict(detail["hold"], project_id=detail["project_id"])])
        return detail

    @query(DataRevealOut, many=True)
    def list_data_reveals(self, actor, query=None):
        """The director's log of buyers' full numbers shown to managers and directors, newest first."""
        return deals.list_data_reveals(self.db.session, actor, load(DataRevealRpcQuery, query))

    @handles("contracts", "subscription_approved")
    def on_subscription_approved(self, event):
        """认购 approved: the unit is subscribed for the deal (converting its hold if needed)."""
        deals.apply_subscription_approved(self.db, event)

    @handles("contracts", "contract_signed")
    def on_contract_signed(self, event):
        """签约: subscribed → signed."""
        deals.advance_deal(self.db, event, "signed", f"签约 contract {event['payload']['contract_id']}")

    @handles("contracts", "contract_filed")
    def on_contract_filed(self, event):
        """备案: signed → filed."""
        deals.advance_deal(self.db, event, "filed", f"备案 {event['payload']['filing_no']}")

    @handles("contracts", "unit_handed_over")
    def on_unit_handed_over(self, event):
        """交付: filed → delivered."""
        deals.advance_deal(self.db, event, "delivered", "交付 handed over")

    @handles("contracts", "deal_cancelled")
    def on_deal_cancelled(self, event):
        """退房: the deal's unit back on sale."""
        deals.apply_deal_cancelled(self.db, event)

    @handles("contracts", "deal_unit_swapped")
    def on_deal_unit_swapped(self, event):
        """换房: the deal moves to its new unit."""
        deals.apply_unit_swapped(self.db, event)
