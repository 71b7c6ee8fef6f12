"""hr service (accounts part): staff accounts, login check, roles and project assignment."""
from loupan.entrypoints import rpc
from sqlalchemy import select

from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.errors import Forbidden, NotFound, Unauthenticated
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectEvents, ProjectRegistry
from loupan.roles import AGENCY_WIDE, PERMISSIONS
from loupan.scope import load_actor
from services.hr import accounts
from services.hr.models import Account, metadata
from services.hr.entrypoints.attendance import AttendanceRpc
from services.hr.entrypoints.evaluation import EvaluationRpc
from services.hr.entrypoints.reports import FiguresRpc
from services.hr.entrypoints.training import TrainingRpc
from services.hr.entrypoints.lifecycle import LifecycleRpc
from services.hr.entrypoints.recruiting import RecruitingRpc
from loupan.schemas import dump, load
from loupan.schemas.hr_accounts import AccountIn, AccountOut

MAY_CREATE_ACCOUNTS = PERMISSIONS["accounts.create"]


class HrService(FiguresRpc, LifecycleRpc, TrainingRpc, RecruitingRpc, AttendanceRpc, EvaluationRpc, ProjectEvents, OpsEndpoints, CommandSweeper):
    name = "hr"
    db = Database(metadata)
    projects = ProjectRegistry()

    @rpc
    def authenticate(self, username, password):
        """Check a login; returns the account with its role and projects, or Unauthenticated."""
        session = self.db.session
        account = session.execute(
            select(Account).where(Account.username == str(username))
        ).scalar_one_or_none()
        if not accounts.password_matches(account, str(password)):
            raise Unauthenticated("wrong username or password", "BAD_CREDENTIALS")
        return dump(AccountOut, accounts.as_dict(session, account))

    @rpc
    def create_account(self, actor, data):
        """Create a staff account in the actor's agency (director or hr only)."""
        actor = load_actor(actor)
        if actor["role"] not in MAY_CREATE_ACCOUNTS:
            raise Forbidden("only a director or hr may create accounts")
        data = load(AccountIn, data)
        if data["role"] in AGENCY_WIDE and actor["role"] not in PERMISSIONS["staff.manage_directors"]:
            raise Forbidden("only a director may create a director account")
        account = accounts.add_account(self.db, actor["agency_id"], data, actor["account_id"], actor)
        result = dump(AccountOut, accounts.as_dict(self.db.session, account))
        self.db.commit()
        return result

    @rpc
    def list_accounts(self, actor):
        """Accounts of the actor's agency."""
        actor = load_actor(actor)
        session = self.db.session
        rows = session.execute(
            select(Account).where(Account.agency_id == actor["agency_id"]).order_by(Account.id)
        ).scalars()
        return dump(AccountOut, [accounts.as_dict(session, a) for a in rows], many=True)

    @rpc
    def get_account(self, actor, account_id):
        """One account of the actor's agency."""
        actor = load_actor(actor)
        session = self.db.session
        account = session.get(Account, account_id)
        if account is None or account.agency_id != actor["agency_id"]:
            raise NotFound(f"account {account_id} not found", "ACCOUNT_NOT_FOUND")
        return dump(AccountOut, accounts.as_dict(session, account))
