"""Reading the developer's .xlsx within bounds, in a child process.

An .xlsx is a zip of XML: 20 KB can inflate to gigabytes, and openpyxl parses it in pure
Python, holding the GIL. So, before anything is parsed, the zip's central directory is
checked (cheap: no member is inflated; zipfile never inflates a member past the size listed
there): at most MAX_MEMBERS members, MAX_UNCOMPRESSED_BYTES in all, and no member over 1 MB
that inflates more than MAX_RATIO times. Then the parse runs in a child process
(`python -m services.inventory.xlsx_reader inspect|rows SECONDS`, the file on stdin, JSON
on stdout), so the service's event loop keeps answering (the board, holds) while it runs: at
most PARSERS at once per process. The child keeps its own budget: it answers "takes longer
than SECONDS" when its alarm rings (wall clock), the kernel stops it past SECONDS + 1 of CPU,
and it may not map more than CHILD_MEMORY_BYTES; the parent kills it should it still run
CHILD_GRACE seconds past its budget. Within the parse, rows (MAX_SPREADSHEET_ROWS) and cells
(MAX_CELLS) are counted. The child imports only this module's few dependencies (0.3 s to
start).
"""
import io
import json
import logging
import os
import sys
import zipfile
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from loupan.schemas.inventory_spreadsheets import MAX_SPREADSHEET_ROWS
from loupan.errors import DomainError, Invalid, RuleViolated, TooLarge
from services.inventory.sheet_headers import NAMES, header_field, scaled

log = logging.getLogger(__name__)
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # a 20,000-row sheet written by openpyxl is 11 MB
MAX_RATIO = 100  # inflated / compressed, per member over RATIO_FLOOR (real sheets: 5-20)
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 1000  # a workbook has a few dozen parts
MAX_CELLS = 1_000_000  # parsed cells, blank ones within a row included (20,000 rows x 50)
PARSE_SECONDS = 60  # the default budget; inventory's IMPORT_PARSE_SECONDS sets it
CHILD_GRACE = 5  # the parent's backstop past the child's own budget
PARSERS = 2  # children at once per process (the machine's cores, not the workers)
CHILD_MEMORY_BYTES = 2 * 1024 ** 3
ROOT = Path(__file__).resolve().parents[2]

# field, Chinese header (what exports write); the names and units read are sheet_headers.py's
COLUMNS = tuple((field, names[0]) for field, names in NAMES.items())
LABELS = dict(COLUMNS, building_id="楼栋")
REQUIRED = ("building", "number", "floor", "layout", "orientation", "property_type",
            "gross_area", "net_area", "base_price")


def too_large(why):
    return TooLarge(f"the spreadsheet is too large to read: {why}", "SPREADSHEET_TOO_LARGE")


