"""Money entrypoints: payment schedules from the contracts events, receipts with void and
refund, collections and targets, daily reconciliation, payment terms, and the business
gauges. A mixin of FinanceService (self.db is its database)."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import finance_money as c
from loupan.schemas import finance_preview as preview
from loupan.inbox import handles
from services.finance import collections, receipts, reconciliation, schedules, sincerity


class MoneyEntrypoints:
    @query(c.TermsOut)
    def get_payment_terms(self, actor, project_id):
        """付款方式规则: the project's payment terms (the defaults until a manager sets them)."""
        return schedules.get_terms(self.db.session, actor, project_id)

    @query(preview.SchedulePreviewOut)
    def preview_schedule(self, actor, project_id, data):
        """The 付款计划 a 认购 would get (price, deposit, method) under the project's terms."""
        return schedules.preview(self.db.session, actor, project_id, load(preview.SchedulePreviewQuery, data))

    @command(c.TermsOut)
    def put_payment_terms(self, actor, project_id, data):
        """Change a project's payment terms; schedules derived from now on use them."""
        return schedules.put_terms(self.db, actor, project_id, load(c.TermsIn, data))

    @query(c.ScheduleOut)
    def get_schedule(self, actor, deal_id):
        """付款计划 of a deal: its lines (replaced ones closed), what was collected, its history."""
        return schedules.schedule_view(self.db.session, actor, deal_id)

    @command(c.ReceiptOut)
    def record_receipt(self, actor, deal_id, data):
        """收款: a numbered receipt allocated to the deal's lines; 422 OVERPAYMENT beyond what is due."""
        return receipts.record_receipt(self.db, actor, deal_id, load(c.ReceiptIn, data))

    @query(c.ReceiptOut, many=True)
    def list_receipts(self, actor, deal_id):
        """A deal's receipts, every status, with their allocations."""
        return receipts.list_receipts(self.db.session, actor, deal_id)

    @command(c.ReceiptOut)
    def void_receipt(self, actor, receipt_id, data):
        """作废: a second person voids a receipt; its allocations are taken back."""
        reason = load(c.ReceiptEndIn, data)["reason"]
        return receipts.end_receipt(self.db, actor, receipt_id, "voided", reason)

    @command(c.ReceiptOut)
    def refund_receipt(self, actor, receipt_id, data):
        """退款: a second person refunds a receipt (also of a cancelled deal)."""
        reason = load(c.ReceiptEndIn, data)["reason"]
        return receipts.end_receipt(self.db, actor, receipt_id, "refunded", reason)

    @query(c.CollectionsOut)
    def list_collections(self, actor, project_id, query):
        """催款: overdue lines by ageing bucket, each with the deal's advisor."""
        q = load(c.CollectionsQuery, query)
        return collections.overdue(self.db.session, actor, project_id, q["as_of"], q["advisor_id"])

    @query(c.RemindersOut)
    def collection_reminders(self, actor, project_id, query):
        """催款提醒: lines overdue or due within the next days."""
        q = load(c.RemindersQuery, query)
        return collections.reminders(self.db.session, actor, project_id, q["as_of"], q["days"],
                                     q["advisor_id"])

    @query(c.TargetOut)
    def get_collection_target(self, actor, project_id, month):
        """回款目标 of a month against what was collected."""
        month = load(c.Month, {"month": month})["month"]
        return collections.get_target(self.db.session, actor, project_id, month)

    @command(c.TargetOut)
    def put_collection_target(self, actor, project_id, month, data):
        """Set the 回款目标 of a month."""
        month = load(c.Month, {"month": month})["month"]
        amount = load(c.TargetIn, data)["amount"]
        return collections.put_target(self.db, actor, project_id, month, amount)

    @query(c.ReconciliationOut)
    def daily_reconciliation(self, actor, project_id, query):
        """日结: a site's receipts of a day by method, voids and refunds, and the allocation check."""
        day = load(c.ReconciliationQuery, query)["day"]
        return reconciliation.daily(self.db.session, actor, project_id, day)

    @handles("contracts", "subscription_approved")
    def open_schedule_on_subscription(self, event):
        """认购 approved: the deal's account and its payment schedule; a 认购 from a 认筹
        (选房) gets the registration's 诚意金 as its 定金."""
        schedules.apply_subscription_approved(self.db, event)
        registration_id = event["payload"].get("launch_registration_id")
        if registration_id is not None:
            sincerity.apply_sincerity_to_deal(self.db, registration_id, event["payload"]["deal_id"])

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
