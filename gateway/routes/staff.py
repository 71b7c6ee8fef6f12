"""Staff lifecycle routes (入职/调岗/离职) and the gateway's side of a leave: the leaver's
tokens are refused from the next request on, on every replica. A mixin of GatewayService."""
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from gateway.http import route
from gateway.models import RevokedAccount
from loupan.contracts import staff as c
from loupan.inbox import handles
from loupan.types import utcnow

STAFF_ADMINS = ("director", "hr")


class StaffRoutes:
    @route("POST", "/api/staff", roles=STAFF_ADMINS, body=c.StaffJoinIn, response=c.StaffOut, status=201,
           summary="入职: a person joins with an account, role, projects and start date")
    def join_staff(self, request, actor, body):
        return self.hr.join_staff(actor, body)

    @route("POST", "/api/staff/<int:account_id>/transfer", roles=STAFF_ADMINS, body=c.StaffTransferIn,
           response=c.StaffOut, summary="调岗: replace the projects a person works on (409 if they left)")
    def transfer_staff(self, request, actor, account_id, body):
        return self.hr.transfer_staff(actor, account_id, body)

    @route("POST", "/api/staff/<int:account_id>/leave", roles=STAFF_ADMINS, body=c.StaffLeaveIn,
           response=c.StaffOut, summary="离职: disable the account; its tokens are refused at once (409 if it left)")
    def leave_staff(self, request, actor, account_id, body):
        record = self.hr.leave_staff(actor, account_id, body)
        # written before answering, so the caller's next request already meets the refusal
        revoke_account(self.db.session, record["id"], record["agency_id"])
        self.db.commit()
        return record

    @route("GET", "/api/staff", roles=STAFF_ADMINS, query=c.StaffQuery, response=c.StaffOut, many=True,
           summary="Staff of the agency with employment status, by project and status")
    def list_staff(self, request, actor, query):
        return self.hr.list_staff(actor, query)

    @route("GET", "/api/staff/<int:account_id>", roles=STAFF_ADMINS, response=c.StaffDetailOut,
           summary="One staff record with its moves (入职/调岗/离职)")
    def get_staff(self, request, actor, account_id):
        return self.hr.get_staff(actor, account_id)

    @handles("hr", "staff_left")
    def on_staff_left(self, event):
        """A leave recorded anywhere (not only through a gateway route) revokes the tokens."""
        revoke_account(self.db.session, event["payload"]["account_id"], event["agency_id"])


def revoke_account(session, account_id, agency_id):
    """Record the revocation once: the route and the event consumer both write it, in
    either order, so an existing row is left as it is rather than raising."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(RevokedAccount)
        .values(account_id=account_id, agency_id=agency_id, revoked_at=utcnow())
        .on_conflict_do_nothing(index_elements=["account_id"])
    )