def check_archive(data):
    """Refuse a zip whose central directory promises too much, before inflating any of it."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise Invalid("the file is not an .xlsx spreadsheet", "INVALID_SPREADSHEET") from None
    if len(members) > MAX_MEMBERS:
        raise too_large(f"{len(members)} parts in the zip (at most {MAX_MEMBERS})")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise too_large(f"it inflates to {total // 2**20} MB (at most {MAX_UNCOMPRESSED_BYTES // 2**20} MB)")
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise too_large(f"{m.filename[:100]} inflates {m.file_size // max(m.compress_size, 1)} times "
                            f"(at most {MAX_RATIO})")


# --- in the parent: run the child ---

def inspect(data, seconds=PARSE_SECONDS):
    """The estimated number of unit rows; refuses a file without a usable header row or
    with too many rows (see _inspect)."""
    check_archive(data)
    return _in_child("inspect", data, seconds)


def read_rows(data, seconds=PARSE_SECONDS):
    """[(spreadsheet row number, {field: cell value})] of each non-blank row under the header,
    read within `seconds`."""
    check_archive(data)
    return [(row_no, {f: _decoded(v) for f, v in values.items()})
            for row_no, values in _in_child("rows", data, seconds)]


_parsers = None


def _in_child(mode, data, seconds=PARSE_SECONDS):
    global _parsers
    from eventlet import Timeout
    from eventlet.green import subprocess
    from eventlet.semaphore import Semaphore

    if _parsers is None:
        _parsers = Semaphore(PARSERS)
    seconds = max(1, int(seconds))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    with _parsers:
        child = subprocess.Popen([sys.executable, "-m", __name__, mode, str(int(seconds))],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            with Timeout(seconds + CHILD_GRACE):  # the child keeps its budget itself: a backstop
                out, err = child.communicate(data)
        except Timeout:
            raise too_slow(seconds) from None
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    if child.returncode == -24 and not out:  # SIGXCPU: the kernel's CPU limit stopped it
        raise too_slow(seconds)
    try:
        answer = json.loads(out)
    except ValueError:
        log.error("the spreadsheet reader exited %s: %s", child.returncode, err.decode(errors="replace")[-2000:])
        raise Invalid("the spreadsheet cannot be read", "INVALID_SPREADSHEET") from None
    if "error" in answer:
        kind, message, code = answer["error"]
        raise {"TooLarge": TooLarge, "RuleViolated": RuleViolated}.get(kind, Invalid)(message, code)
    return answer["result"]


def too_slow(seconds):
    return too_large(f"reading it takes longer than {int(seconds)} s")


def _decoded(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        return date.fromisoformat(value["date"])
    return value


# --- in the child: parse ---

def _encoded(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return str(value)  # a time or a duration: the row check says what is wrong with it


def _open(data):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return workbook, workbook.worksheets[0]
    except MemoryError:
        raise too_large("it needs more memory than allowed") from None
    except Exception:  # openpyxl fails in many ways on foreign bytes; all mean "not an xlsx"
        raise Invalid("the file is not an .xlsx spreadsheet", "INVALID_SPREADSHEET") from None


@contextmanager
def _reading(data):
    """The first sheet's rows (values) with a cell counter, and the header's columns; a
    damaged sheet inside a valid zip is 400, running out of memory 413; closed after."""
    workbook, sheet = _open(data)
    try:
        rows = sheet.iter_rows(values_only=True)
        cells = _Cells()
        header = next(rows, ())
        cells.add(header)
        yield rows, cells, read_header(header), sheet
    except DomainError:
        raise
    except MemoryError:
        raise too_large("it needs more memory than allowed") from None
    except Exception:
        raise Invalid("the spreadsheet cannot be read", "INVALID_SPREADSHEET") from None
    finally:
        workbook.close()


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


def blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


class _Cells:
    """Counts the cells parsed (openpyxl yields a row's blank cells too, up to its last)."""

    def __init__(self):
        self.count = 0

    def add(self, cells):
        self.count += len(cells)
        if self.count > MAX_CELLS:
            raise RuleViolated(f"the file has more than {MAX_CELLS:,} cells", "TOO_MANY_CELLS")


def _inspect(data):
    """What can be answered at once: an xlsx with a usable header row and not too many
    rows. Returns the estimated number of unit rows."""
    with _reading(data) as (rows, cells, _columns, sheet):
        estimate = None if sheet.max_row is None else sheet.max_row - 1
        if estimate is None or estimate > MAX_SPREADSHEET_ROWS:
            # unsized (some writers omit it), or the size counts blank formatted rows: count
            estimate = _count_rows(rows, cells)
    if estimate > MAX_SPREADSHEET_ROWS:
        raise too_many_rows()
    return estimate


def _count_rows(rows, cells):
    """Non-blank rows, counting no further than one past the limit."""
    count = 0
    for row in rows:
        cells.add(row)
        count += not all(blank(c) for c in row)
        if count > MAX_SPREADSHEET_ROWS:
            break
    return count


def too_many_rows():
    return RuleViolated(f"the file has more than {MAX_SPREADSHEET_ROWS} unit rows", "TOO_MANY_ROWS")


def _read_rows(data):
    with _reading(data) as (rows, cells, columns, _sheet):
        found = []
        for row_no, row in enumerate(rows, start=2):
            cells.add(row)
            if not all(blank(c) for c in row):
                found.append((row_no, {f: _encoded(scaled(c, scale)) for (f, scale), c in zip(columns, row)
                                       if f is not None}))
                if len(found) > MAX_SPREADSHEET_ROWS:
                    raise too_many_rows()
        return found


class _OutOfTime(BaseException):
    """The child's alarm: not an Exception, so that no parser's `except Exception` takes it."""


def _ring(signum, frame):
    raise _OutOfTime()


def main(mode, seconds=PARSE_SECONDS):
    import resource
    import signal
    import warnings

    warnings.simplefilter("ignore")  # openpyxl warns of styles it does not know
    for limit, value in ((resource.RLIMIT_AS, CHILD_MEMORY_BYTES), (resource.RLIMIT_CPU, seconds + 1)):
        hard = resource.getrlimit(limit)[1]
        resource.setrlimit(limit, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))
    signal.signal(signal.SIGALRM, _ring)
    signal.alarm(seconds)  # the budget in wall-clock time, reading stdin included
    try:
        data = sys.stdin.buffer.read()
        check_archive(data)
        answer = {"result": _inspect(data) if mode == "inspect" else _read_rows(data)}
    except DomainError as exc:
        answer = {"error": [type(exc).__name__, exc.message, exc.code]}
    except _OutOfTime:
        exc = too_slow(seconds)
        answer = {"error": [type(exc).__name__, exc.message, exc.code]}
    signal.alarm(0)
    sys.stdout.buffer.write(json.dumps(answer).encode("ascii"))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else PARSE_SECONDS)
