"""Money routes: payment schedules (付款计划), receipts (收款) with void and refund by a second
person, collections (催款) and monthly targets, daily reconciliation (日结), payment terms.
A mixin of GatewayService; the finance service checks scope (advisors: own deals)."""
from gateway.http import route, validated
from gateway.reports.gather import gather
from loupan.schemas import finance_money as c


RECEIPT_PEOPLE = ("recorded_by", "ended_by")


class FinanceMoneyRoutes:
    def _staff_names(self, actor, rows, *fields):
        """Each row's name of the account in each field (recorded_by_name, ended_by_name,
        advisor_name: the cashier, the second person, the deal's advisor) from hr: finance keeps
        only account ids and the finance role may not list accounts; hr down or slow leaves the
        names null, never the money unanswered."""
        results, _ = gather({"hr": lambda: self.hr.list_accounts(actor)}, self._part_timeout())
        names = {a["id"]: a.get("full_name") or a.get("username") for a in results.get("hr") or []}
        for row in rows:
            for field in fields:
                row[f"{field.removesuffix('_id')}_name"] = names.get(row.get(field))
        return rows

    @route("GET", "/api/projects/<int:project_id>/payment-terms", response=c.TermsOut,
           summary="付款方式规则: the project's payment terms (minimum 首付 %, days, instalments)")
    def get_payment_terms(self, request, actor, project_id):
        return self.finance.get_payment_terms(actor, project_id)

    @route("PUT", "/api/projects/<int:project_id>/payment-terms", body=c.TermsIn,
           response=c.TermsOut, summary="Change the project's payment terms (new schedules use them)")
    def put_payment_terms(self, request, actor, project_id, body):
        return self.finance.put_payment_terms(actor, project_id, body)

    @route("GET", "/api/deals/<int:deal_id>/schedule", response=c.ScheduleOut,
           summary="付款计划 of a deal: lines with due dates, paid and remaining; collected; history")
    def get_schedule(self, request, actor, deal_id):
        return self.finance.get_schedule(actor, deal_id)

    @route("POST", "/api/deals/<int:deal_id>/receipts", body=c.ReceiptIn, response=c.ReceiptOut,
           status=201, summary="收款: a numbered receipt allocated to the deal's lines in due order "
                               "(422 OVERPAYMENT beyond what is due, DEAL_CANCELLED, LINE_NOT_OPEN; "
                               "DATE_OUT_OF_ORDER dated before the deal's 认购, DATE_TOO_EARLY before 2000)")
    def record_receipt(self, request, actor, deal_id, body):
        return self._staff_names(actor, [self.finance.record_receipt(actor, deal_id, body)], *RECEIPT_PEOPLE)[0]

    @route("GET", "/api/deals/<int:deal_id>/receipts", response=c.ReceiptOut, many=True,
           summary="A deal's receipts, every status, with their allocations")
    def list_receipts(self, request, actor, deal_id):
        return self._staff_names(actor, self.finance.list_receipts(actor, deal_id), *RECEIPT_PEOPLE)

    @route("POST", "/api/receipts/<int:receipt_id>/void", body=c.ReceiptEndIn, response=c.ReceiptOut,
           summary="作废: void a receipt; a second person only (403 SAME_PERSON); 409 RECEIPT_NOT_VALID")
    def void_receipt(self, request, actor, receipt_id, body):
        return self._staff_names(actor, [self.finance.void_receipt(actor, receipt_id, body)], *RECEIPT_PEOPLE)[0]

    @route("POST", "/api/receipts/<int:receipt_id>/refund", body=c.ReceiptEndIn,
           response=c.ReceiptOut, summary="退款: refund a receipt (also of a cancelled deal); a second person only "
                                          "(403 SAME_PERSON)")
    def refund_receipt(self, request, actor, receipt_id, body):
        return self._staff_names(actor, [self.finance.refund_receipt(actor, receipt_id, body)], *RECEIPT_PEOPLE)[0]

    @route("GET", "/api/projects/<int:project_id>/collections", query=c.CollectionsQuery,
           response=c.CollectionsOut, summary="催款: overdue lines by ageing bucket (1-30, 31-60, 61-90, 90+ days), "
                                              "with the deal's advisor (advisors: their own)")
    def list_collections(self, request, actor, project_id, query):
        answer = self.finance.list_collections(actor, project_id, query)
        self._staff_names(actor, answer["lines"], "advisor_id")
        return answer

    @route("GET", "/api/projects/<int:project_id>/collection-reminders", query=c.RemindersQuery,
           response=c.RemindersOut, summary="催款提醒: lines overdue or due within the next days")
    def collection_reminders(self, request, actor, project_id, query):
        answer = self.finance.collection_reminders(actor, project_id, query)
        self._staff_names(actor, answer["lines"], "advisor_id")
        return answer

    @route("GET", "/api/projects/<int:project_id>/collection-targets/<month>", response=c.TargetOut, summary="回款目标 of a month (YYYY-MM) against the valid receipts received in it")
    def get_collection_target(self, request, actor, project_id, month):
        validated(c.Month, {"month": month})
        return self.finance.get_collection_target(actor, project_id, month)

    @route("PUT", "/api/projects/<int:project_id>/collection-targets/<month>", body=c.TargetIn,
           response=c.TargetOut, summary="Set the 回款目标 of a month (YYYY-MM)")
    def put_collection_target(self, request, actor, project_id, month, body):
        validated(c.Month, {"month": month})
        return self.finance.put_collection_target(actor, project_id, month, body)

    @route("GET", "/api/projects/<int:project_id>/receipt-reconciliation", query=c.ReconciliationQuery, response=c.ReconciliationOut, summary="日结: a site's receipts of a day by method, voids and refunds, "
                                                 "and the allocation check (mismatches flagged)")
    def daily_reconciliation(self, request, actor, project_id, query):
        return self.finance.daily_reconciliation(actor, project_id, query)
