"""Gap-free numbers per project (认购书 RG000001, 合同 HT000001, 补充协议 1, 2… per contract).

The counter row is bumped by an UPDATE in the numbered record's own transaction: on
PostgreSQL the row lock queues concurrent bumps, on SQLite the single writer does; a
rollback gives the number back, so a failed request leaves no hole. The first number of a
kind inserts the row; two first numbers racing meet the primary key and the loser bumps."""
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from services.contracts.models import DealCounter

SUBSCRIPTION = "subscription"
CONTRACT = "contract"
PREFIXES = {SUBSCRIPTION: "RG", CONTRACT: "HT"}


def next_number(session, agency_id, project_id, kind):
    """The next integer of `kind` in the project (1, 2, …)."""
    where = (DealCounter.project_id == project_id, DealCounter.kind == kind)
    for _ in range(2):
        bumped = session.execute(
            update(DealCounter).where(*where).values(last=DealCounter.last + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if bumped == 1:
            return session.execute(select(DealCounter.last).where(*where)).scalar_one()
        try:
            with session.begin_nested():
                session.execute(insert(DealCounter).values(project_id=project_id, kind=kind,
                                                           agency_id=agency_id, last=1))
            return 1
        except IntegrityError:
            continue  # another transaction created the row first: bump it
    raise RuntimeError(f"counter {kind} of project {project_id} could not be bumped")


def next_document_no(session, agency_id, project_id, kind):
    """认购书 / 合同 number of the project, e.g. RG000042."""
    return f"{PREFIXES[kind]}{next_number(session, agency_id, project_id, kind):06d}"
