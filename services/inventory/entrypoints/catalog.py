"""Catalog entrypoints: projects, buildings, units, releases (推盘) and the board (销控表),
and project_owner for the other services. A mixin of InventoryService (self.db is its
database)."""
from loupan.entrypoints import command, query, rpc

from loupan.schemas import load
from loupan.schemas import inventory_catalog as c
from loupan.scope import load_actor
from services.inventory import catalog


class CatalogEntrypoints:
    @rpc
    def project_owner(self, project_id):
        """The agency owning a project, or None: the other services' catch-up path for their
        copy of the project registry (loupan.projects). Services only, no route reaches it."""
        return self.projects.owner(project_id)

    @command(c.ProjectOut)
    def create_project(self, actor, data):
        """New project (项目) in the actor's agency."""
        return catalog.create_project(self.db, actor, load(c.ProjectIn, data))

    @query(c.ProjectOut, many=True)
    def list_projects(self, actor):
        """Projects the actor may see."""
        return catalog.list_projects(self.db.session, actor)

    @query(c.ProjectOut)
    def get_project(self, actor, project_id):
        """One project."""
        return catalog.get_project(self.db.session, actor, project_id)

    @command(c.BuildingOut)
    def create_building(self, actor, project_id, data):
        """New building (楼栋), with its presale permit number if granted."""
        return catalog.create_building(self.db, actor, project_id, load(c.BuildingIn, data))

    @command(c.BuildingOut)
    def update_building(self, actor, building_id, data):
        """Rename a building or record its 预售许可证 once granted."""
        return catalog.update_building(self.db, actor, building_id, load(c.BuildingPatch, data))

    @command(c.UnitOut, many=True)
    def create_units(self, actor, project_id, data):
        """Bulk creation of units, all or nothing; they start unreleased (未推)."""
        units = catalog.create_units(self.db, actor, project_id, load(c.UnitsIn, data)["units"])
        return [catalog.unit_dict(u) for u in units]

    @query(c.UnitPage)
    def list_units(self, actor, project_id, query=None):
        """Units of a project, filtered by status and building, paginated."""
        return catalog.list_units(self.db.session, actor, project_id, load(c.UnitQuery, query))

    @command(c.ReleaseOut)
    def release_units(self, actor, project_id, data):
        """推盘: put unreleased units on sale."""
        return catalog.release_units(self.db, actor, project_id, load(c.ReleaseIn, data)["unit_ids"])

    @rpc
    def get_board(self, actor, project_id):
        """销控表 of a project, as the JSON text of the `Board` contract (the gateway passes
        it through without decoding 400 kB of cells only to encode them again)."""
        return catalog.board_json(catalog.board(self.db.session, load_actor(actor), project_id))
