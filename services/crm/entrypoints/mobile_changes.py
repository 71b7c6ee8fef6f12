"""更正手机号 entrypoints (issue 19): a customer's mobile corrected by its owner or a manager, at
once or, for a customer a channel holds, with a manager's approval; the project's list for
the manager. A mixin of CrmService."""
from loupan.entrypoints import command, query
from loupan.schemas import crm_customers as c
from loupan.schemas import load
from services.crm import mobile_changes


class MobileChangeEntrypoints:

    @command(c.MobileChangeOut)
    def request_mobile_change(self, actor, customer_id, data):
        """更正手机号 {mobile, reason}: applied at once, or pending for a manager (a channel holds the customer)."""
        return mobile_changes.request_change(self.db, actor, customer_id, load(c.MobileChangeIn, data))

    @query(c.MobileChangeOut, many=True)
    def list_mobile_changes(self, actor, project_id, query=None):
        """A project's mobile changes, newest first (status pending: the manager's queue)."""
        return mobile_changes.list_changes(self.db.session, actor, project_id, load(c.MobileChangeQuery, query))

    @command(c.MobileChangeOut)
    def approve_mobile_change(self, actor, change_id, data=None):
        """A manager who did not ask it approves a pending change: the number changes now."""
        return mobile_changes.approve_change(self.db, actor, change_id, load(c.MobileChangeApproveIn, data))

    @command(c.MobileChangeOut)
    def reject_mobile_change(self, actor, change_id, data):
        """A manager who did not ask it rejects a pending change, with a note."""
        return mobile_changes.reject_change(self.db, actor, change_id, load(c.MobileChangeRejectIn, data))
