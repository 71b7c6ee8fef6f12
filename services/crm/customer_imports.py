"""An agency's existing customers from its old spreadsheet (issue 16): the dry run, kept, then
the office's confirmation of exactly that dry run. The rules are customer_import_rules.py;
ownership is the 报备's (customers.py: _find, protection, the owner history, 撞单).

The dry run (preview) reads the file in the kernel's child process (loupan/xlsx_reader.py:
its own time, memory, row and cell budget; the file itself is not kept), checks each row,
judges the good ones against the project's customers, and stores the rows with an expiry.
Nothing else is written. The confirmation (confirm) takes the stored rows, not a file: the
office imports what it saw. Its rows are checked again against the staff and customers of
that moment (an advisor who left meanwhile, a customer registered meanwhile); bad rows are
skipped, and each good one is applied by its judgement then:
- new: the customer, its owner (history "imported") and 保护期 from now, its grade;
- same: the owner's customer gets the grade (history "imported"), a later last follow-up,
  the notes if it had none;
- claim: the owner takes it (history "imported", 保护期 afresh), then as same;
- conflict: a 撞单 (open) for the manager, as a 报备 of a protected customer makes; the owner
  keeps the customer.
The last follow-up date is recorded as is (start of that day in Asia/Shanghai); the 保护期 of
an imported owner runs from the import, as from a 报备. No customer_registered is published:
an imported customer is not a new lead of this month on an advisor's scorecard.
The confirmation is logged in the export log (kind "import", the file's name, rows imported)
and happens once: a conditional update of the dry run's status; a second one answers the
first's result."""
import base64
import binascii
from datetime import datetime, time, timedelta

from sqlalchemy import delete, select, update

from loupan.errors import Conflict as ConflictError
from loupan.errors import Invalid, TooLarge
from loupan.roles import PERMISSIONS, require_role
from loupan.schemas.crm_customer_imports import IMPORT_PARSE_SECONDS, MAX_IMPORT_ROWS
from loupan.schemas.inventory_spreadsheets import MAX_SPREADSHEET_BYTES
from loupan.scope import get_in_scope
from loupan.types import SHANGHAI, utcnow
from loupan.xlsx_reader import read_sheet
from services.crm import customer_import_rules as rules
from services.crm.customers import _find, _grade, _insert_new, _project, _set_owner, protection_days
from services.crm.models import Conflict, Customer, CustomerExport, CustomerImport

DEFAULT_KEEP_MINUTES = 60  # a dry run may be confirmed for this long (CUSTOMER_IMPORT_MINUTES)


def keep_minutes(config):
    return int(config.get("CUSTOMER_IMPORT_MINUTES") or DEFAULT_KEEP_MINUTES)


def decode(content):
    """The file's bytes from the RPC's base64 text, refused past the upload limit."""
    if len(content) > (MAX_SPREADSHEET_BYTES + 2) // 3 * 4:
        raise TooLarge(f"the file is larger than {MAX_SPREADSHEET_BYTES // 2**20} MB", "SPREADSHEET_TOO_LARGE")
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("the file is not base64 text", "INVALID_SPREADSHEET") from None


def read_file(data, seconds=IMPORT_PARSE_SECONDS):
    """[(row number, {field: cell})] of the sheet, its header read as offices write it."""
    header, rows = read_sheet(data, MAX_IMPORT_ROWS, seconds)
    columns = rules.read_header(header)
    if not rows:
        raise Invalid("the sheet has no customer rows under its header", "EMPTY_SPREADSHEET")
    return [(row_no, rules.row_values(columns, cells)) for row_no, cells in rows]


def project_staff(staff, project_id):
    """The accounts (gateway: the agency's active advisors and supervisors) of this project."""
    return [s for s in staff if project_id in (s.get("project_ids") or [])]


def today(at):
    return at.astimezone(SHANGHAI).date()


def check_may_import(actor, project_id):
    """Before the file is read: the role and the project."""
    require_role(actor, PERMISSIONS["customers.import"])
    _project(actor, project_id)


def preview(uow, actor, project_id, rows, file_name, staff, keep=DEFAULT_KEEP_MINUTES, at=None):
    """The dry run of rows read from a file (read_file): checked, judged, stored; returns it.
    Dry runs that expired a day ago go (their rows are personal data nobody will confirm)."""
    check_may_import(actor, project_id)
    at = at or utcnow()
    uow.session.execute(delete(CustomerImport).where(CustomerImport.status == "previewed",
                                                     CustomerImport.expires_at < at - timedelta(days=1)))
    checked = rules.check_rows(rows, project_staff(staff, project_id), today(at))
    _judge(uow.session, project_id, checked, at)
    job = CustomerImport(agency_id=actor["agency_id"], project_id=project_id, file_name=file_name,
                         status="previewed", rows=checked, by_id=actor["account_id"], by_name=actor["username"],
                         created_at=at, expires_at=at + timedelta(minutes=keep))
    uow.session.add(job)
    uow.session.flush()
    return view(job)


def _judge(session, project_id, checked, at, lock=False):
    """Each good row's judgement against the project's customer of its number, if any."""
    good = [r for r in checked if not r["errors"]]
    mobiles = [r["values"]["mobile"] for r in good]
    existing = {}
    for chunk in range(0, len(mobiles), 500):
        query = select(Customer).where(Customer.project_id == project_id,
                                       Customer.mobile.in_(mobiles[chunk:chunk + 500]))
        if lock:
            query = query.with_for_update()
        existing.update({c.mobile: c for c in session.execute(query).scalars()})
    for row in checked:
        row.update(judgement=None, customer_id=None, current_owner_name=None, conflict_id=None)
        if row["errors"]:
            continue
        customer = existing.get(row["values"]["mobile"])
        state = None if customer is None else (customer.owner_id, customer.status, customer.protected_until)
        row["judgement"] = rules.judge(state, row["values"]["owner_id"], at)
        if customer is not None:
            row["customer_id"], row["current_owner_name"] = customer.id, customer.owner_name
    return existing


