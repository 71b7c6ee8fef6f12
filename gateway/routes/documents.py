"""Printed documents as PDF (gateway/documents): 认购书 of a deal, 收款收据 of a receipt, the
置业计划书 of a draft and the day's 销控表. Each is drawn from the answers of the services'
own reads, with the caller's rights (an advisor prints their own deals; phones stay masked
as the API masks them). A mixin of GatewayService."""
import json
from urllib.parse import quote

from werkzeug.wrappers import Response

from gateway.documents import sheets
from gateway.http import route
from loupan.errors import Forbidden, NotFound
from loupan.schemas import load
from loupan.schemas.gateway_documents import PDF_TYPE, PlanQuery
from loupan.types import today

PREVIEW_FIELDS = ("price", "deposit", "payment_method", "loan_amount", "start_on")


def pdf(content, ascii_name, name):
    """Shown in the browser (inline) with its Chinese name on saving (RFC 6266)."""
    return Response(content, mimetype=PDF_TYPE,
                    headers={"Content-Disposition": f"inline; filename=\"{ascii_name}.pdf\"; "
                                                    f"filename*=UTF-8''{quote(name)}.pdf"})


class DocumentRoutes:
    def _schedule_or_none(self, actor, deal_id):
        """finance's schedule of the deal once it has one (a 认购 not yet approved has none)."""
        try:
            return self.finance.get_schedule(actor, deal_id)
        except (NotFound, Forbidden):
            return None

    @route("GET", "/api/deals/<int:deal_id>/subscription.pdf", produces=PDF_TYPE,
           summary="认购书 of a deal as PDF: buyer, unit, price (大写), 定金, 付款方式 and its schedule, signatures")
    def subscription_pdf(self, request, actor, deal_id):
        deal = self.contracts.get_deal(actor, deal_id)
        project = self.inventory.get_project(actor, deal["project_id"])
        content = sheets.subscription(deal, project, self._schedule_or_none(actor, deal_id))
        return pdf(content, f"subscription-{deal_id}", f"认购书-{deal.get('subscription_no') or deal_id}")

    @route("GET", "/api/deals/<int:deal_id>/receipts/<int:receipt_id>.pdf", produces=PDF_TYPE,
           summary="收款收据 as PDF: receipt no., payer, unit, amount in figures and 大写, method, date, cashier "
                   "(404 RECEIPT_NOT_FOUND)")
    def receipt_pdf(self, request, actor, deal_id, receipt_id):
        receipts = self._staff_names(actor, self.finance.list_receipts(actor, deal_id), "recorded_by", "ended_by")
        found = [r for r in receipts if r["id"] == receipt_id]
        if not found:
            raise NotFound(f"receipt {receipt_id} is not one of deal {deal_id}'s", "RECEIPT_NOT_FOUND")
        schedule = self._schedule_or_none(actor, deal_id)
        project = self.inventory.get_project(actor, found[0]["project_id"])
        return pdf(sheets.receipt(found[0], schedule, project), f"receipt-{receipt_id}",
                   f"收据-{found[0]['receipt_no']}")

    @route("GET", "/api/projects/<int:project_id>/plan.pdf", query=PlanQuery, produces=PDF_TYPE,
           summary="置业计划书 as PDF: a unit at a price, 定金 and 付款方式, the schedule the project's terms give and, "
                   "with a loan, the monthly figures (422 DEPOSIT_OUT_OF_RANGE)")
    def plan_pdf(self, request, actor, project_id, query):
        q = load(PlanQuery, query)
        preview = self.finance.preview_schedule(actor, project_id, {k: query[k] for k in PREVIEW_FIELDS if k in query})
        unit = self.inventory.get_unit(actor, q["unit_id"])
        if unit["project_id"] != project_id:
            raise NotFound(f"unit {q['unit_id']} is not in project {project_id}", "UNIT_NOT_FOUND")
        quote_ = None
        if preview["loan_amount"] not in ("0.00", None):
            quote_ = self.finance.mortgage_quote(actor, {"principal": preview["loan_amount"], "years": q["years"],
                                                         "annual_rate": str(q["annual_rate"]),
                                                         "method": q["mortgage_method"]})
        project = self.inventory.get_project(actor, project_id)
        return pdf(sheets.plan(preview, unit, project, q["customer"], quote_), f"plan-{q['unit_id']}",
                   f"置业计划书-{unit['number']}")

    @route("GET", "/api/projects/<int:project_id>/board.pdf", produces=PDF_TYPE,
           summary="销控表 of today as PDF: totals per status, then each building's floors and units with status")
    def board_pdf(self, request, actor, project_id):
        data = json.loads(self.inventory.get_board(actor, project_id))
        return pdf(sheets.board(data, today().isoformat()), f"board-{project_id}", f"销控表-{today().isoformat()}")
