"""诚意金 entrypoints (issue 18): a 认筹 learned from inventory, its 诚意金 taken as a receipt
and refunded by a second person, a launch's list. A mixin of FinanceService."""
from loupan.entrypoints import command, query
from loupan.inbox import handles
from loupan.schemas import load
from loupan.schemas import finance_sincerity as s
from services.finance import sincerity


class SincerityEntrypoints:
    @handles("inventory", "launch_registered")
    def sincerity_on_launch_registered(self, event):
        """认筹: the registration whose 诚意金 the cashier will take."""
        sincerity.apply_launch_registered(self.db, event)

    @command(s.SincerityReceiptOut)
    def take_sincerity(self, actor, registration_id, data):
        """诚意金 taken at the desk: a numbered receipt of the launch's amount, once."""
        return sincerity.take(self.db, actor, registration_id, load(s.SincerityIn, data))

    @command(s.SincerityReceiptOut)
    def refund_sincerity(self, actor, receipt_id, data):
        """退诚意金: a second person refunds a 诚意金 not converted."""
        return sincerity.refund(self.db, actor, receipt_id, load(s.SincerityRefundIn, data)["reason"])

    @query(s.SincerityReceiptOut)
    def get_sincerity_receipt(self, actor, receipt_id):
        """One 诚意金 receipt (for its 收据)."""
        return sincerity.get_receipt(self.db.session, actor, receipt_id)

    @query(s.LaunchSincerityOut)
    def launch_sincerity(self, actor, launch_id):
        """A launch's 诚意金: paid, converted, refunded, outstanding, and the totals."""
        return sincerity.launch_sincerity(self.db.session, actor, launch_id)
