"""Routes of price lists (价目表), price history and discounts (折扣)."""
from gateway.http import route
from loupan.schemas import inventory_pricing as c


class PricingRoutes:
    """Mixin of GatewayService: needs `self.inventory`."""

    @route("POST", "/api/projects/<int:project_id>/price-lists", body=c.PriceListIn,
           response=c.PriceListPreview, status=201,
           summary="调价: a draft price list from the current prices with adjustments applied in order")
    def create_price_list(self, request, actor, project_id, body):
        return self.inventory.create_price_list(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/price-lists", response=c.PriceListOut, many=True, summary="Price list versions of a project, newest first")
    def list_price_lists(self, request, actor, project_id):
        return self.inventory.list_price_lists(actor, project_id)

    @route("GET", "/api/price-lists/<int:price_list_id>", response=c.PriceListPreview,
           summary="Preview of a price list: every changed unit (old, new, difference, 单价) and counts")
    def get_price_list(self, request, actor, price_list_id):
        return self.inventory.get_price_list(actor, price_list_id)

    @route("DELETE", "/api/price-lists/<int:price_list_id>", response=c.PriceListOut,
           summary="Discard a draft price list")
    def discard_price_list(self, request, actor, price_list_id):
        return self.inventory.discard_price_list(actor, price_list_id)

    @route("POST", "/api/price-lists/<int:price_list_id>/approve", response=c.PriceListOut, summary="Director's approval of a draft that goes below 底价")
    def approve_price_list(self, request, actor, price_list_id):
        return self.inventory.approve_price_list(actor, price_list_id)

    @route("POST", "/api/price-lists/<int:price_list_id>/publish", response=c.PriceListOut,
           summary="Publish a draft: reprices the units on sale (422 BELOW_BASE_PRICE without approval)")
    def publish_price_list(self, request, actor, price_list_id):
        return self.inventory.publish_price_list(actor, price_list_id)

    @route("GET", "/api/units/<int:unit_id>/prices", response=c.UnitPrices,
           summary="Price history of a unit: direction, step, period and size of each change")
    def unit_prices(self, request, actor, unit_id):
        return self.inventory.get_unit_prices(actor, unit_id)

    @route("GET", "/api/projects/<int:project_id>/price-history", response=c.PriceHistory,
           summary="价格走向: average price per m² by version, with direction, step, period and size")
    def price_history(self, request, actor, project_id):
        return self.inventory.get_price_history(actor, project_id)

    @route("POST", "/api/holds/<int:hold_id>/discount", body=c.DiscountIn,
           response=c.DiscountRequestOut, status=201,
           summary="折扣 on a hold: approved at once within the advisor range, else pending")
    def request_discount(self, request, actor, hold_id, body):
        return self.inventory.request_discount(actor, hold_id, body)

    @route("GET", "/api/projects/<int:project_id>/discount-requests", query=c.DiscountQuery, response=c.DiscountRequestOut, many=True,
           summary="Discount requests of a project, e.g. ?status=pending")
    def list_discount_requests(self, request, actor, project_id, query):
        return self.inventory.list_discount_requests(actor, project_id, query)

    @route("POST", "/api/discount-requests/<int:request_id>/approve", body=c.DecisionIn,
           response=c.DiscountRequestOut, summary="Approve a discount (below 底价: director only)")
    def approve_discount(self, request, actor, request_id, body):
        return self.inventory.approve_discount(actor, request_id, body)

    @route("POST", "/api/discount-requests/<int:request_id>/execute", response=c.DiscountRequestOut,
           summary="执行特价: the assistant records an approved special price on its hold; until then the 认购 "
                   "goes by the normal price rules (409 NOT_AWAITING_EXECUTION, HOLD_NOT_ACTIVE; 403 SELF_APPROVAL)")
    def execute_discount(self, request, actor, request_id):
        return self.inventory.execute_discount(actor, request_id)

    @route("POST", "/api/discount-requests/<int:request_id>/reject", body=c.DecisionIn,
           response=c.DiscountRequestOut, summary="Reject a discount (below 底价: director only)")
    def reject_discount(self, request, actor, request_id, body):
        return self.inventory.reject_discount(actor, request_id, body)
