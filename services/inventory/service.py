"""inventory service (销控): projects, buildings, units, releases, holds and the board."""
from loupan.entrypoints import rpc
from sqlalchemy import func, select

from loupan.schemas import dump, load
from loupan.schemas import inventory_catalog as c
from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectRegistry
from loupan.timers import every
from loupan.scope import load_actor
from services.inventory import catalog, deals, sales
from services.inventory.models import Hold, Unit, metadata
from services.inventory.entrypoints.control import ControlRpc
from services.inventory.entrypoints.reports import FiguresRpc
from services.inventory.entrypoints.deals import DealsRpc
from services.inventory.entrypoints.pricing import PricingRpc
from services.inventory.entrypoints.spreadsheets import SpreadsheetRpc
from services.inventory.metrics import InventoryMetrics



class InventoryService(FiguresRpc, SpreadsheetRpc, ControlRpc, PricingRpc, DealsRpc, InventoryMetrics, OpsEndpoints, CommandSweeper):
    name = "inventory"
    db = Database(metadata)
    projects = ProjectRegistry(table="projects", source=None)  # inventory is the source

    @rpc
    def ping(self):
        """One round trip with no database work: the benchmarks' baseline."""
        return "pong"

    @rpc
    def project_owner(self, project_id):
        """The agency owning a project, or None: the other services' catch-up path for their
        copy of the project registry (loupan.projects). Services only, no route reaches it."""
        return self.projects.owner(project_id)

    @rpc
    def create_project(self, actor, data):
        """New project (项目) in the actor's agency."""
        project = catalog.create_project(self.db, load_actor(actor), load(c.ProjectIn, data))
        self.db.commit()
        return dump(c.ProjectOut, project)

    @rpc
    def list_projects(self, actor):
        """Projects the actor may see."""
        return dump(c.ProjectOut, catalog.list_projects(self.db.session, load_actor(actor)), many=True)

    @rpc
    def get_project(self, actor, project_id):
        """One project."""
        return dump(c.ProjectOut, catalog.get_project(self.db.session, load_actor(actor), project_id))

    @rpc
    def create_building(self, actor, project_id, data):
        """New building (楼栋), with its presale permit number if granted."""
        building = catalog.create_building(self.db, load_actor(actor), project_id, load(c.BuildingIn, data))
        self.db.commit()
        return dump(c.BuildingOut, building)

    @rpc
    def update_building(self, actor, building_id, data):
        """Rename a building or record its 预售许可证 once granted."""
        building = catalog.update_building(self.db, load_actor(actor), building_id, load(c.BuildingPatch, data))
        self.db.commit()
        return dump(c.BuildingOut, building)

    @rpc
    def create_units(self, actor, project_id, data):
        """Bulk creation of units, all or nothing; they start unreleased (未推)."""
        units = catalog.create_units(self.db, load_actor(actor), project_id, load(c.UnitsIn, data)["units"])
        self.db.commit()
        return dump(c.UnitOut, [catalog.unit_dict(u) for u in units], many=True)

    @rpc
    def list_units(self, actor, project_id, query=None):
        """Units of a project, filtered by status and building, paginated."""
        page = catalog.list_units(self.db.session, load_actor(actor), project_id, load(c.UnitQuery, query))
        return dump(c.UnitPage, page)

    @rpc
    def release_units(self, actor, project_id, data):
        """推盘: put unreleased units on sale."""
        result = sales.release_units(self.db, load_actor(actor), project_id, load(c.ReleaseIn, data)["unit_ids"])
        self.db.commit()
        return dump(c.ReleaseOut, result)

    @rpc
    def hold_unit(self, actor, unit_id, data):
        """预留 an available unit for a customer until the project's hold time runs out."""
        hold = sales.hold_unit(self.db, load_actor(actor), unit_id, load(c.HoldIn, data))
        self.db.commit()
        return dump(c.HoldOut, dict(hold, hold_id=hold["id"]))

    @rpc
    def cancel_hold(self, actor, hold_id):
        """Cancel an active hold; the unit is available again. The buyer's number as the
        caller may see it (a supervisor cancelling another advisor's hold: masked); shown in
        full to a manager or director, it is logged."""
        actor = load_actor(actor)
        hold = sales.cancel_hold(self.db, actor, hold_id)
        result = {**_hold_dict(hold), "status": "cancelled", "customer_phone": deals.hold_phone(actor, hold)}
        deals.log_reveals(self.db.session, actor, "detail", "cancel_hold", [result])
        self.db.commit()
        return dump(c.HoldOut, result)

    @rpc
    def get_board(self, actor, project_id):
        """销控表 of a project, as the JSON text of the `Board` contract (the gateway passes
        it through without decoding 400 kB of cells only to encode them again)."""
        return catalog.board_json(catalog.board(self.db.session, load_actor(actor), project_id))

    @every("HOLD_SWEEP_SECONDS", 5)
    def expire_holds(self):
        """Free the units of holds whose time is up and tell their advisors (event)."""
        while sales.expire_due_holds(self.db) > 0:
            self.db.commit()
        self.db.rollback()

    def refresh_metrics(self):
        super().refresh_metrics()
        session = self.db.session
        by_status = dict(session.execute(select(Unit.status, func.count()).group_by(Unit.status)).all())
        gauge = self.ops.gauge("units", "Units by status, all projects.", ("status",))
        for status in c.STATUSES:
            gauge.labels(status).set(by_status.get(status, 0))
        active = session.execute(select(func.count()).where(Hold.status == "active")).scalar_one()
        self.ops.gauge("holds_active", "Holds not yet ended.").set(active)


def _hold_dict(hold):
    return {
        "hold_id": hold.id, "unit_id": hold.unit_id, "project_id": hold.project_id,
        "customer_name": hold.customer_name, "customer_phone": hold.customer_phone,
        "advisor_id": hold.advisor_id, "status": hold.status, "created_at": hold.created_at,
        "expires_at": hold.expires_at,
    }
