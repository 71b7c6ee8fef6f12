"""Reading an uploaded .xlsx within bounds, in a child process: the first sheet's header row
and its non-blank rows, as cell values. No business rule: what a column means is the caller's
(inventory's unit import, crm's customer import).

An .xlsx is a zip of XML: 20 KB can inflate to gigabytes, and openpyxl parses it in pure
Python, holding the GIL. So, before anything is parsed, the zip's central directory is
checked (cheap: no member is inflated; zipfile never inflates a member past the size listed
there): at most MAX_MEMBERS members, MAX_UNCOMPRESSED_BYTES in all, and no member over 1 MB
that inflates more than MAX_RATIO times. Then the parse runs in a child process
(`python -m loupan.xlsx_reader SECONDS MAX_ROWS`, the file on stdin, JSON on stdout), so the
service's event loop keeps answering while it runs: at most PARSERS at once per process. The
child keeps its own budget: it answers "takes longer than SECONDS" when its alarm rings (wall
clock), the kernel stops it past SECONDS + 1 of CPU, and it may not map more than
CHILD_MEMORY_BYTES; the parent kills it should it still run CHILD_GRACE seconds past its
budget. Within the parse, rows (the caller's MAX_ROWS) and cells (MAX_CELLS) are counted. The
child imports only this module's few dependencies (0.3 s to start).

Errors: 400 INVALID_SPREADSHEET (not an xlsx, a damaged sheet), 413 SPREADSHEET_TOO_LARGE
(the zip promises too much, out of memory or time), 422 TOO_MANY_ROWS / TOO_MANY_CELLS.
"""
import io
import json
import logging
import os
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

from loupan.errors import DomainError, Invalid, RuleViolated, TooLarge

log = logging.getLogger(__name__)
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # a 20,000-row sheet written by openpyxl is 11 MB
MAX_RATIO = 100  # inflated / compressed, per member over RATIO_FLOOR (real sheets: 5-20)
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 1000  # a workbook has a few dozen parts
MAX_CELLS = 1_000_000  # parsed cells, blank ones within a row included (20,000 rows x 50)
PARSE_SECONDS = 60  # the default budget
CHILD_GRACE = 5  # the parent's backstop past the child's own budget
PARSERS = 2  # children at once per process (the machine's cores, not the workers)
CHILD_MEMORY_BYTES = 2 * 1024 ** 3
ROOT = Path(__file__).resolve().parents[1]


def too_large(why):
    return TooLarge(f"the spreadsheet is too large to read: {why}", "SPREADSHEET_TOO_LARGE")


def too_many_rows(max_rows):
    return RuleViolated(f"the file has more than {max_rows} rows", "TOO_MANY_ROWS")


def too_slow(seconds):
    return too_large(f"reading it takes longer than {int(seconds)} s")


def blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


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

def read_sheet(data, max_rows, seconds=PARSE_SECONDS):
    """(header cells, [(spreadsheet row number, cells)]) of the first sheet: each non-blank row
    under the header, its trailing blank cells dropped; dates and times as datetime/date."""
    check_archive(data)
    return decoded(in_child(data, max_rows, seconds))


def decoded(answer):
    """read_sheet's answer from the child's JSON (`in_child`)."""
    return ([_decoded(c) for c in answer["header"]],
            [(row_no, [_decoded(c) for c in cells]) for row_no, cells in answer["rows"]])


_parsers = None


def in_child(data, max_rows, seconds=PARSE_SECONDS):
    """The child's answer as JSON values ({"header", "rows"}), or the error it raised, raised again."""
    global _parsers
    from eventlet import Timeout
    from eventlet.green import subprocess
    from eventlet.semaphore import Semaphore

    if _parsers is None:
        _parsers = Semaphore(PARSERS)
    seconds = max(1, int(seconds))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    with _parsers:
        child = subprocess.Popen([sys.executable, "-m", __name__, str(seconds), str(int(max_rows))],
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
    return str(value)  # a time or a duration: the caller's row check says what is wrong with it


def _open(data):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return workbook, workbook.worksheets[0]
    except MemoryError:
        raise too_large("it needs more memory than allowed") from None
    except Exception:  # openpyxl fails in many ways on foreign bytes; all mean "not an xlsx"
        raise Invalid("the file is not an .xlsx spreadsheet", "INVALID_SPREADSHEET") from None


class _Cells:
    """Counts the cells parsed (openpyxl yields a row's blank cells too, up to its last)."""

    def __init__(self):
        self.count = 0

    def add(self, cells):
        self.count += len(cells)
        if self.count > MAX_CELLS:
            raise RuleViolated(f"the file has more than {MAX_CELLS:,} cells", "TOO_MANY_CELLS")


def _trimmed(cells):
    cells = list(cells)
    while cells and blank(cells[-1]):
        cells.pop()
    return [_encoded(c) for c in cells]


def _read(data, max_rows):
    """The first sheet's header and non-blank rows; a damaged sheet inside a valid zip is 400,
    running out of memory 413."""
    workbook, sheet = _open(data)
    try:
        rows = sheet.iter_rows(values_only=True)
        cells = _Cells()
        header = next(rows, ())
        cells.add(header)
        found = []
        for row_no, row in enumerate(rows, start=2):
            cells.add(row)
            if not all(blank(c) for c in row):
                found.append((row_no, _trimmed(row)))
                if len(found) > max_rows:
                    raise too_many_rows(max_rows)
        return {"header": _trimmed(header), "rows": found}
    except DomainError:
        raise
    except MemoryError:
        raise too_large("it needs more memory than allowed") from None
    except Exception:
        raise Invalid("the spreadsheet cannot be read", "INVALID_SPREADSHEET") from None
    finally:
        workbook.close()


class _OutOfTime(BaseException):
    """The child's alarm: not an Exception, so that no parser's `except Exception` takes it."""


def _ring(signum, frame):
    raise _OutOfTime()


def main(seconds, max_rows):
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
        answer = {"result": _read(data, max_rows)}
    except DomainError as exc:
        answer = {"error": [type(exc).__name__, exc.message, exc.code]}
    except _OutOfTime:
        exc = too_slow(seconds)
        answer = {"error": [type(exc).__name__, exc.message, exc.code]}
    signal.alarm(0)
    sys.stdout.buffer.write(json.dumps(answer).encode("ascii"))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else PARSE_SECONDS, int(sys.argv[2]) if len(sys.argv) > 2 else 20_000)
