"""finance routes: 分销佣金, what the agency owes its channels (issue 19): each project's
billable condition, channels' terms (versions), the deals each channel brought, statements
(draw, issue, the channel's confirmation or dispute, .xlsx) and the cost per deal of each
channel. Finance and directors manage; managers read. The channel confirms its statement
through finance ("confirmed by the channel on <date> by <name>"), or itself: its broker signed
in on their phone (POST /api/broker/statements/<id>/confirm, gateway/routes/brokers.py). A
mixin of GatewayService."""
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font
from werkzeug.wrappers import Response

from loupan.schemas import finance_channel as c
from loupan.schemas.inventory_spreadsheets import XLSX_TYPE
from loupan.spreadsheet import append_row
from gateway.http import route

PEOPLE = ("drawn_by", "issued_by", "confirmation_recorded_by", "disputed_recorded_by")
KINDS = {"commission": "佣金", "adjustment": "调整", "reversal": "冲回"}
STATUSES = {"draft": "草稿", "issued": "已出具", "confirmed": "渠道已确认", "disputed": "渠道有异议"}


def _money(text):
    return None if text is None else Decimal(text)


def statement_xlsx(data):
    """结佣对账单 as the office sends it to the channel: 汇总 and 明细 sheets, Chinese headers,
    money as numbers; rendered from the dumped answer, so the file says what the API says."""
    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    for label, value in (("渠道", data["channel_name"] or f"渠道#{data['channel_id']}"), ("项目ID", data["project_id"]),
                         ("对账单号", data["number"]), ("期间", f"{data['period_from']} 至 {data['period_to']}"),
                         ("状态", STATUSES.get(data["status"], data["status"])), ("合计(元)", _money(data["total"])),
                         ("出具日期", (data["issued_at"] or "")[:10] or None),
                         ("渠道确认日期", data["confirmed_on"]), ("渠道确认人", data["confirmed_by_name"]),
                         ("异议", data["disputed_reason"])):
        append_row(summary, [label, value])
    for cell in summary["A"]:
        cell.font = Font(bold=True)
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 14, 28
    lines = book.create_sheet("明细")
    headers = ("成交ID", "房号", "签约日期", "类型", "成交金额(元)", "佣金比例(%)", "期间套数", "开盘奖励(元)",
               "应结合计(元)", "本期金额(元)")
    lines.append(list(headers))
    for cell in lines[1]:
        cell.font = Font(bold=True)
    for x in data["lines"]:
        append_row(lines, [x["deal_id"], x["unit_label"], x["signed_on"], KINDS.get(x["kind"], x["kind"]),
                           _money(x["basis"]), _money(x["rate"]), x["units_in_period"], _money(x["bonus"]),
                           _money(x["due"]), _money(x["amount"])])
    append_row(lines, ["合计", None, None, None, None, None, None, None, None, _money(data["total"])])
    for column in lines.columns:
        lines.column_dimensions[column[0].column_letter].width = max(12, 2 * len(str(column[0].value)) + 2)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


