"""Units from the developer's spreadsheet (.xlsx): reading the sheet, checking each row with
the same rules as the JSON API (UnitIn), and the import job that runs in the background.

The upload only records the job (enqueue_import): the project in scope, the file's size and
zip directory checked (cheap: nothing inflated), the queue's bounds (QueueFull: 429), then the
job row with the file's bytes, queued. Nothing is parsed while the uploader waits, so an
upload holds an RPC worker for milliseconds whatever the file. inventory's import queue
(import_queue.py) runs queued jobs within their concurrency bounds (run_import).

A job reads the file in a child process (xlsx_reader: its own time and memory budget, no
unit of work open), checks every row, committing its progress every few hundred rows in
short transactions of their own; only when every row is good (and it is not a dry run) does
it create the units, all in one transaction through catalog.create_units. Each step opens
and closes its own unit of work, one at a time: on SQLite a unit of work holds the process's
only connection, so a greenlet holding two would wait for itself.
"""
import base64
import binascii
import json
import logging
from contextlib import closing
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import eventlet
from marshmallow import ValidationError
from sqlalchemy import case, func, select, update

from loupan.schemas import schema_instance
from loupan.schemas.inventory_catalog import UnitIn
from loupan.schemas.inventory_spreadsheets import MAX_SPREADSHEET_BYTES, MAX_SPREADSHEET_ROWS
from loupan.errors import DomainError, Invalid, QueueFull, TooLarge
from loupan.scope import get_in_scope
from loupan.types import CENT, to_decimal2, utcnow
from services.inventory import catalog
from services.inventory.models import Building, Project, Unit, UnitImport
from services.inventory.unit_rules import below_base
from services.inventory.xlsx_reader import LABELS, PARSE_SECONDS, blank as _blank, check_archive, read_rows, \
    too_many_rows

log = logging.getLogger(__name__)
PROGRESS_EVERY = 500  # rows between progress commits: visible progress, short transactions
ACTIVE = ("queued", "running")
# the queue's bounds (inventory's config, IMPORT_*; docs/services.md): jobs queued or running
QUEUE_DEFAULTS = {"IMPORT_QUEUE_PER_ACCOUNT": 3, "IMPORT_QUEUE_PER_PROJECT": 6, "IMPORT_QUEUE_TOTAL": 40,
                  "IMPORT_RETRY_AFTER_SECONDS": 10}
PROPERTY_TYPES = {"住宅": "residential", "公寓": "apartment", "商铺": "shop", "写字楼": "office", "车位": "parking"}


def decode(content):
    """The file's bytes from the base64 text of the RPC, refused when too large."""
    if len(content) > (MAX_SPREADSHEET_BYTES + 2) // 3 * 4:
        raise _too_large()
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("the file is not base64 text", "INVALID_SPREADSHEET") from None
    if len(data) > MAX_SPREADSHEET_BYTES:
        raise _too_large()
    return data


def _too_large():
    return TooLarge(f"the file is larger than {MAX_SPREADSHEET_BYTES // (1024 * 1024)} MB",
                    "SPREADSHEET_TOO_LARGE")


class RowChecker:
    """Checks one row at a time: UnitIn's rules, plus what only the project and the whole file
    know (building names, a number repeated in the file or already taken)."""

    def __init__(self, buildings, existing, below_base_allowed=False):
        self.buildings = buildings  # name -> id
        self.existing = existing  # {(building_id, number)} already in the project
        self.seen = {}  # (building_id, number) -> first row with it
        self.below_base_allowed = below_base_allowed  # a director's file may hold units under 底价

    def check(self, row_no, values):
        """(the loaded unit, None) or (None, {row, number, reasons})."""
        raw, reasons = unit_fields(values)
        name = raw.pop("building", None)
        partial = ()
        if name is not None and name not in self.buildings:
            reasons.append(f"楼栋 (building): {name} is not a building of this project")
            partial = ("building_id",)
        elif name is not None:
            raw["building_id"] = self.buildings[name]
        unit = None
        try:
            unit = schema_instance(UnitIn).load(raw, partial=partial)
        except ValidationError as exc:
            reasons.extend(_reason(field, messages) for field, messages in exc.messages.items())
        if unit is not None and not self.below_base_allowed and below_base(unit["list_price"], unit["base_price"]):
            reasons.append("底价 (base_price): above the 表价; only a director imports units below their 底价")
        number = raw.get("number")
        key = (raw.get("building_id"), number)
        if None not in key:
            if key in self.existing:
                reasons.append(f"房号 (number): {number} already exists in {name}")
            elif key in self.seen:
                reasons.append(f"房号 (number): {number} appears twice in {name} (also row {self.seen[key]})")
            else:
                self.seen[key] = row_no
        if reasons:
            return None, {"row": row_no, "number": number, "reasons": reasons}
        return unit, None


