"""Hold (预留) entrypoints: take, extend and cancel a hold, and the expiry timer. A mixin of
InventoryService (self.db is its database); the rules and statements are holds.py."""
from loupan.entrypoints import command

from loupan.schemas import load
from loupan.schemas import inventory_catalog as c
from loupan.schemas.inventory_control import HoldExtendIn
from loupan.timers import every
from services.inventory import holds


class HoldEntrypoints:
    @command(c.HoldOut)
    def hold_unit(self, actor, unit_id, data):
        """预留 an available unit for a customer until the project's hold time runs out."""
        hold = holds.hold_unit(self.db, actor, unit_id, load(c.HoldIn, data))
        return dict(hold, hold_id=hold["id"])

    @command(c.HoldOut)
    def extend_hold(self, actor, hold_id, data):
        """延长预留 extend an active hold by some minutes."""
        hold = holds.extend_hold(self.db, actor, hold_id, load(HoldExtendIn, data)["minutes"])
        holds.log_reveals(self.db.session, actor, "detail", "extend_hold", [hold])  # managers: full number
        return hold

    @command(c.HoldOut)
    def cancel_hold(self, actor, hold_id):
        """Cancel an active hold; the unit is available again. The buyer's number as the
        caller may see it (a supervisor cancelling another advisor's hold: masked); shown in
        full to a manager or director, it is logged."""
        hold = holds.cancel_hold(self.db, actor, hold_id)
        result = {**holds.hold_dict(hold), "status": "cancelled", "customer_phone": holds.hold_phone(actor, hold)}
        holds.log_reveals(self.db.session, actor, "detail", "cancel_hold", [result])
        return result

    @every("HOLD_SWEEP_SECONDS", 5)
    def expire_holds(self):
        """Free the units of holds whose time is up and tell their advisors (event)."""
        while holds.expire_due_holds(self.db) > 0:
            self.db.commit()
        self.db.rollback()
