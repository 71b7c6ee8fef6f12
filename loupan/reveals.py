"""Reveals of customers' full mobile numbers (PIPL, issue 13): one source for the
`data_reveals` table of every service that shows full numbers (crm, inventory, contracts),
for writing it and for reading it back for the director.

A reveal is an answer that carries a customer's full number to a manager or a director,
who see every number of their site because of their role: a list (one row per record
shown), a detail (the record) or an export (one row per exported record). It is logged
with who, when, through which entrypoint and which record (customer_id, hold_id, deal_id as
the service knows them) with the number masked (138****5678): the log itself never holds
a full number.

Not reveals, and not logged: an advisor (or supervisor) seeing the numbers of their own
customers, holds and deals (they are theirs to work); answers that only echo back the
number the caller has just typed (报备 registration, a new hold); replies between services.
Everyone else sees masked numbers, and a developer_viewer none at all.

The rows are written in the transaction of the answer, which commits before the answer
leaves the service: a reveal whose log cannot be written is not answered (the log is a
legal record, never best effort)."""
from datetime import datetime, time, timedelta

from sqlalchemy import Column, Index, String, Table, select

from loupan.roles import PERMISSIONS, require_role
from loupan.tables import ID
from loupan.types import SHANGHAI, UTCDateTime, utcnow
from loupan.validators import mask_mobile

REVEALED_TO = PERMISSIONS["phones.see_all"]  # roles whose full view of the numbers is logged
KINDS = ("list", "detail", "export")
MAX_ROWS = 10500  # what one service answers at most: the gateway's deepest page (offset 10000 + 500)


def data_reveals_table(metadata, *extra):
    """One row per record whose full number was shown to a manager or director; `extra`:
    columns of one service's own records (hr: candidate_id, an applicant's number)."""
    return Table(
        "data_reveals",
        metadata,
        *extra,
        Column("id", ID, primary_key=True, autoincrement=True),
        Column("agency_id", ID, nullable=False),
        Column("project_id", ID, nullable=False),
        Column("account_id", ID, nullable=False),
        Column("username", String(80)),
        Column("role", String(20), nullable=False),
        Column("customer_id", ID),
        Column("hold_id", ID),
        Column("deal_id", ID),
        Column("masked_mobile", String(20), nullable=False),
        Column("kind", String(10), nullable=False),
        Column("entrypoint", String(60), nullable=False),
        Column("revealed_at", UTCDateTime, nullable=False),
        Index("ix_data_reveals_agency_at", "agency_id", "revealed_at"),
    )


def is_full(phone):
    """Whether `phone` as answered is a number in full (not masked, not withheld)."""
    return bool(phone) and "*" not in phone


def masked(phone):
    """The number as the log keeps it: 138****5678, or only the last four digits of a number
    of another length."""
    if len(phone) == 11:
        return mask_mobile(phone)
    return "*" * max(len(phone) - 4, 4) + phone[-4:] if len(phone) > 4 else "*" * 4


def is_logged(actor, revealed_to=REVEALED_TO):
    return actor["role"] in revealed_to


def record(session, table, actor, kind, entrypoint, revealed, at=None, revealed_to=REVEALED_TO):
    """Log what the answer to `actor` shows: `revealed` is an iterable of dicts with
    project_id, mobile (as answered) and any of customer_id, hold_id, deal_id (or a column of
    the table's `extra`, e.g. candidate_id). Masked or withheld numbers and callers outside
    `revealed_to` (the roles whose full view is logged: customers' numbers, REVEALED_TO; hr
    gives applicants' its own) log nothing. One bulk insert, in the caller's transaction (the
    caller commits before answering); returns the rows written."""
    assert kind in KINDS, kind
    if not is_logged(actor, revealed_to):
        return 0
    at = at or utcnow()
    ids = [c.name for c in table.c if c.name.endswith("_id") and c.name not in ("agency_id", "project_id", "account_id")]
    rows = [dict({k: r.get(k) for k in ids}, agency_id=actor["agency_id"], project_id=r["project_id"],
                 account_id=actor["account_id"], username=actor.get("username"), role=actor["role"],
                 masked_mobile=masked(r["mobile"]), kind=kind, entrypoint=entrypoint, revealed_at=at)
            for r in revealed if is_full(r.get("mobile"))]
    if rows:
        session.execute(table.insert(), rows)
    return len(rows)


def _day_start(day):
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def list_reveals(session, table, actor, query, service):
    """The agency's reveals for its director, newest first: query project_id, account_id,
    kind, start/end (days in Asia/Shanghai, inclusive), limit, offset. Each row names the
    `service` that logged it."""
    require_role(actor, PERMISSIONS["data_reveals.read"], "read the data reveals")  # their own agency's
    c = table.c
    q = select(table).where(c.agency_id == actor["agency_id"])
    for key in ("project_id", "account_id", "kind"):
        if query.get(key) is not None:
            q = q.where(c[key] == query[key])
    if query.get("start") is not None:
        q = q.where(c.revealed_at >= _day_start(query["start"]))
    if query.get("end") is not None:
        q = q.where(c.revealed_at < _day_start(query["end"] + timedelta(days=1)))
    q = q.order_by(c.revealed_at.desc(), c.id.desc()).limit(query.get("limit") or 100).offset(query.get("offset") or 0)
    return [dict(row._mapping, service=service) for row in session.execute(q)]
