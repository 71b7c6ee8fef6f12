"""Spreadsheet routes: unit import jobs from the developer's .xlsx, .xlsx exports of the unit
list and the 销控表, and the audit history of a unit."""
import base64
from urllib.parse import quote

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from gateway.http import route
from loupan.schemas import inventory_spreadsheets as s
from loupan.errors import Invalid, TooLarge

# the unit list carries 底价, internal to the agency: not for the developer's viewers


def xlsx_response(file, fallback_name):
    """The file as a download; the ASCII name for old clients, the Chinese one per RFC 6266."""
    disposition = f"attachment; filename=\"{fallback_name}\"; filename*=UTF-8''{quote(file['filename'])}"
    return Response(base64.b64decode(file["content"]), mimetype=s.XLSX_TYPE,
                    headers={"Content-Disposition": disposition})


def uploaded_xlsx(request):
    """The request's body, an .xlsx file, as base64 text for the RPC; over 10 MB 413, empty 400."""
    too_large = TooLarge("the file is larger than 10 MB", "SPREADSHEET_TOO_LARGE")
    if (request.content_length or 0) > s.MAX_SPREADSHEET_BYTES:
        raise too_large  # the gateway's web server refuses it before this (gateway/server.py)
    try:  # a chunked body: read up to one byte past the limit (gateway/server.py)
        content = request.get_data()
    except RequestEntityTooLarge:
        raise too_large from None
    if len(content) > s.MAX_SPREADSHEET_BYTES:
        raise too_large
    if not content:
        raise Invalid("the body must be the .xlsx file", "INVALID_SPREADSHEET")
    return base64.b64encode(content).decode("ascii")


class SpreadsheetRoutes:
    @route("POST", "/api/projects/<int:project_id>/imports", query=s.ImportQuery,
           response=s.ImportOut, status=202, raw_body=s.XLSX_TYPE, location="/api/imports/{id}",
           errors={"429": "the import queue is full for you, this project or in all (IMPORT_QUEUE_FULL); "
                          "nothing was recorded: send the file again after `Retry-After` seconds"},
           summary="房源导入: the request body is the .xlsx file itself (楼栋, 房号, 楼层, 户型, 朝向, 物业形态, "
                   "建筑面积, 套内面积, 表价 or 单价, 底价, optional 装修, 交付日期; Chinese or English headers). "
                   "Answers 202 at once with the queued job and its Location; poll GET /api/imports/{import_id}: "
                   "the file is read and checked in the background, and a file that cannot be read (no "
                   "header, too many rows or cells, too slow to read) ends the job failed with its error_code. "
                   "Refused at once: not a zip, over 10 MB or inflating too much (413). dry_run=true checks only")
    def import_units(self, request, actor, project_id, query):
        data = {"content": uploaded_xlsx(request), "dry_run": query.get("dry_run", False)}
        return self.inventory.import_units(actor, project_id, data)

    @route("GET", "/api/imports/<int:import_id>", response=s.ImportOut,
           summary="An import job: status, progress (processed_rows of total_rows), bad rows with reasons")
    def get_import(self, request, actor, import_id):
        return self.inventory.get_import(actor, import_id)

    @route("GET", "/api/projects/<int:project_id>/units.xlsx", produces=s.XLSX_TYPE,
           summary="房源表 .xlsx: the unit list in the import's columns (base prices included)")
    def export_units(self, request, actor, project_id):
        return xlsx_response(self.inventory.export_units_xlsx(actor, project_id),
                             f"project-{project_id}-units.xlsx")

    @route("GET", "/api/projects/<int:project_id>/board.xlsx", produces=s.XLSX_TYPE,
           summary="销控表 .xlsx: a sheet per building (floors high to low, cells coloured by status) and totals")
    def export_board(self, request, actor, project_id):
        return xlsx_response(self.inventory.export_board_xlsx(actor, project_id),
                             f"project-{project_id}-board.xlsx")

    @route("GET", "/api/units/<int:unit_id>/history", response=s.UnitHistoryOut, many=True,
           summary="房源履历: every status change of a unit (from, to, who, advisor, why, when)")
    def unit_history(self, request, actor, unit_id):
        return self.inventory.unit_history(actor, unit_id)
