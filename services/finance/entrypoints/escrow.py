"""预售资金监管 entrypoints: a project's escrow accounts, a receipt deposited to escrow, and
the monthly report of escrowed against collected house price. A mixin of FinanceService."""
from loupan.entrypoints import command, query
from loupan.schemas import load
from loupan.schemas import finance_money as c
from services.finance import escrow, receipts


class EscrowEntrypoints:
    @query(c.EscrowAccountsOut)
    def get_escrow_accounts(self, actor, project_id):
        """The project's escrow accounts by from-date and the one in force today."""
        return escrow.get_accounts(self.db.session, actor, project_id)

    @command(c.EscrowAccountOut)
    def set_escrow_account(self, actor, project_id, data):
        """An escrow account from a date (a new row of the project's history)."""
        return escrow.set_account(self.db, actor, project_id, load(c.EscrowAccountIn, data))

    @command(c.ReceiptOut)
    def deposit_receipt_to_escrow(self, actor, receipt_id, data):
        """A receipt's house price deposited to the escrow account, with the bank slip; once."""
        return receipts.deposit_to_escrow(self.db, actor, receipt_id, load(c.EscrowDepositIn, data))

    @query(c.EscrowReportOut)
    def escrow_report(self, actor, project_id, query):
        """Each month's collected house price: escrowed, pending, not subject; deposits apart."""
        q = load(c.EscrowReportQuery, query)
        return escrow.report(self.db.session, actor, project_id, q["from_month"], q["to_month"])
