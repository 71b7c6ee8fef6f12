"""Staff lifecycle routes (入职/调岗/离职) and the gateway's side of them: from the next
request on, on every replica, a mover's tokens reach the new projects only and a leaver's
are refused (gateway.auth.current_actor reads the account state written here). A mixin of
GatewayService."""
from sqlalchemy import and_, case, not_, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from gateway.http import route
from gateway.models import AccountState
from loupan.schemas import hr_staff as c
from loupan.inbox import handles
from loupan.types import utcnow


class StaffRoutes:
    @route("POST", "/api/staff", body=c.StaffJoinIn, response=c.StaffOut, status=201,
           summary="入职: a person joins with an account, role, projects and start date")
    def join_staff(self, request, actor, body):
        return self.hr.join_staff(actor, body)

    @route("POST", "/api/staff/<int:account_id>/transfer", body=c.StaffTransferIn,
           response=c.StaffOut, summary="调岗: replace the projects a person works on (409 if they left); dated "
                                        "after today it is planned (planned_transfer) and takes effect on that day "
                                        "(409 TRANSFER_ALREADY_PLANNED for a second one)")
    def transfer_staff(self, request, actor, account_id, body):
        record = self.hr.transfer_staff(actor, account_id, body)
        if record["planned_transfer"] is not None:
            return record  # nothing moves yet: hr's sweep publishes staff_transferred on the day
        # written before answering, so the mover's next request already meets the new projects
        record_account_state(self.db.session, record["id"], record["agency_id"], record["role"],
                             record["project_ids"], True, record["token_version"])
        self.db.commit()
        return record

    @route("POST", "/api/staff/<int:account_id>/leave", body=c.StaffLeaveIn,
           response=c.StaffOut, summary="离职: disable the account; its tokens are refused at once (409 if it left)")
    def leave_staff(self, request, actor, account_id, body):
        record = self.hr.leave_staff(actor, account_id, body)
        # written before answering, so the caller's next request already meets the refusal
        record_account_state(self.db.session, record["id"], record["agency_id"], record["role"],
                             record["project_ids"], False, record["token_version"])
        self.db.commit()
        return record

    @route("GET", "/api/staff", query=c.StaffQuery, response=c.StaffOut, many=True,
           summary="Staff of the agency with employment status, by project and status")
    def list_staff(self, request, actor, query):
        return self.hr.list_staff(actor, query)

    @route("GET", "/api/staff/<int:account_id>", response=c.StaffDetailOut,
           summary="One staff record with its moves (入职/调岗/离职)")
    def get_staff(self, request, actor, account_id):
        return self.hr.get_staff(actor, account_id)

    @handles("hr", "staff_transferred")
    def on_staff_transferred(self, event):
        """A transfer recorded anywhere (not only through a gateway route) moves the tokens."""
        payload = event["payload"]
        record_account_state(self.db.session, payload["account_id"], event["agency_id"], payload["role"],
                             payload["to_project_ids"], True, _version(payload))

    @handles("hr", "staff_left")
    def on_staff_left(self, event):
        """A leave recorded anywhere (not only through a gateway route) revokes the tokens."""
        payload = event["payload"]
        record_account_state(self.db.session, payload["account_id"], event["agency_id"], payload["role"],
                             payload["project_ids"], False, _version(payload))


def _version(payload):
    """hr's token_version after the move; an event from before it was sent is older than any."""
    version = payload.get("token_version")
    return -1 if version is None else version


def record_account_state(session, account_id, agency_id, role, project_ids, active, version):
    """Upsert the account's state. The routes and the consumers both write it, in any order
    and more than once: a write lands only if its version (hr's token_version) is newer,
    except that a leave always lands, and an inactive account stays inactive (离职 is final in
    hr: a left account is never transferred or re-activated)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = AccountState.__table__
    stmt = insert(table).values(account_id=account_id, agency_id=agency_id, role=role, project_ids=project_ids,
                                active=active, version=version, updated_at=utcnow())
    new = stmt.excluded
    session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.account_id],
        set_={"agency_id": new.agency_id, "role": new.role, "project_ids": new.project_ids,
              "active": and_(table.c.active, new.active),
              "version": case((new.version > table.c.version, new.version), else_=table.c.version),
              "updated_at": new.updated_at},
        where=or_(new.version > table.c.version, and_(table.c.active, not_(new.active))),
    ))
