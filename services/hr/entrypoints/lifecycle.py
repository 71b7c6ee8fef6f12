"""Staff lifecycle entrypoints (入职/调岗/离职 and the staff record). A mixin of HrService
(self.db is its database)."""
from loupan.entrypoints import query, rpc

from loupan.schemas import dump, load
from loupan.schemas import hr_staff as c
from loupan.scope import load_actor
from loupan.timers import every
from loupan.types import today
from services.hr import lifecycle


class LifecycleEntrypoints:
    @rpc
    def join_staff(self, actor, data):
        """入职 join: create the person's account with their projects and start date;
        publishes `account_created` and `staff_joined` (director or hr)."""
        account = lifecycle.join(self.db, load_actor(actor), load(c.StaffJoinIn, data))
        return self._committed_staff_record(account)

    @rpc
    def transfer_staff(self, actor, account_id, data):
        """调岗 transfer: replace an active account's projects; publishes `staff_transferred`.
        The gateway applies the new projects to tokens already issued (its account_states).
        Dated after today: planned, applied on its day by sweep_planned_transfers."""
        account = lifecycle.transfer(self.db, load_actor(actor), account_id, load(c.StaffTransferIn, data))
        return self._committed_staff_record(account)

    @every("TRANSFER_SWEEP_SECONDS", 60)
    def sweep_planned_transfers(self):
        """Planned 调岗 whose day has come take effect (and publish `staff_transferred`)."""
        lifecycle.apply_due_transfers(self.db, today())
        self.db.commit()

    @rpc
    def leave_staff(self, actor, account_id, data):
        """离职 leave: active → left once (409 STAFF_NOT_ACTIVE after); the account cannot
        sign in any more; publishes `staff_left`."""
        account = lifecycle.leave(self.db, load_actor(actor), account_id, load(c.StaffLeaveIn, data))
        return self._committed_staff_record(account)

    @query(c.StaffOut, many=True)
    def list_staff(self, actor, query=None):
        """Staff records of the agency with their employment status, by project and status."""
        query = load(c.StaffQuery, query)
        return lifecycle.list_staff(self.db.session, actor, query["project_id"], query["status"])

    @query(c.StaffDetailOut)
    def get_staff(self, actor, account_id):
        """One staff record with its history of moves."""
        return lifecycle.staff_detail(self.db.session, actor, account_id)

    def _committed_staff_record(self, account):
        """The record as it is now (read before the commit ends the transaction), then commit."""
        result = dump(c.StaffOut, lifecycle.staff_record(self.db.session, account))
        self.db.commit()
        return result
