"""Entrypoints of price lists (价目表), price history and discounts (折扣)."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import inventory_pricing as c
from loupan.scope import load_actor
from services.inventory import discounts, pricing



class PricingRpc:
    """Mixin of InventoryService: needs `self.db`."""

    @rpc
    def create_price_list(self, actor, project_id, data):
        """调价 bulk adjustment: a draft 价目表 version made from the current prices; returns its preview."""
        actor = load_actor(actor)
        price_list = pricing.create_draft(self.db, actor, project_id, load(c.PriceListIn, data))
        self.db.commit()
        return dump(c.PriceListPreview, pricing.preview(self.db.session, actor, price_list.id))

    @rpc
    def list_price_lists(self, actor, project_id):
        """Every price list version of a project, newest first."""
        rows = pricing.list_price_lists(self.db.session, load_actor(actor), project_id)
        return dump(c.PriceListOut, rows, many=True)

    @rpc
    def get_price_list(self, actor, price_list_id):
        """Preview of a version: every unit it changes, with counts."""
        return dump(c.PriceListPreview, pricing.preview(self.db.session, load_actor(actor), price_list_id))

    @rpc
    def discard_price_list(self, actor, price_list_id):
        """Delete a draft version."""
        data = pricing.discard(self.db, load_actor(actor), price_list_id)
        self.db.commit()
        return dump(c.PriceListOut, data)

    @rpc
    def approve_price_list(self, actor, price_list_id):
        """A director approves a draft that takes units below their 底价."""
        data = pricing.approve(self.db, load_actor(actor), price_list_id)
        self.db.commit()
        return dump(c.PriceListOut, data)

    @rpc
    def publish_price_list(self, actor, price_list_id):
        """Publish a draft: it becomes the current version and reprices the units on sale."""
        data = pricing.publish(self.db, load_actor(actor), price_list_id)
        self.db.commit()
        return dump(c.PriceListOut, data)

    @rpc
    def get_unit_prices(self, actor, unit_id):
        """Price history of a unit: direction, step, period and size of each change."""
        return dump(c.UnitPrices, pricing.unit_prices(self.db.session, load_actor(actor), unit_id))

    @rpc
    def get_price_history(self, actor, project_id):
        """价格走向 of a project: 均价 per version with direction, step, period and size."""
        return dump(c.PriceHistory, pricing.price_history(self.db.session, load_actor(actor), project_id))

    @rpc
    def request_discount(self, actor, hold_id, data):
        """折扣 on a hold: approved at once within the advisor range, else pending a decision."""
        request = discounts.request_discount(self.db, load_actor(actor), hold_id, load(c.DiscountIn, data))
        self.db.commit()
        return dump(c.DiscountRequestOut, request)

    @rpc
    def list_discount_requests(self, actor, project_id, query=None):
        """Discount requests of a project, newest first, optionally by status."""
        query = load(c.DiscountQuery, query)
        rows = discounts.list_requests(self.db.session, load_actor(actor), project_id, query.get("status"))
        return dump(c.DiscountRequestOut, rows, many=True)

    @rpc
    def approve_discount(self, actor, request_id, data=None):
        """Approve a pending discount: the price is recorded on the hold."""
        note = load(c.DecisionIn, data)["note"]
        request = discounts.decide(self.db, load_actor(actor), request_id, True, note)
        self.db.commit()
        return dump(c.DiscountRequestOut, request)

    @rpc
    def reject_discount(self, actor, request_id, data=None):
        """Reject a pending discount."""
        note = load(c.DecisionIn, data)["note"]
        request = discounts.decide(self.db, load_actor(actor), request_id, False, note)
        self.db.commit()
        return dump(c.DiscountRequestOut, request)

    @rpc
    def get_hold(self, actor, hold_id):
        """A hold with its approved special price (特价), as the subscription reads it."""
        return dump(c.HoldDetail, discounts.get_hold(self.db.session, load_actor(actor), hold_id))
