"""销控 control entrypoints: locks, scheduled releases (推盘), hold rules (a hold's extension
is in holds.py), slow movers and the daily reconciliation. A mixin of InventoryService (self.db is its database)."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import inventory_control as c
from loupan.schemas.inventory_catalog import ProjectOut
from loupan.timers import every
from services.inventory import control, reports



class ControlEntrypoints:
    @command(c.LockOut)
    def lock_units(self, actor, project_id, data):
        """销控保留 lock: available units are kept off sale with a reason; all or nothing."""
        data = load(c.LockIn, data)
        return control.lock_units(self.db, actor, project_id, data["unit_ids"], data["reason"])

    @command(c.LockOut)
    def unlock_units(self, actor, project_id, data):
        """解除销控 unlock: locked units go back on sale, with a reason; all or nothing."""
        data = load(c.LockIn, data)
        return control.unlock_units(self.db, actor, project_id, data["unit_ids"], data["reason"])

    @command(c.ReleaseScheduleOut)
    def schedule_release(self, actor, project_id, data):
        """推盘计划 scheduled release: a building, floor range or unit list goes on sale at run_at."""
        return control.schedule_release(self.db, actor, project_id, load(c.ReleaseScheduleIn, data))

    @query(c.ReleaseScheduleOut, many=True)
    def list_release_schedules(self, actor, project_id):
        """The project's release schedules, by run time."""
        return control.list_schedules(self.db.session, actor, project_id)

    @command(c.ReleaseScheduleOut)
    def cancel_release_schedule(self, actor, schedule_id):
        """Cancel a release schedule that has not run yet."""
        return control.cancel_schedule(self.db, actor, schedule_id)

    @every("RELEASE_SCHEDULE_SECONDS", 5)
    def run_release_schedules(self):
        """推盘 on time: run every due release schedule, each once whatever the replicas."""
        while control.run_next_schedule(self.db):
            self.db.commit()
        self.db.rollback()

    @command(ProjectOut)
    def update_project_settings(self, actor, project_id, data):
        """Hold rules of a project: hold minutes, holds per buyer, advisor discount range."""
        return control.update_settings(self.db, actor, project_id, load(c.ProjectSettingsIn, data))

    @query(c.SlowMovers)
    def slow_movers(self, actor, project_id, query=None):
        """滞销 slow movers: units on sale for more than N days, grouped by layout, floor and area."""
        days = load(c.SlowMoverQuery, query)["days"]
        return reports.slow_movers(self.db.session, actor, project_id, days)

    @query(c.Reconciliation)
    def reconciliation(self, actor, project_id, query=None):
        """日对账 daily reconciliation: units subscribed or signed on a day, per advisor."""
        day = load(c.ReconciliationQuery, query)["date"]
        return reports.reconciliation(self.db.session, actor, project_id, day)
