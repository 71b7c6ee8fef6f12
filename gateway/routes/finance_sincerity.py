"""诚意金 routes (issue 18): the cashier takes a 认筹's 诚意金 as a numbered receipt, a second
person refunds it, its 收据 as PDF, and a launch's list for finance. A mixin of
GatewayService; finance checks roles and scope (services/finance/sincerity.py)."""
from gateway.documents import sheets
from gateway.http import route
from gateway.routes.documents import pdf
from gateway.routes.finance_money import RECEIPT_PEOPLE
from loupan.schemas import finance_sincerity as s
from loupan.schemas.gateway_documents import PDF_TYPE


class FinanceSincerityRoutes:
    @route("POST", "/api/registrations/<int:registration_id>/sincerity-receipts", body=s.SincerityIn,
           response=s.SincerityReceiptOut, status=201,
           summary="收诚意金: the 认筹's 诚意金 as a numbered receipt of the launch's amount, once until refunded "
                   "(422 SINCERITY_AMOUNT_MISMATCH, NO_SINCERITY_DUE; 409 SINCERITY_ALREADY_PAID); inventory "
                   "marks the registration paid")
    def take_sincerity(self, request, actor, registration_id, body):
        receipt = self.finance.take_sincerity(actor, registration_id, body)
        return self._staff_names(actor, [receipt], *RECEIPT_PEOPLE)[0]

    @route("GET", "/api/sincerity-receipts/<int:sincerity_receipt_id>", response=s.SincerityReceiptOut,
           summary="One 诚意金 receipt")
    def get_sincerity_receipt(self, request, actor, sincerity_receipt_id):
        return self._staff_names(actor, [self.finance.get_sincerity_receipt(actor, sincerity_receipt_id)], *RECEIPT_PEOPLE)[0]

    @route("POST", "/api/sincerity-receipts/<int:sincerity_receipt_id>/refund", body=s.SincerityRefundIn,
           response=s.SincerityReceiptOut,
           summary="退诚意金: a second person only (403 SAME_PERSON), once (409 SINCERITY_REFUNDED), never once "
                   "it is a deal's 定金 (409 SINCERITY_CONVERTED); inventory marks the registration unpaid")
    def refund_sincerity(self, request, actor, sincerity_receipt_id, body):
        receipt = self.finance.refund_sincerity(actor, sincerity_receipt_id, body)
        return self._staff_names(actor, [receipt], *RECEIPT_PEOPLE)[0]

    @route("GET", "/api/sincerity-receipts/<int:sincerity_receipt_id>.pdf", produces=PDF_TYPE,
           summary="诚意金收据 as PDF: receipt no., 认筹号, payer, amount in figures and 大写, method, date, cashier")
    def sincerity_receipt_pdf(self, request, actor, sincerity_receipt_id):
        receipt = self._staff_names(actor, [self.finance.get_sincerity_receipt(actor, sincerity_receipt_id)],
                                    *RECEIPT_PEOPLE)[0]
        launch = self.inventory.get_launch(actor, receipt["launch_id"])
        project = self.inventory.get_project(actor, receipt["project_id"])
        return pdf(sheets.sincerity_receipt(receipt, project, launch), f"sincerity-{sincerity_receipt_id}",
                   f"诚意金收据-{receipt['receipt_no']}")

    @route("GET", "/api/launches/<int:launch_id>/sincerity", response=s.LaunchSincerityOut,
           summary="A launch's 诚意金 for finance: each registration paid, converted (a deal's 定金), refunded or "
                   "outstanding, with its receipts, and the totals")
    def launch_sincerity(self, request, actor, launch_id):
        self.inventory.get_launch(actor, launch_id)  # the launch in the caller's reach (404 otherwise)
        answer = self.finance.launch_sincerity(actor, launch_id)
        for line in answer["registrations"]:
            self._staff_names(actor, line["receipts"], *RECEIPT_PEOPLE)
        return answer
