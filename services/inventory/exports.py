"""Exports to .xlsx: the unit list (the import's columns, so an export imports again) and the
销控表 (one sheet per building, floors high to low, cells coloured by status, and totals)."""
import io
import re

import eventlet
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from sqlalchemy import func, select

from loupan.schemas.inventory_spreadsheets import MAX_SPREADSHEET_ROWS
from loupan.errors import RuleViolated
from loupan.spreadsheet import append_row
from services.inventory import catalog
from services.inventory.models import Building, Unit
from services.inventory.spreadsheets import PROPERTY_TYPES
from services.inventory.xlsx_reader import COLUMNS

STATUS_NAMES = {"unreleased": "未推", "available": "待售", "locked": "销控保留", "held": "预留",
                "subscribed": "认购", "signed": "签约", "filed": "备案", "delivered": "交付"}
STATUS_COLOURS = {"unreleased": "D9D9D9", "available": "C6EFCE", "locked": "CCC0DA", "held": "FFEB9C",
                  "subscribed": "F8CBAD", "signed": "FFC7CE", "filed": "BDD7EE", "delivered": "A6A6A6"}
PROPERTY_TYPE_NAMES = {code: name for name, code in PROPERTY_TYPES.items()}
PAGE = 5000


def units_xlsx(session, actor, project_id):
    """房源表 with base prices (底价): (filename, bytes)."""
    project = catalog.get_project(session, actor, project_id)
    _within_bounds(session, project)
    names = dict(session.execute(
        select(Building.id, Building.name).where(Building.project_id == project.id)).all())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("房源")
    sheet.append([zh for _, zh in COLUMNS] + ["状态"])
    offset = 0
    while True:
        page = catalog.list_units(session, actor, project.id, {"limit": PAGE, "offset": offset})
        for u in page["items"]:
            append_row(sheet, [names[u["building_id"]], u["number"], u["floor"], u["layout"], u["orientation"],
                               PROPERTY_TYPE_NAMES[u["property_type"]], u["gross_area"], u["net_area"],
                               u["list_price"], u["unit_price"], u["base_price"], u["decoration"],
                               u["delivery_date"], STATUS_NAMES[u["status"]]])
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            break
        eventlet.sleep(0)  # building a large sheet is CPU work: let the hub breathe between pages
    return f"{project.name}-房源表.xlsx", _saved(workbook)


def board_xlsx(session, actor, project_id):
    """销控表: a totals sheet (count, area, amount per status, coloured as a legend), then one
    sheet per building with a row per floor, highest first: (filename, bytes)."""
    _within_bounds(session, catalog.get_project(session, actor, project_id))
    data = catalog.board(session, actor, project_id)
    workbook = Workbook()
    totals = workbook.active
    totals.title = "汇总"
    totals.append(["状态", "套数", "建筑面积(㎡)", "金额(元)"])
    for status, total in data["totals"].items():
        totals.append([STATUS_NAMES[status], total["count"], total["gross_area"], total["amount"]])
        totals.cell(totals.max_row, 1).fill = _fill(status)
    totals.append(["合计", sum(t["count"] for t in data["totals"].values()),
                   sum(t["gross_area"] for t in data["totals"].values()),
                   sum(t["amount"] for t in data["totals"].values())])
    titles = {"汇总"}
    wrap = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for building in data["buildings"]:
        sheet = workbook.create_sheet(_sheet_title(building["name"], titles))
        append_row(sheet, [building["name"], f"预售许可证 {building['permit_no'] or '无'}"])
        for floor in building["floors"]:
            append_row(sheet, [f"{floor['floor']}层"] + [f"{u['number']}\n{STATUS_NAMES[u['status']]}"
                                                               for u in floor["units"]])
            for column, unit in enumerate(floor["units"], start=2):
                cell = sheet.cell(sheet.max_row, column)
                cell.fill = _fill(unit["status"])
                cell.alignment = wrap
    return f"{data['project'].name}-销控表.xlsx", _saved(workbook)


def _within_bounds(session, project):
    """An export is one file of at most what one import takes (MAX_SPREADSHEET_ROWS units),
    so it is built in seconds and imports again; a larger project is refused, not half-built."""
    count = session.scalar(select(func.count()).select_from(Unit).where(Unit.project_id == project.id))
    if count > MAX_SPREADSHEET_ROWS:
        raise RuleViolated(f"the project has {count:,} units; an export takes at most "
                           f"{MAX_SPREADSHEET_ROWS:,}", "EXPORT_TOO_LARGE")


def _fill(status):
    return PatternFill(fill_type="solid", start_color=STATUS_COLOURS[status], end_color=STATUS_COLOURS[status])


def _sheet_title(name, used):
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "楼栋"
    title, n = base, 1
    while title.lower() in used:
        n += 1
        title = f"{base[:31 - len(str(n)) - 1]}~{n}"
    used.add(title.lower())
    return title


def _saved(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
