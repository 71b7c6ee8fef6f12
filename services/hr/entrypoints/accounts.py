"""Account entrypoints: the login check and staff accounts. A mixin of HrService (self.db is
its database)."""
from loupan.entrypoints import command, query, rpc

from loupan.schemas import dump, load
from loupan.schemas.hr_accounts import AccountIn, AccountOut
from services.hr import accounts


class AccountEntrypoints:
    @rpc
    def authenticate(self, username, password):
        """Check a login; returns the account with its role and projects, or Unauthenticated."""
        return dump(AccountOut, accounts.authenticate(self.db.session, username, password))

    @command(AccountOut)
    def create_account(self, actor, data):
        """Create a staff account in the actor's agency (director or hr only)."""
        accounts.require_account_creator(actor)  # a refused role learns nothing of its data
        return accounts.create_account(self.db, actor, load(AccountIn, data))

    @query(AccountOut, many=True)
    def list_accounts(self, actor):
        """Accounts of the actor's agency."""
        return accounts.list_accounts(self.db.session, actor)

    @query(AccountOut)
    def get_account(self, actor, account_id):
        """One account of the actor's agency."""
        return accounts.get_account(self.db.session, actor, account_id)