def unit_fields(values):
    """Cells -> the input UnitIn expects (plus the building's name). Spreadsheet cells come
    as numbers, dates or text; amounts become decimal strings, Chinese 物业形态 the codes,
    and 单价 × 建筑面积 the total 表价 when no 表价 is given."""
    raw, reasons = {}, []
    for field in ("building", "number", "layout", "orientation", "decoration"):
        if not _blank(values.get(field)):
            raw[field] = _text(values[field])
    if not _blank(values.get("property_type")):
        kind = _text(values["property_type"])
        raw["property_type"] = PROPERTY_TYPES.get(kind, kind.lower())
    if not _blank(values.get("floor")):
        raw["floor"] = _integer(values["floor"])
    for field in ("gross_area", "net_area", "list_price", "base_price"):
        if not _blank(values.get(field)):
            raw[field] = _amount(values[field])
    if "list_price" not in raw and not _blank(values.get("unit_price")):
        unit_price, area = _decimal(values["unit_price"]), _decimal(values.get("gross_area"))
        if unit_price is None:
            reasons.append("单价 (unit_price): must be a number")
        elif area is not None:
            raw["list_price"] = str((unit_price * to_decimal2(area)).quantize(CENT, rounding=ROUND_HALF_UP))
    if not _blank(values.get("delivery_date")):
        raw["delivery_date"] = _date(values["delivery_date"])
    return raw, reasons


def _reason(field, messages):
    text = " ".join(messages) if isinstance(messages, list) else str(messages)
    text = "missing" if text == "Missing data for required field." else text
    return f"{LABELS.get(field, field)} ({field.removesuffix('_id')}): {text}"


