"""Entrypoints of price lists (价目表), price history and discounts (折扣)."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import inventory_pricing as c
from services.inventory import discounts, pricing



class PricingEntrypoints:
    """Mixin of InventoryService: needs `self.db`."""

    @command(c.PriceListPreview)
    def create_price_list(self, actor, project_id, data):
        """调价 bulk adjustment: a draft 价目表 version made from the current prices; returns its preview."""
        price_list = pricing.create_draft(self.db, actor, project_id, load(c.PriceListIn, data))
        return pricing.preview(self.db.session, actor, price_list.id)

    @query(c.PriceListOut, many=True)
    def list_price_lists(self, actor, project_id):
        """Every price list version of a project, newest first."""
        return pricing.list_price_lists(self.db.session, actor, project_id)

    @query(c.PriceListPreview)
    def get_price_list(self, actor, price_list_id):
        """Preview of a version: every unit it changes, with counts."""
        return pricing.preview(self.db.session, actor, price_list_id)

    @command(c.PriceListOut)
    def discard_price_list(self, actor, price_list_id):
        """Delete a draft version."""
        return pricing.discard(self.db, actor, price_list_id)

    @command(c.PriceListOut)
    def approve_price_list(self, actor, price_list_id):
        """A director approves a draft that takes units below their 底价."""
        return pricing.approve(self.db, actor, price_list_id)

    @command(c.PriceListOut)
    def publish_price_list(self, actor, price_list_id):
        """Publish a draft: it becomes the current version and reprices the units on sale."""
        return pricing.publish(self.db, actor, price_list_id)

    @query(c.UnitPrices)
    def get_unit_prices(self, actor, unit_id):
        """Price history of a unit: direction, step, period and size of each change."""
        return pricing.unit_prices(self.db.session, actor, unit_id)

    @query(c.PriceHistory)
    def get_price_history(self, actor, project_id):
        """价格走向 of a project: 均价 per version with direction, step, period and size."""
        return pricing.price_history(self.db.session, actor, project_id)

    @command(c.DiscountRequestOut)
    def request_discount(self, actor, hold_id, data):
        """折扣 on a hold: approved at once within the advisor range, else pending a decision."""
        return discounts.request_discount(self.db, actor, hold_id, load(c.DiscountIn, data))

    @query(c.DiscountRequestOut, many=True)
    def list_discount_requests(self, actor, project_id, query=None):
        """Discount requests of a project, newest first, optionally by status."""
        query = load(c.DiscountQuery, query)
        return discounts.list_requests(self.db.session, actor, project_id, query.get("status"))

    @command(c.DiscountRequestOut)
    def execute_discount(self, actor, request_id):
        """执行特价: the assistant records an approved special price on its hold."""
        return discounts.execute(self.db, actor, request_id)

    @command(c.DiscountRequestOut)
    def approve_discount(self, actor, request_id, data=None):
        """Approve a pending discount: it waits for the assistant to execute it."""
        note = load(c.DecisionIn, data)["note"]
        return discounts.decide(self.db, actor, request_id, True, note)

    @command(c.DiscountRequestOut)
    def reject_discount(self, actor, request_id, data=None):
        """Reject a pending discount."""
        note = load(c.DecisionIn, data)["note"]
        return discounts.decide(self.db, actor, request_id, False, note)

    @query(c.HoldDetail)
    def get_hold(self, actor, hold_id):
        """A hold with its approved special price (特价), as the subscription reads it."""
        return discounts.get_hold(self.db.session, actor, hold_id)
