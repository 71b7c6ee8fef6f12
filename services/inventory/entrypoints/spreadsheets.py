"""Spreadsheet entrypoints: unit import jobs (房源导入), .xlsx exports of the unit list and the
销控表, and the audit history of a unit. A mixin of InventoryService (self.db is its database)."""
import base64

from loupan.entrypoints import query, rpc

from loupan.schemas import dump, load
from loupan.schemas import inventory_spreadsheets as s
from loupan.scope import load_actor
from services.inventory import exports, history, spreadsheets
from services.inventory.import_queue import ImportQueue


def _file(filename, content):
    return dump(s.SpreadsheetOut, {"filename": filename, "content": base64.b64encode(content).decode("ascii")})


class SpreadsheetEntrypoints:
    imports = ImportQueue()

    @rpc
    def import_units(self, actor, project_id, data):
        """房源导入 import units from the developer's .xlsx (base64), or only check them
        (dry_run). Only records the job, queued with its file (QueueFull past the queue's
        bounds) and answers it at once; the import queue reads, checks and imports it in the
        background, all or nothing; get_import shows progress and the bad rows."""
        actor = load_actor(actor)
        job = spreadsheets.enqueue_import(self.db, actor, project_id, load(s.ImportIn, data), self.imports.limits)
        self.db.commit()
        self.db.settle()  # in a command the commit is deferred: durable before the queue looks
        self.imports.wake()
        return dump(s.ImportOut, spreadsheets.import_dict(job))

    @query(s.ImportOut)
    def get_import(self, actor, import_id):
        """One import job: status, rows processed, units imported, bad rows with reasons."""
        return spreadsheets.get_import(self.db.session, actor, import_id)

    @rpc
    def export_units_xlsx(self, actor, project_id):
        """房源表 export: the unit list as .xlsx (base64), in the import's columns, base prices included."""
        return _file(*exports.units_xlsx(self.db.session, load_actor(actor), project_id))

    @rpc
    def export_board_xlsx(self, actor, project_id):
        """销控表 export: the board as .xlsx (base64), a sheet per building and a totals sheet."""
        return _file(*exports.board_xlsx(self.db.session, load_actor(actor), project_id))

    @query(s.UnitHistoryOut, many=True)
    def unit_history(self, actor, unit_id):
        """房源履历 audit history: every status change of a unit, who, when, why."""
        return history.unit_history(self.db.session, actor, unit_id)
