"""预售资金监管 (presale funds escrow) routes: a project's escrow accounts by from-date, a
receipt deposited to escrow with its bank slip, and the monthly report of escrowed against
collected house price (JSON or ?format=xlsx). A mixin of GatewayService; finance checks
roles and scope (services/finance/escrow.py)."""
from gateway.http import route
from gateway.reports import xlsx
from gateway.routes.finance_money import RECEIPT_PEOPLE
from gateway.routes.reports import _file
from loupan.schemas import load
from loupan.schemas import finance_money as c
from loupan.schemas.inventory_spreadsheets import XLSX_TYPE


class FinanceEscrowRoutes:
    @route("GET", "/api/projects/<int:project_id>/escrow-accounts", response=c.EscrowAccountsOut,
           summary="预售资金监管账户: the project's escrow accounts by from-date, and the one in force today")
    def get_escrow_accounts(self, request, actor, project_id):
        return self.finance.get_escrow_accounts(actor, project_id)

    @route("POST", "/api/projects/<int:project_id>/escrow-accounts", body=c.EscrowAccountIn,
           response=c.EscrowAccountOut, status=201,
           summary="Record the project's escrow account from a date (422 ESCROW_BANK_REQUIRED, "
                   "ESCROW_ACCOUNT_NAME_REQUIRED, ACCOUNT_NO_INVALID; 409 ESCROW_FROM_TAKEN)")
    def set_escrow_account(self, request, actor, project_id, body):
        return self.finance.set_escrow_account(actor, project_id, body)

    @route("POST", "/api/receipts/<int:receipt_id>/escrow-deposit", body=c.EscrowDepositIn,
           response=c.ReceiptOut,
           summary="存入监管账户: a receipt's house price deposited to the escrow account with the bank slip, "
                   "once (409 ESCROW_ALREADY_DEPOSITED, ESCROW_SLIP_USED; 422 NOT_SUBJECT_TO_ESCROW, "
                   "ESCROW_SLIP_REQUIRED)")
    def deposit_receipt_to_escrow(self, request, actor, receipt_id, body):
        receipt = self.finance.deposit_receipt_to_escrow(actor, receipt_id, body)
        return self._staff_names(actor, [receipt], *RECEIPT_PEOPLE)[0]  # FinanceMoneyRoutes' names

    @route("GET", "/api/projects/<int:project_id>/escrow-report", query=c.EscrowReportQuery,
           response=c.EscrowReportOut, produces=XLSX_TYPE,
           summary="监管资金月报: each month's collected house price (定金 apart), of which deposited to escrow, "
                   "pending, received before any account; the receipts pending deposit. ?format=xlsx for the "
                   "spreadsheet")
    def escrow_report(self, request, actor, project_id, query):
        q = load(c.EscrowReportQuery, query)
        data = self.finance.escrow_report(actor, project_id, query)  # dumped by finance already
        if q["format"] == "xlsx":
            return _file(xlsx.escrow(data), f"project-{project_id}-escrow-{data['from_month']}-{data['to_month']}")
        return data