def get_import(session, actor, import_id):
    require_role(actor, PERMISSIONS["customers.import"])
    return view(get_in_scope(session, actor, CustomerImport, import_id, "customer_import"))


def view(job):
    data = {c: getattr(job, c) for c in ("id", "project_id", "file_name", "status", "by_id", "by_name",
                                         "created_at", "expires_at", "confirmed_by", "confirmed_at")}
    data["rows"] = job.rows
    data["counts"] = job.result if job.status == "confirmed" else rules.counts(job.rows)
    return data


def confirm(uow, actor, import_id, staff, default_days=None, at=None):
    """The office confirms a stored dry run: its good rows imported once (see the module)."""
    require_role(actor, PERMISSIONS["customers.import"])
    session = uow.session
    job = get_in_scope(session, actor, CustomerImport, import_id, "customer_import")
    _project(actor, job.project_id)
    at = at or utcnow()
    if job.status == "confirmed":
        return view(job)
    if job.expires_at <= at:
        raise ConflictError(f"the dry run of {job.file_name} expired at {job.expires_at.isoformat()}; "
                            "upload the file again", "IMPORT_EXPIRED")
    # one confirmation wins; another waits for it here (PostgreSQL) and answers its result
    taken = session.execute(update(CustomerImport).where(CustomerImport.id == job.id,
                                                         CustomerImport.status == "previewed")
                            .values(status="confirmed", confirmed_by=actor["account_id"], confirmed_at=at)
                            .execution_options(synchronize_session=False)).rowcount
    session.refresh(job)
    if taken != 1:
        return view(job)
    rows = [(r["row"], _cells(r)) for r in job.rows]
    checked = rules.check_rows(rows, project_staff(staff, job.project_id), today(at))
    existing = _judge(session, job.project_id, checked, at, lock=True)
    days = protection_days(session, actor["agency_id"], job.project_id, default_days)
    for row in checked:
        if not row["errors"]:
            _apply(session, actor, job.project_id, row, existing.get(row["values"]["mobile"]), days, at)
    counts = rules.counts(checked)
    imported = counts["valid"]
    job.rows, job.result = checked, counts
    session.add(CustomerExport(agency_id=actor["agency_id"], project_id=job.project_id, by_id=actor["account_id"],
                               by_name=actor["username"], role=actor["role"], filters={"import_id": job.id},
                               row_count=imported, format="xlsx", at=at, kind="import", file_name=job.file_name))
    session.flush()
    return view(job)


def _cells(row):
    """A stored row's values as cells again, for the check at confirmation."""
    values = row["values"]
    cells = {k: values.get(k) for k in ("name", "mobile", "channel", "partner_name", "grade", "owner", "notes")}
    cells["last_follow_up"] = values.get("last_follow_up")
    return cells


def _followed_at(values):
    if not values.get("last_follow_up"):
        return None
    day = datetime.fromisoformat(values["last_follow_up"]).date()
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def _apply(session, actor, project_id, row, customer, days, at):
    values, judgement = row["values"], row["judgement"]
    if judgement == "new":
        customer = Customer(agency_id=actor["agency_id"], project_id=project_id, mobile=values["mobile"],
                            name=values["name"], channel=values["channel"], partner_name=values["partner_name"],
                            notes=values["notes"], registered_at=at, registered_by=actor["account_id"], status="lead")
        if _insert_new(session, customer) is None:  # registered meanwhile by a 报备 that committed first
            customer = _find(session, project_id, values["mobile"], lock=True)
            state = (customer.owner_id, customer.status, customer.protected_until)
            row["judgement"] = judgement = rules.judge(state, values["owner_id"], at)
            row["customer_id"], row["current_owner_name"] = customer.id, customer.owner_name
        else:
            _set_owner(session, actor, customer, values["owner_id"], values["owner_name"], "imported", at, days)
            _update(session, actor, customer, values, at)
            session.flush()
            row["customer_id"] = customer.id
            return
    if judgement == "conflict":
        conflict = Conflict(agency_id=customer.agency_id, project_id=project_id, customer_id=customer.id,
                            owner_id=customer.owner_id, claimant_id=values["owner_id"],
                            claimant_name=values["owner_name"], partner_name=values["partner_name"],
                            channel=values["channel"], claimed_name=values["name"],
                            note=f"导入 row {row['row']}: {values['notes'] or ''}"[:300], status="open", created_at=at)
        session.add(conflict)
        session.flush()
        row["conflict_id"] = conflict.id
        return
    if judgement == "claim":
        _set_owner(session, actor, customer, values["owner_id"], values["owner_name"], "imported", at, days)
    _update(session, actor, customer, values, at)


def _update(session, actor, customer, values, at):
    if values["grade"] and values["grade"] != customer.grade:
        _grade(session, actor, customer, values["grade"], "imported", at)
    followed = _followed_at(values)
    if followed is not None and (customer.last_follow_up_at is None or followed > customer.last_follow_up_at):
        customer.last_follow_up_at = followed
    if values["notes"] and not customer.notes:
        customer.notes = values["notes"]
    customer.updated_at = at
