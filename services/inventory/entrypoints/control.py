"""销控 control entrypoints: locks, scheduled releases (推盘), hold rules, slow movers and
the daily reconciliation. A mixin of InventoryService (self.db is its database)."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import inventory_control as c
from loupan.schemas.inventory_catalog import HoldOut, ProjectOut
from loupan.timers import every
from loupan.scope import load_actor
from services.inventory import control, deals, reports



class ControlRpc:
    @rpc
    def lock_units(self, actor, project_id, data):
        """销控保留 lock: available units are kept off sale with a reason; all or nothing."""
        data = load(c.LockIn, data)
        result = control.lock_units(self.db, load_actor(actor), project_id, data["unit_ids"], data["reason"])
        self.db.commit()
        return dump(c.LockOut, result)

    @rpc
    def unlock_units(self, actor, project_id, data):
        """解除销控 unlock: locked units go back on sale, with a reason; all or nothing."""
        data = load(c.LockIn, data)
        result = control.unlock_units(self.db, load_actor(actor), project_id, data["unit_ids"], data["reason"])
        self.db.commit()
        return dump(c.LockOut, result)

    @rpc
    def schedule_release(self, actor, project_id, data):
        """推盘计划 scheduled release: a building, floor range or unit list goes on sale at run_at."""
        schedule = control.schedule_release(self.db, load_actor(actor), project_id, load(c.ReleaseScheduleIn, data))
        self.db.commit()
        return dump(c.ReleaseScheduleOut, schedule)

    @rpc
    def list_release_schedules(self, actor, project_id):
        """The project's release schedules, by run time."""
        schedules = control.list_schedules(self.db.session, load_actor(actor), project_id)
        return dump(c.ReleaseScheduleOut, schedules, many=True)

    @rpc
    def cancel_release_schedule(self, actor, schedule_id):
        """Cancel a release schedule that has not run yet."""
        schedule = control.cancel_schedule(self.db, load_actor(actor), schedule_id)
        self.db.commit()
        return dump(c.ReleaseScheduleOut, schedule)

    @every("RELEASE_SCHEDULE_SECONDS", 5)
    def run_release_schedules(self):
        """推盘 on time: run every due release schedule, each once whatever the replicas."""
        while control.run_next_schedule(self.db):
            self.db.commit()
        self.db.rollback()

    @rpc
    def update_project_settings(self, actor, project_id, data):
        """Hold rules of a project: hold minutes, holds per buyer, advisor discount range."""
        project = control.update_settings(self.db, load_actor(actor), project_id, load(c.ProjectSettingsIn, data))
        self.db.commit()
        return dump(ProjectOut, project)

    @rpc
    def extend_hold(self, actor, hold_id, data):
        """延长预留 extend an active hold by some minutes."""
        actor = load_actor(actor)
        hold = control.extend_hold(self.db, actor, hold_id, load(c.HoldExtendIn, data)["minutes"])
        deals.log_reveals(self.db.session, actor, "detail", "extend_hold", [hold])  # managers: full number
        self.db.commit()
        return dump(HoldOut, hold)

    @rpc
    def slow_movers(self, actor, project_id, query=None):
        """滞销 slow movers: units on sale for more than N days, grouped by layout, floor and area."""
        days = load(c.SlowMoverQuery, query)["days"]
        return dump(c.SlowMovers, reports.slow_movers(self.db.session, load_actor(actor), project_id, days))

    @rpc
    def reconciliation(self, actor, project_id, query=None):
        """日对账 daily reconciliation: units subscribed or signed on a day, per advisor."""
        day = load(c.ReconciliationQuery, query)["date"]
        return dump(c.Reconciliation, reports.reconciliation(self.db.session, load_actor(actor), project_id, day))
