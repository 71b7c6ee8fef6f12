"""Money entrypoints: payment schedules from the contracts events, receipts with void and
refund, collections and targets, daily reconciliation, payment terms, and the business
gauges. A mixin of FinanceService (self.db is its database)."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import finance_money as c
from loupan.inbox import handles
from loupan.scope import load_actor
from services.finance import collections, receipts, reconciliation, schedules


class MoneyRpc:
    @rpc
    def get_payment_terms(self, actor, project_id):
        """付款方式规则: the project's payment terms (the defaults until a manager sets them)."""
        return dump(c.TermsOut, schedules.get_terms(self.db.session, load_actor(actor), project_id))

    @rpc
    def put_payment_terms(self, actor, project_id, data):
        """Change a project's payment terms; schedules derived from now on use them."""
        terms = schedules.put_terms(self.db, load_actor(actor), project_id, load(c.TermsIn, data))
        self.db.commit()
        return dump(c.TermsOut, terms)

    @rpc
    def get_schedule(self, actor, deal_id):
        """付款计划 of a deal: its lines (replaced ones closed), what was collected, its history."""
        return dump(c.ScheduleOut, schedules.schedule_view(self.db.session, load_actor(actor), deal_id))

    @rpc
    def record_receipt(self, actor, deal_id, data):
        """收款: a numbered receipt allocated to the deal's lines; 422 OVERPAYMENT beyond what is due."""
        receipt = receipts.record_receipt(self.db, load_actor(actor), deal_id, load(c.ReceiptIn, data))
        self.db.commit()
        return dump(c.ReceiptOut, receipt)

    @rpc
    def list_receipts(self, actor, deal_id):
        """A deal's receipts, every status, with their allocations."""
        return dump(c.ReceiptOut, receipts.list_receipts(self.db.session, load_actor(actor), deal_id), many=True)

    @rpc
    def void_receipt(self, actor, receipt_id, data):
        """作废: a second person voids a receipt; its allocations are taken back."""
        reason = load(c.ReceiptEndIn, data)["reason"]
        receipt = receipts.end_receipt(self.db, load_actor(actor), receipt_id, "voided", reason)
        self.db.commit()
        return dump(c.ReceiptOut, receipt)

    @rpc
    def refund_receipt(self, actor, receipt_id, data):
        """退款: a second person refunds a receipt (also of a cancelled deal)."""
        reason = load(c.ReceiptEndIn, data)["reason"]
        receipt = receipts.end_receipt(self.db, load_actor(actor), receipt_id, "refunded", reason)
        self.db.commit()
        return dump(c.ReceiptOut, receipt)

    @rpc
    def list_collections(self, actor, project_id, query):
        """催款: overdue lines by ageing bucket, each with the deal's advisor."""
        q = load(c.CollectionsQuery, query)
        result = collections.overdue(self.db.session, load_actor(actor), project_id, q["as_of"], q["advisor_id"])
        return dump(c.CollectionsOut, result)

    @rpc
    def collection_reminders(self, actor, project_id, query):
        """催款提醒: lines overdue or due within the next days."""
        q = load(c.RemindersQuery, query)
        result = collections.reminders(self.db.session, load_actor(actor), project_id, q["as_of"], q["days"],
                                       q["advisor_id"])
        return dump(c.RemindersOut, result)

    @rpc
    def get_collection_target(self, actor, project_id, month):
        """回款目标 of a month against what was collected."""
        month = load(c.Month, {"month": month})["month"]
        return dump(c.TargetOut, collections.get_target(self.db.session, load_actor(actor), project_id, month))

    @rpc
    def put_collection_target(self, actor, project_id, month, data):
        """Set the 回款目标 of a month."""
        month = load(c.Month, {"month": month})["month"]
        amount = load(c.TargetIn, data)["amount"]
        result = collections.put_target(self.db, load_actor(actor), project_id, month, amount)
        self.db.commit()
        return dump(c.TargetOut, result)

    @rpc
    def daily_reconciliation(self, actor, project_id, query):
        """日结: a site's receipts of a day by method, voids and refunds, and the allocation check."""
        day = load(c.ReconciliationQuery, query)["day"]
        return dump(c.ReconciliationOut, reconciliation.daily(self.db.session, load_actor(actor), project_id, day))

    @handles("contracts", "subscription_approved")
    def open_schedule_on_subscription(self, event):
        """认购 approved: the deal's account and its payment schedule."""
        schedules.apply_subscription_approved(self.db, event)

    @handles("contracts", "contract_signed")
    def schedule_on_contract_signed(self, event):
        """签约: the schedule is derived again if price, method or loan changed."""
        schedules.apply_contract_signed(self.db, event)

    @handles("contracts", "deal_unit_swapped")
    def schedule_on_unit_swapped(self, event):
        """换房: a new price regenerates the schedule, keeping what was paid."""
        schedules.apply_unit_swapped(self.db, event)

    @handles("contracts", "buyers_changed")
    def schedule_on_buyers_changed(self, event):
        """更名: the buyers' names on the deal."""
        schedules.apply_buyers_changed(self.db, event)

    @handles("contracts", "deal_cancelled")
    def schedule_on_deal_cancelled(self, event):
        """退房: open lines closed; receipts wait for their refund."""
        schedules.apply_deal_cancelled(self.db, event)

    @handles("contracts", "mortgage_disbursed")
    def receipt_on_mortgage_disbursed(self, event):
        """放款: the bank's money received against the mortgage line."""
        receipts.record_disbursement(self.db, event)

    def refresh_metrics(self):
        super().refresh_metrics()
        session = self.db.session
        self.ops.gauge("receipts_amount_yuan", "Sum of the valid receipts, all projects.").set(
            float(receipts.receipts_total(session)))
        self.ops.gauge("overdue_amount_yuan", "Money past due on open schedule lines, all projects.").set(
            float(collections.overdue_total(session)))
