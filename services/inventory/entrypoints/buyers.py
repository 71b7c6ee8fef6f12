"""A buyer's access to a launch, for the gateway's buyer sign-in (gateway/routes/buyers.py).
A mixin of InventoryService. No actor: only a sealed call is answered (loupan/bus.py), so
only the gateway, which has checked the buyer's one-time code or session, reaches these.
选房 (selection.py): a buyer's hold, confirmation check and 放弃 likewise; the site's view
takes a staff actor; the timer moves lottery windows on."""
import logging

from loupan import group_commit
from loupan.entrypoints import query, rpc
from loupan.errors import DomainError
from loupan.schemas import dump
from loupan.schemas import inventory_buyers as s
from loupan.schemas import inventory_selection as sel
from loupan.timers import every
from services.inventory import buyers, launch_report, selection

log = logging.getLogger(__name__)


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

    @rpc
    def buyer_hold(self, registration_id, unit_id):
        """选房: the buyer holds a unit of their launch, if they may now (their window; race:
        within the attempt limit)."""
        try:
            hold = selection.hold(self.db, int(registration_id), int(unit_id))
        except DomainError as refused:  # kept with its code for the launch's report
            self.db.rollback()
            try:
                launch_report.record_refusal(self.db, int(registration_id), int(unit_id), refused.code)
            except Exception:  # noqa: BLE001 - the buyer's answer is the refusal, whatever the record
                log.exception("the refusal %s of registration %s was not recorded", refused.code, registration_id)
                self.db.rollback()
            raise
        self.db.commit()
        return dump(sel.BuyerHoldOut, dict(hold, hold_id=hold["id"], deal_id=None))

    @rpc
    def buyer_holds(self, requests):
        """选房 on launch day, group-committed: [[registration_id, unit_id], …] in the order the
        gateway received them, each decided as buyer_hold decides it, all in one transaction
        (loupan/group_commit.py). One outcome per request: {"result": the hold} or {"error": the
        refusal}."""
        def decide(item, request):
            registration_id, unit_id = int(request[0]), int(request[1])
            try:
                hold = selection.hold(item, registration_id, unit_id)
            except DomainError as refused:
                if refused.status < 500:  # kept with its code for the launch's report, as buyer_hold does
                    item.rollback()
                    launch_report.record_refusal(item, registration_id, unit_id, refused.code)
                raise
            return dump(sel.BuyerHoldOut, dict(hold, hold_id=hold["id"], deal_id=None))

        return group_commit.run(self.db, list(requests), decide, prepare=selection.lock_batch)

    @rpc
    def buyer_confirmable(self, registration_id, hold_id):
        """What the 认购 of the buyer's own active hold needs, if they may still confirm it."""
        return dump(sel.BuyerConfirmable, selection.confirmable(self.db.session, int(registration_id), int(hold_id)))

    @rpc
    def buyer_give_up(self, registration_id):
        """放弃: the buyer ends their turn; their active holds of the launch are released."""
        turn = selection.give_up(self.db, int(registration_id))
        self.db.commit()
        return dump(sel.BuyerSelection, turn)

    @query(sel.SelectionView)
    def get_selection(self, actor, launch_id):
        """The site's 选房 view: the current window, who is choosing, units sold per window."""
        return selection.site_view(self.db.session, actor, launch_id)

    @every("SELECTION_SWEEP_SECONDS", 2)
    def advance_selection_windows(self):
        """Open each lottery launch's next window when the current one has run its length."""
        selection.advance_all(self.db)
        self.db.rollback()