class FinanceChannelRoutes:
    def _channel_statement(self, actor, statement):
        return self._staff_names(actor, [statement], *PEOPLE)[0]  # FinanceMoneyRoutes': hr's names

    @route("GET", "/api/projects/<int:project_id>/channel-billing", response=c.ChannelBillingOut,
           summary="分销佣金: when the project's channel deals become billable (signed, or signed and the 首付 in)")
    def get_channel_billing(self, request, actor, project_id):
        return self.finance.get_channel_billing(actor, project_id)

    @route("PUT", "/api/projects/<int:project_id>/channel-billing", body=c.ChannelBillingIn,
           response=c.ChannelBillingOut,
           summary="分销佣金: set when the project's channel deals become billable; deals not stated yet are "
                   "judged again")
    def put_channel_billing(self, request, actor, project_id, body):
        self.inventory.get_project(actor, project_id)  # 404 for a project that does not exist
        return self.finance.put_channel_billing(actor, project_id, body)

    @route("POST", "/api/projects/<int:project_id>/channel-terms", body=c.ChannelTermsIn,
           response=c.ChannelTermsOut, status=201,
           summary="分销佣金 terms: a new version of a channel's terms at the project (per unit, percent, tiered by "
                   "the month's or quarter's units, launch bonus), in force from its date for deals signed from then")
    def add_channel_terms(self, request, actor, project_id, body):
        self.inventory.get_project(actor, project_id)
        return self.finance.add_channel_terms(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/channel-terms", response=c.ChannelTermsOut, many=True,
           summary="The project's channels' terms, every version (filter ?channel_id=)")
    def list_channel_terms(self, request, actor, project_id):
        return self.finance.list_channel_terms(actor, project_id, {})

    @route("DELETE", "/api/channel-terms/<int:channel_terms_id>", response=c.ChannelTermsOut,
           summary="Withdraw a version of a channel's terms that no issued statement used (409 TERMS_IN_USE: add a "
                   "new version instead); drafts drawn with it are discarded")
    def delete_channel_terms(self, request, actor, channel_terms_id):
        return self.finance.delete_channel_terms(actor, channel_terms_id)

    @route("GET", "/api/projects/<int:project_id>/channel-deals", response=c.ChannelDealOut, many=True,
           summary="The deals the project's channels brought: pending, billable, billed or reversed, and what was "
                   "stated of each (filter ?channel_id=)")
    def list_channel_deals(self, request, actor, project_id):
        return self.finance.list_channel_deals(actor, project_id, {})

    @route("POST", "/api/projects/<int:project_id>/channel-statements", body=c.ChannelStatementIn,
           response=c.ChannelStatementOut, status=201,
           summary="结佣对账单 to a channel, a draft: due by the period's end minus what issued statements stated "
                   "(commissions, adjustments, reversals after 退房); drawn again, it replaces the channel's draft "
                   "(422 NOTHING_TO_STATE, PERIOD_IN_FUTURE, PERIOD_BEFORE_LAST)")
    def draw_channel_statement(self, request, actor, project_id, body):
        return self._channel_statement(actor, self.finance.draw_channel_statement(actor, project_id, body))

    @route("GET", "/api/projects/<int:project_id>/channel-statements", response=c.ChannelStatementOut, many=True,
           summary="The project's channel statements, drafts included (filter ?channel_id=, ?status=)")
    def list_channel_statements(self, request, actor, project_id):
        return self._staff_names(actor, self.finance.list_channel_statements(actor, project_id, {}), *PEOPLE)

    @route("GET", "/api/channel-statements/<int:channel_statement_id>", response=c.ChannelStatementOut,
           summary="One channel statement with its lines")
    def get_channel_statement(self, request, actor, channel_statement_id):
        return self._channel_statement(actor, self.finance.get_channel_statement(actor, channel_statement_id))

    @route("POST", "/api/channel-statements/<int:channel_statement_id>/issue", response=c.ChannelStatementOut,
           summary="Issue the draft: numbered per project and channel, never changed after (409 STATEMENT_NOT_DRAFT)")
    def issue_channel_statement(self, request, actor, channel_statement_id):
        return self._channel_statement(actor, self.finance.issue_channel_statement(actor, channel_statement_id))

    @route("POST", "/api/channel-statements/<int:channel_statement_id>/confirm", body=c.ConfirmIn,
           response=c.ChannelStatementOut,
           summary="Confirmed by the channel on <date> by <name>, recorded by finance (a channel's broker may "
                   "confirm on their phone instead) (409 STATEMENT_NOT_ISSUED, STATEMENT_CONFIRMED)")
    def confirm_channel_statement(self, request, actor, channel_statement_id, body):
        answer = self.finance.confirm_channel_statement(actor, channel_statement_id, body)
        return self._channel_statement(actor, answer)

    @route("POST", "/api/channel-statements/<int:channel_statement_id>/dispute", body=c.DisputeIn,
           response=c.ChannelStatementOut,
           summary="The channel disputes the issued statement (its reason, recorded by finance); a correction is a "
                   "line of the next statement (409 STATEMENT_NOT_ISSUED)")
    def dispute_channel_statement(self, request, actor, channel_statement_id, body):
        answer = self.finance.dispute_channel_statement(actor, channel_statement_id, body)
        return self._channel_statement(actor, answer)

    @route("GET", "/api/channel-statements/<int:channel_statement_id>.xlsx", produces=XLSX_TYPE,
           summary="结佣对账单 .xlsx for the channel: 汇总 and 明细")
    def channel_statement_xlsx(self, request, actor, channel_statement_id):
        data = self.finance.get_channel_statement(actor, channel_statement_id)
        name = f"结佣对账单-{data['channel_name'] or data['channel_id']}-{data['number'] or '草稿'}"
        return Response(statement_xlsx(data), mimetype=XLSX_TYPE, headers={
            "Content-Disposition": f"attachment; filename=\"channel-statement-{channel_statement_id}.xlsx\"; "
                                   f"filename*=UTF-8''{quote(name)}.xlsx"})

    @route("GET", "/api/projects/<int:project_id>/channel-costs", query=c.ChannelCostsQuery,
           response=c.ChannelCostsOut,
           summary="渠道效果, the commission side: each channel's deals signed in the period, what they earn by the "
                   "terms, what was stated, and the cost per deal")
    def channel_costs(self, request, actor, project_id, query):
        return self.finance.channel_costs(actor, project_id, query)