def _text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 1201 typed in a number cell
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _integer(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value  # UnitIn says what is wrong with it
    return value


def _amount(value):
    # a number cell is a binary float: its shortest repr is the decimal the user typed
    # (written out in digits: UnitIn takes no exponent, and 1e+16 is only too large)
    if isinstance(value, float):
        text = repr(value)
        return f"{Decimal(text):f}" if "e" in text else text
    return value.strip() if isinstance(value, str) else value


def _decimal(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        result = Decimal(_amount(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def _date(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value.strip() if isinstance(value, str) else value


def queue_limits(config):
    return {key: int(config.get(key) or default) for key, default in QUEUE_DEFAULTS.items()}


def enqueue_import(uow, actor, project_id, data, limits):
    """Answer what can be answered at once (scope, size, a zip that does not promise too
    much, room in the queue) and record the job, queued, with the file. The bounds count the
    jobs queued or running: per account, per project (exact: the project's row is locked
    meanwhile on PostgreSQL) and in all; past one, QueueFull and nothing recorded."""
    session = uow.session
    project = catalog.get_project(session, actor, project_id)
    content = decode(data["content"])
    check_archive(content)  # a bomb is refused now, by the zip's directory: nothing inflated
    # FOR NO KEY UPDATE: serialises the uploads of one project without blocking rows that
    # only reference it (holds, units)
    session.execute(select(Project.id).where(Project.id == project.id).with_for_update(key_share=True))
    total, mine, project_jobs = session.execute(
        select(func.count(),
               func.coalesce(func.sum(case((UnitImport.created_by == actor["account_id"], 1), else_=0)), 0),
               func.coalesce(func.sum(case((UnitImport.project_id == project.id, 1), else_=0)), 0))
        .where(UnitImport.status.in_(ACTIVE))).one()
    for count, key, whose in ((mine, "IMPORT_QUEUE_PER_ACCOUNT", "of yours"),
                              (project_jobs, "IMPORT_QUEUE_PER_PROJECT", "of this project"),
                              (total, "IMPORT_QUEUE_TOTAL", "in all")):
        if count >= limits[key]:
            raise QueueFull(f"{count} imports {whose} are queued or running (at most {limits[key]}); "
                            f"send the file again later", "IMPORT_QUEUE_FULL", limits["IMPORT_RETRY_AFTER_SECONDS"])
    job = UnitImport(agency_id=project.agency_id, project_id=project.id, status="queued",
                     dry_run=data["dry_run"], total_rows=0, processed_rows=0, imported_rows=0,
                     errors="[]", created_by=actor["account_id"], content=content, attempts=0,
                     actor=json.dumps(actor, ensure_ascii=False, default=str))
    session.add(job)
    session.flush()
    return job


def run_import(new_uow, job_id, parse_seconds=PARSE_SECONDS):
    """The background part of an import, for a job the queue claimed (running): it always
    ends the job done or failed."""
    try:
        _check_and_import(new_uow, job_id, parse_seconds)
    except Exception as exc:  # the job must end, and a managed thread that raises stops the service
        if isinstance(exc, DomainError):
            reason, code = exc.message, exc.code
        else:
            log.exception("unit import %s failed", job_id)
            reason, code = "the file could not be imported (internal error)", "INTERNAL"
        _finish(new_uow, job_id, "failed", [{"row": None, "number": None, "reasons": [reason]}], code=code)


def _check_and_import(new_uow, job_id, parse_seconds):
    with closing(new_uow()) as uow:
        job = uow.session.get(UnitImport, job_id)
        project_id, dry_run, content = job.project_id, job.dry_run, job.content
        actor = json.loads(job.actor)
    rows = read_rows(content, parse_seconds)  # in the child, within its budget; no unit of work open
    del content
    with closing(new_uow()) as uow:
        session = uow.session
        buildings = dict(session.execute(
            select(Building.name, Building.id).where(Building.project_id == project_id)).all())
        existing = {tuple(r) for r in session.execute(
            select(Unit.building_id, Unit.number).where(Unit.project_id == project_id))}
        session.execute(update(UnitImport).where(UnitImport.id == job_id).values(
            total_rows=len(rows), heartbeat_at=utcnow()))
        uow.commit()
    checker = RowChecker(buildings, existing, catalog.may_go_below_base(actor))
    units, errors, count = [], [], 0
    for row_no, values in rows:
        count += 1
        if count > MAX_SPREADSHEET_ROWS:
            raise too_many_rows()
        unit, error = checker.check(row_no, values)
        if error is None:
            units.append(unit)
        else:
            errors.append(error)
        if count % PROGRESS_EVERY == 0:
            _progress(new_uow, job_id, count)
            eventlet.sleep(0)  # parsing is CPU work: let the hub serve others (and heartbeats)
    if count == 0:
        errors.append({"row": None, "number": None, "reasons": ["the sheet has no unit rows"]})
    if errors or dry_run:
        _finish(new_uow, job_id, "failed" if errors else "done", errors, rows=count)
        return
    with closing(new_uow()) as uow:
        catalog.create_units(uow, actor, project_id, units)
        _end(uow.session, job_id, "done", [], rows=count, imported=len(units))
        uow.commit()


def _progress(new_uow, job_id, count):
    with closing(new_uow()) as uow:
        uow.session.execute(update(UnitImport).where(UnitImport.id == job_id).values(
            processed_rows=count, heartbeat_at=utcnow()))
        uow.commit()


def _finish(new_uow, job_id, status, errors, rows=None, code=None):
    try:
        with closing(new_uow()) as uow:
            _end(uow.session, job_id, status, errors, rows, code=code)
            uow.commit()
    except Exception:  # the database is gone: log it rather than stop the whole service
        log.exception("unit import %s: could not record its end", job_id)


def _end(session, job_id, status, errors, rows=None, imported=0, code=None):
    """The job's outcome; its file and the uploader's actor are not kept past it."""
    values = {"status": status, "errors": json.dumps(errors, ensure_ascii=False), "error_code": code,
              "imported_rows": imported, "finished_at": utcnow(), "content": None, "actor": None}
    if rows is not None:
        values.update(total_rows=rows, processed_rows=rows)
    session.execute(update(UnitImport).where(UnitImport.id == job_id).values(**values))


def get_import(session, actor, import_id):
    job = get_in_scope(session, actor, UnitImport, import_id, "import")
    return import_dict(job)


HIDDEN = ("content", "actor", "heartbeat_at")


def import_dict(job):
    data = {c.name: getattr(job, c.name) for c in UnitImport.__table__.columns if c.name not in HIDDEN}
    data["errors"] = json.loads(job.errors)
    return data
