"""A buyer's access to a launch, for the gateway's buyer sign-in (gateway/routes/buyers.py).
A mixin of InventoryService. No actor: only a sealed call is answered (loupan/bus.py), so
only the gateway, which has checked the buyer's one-time code or session, reaches these."""
from loupan.entrypoints import rpc
from loupan.schemas import dump
from loupan.schemas import inventory_buyers as s
from services.inventory import buyers


class BuyerEntrypoints:
    @rpc
    def find_buyer(self, launch_id, mobile):
        """The live registration of `mobile` in the launch, or None."""
        found = buyers.find_buyer(self.db.session, int(launch_id), str(mobile))
        return None if found is None else dump(s.BuyerFound, found)

    @rpc
    def buyer_view(self, registration_id):
        """The registration's own view: its masked registration, the launch, its place in the
        order and window once drawn, the launch's units with their status."""
        return dump(s.BuyerView, buyers.buyer_view(self.db.session, int(registration_id)))
