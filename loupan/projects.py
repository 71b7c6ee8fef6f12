"""Which agency owns a project, known by every service on its own, so that no service has to
trust the caller for it (tenant isolation).

inventory creates projects and is the registry's source: its `projects` table. Every other
service keeps a copy, `known_projects (id, agency_id)`, filled two ways:
- inventory's `project_created` events, consumed through the inbox (`ProjectEvents`);
- on a miss, one RPC to inventory (`project_owner`), whose answer is stored: the catch-up
  path for a service that started after the event was published, or whose queue did not
  exist yet. A project never changes agency, so a stored owner never goes stale; a miss
  (no such project) is not stored, since the id may be created later.

`ProjectRegistry` is the dependency a service declares; `loupan.entrypoints.rpc` calls
`require(actor, project_id)` before every RPC that takes a `project_id`, so a project of
another agency or of no project is 404 PROJECT_NOT_FOUND before any row is read or written.
"""
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.exceptions import RpcTimeout, UnknownService
from sqlalchemy import Column, Integer, Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from loupan import bus
from loupan.errors import Forbidden, NotFound, Unavailable
from loupan.inbox import handles
from loupan.scope import load_actor
from loupan.tables import ID
from loupan.types import UTCDateTime, utcnow
from loupan.uow import read_connection

MAX_ID = 2**63 - 1  # BIGINT


def known_projects_table(metadata):
    """A service's copy of the registry: project id -> owning agency."""
    return Table(
        "known_projects",
        metadata,
        Column("id", ID, primary_key=True, autoincrement=False),
        Column("agency_id", Integer, nullable=False),
        Column("known_at", UTCDateTime, nullable=False),
    )


def project_not_found(project_id):
    return NotFound(f"project {project_id} not found", "PROJECT_NOT_FOUND")


def remember(session_or_conn, table, project_id, agency_id):
    """Store an owner once; a second writer (event and catch-up racing) changes nothing."""
    dialect = session_or_conn.get_bind().dialect.name if hasattr(session_or_conn, "get_bind") \
        else session_or_conn.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session_or_conn.execute(insert(table).values(id=project_id, agency_id=agency_id, known_at=utcnow())
                            .on_conflict_do_nothing(index_elements=["id"]))


def own_rpc_proxy(service_name):
    """nameko's ServiceRpcProxy with its reply queue named after `service_name`
    (`rpc.reply-<service>-<uuid>`, not `rpc.reply-standalone_rpc_proxy-…`): a service's
    broker user may use its own reply queues only (loupan/broker_users.py)."""
    container = type("ServiceContainer", (ServiceRpcProxy.ServiceContainer,), {"service_name": service_name})
    return type("OwnRpcProxy", (ServiceRpcProxy,), {"ServiceContainer": container})


class ProjectRegistry(DependencyProvider):
    """`self.projects` in a service. `table` is the service's own table holding (id, agency_id):
    inventory names its `projects` (the source, never asks anyone); every other service keeps
    `known_projects` and asks inventory on a miss."""

    def __init__(self, table="known_projects", source="inventory"):
        self.table_name = table
        self.source = source

    def setup(self):
        from loupan.db import Database  # the service's Database provider, declared beside this one
        self.database = next(d for d in self.container.dependencies if isinstance(d, Database))
        self.table = self.database.metadata.tables[self.table_name]
        # built once (its compiled form is reused): this runs on every project-scoped RPC
        self.owner_query = select(self.table.c.agency_id).where(self.table.c.id == bindparam("project_id"))
        self.config = self.container.config
        self.timeout = float(self.config.get("RPC_TIMEOUT", 10))

    def get_dependency(self, worker_ctx):
        return ProjectScope(self, worker_ctx)

    def stored_owner(self, worker_ctx, project_id):
        uow = self.database.units.get(worker_ctx)
        if uow is not None and uow.has_session:  # inside the worker's transaction (SQLite: its lock)
            return uow.session.execute(self.owner_query, {"project_id": project_id}).scalar()
        with read_connection(self.database.engine) as conn:
            return conn.execute(self.owner_query, {"project_id": project_id}).scalar()

    def store(self, worker_ctx, project_id, agency_id):
        uow = self.database.units.get(worker_ctx)
        if uow is not None and uow.has_session:  # committed with the worker's own transaction
            remember(uow.session, self.table, project_id, agency_id)
            return
        engine = self.database.engine
        engine.guard.acquire()
        try:
            with engine.begin() as conn:
                remember(conn, self.table, project_id, agency_id)
        finally:
            engine.guard.release()

    def ask_source(self, project_id):
        """The owner according to inventory, or None if it has no such project."""
        try:
            sealed = {bus.SEAL: bus.seal(self.config, None, self.container.service_name)}  # no actor: this service asks
            proxy = own_rpc_proxy(self.container.service_name)
            with proxy(self.source, self.config, timeout=self.timeout, context_data=sealed) as source:
                return source.project_owner(project_id)
        except (RpcTimeout, UnknownService):
            raise Unavailable(f"{self.source} did not say who owns project {project_id}") from None

    def owner(self, worker_ctx, project_id):
        if not isinstance(project_id, int) or isinstance(project_id, bool) or not 0 < project_id <= MAX_ID:
            return None  # not an id any project can have
        agency_id = self.stored_owner(worker_ctx, project_id)
        if agency_id is None and self.source is not None:
            agency_id = self.ask_source(project_id)
            if agency_id is not None:
                self.store(worker_ctx, project_id, agency_id)
        return agency_id


class ProjectScope:
    """The registry as one worker sees it."""

    def __init__(self, registry, worker_ctx):
        self.registry = registry
        self.worker_ctx = worker_ctx

    def owner(self, project_id):
        """The agency owning `project_id`, or None if there is no such project."""
        return self.registry.owner(self.worker_ctx, project_id)

    def require(self, actor, project_id):
        """404 PROJECT_NOT_FOUND unless the project exists and is the actor's agency's;
        403 PROJECT_FORBIDDEN if it is but the actor is not assigned to it."""
        actor = load_actor(actor)
        if self.owner(project_id) != actor["agency_id"]:
            raise project_not_found(project_id)
        if actor.get("project_ids") is not None and project_id not in actor["project_ids"]:
            raise Forbidden(f"no access to project {project_id}", "PROJECT_FORBIDDEN")

    def require_owned(self, actor, project_ids):
        """404 PROJECT_NOT_FOUND unless the actor's agency owns every project named (the
        projects a call assigns or filters by; assignment is the caller's role's business)."""
        agency_id = load_actor(actor)["agency_id"]
        for project_id in dict.fromkeys(project_ids):
            if self.owner(project_id) != agency_id:
                raise project_not_found(project_id)


class ProjectEvents:
    """Mixin of a service that keeps `known_projects`: inventory's project events fill it."""

    @handles("inventory", "project_created")
    def remember_created_project(self, event):
        """A project created: remember which agency owns it."""
        remember(self.db.session, self.db.metadata.tables["known_projects"], event["project_id"],
                 event["agency_id"])
