"""Reading the developer's unit spreadsheet: the kernel's bounded reader (loupan/xlsx_reader.py:
the zip's directory checked before anything is inflated, the parse in a child process with
its own time, memory, row and cell budget) gives the first sheet's cells; here the header row
is read as offices write it (sheet_headers.py) and each row becomes the unit fields it holds.
"""
from loupan.schemas.inventory_spreadsheets import MAX_SPREADSHEET_ROWS
from loupan.errors import Invalid
from loupan.xlsx_reader import CHILD_GRACE, PARSE_SECONDS, PARSERS, ROOT, blank, check_archive, decoded, \
    in_child  # noqa: F401  (the import queue and the tests take them from here)
from loupan.xlsx_reader import too_many_rows as _too_many_rows
from services.inventory.sheet_headers import NAMES, header_field, scaled

# field, Chinese header (what exports write); the names and units read are sheet_headers.py's
COLUMNS = tuple((field, names[0]) for field, names in NAMES.items())
LABELS = dict(COLUMNS, building_id="楼栋")
REQUIRED = ("building", "number", "floor", "layout", "orientation", "property_type",
            "gross_area", "net_area", "base_price")


def read_rows(data, seconds=PARSE_SECONDS):
    """[(spreadsheet row number, {field: cell value})] of each non-blank row under the header,
    read within `seconds`; a header that lacks a required column is refused (read_header)."""
    check_archive(data)
    header, rows = decoded(_in_child("rows", data, seconds))
    columns = read_header(header)
    return [(row_no, {f: scaled(c, scale) for (f, scale), c in zip(columns, cells) if f is not None})
            for row_no, cells in rows]


def _in_child(mode, data, seconds=PARSE_SECONDS):
    """The kernel's child reads the sheet (one place for the tests to watch the parses)."""
    return in_child(data, MAX_SPREADSHEET_ROWS, seconds)


def too_many_rows():
    return _too_many_rows(MAX_SPREADSHEET_ROWS)


def read_header(cells):
    """(field, scale) of each column (field None for columns we do not use; sheet_headers.py
    reads the names and units offices write); refuses a header that lacks a required column
    or names one twice."""
    columns, seen = [], set()
    for cell in cells:
        field, scale = (None, 1) if blank(cell) else header_field(cell)
        if field in seen:
            raise Invalid(f"column {cell} appears twice in the header", "INVALID_SPREADSHEET")
        if field is not None:
            seen.add(field)
        columns.append((field, scale))
    missing = [f"{LABELS[f]}/{f}" for f in REQUIRED if f not in seen]
    if not {"list_price", "unit_price"} & seen:
        missing.append("表价/list_price or 单价/unit_price")
    if missing:
        raise Invalid(f"the header row lacks: {', '.join(missing)}", "MISSING_COLUMNS")
    return columns
