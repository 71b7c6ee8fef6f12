"""销控 control routes: locks, scheduled releases (推盘), hold rules, slow movers (滞销) and
the daily reconciliation (日对账). A mixin of GatewayService."""
from gateway.http import route
from loupan.schemas import inventory_control as c
from loupan.schemas.inventory_catalog import HoldOut, ProjectOut


class ControlRoutes:
    @route("POST", "/api/projects/<int:project_id>/locks", body=c.LockIn,
           response=c.LockOut, summary="销控保留: lock available units with a reason (409 lists the units that are not)")
    def lock_units(self, request, actor, project_id, body):
        return self.inventory.lock_units(actor, project_id, body)

    @route("POST", "/api/projects/<int:project_id>/unlocks", body=c.LockIn,
           response=c.LockOut, summary="Unlock locked units with a reason (409 lists the units that are not locked)")
    def unlock_units(self, request, actor, project_id, body):
        return self.inventory.unlock_units(actor, project_id, body)

    @route("POST", "/api/projects/<int:project_id>/release-schedules", body=c.ReleaseScheduleIn, response=c.ReleaseScheduleOut, status=201,
           summary="推盘计划: release a building, floor range or unit list at a set time")
    def schedule_release(self, request, actor, project_id, body):
        return self.inventory.schedule_release(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/release-schedules", response=c.ReleaseScheduleOut, many=True, summary="Release schedules of a project")
    def list_release_schedules(self, request, actor, project_id):
        return self.inventory.list_release_schedules(actor, project_id)

    @route("DELETE", "/api/release-schedules/<int:schedule_id>", response=c.ReleaseScheduleOut, summary="Cancel a release schedule that has not run (409 otherwise)")
    def cancel_release_schedule(self, request, actor, schedule_id):
        return self.inventory.cancel_release_schedule(actor, schedule_id)

    @route("PATCH", "/api/projects/<int:project_id>", body=c.ProjectSettingsIn,
           response=ProjectOut, summary="Hold rules: hold minutes, holds per buyer, advisor discount range")
    def update_project_settings(self, request, actor, project_id, body):
        return self.inventory.update_project_settings(actor, project_id, body)

    @route("POST", "/api/holds/<int:hold_id>/extend", body=c.HoldExtendIn,
           response=HoldOut, summary="延长预留: extend an active hold (409 HOLD_NOT_ACTIVE if it ended)")
    def extend_hold(self, request, actor, hold_id, body):
        return self.inventory.extend_hold(actor, hold_id, body)

    @route("GET", "/api/projects/<int:project_id>/slow-movers", query=c.SlowMoverQuery, response=c.SlowMovers,
           summary="滞销: units on sale for more than N days, by layout, floor band and area band")
    def slow_movers(self, request, actor, project_id, query):
        return self.inventory.slow_movers(actor, project_id, query)

    @route("GET", "/api/projects/<int:project_id>/reconciliation", query=c.ReconciliationQuery, response=c.Reconciliation,
           summary="日对账: units subscribed or signed on a day (Asia/Shanghai), per advisor")
    def reconciliation(self, request, actor, project_id, query):
        return self.inventory.reconciliation(actor, project_id, query)
