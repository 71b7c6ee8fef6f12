"""Customer entrypoints: 报备 registration, the customer record, 撞单 conflicts and rulings,
the 保护期 sweep, reassignment (by a manager, and on staff_left), settings and logged
exports. A mixin of CrmService (self.db is its database, self.config its settings)."""
import base64

from loupan.entrypoints import command, query, rpc

from loupan.schemas import dump, load
from loupan.schemas import crm_customers as c
from loupan.schemas.reveals import DataRevealOut, DataRevealRpcQuery
from loupan.inbox import handles
from loupan.scope import load_actor
from loupan.timers import every
from services.crm import customers


class CustomerEntrypoints:

    @command(c.CustomerRegistrationOut)
    def register_customer(self, actor, project_id, data):
        """报备: a new customer (outcome created), the caller's own (existing), a pool or lapsed
        customer claimed (claimed), or a 撞单 conflict recorded (conflict) for a manager to rule."""
        data = load(c.CustomerIn, data)
        customer, conflict, outcome = customers.register_outcome(
            self.db, actor, project_id, data, owner_id=data.pop("owner_id"), owner_name=data.pop("owner_name"),
            default_days=customers.default_protection_days(self.config))
        return customers.registration_view(actor, customer, conflict, outcome)

    @command(c.CustomerOut, many=True)
    def list_customers(self, actor, project_id, query=None):
        """A project's customers (advisors: their own and the pool), phones masked per caller;
        the full numbers a manager or director sees are logged (loupan.reveals) before answering."""
        rows = customers.list_customers(self.db.session, actor, project_id, load(c.CustomerQuery, query))
        customers.log_reveals(self.db.session, actor, "list", "list_customers", rows)
        return rows

    @command(c.CustomerDetailOut)
    def get_customer(self, actor, customer_id):
        """One customer with its grade and owner history (a full number shown is logged)."""
        result = customers.get_customer(self.db.session, actor, customer_id)
        customers.log_reveals(self.db.session, actor, "detail", "get_customer", [result])
        return result

    @command(c.CustomerDetailOut)
    def update_customer(self, actor, customer_id, data):
        """Needs, notes, name, grade (with reason, into the grade history): the owner or a manager."""
        result = customers.update_customer(self.db, actor, customer_id, load(c.CustomerPatch, data, partial=True))
        customers.log_reveals(self.db.session, actor, "detail", "update_customer", [result])
        return result

    @query(c.ConflictOut, many=True)
    def list_conflicts(self, actor, project_id, query=None):
        """撞单 conflicts of a project, newest first, optionally of one status."""
        status = load(c.ConflictQuery, query)["status"]
        return customers.list_conflicts(self.db.session, actor, project_id, status)

    @command(c.ConflictOut)
    def rule_conflict(self, actor, conflict_id, data):
        """A manager's ruling on a 撞单: keep the owner or transfer to the claimant; once only."""
        data = load(c.ConflictRulingIn, data)
        return customers.rule_conflict(self.db, actor, conflict_id, data["decision"], data["note"],
                                       default_days=customers.default_protection_days(self.config))

    @command(c.CustomerReassignOut)
    def reassign_customers(self, actor, project_id, data):
        """Bulk reassignment in one action, spread evenly over the new owners."""
        return customers.reassign(self.db, actor, project_id, load(c.CustomerReassignRpcIn, data),
                                  default_days=customers.default_protection_days(self.config))

    @query(c.CustomerSettingsOut)
    def get_customer_settings(self, actor, project_id):
        """The project's 保护期 days."""
        return customers.get_settings(self.db.session, actor, project_id,
                                                          customers.default_protection_days(self.config))

    @command(c.CustomerSettingsOut)
    def set_customer_settings(self, actor, project_id, data):
        """A manager sets the project's 保护期 days."""
        return customers.set_settings(self.db, actor, project_id, load(c.CustomerSettingsIn, data))

    @rpc
    def export_customers(self, actor, project_id, query=None):
        """Customer export with full numbers (managers): .xlsx as base64 or JSON rows; logged."""
        actor = load_actor(actor)
        query = load(c.CustomerExportQuery, query)
        fmt = query.pop("format")
        rows = customers.export_customers(self.db, actor, project_id, query, fmt)
        if fmt == "xlsx":
            filename, content = customers.customers_xlsx(project_id, rows)
            result = {"format": fmt, "filename": filename, "content": base64.b64encode(content).decode("ascii")}
        else:
            result = {"format": fmt, "rows": dump(c.CustomerExportRowOut, rows, many=True)}
        self.db.commit()
        return result

    @query(c.CustomerExportLogOut, many=True)
    def customer_export_log(self, actor, project_id):
        """Who exported the project's customers, when, with what filter, how many rows."""
        return customers.export_log(self.db.session, actor, project_id)

    @query(DataRevealOut, many=True)
    def list_data_reveals(self, actor, query=None):
        """The director's log of full numbers shown to managers and directors, newest first."""
        return customers.list_data_reveals(self.db.session, actor, load(DataRevealRpcQuery, query))

    @every("PROTECTION_SWEEP_SECONDS", 60)
    def sweep_protection(self):
        """保护期 lapse: leads without follow-up for the project's days return to the pool."""
        while customers.sweep_lapsed(self.db) == customers.SWEEP_BATCH:
            self.db.commit()
        self.db.commit()

    @handles("hr", "staff_left")
    def on_staff_left(self, event):
        """离职: the leaver's customers go to the pool for the manager to reassign."""
        customers.release_leaver(self.db, event["agency_id"], event["payload"]["account_id"])
