"""Entrypoints of a deal's changes (更名/换房/退房): ask, decide, list, and the sweep that
finishes approved changes left by a crash. A mixin of ContractsService."""
from loupan.entrypoints import command, rpc

from loupan.schemas import contracts_changes as c
from loupan.schemas import dump, load
from loupan.scope import load_actor
from loupan.timers import every
from services.contracts import changes


class ChangeEntrypoints:
    """Mixin of ContractsService: self.db, self.config and self.inventory are its."""

    @command(c.ChangeOut)
    def request_change(self, actor, deal_id, data):
        """A change request on a deal: 更名 (buyers), 换房 (unit, priced by the list-price
        difference or an explicit price) or 退房 (reason); awaits a manager's decision."""
        return changes.request_change(self.db, self.inventory, actor, deal_id, load(c.ChangeIn, data))

    @rpc
    def approve_change(self, actor, change_id, data=None):
        """Approve and apply a requested change (换房 through inventory). Refused on the way
        (unit taken, deal changed): the request is failed with the code, and the error raised."""
        actor = load_actor(actor)
        change = changes.approve_change(self.db, self.inventory, actor, change_id, load(c.ChangeDecisionIn, data))
        return self._change_answer(actor, dump(c.ChangeOut, change), "approve_change")

    def _change_answer(self, actor, result, entrypoint):
        """The new buyers' full numbers a decided 更名 shows to its approver, logged and committed
        before the answer leaves (loupan.reveals)."""
        changes.log_reveals(self.db.session, actor, "detail", entrypoint, [result])
        self.db.commit()
        return result

    @rpc
    def reject_change(self, actor, change_id, data=None):
        """Reject a requested change; the deal is untouched."""
        actor = load_actor(actor)
        change = changes.reject_change(self.db, actor, change_id, load(c.ChangeDecisionIn, data))
        return self._change_answer(actor, dump(c.ChangeOut, change), "reject_change")

    @command(c.ChangeOut, many=True)
    def deal_changes(self, actor, deal_id):
        """A deal's change requests, oldest first (full numbers shown to managers are logged)."""
        rows = changes.deal_changes(self.db.session, actor, deal_id)
        changes.log_reveals(self.db.session, actor, "list", "deal_changes", rows)
        return rows

    @command(c.ChangeOut, many=True)
    def project_changes(self, actor, project_id, query=None):
        """A project's change requests, optionally of one status."""
        status = load(c.ChangeQuery, query).get("status")
        rows = changes.project_changes(self.db.session, actor, project_id, status)
        changes.log_reveals(self.db.session, actor, "list", "project_changes", rows)
        return rows

    @every("CHANGE_SWEEP_SECONDS", 5)
    def sweep_changes(self):
        """Apply again the changes approved but not applied (a crash, inventory down)."""
        grace = float(self.config.get("CHANGE_SWEEP_GRACE_SECONDS", 30))
        changes.sweep_approved(self.db, self.inventory, grace)
        self.db.rollback()
