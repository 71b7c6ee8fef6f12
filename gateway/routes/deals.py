"""Routes of units moved by deals: a unit's detail with its deal, advisor and active hold."""
from gateway.http import route
from loupan.schemas import inventory_deals as c


class DealRoutes:
    @route("GET", "/api/units/<int:unit_id>", response=c.UnitDetail,
           summary="One unit: status, deal, advisor and its active hold (with special price)")
    def get_unit(self, request, actor, unit_id):
        """房源 detail for any role of the unit's project (the service checks the scope)."""
        return self.inventory.get_unit(actor, unit_id)
