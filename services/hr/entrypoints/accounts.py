"""Account entrypoints: the login check and staff accounts. A mixin of HrService (self.db is
its database)."""
from loupan.entrypoints import command, query, rpc

from loupan.schemas import dump, load
from loupan.schemas.hr_accounts import AccountIn, AccountOut, PasswordChangedOut, PasswordChangeIn
from loupan.errors import Unauthenticated
from services.hr import accounts, logins


class AccountEntrypoints:
    @rpc
    def authenticate(self, username, password):
        """Check a login; returns the account with its role and projects, or Unauthenticated.
        Only a sealed call is answered (loupan.bus), and failures per username are limited
        here too (services/hr/logins.py: 429 LOGIN_RATE_LIMITED)."""
        limits = logins.limits_of(self.db.container_config)
        limits.check(str(username))
        try:
            account = accounts.authenticate(self.db.session, username, password)
        except Unauthenticated:
            limits.failed(str(username))
            raise
        return dump(AccountOut, account)

    @command(AccountOut)
    def create_account(self, actor, data):
        """Create a staff account in the actor's agency (director or hr only)."""
        accounts.require_account_creator(actor)  # a refused role learns nothing of its data
        return accounts.create_account(self.db, actor, load(AccountIn, data))

    @command(PasswordChangedOut)
    def change_password(self, actor, data):
        """The actor changes their own password (old checked, new by the policy); bumps the
        account's token_version. The gateway then revokes the account's other tokens."""
        return accounts.change_password(self.db, actor, load(PasswordChangeIn, data),
                                        logins.limits_of(self.db.container_config))

    @query(AccountOut, many=True)
    def list_accounts(self, actor):
        """Accounts of the actor's agency."""
        return accounts.list_accounts(self.db.session, actor)

    @query(AccountOut)
    def get_account(self, actor, account_id):
        """One account of the actor's agency."""
        return accounts.get_account(self.db.session, actor, account_id)
