"""finance routes: 算价 mortgage quotes, 代理费/结佣 agency terms and statements, 提成 rules and
monthly statements, 销售费用 budgets and actuals. A mixin of GatewayService."""
from gateway.accounts import require_agency_accounts
from gateway.http import route
from loupan.schemas import finance_commission as c
from loupan.schemas import finance_preview as preview


class FinanceCommissionRoutes:
    @route("GET", "/api/finance/mortgage-quote", query=c.MortgageQuery, response=c.MortgageQuote,
           summary="算价: monthly schedule of a loan, 等额本息 or 等额本金, exact to the cent")
    def mortgage_quote(self, request, actor, query):
        return self.finance.mortgage_quote(actor, query)

    @route("GET", "/api/projects/<int:project_id>/schedule-preview", query=preview.SchedulePreviewQuery,
           response=preview.SchedulePreviewOut,
           summary="置业计划: the 付款计划 a 认购 at this price, 定金 and 付款方式 would get under the project's terms "
                   "(422 DEPOSIT_OUT_OF_RANGE)")
    def preview_schedule(self, request, actor, project_id, query):
        return self.finance.preview_schedule(actor, project_id, query)

    @route("PUT", "/api/projects/<int:project_id>/agency-terms", body=c.AgencyTermsIn,
           response=c.AgencyTermsOut, summary="代理费 terms of the developer: rate, sell-through tiers, billable condition")
    def put_agency_terms(self, request, actor, project_id, body):
        self.inventory.get_project(actor, project_id)  # 404 for a project that does not exist
        return self.finance.put_agency_terms(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/agency-terms", response=c.AgencyTermsOut,
           summary="The project's agency terms")
    def get_agency_terms(self, request, actor, project_id):
        return self.finance.get_agency_terms(actor, project_id)

    @route("POST", "/api/projects/<int:project_id>/agency-statements", body=c.AgencyStatementIn,
           response=c.AgencyStatementOut, status=201,
           summary="结佣 statement for a period: deals billable by its end, reversals of cancelled ones "
                   "(422 NOTHING_TO_SETTLE, PERIOD_NOT_OVER, PERIOD_BEFORE_LAST)")
    def issue_agency_statement(self, request, actor, project_id, body):
        statement = self.finance.issue_agency_statement(actor, project_id, body)
        return self._staff_names(actor, [statement], "issued_by", "paid_by")[0]  # FinanceMoneyRoutes': hr's names

    @route("GET", "/api/projects/<int:project_id>/agency-statements", response=c.AgencyStatementOut, many=True, summary="The project's agency statements, oldest first")
    def list_agency_statements(self, request, actor, project_id):
        return self._staff_names(actor, self.finance.list_agency_statements(actor, project_id), "issued_by",
                                 "paid_by")

    @route("GET", "/api/agency-statements/<int:statement_id>", response=c.AgencyStatementOut,
           summary="One agency statement with its lines")
    def get_agency_statement(self, request, actor, statement_id):
        return self._staff_names(actor, [self.finance.get_agency_statement(actor, statement_id)], "issued_by",
                                 "paid_by")[0]

    @route("GET", "/api/projects/<int:project_id>/agency-statements/preview", query=c.AgencyStatementIn,
           response=c.AgencyStatementOut,
           summary="结佣 preview: the statement the period would give now, the running period included (as of "
                   "today); provisional, unnumbered, nothing written (422 NO_AGENCY_TERMS, PERIOD_BEFORE_LAST)")
    def preview_agency_statement(self, request, actor, project_id, query):
        return self._staff_names(actor, [self.finance.preview_agency_statement(actor, project_id, query)],
                                 "issued_by", "paid_by")[0]

    @route("POST", "/api/agency-statements/<int:statement_id>/pay", body=c.StatementPayIn,
           response=c.AgencyStatementOut,
           summary="结佣 received from the developer: the statement paid, with who and when; once (409 "
                   "STATEMENT_PAID: a paid statement is not changed, a correction goes in the next one)")
    def pay_agency_statement(self, request, actor, statement_id, body):
        return self._staff_names(actor, [self.finance.pay_agency_statement(actor, statement_id, body)],
                                 "issued_by", "paid_by")[0]

    @route("PUT", "/api/projects/<int:project_id>/commission-rules", body=c.CommissionRulesIn,
           response=c.CommissionRulesOut, summary="提成 rules by role: per unit, percent or tiered, supervisor override")
    def put_commission_rules(self, request, actor, project_id, body):
        self.inventory.get_project(actor, project_id)
        require_agency_accounts(self, actor, project_id, [a for r in body["rules"] for a in r.get("account_ids") or ()])
        return self.finance.put_commission_rules(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/commission-rules", response=c.CommissionRulesOut, summary="The project's commission rules")
    def get_commission_rules(self, request, actor, project_id):
        return self.finance.get_commission_rules(actor, project_id)

    @route("POST", "/api/projects/<int:project_id>/commission-statements/<month>", response=c.CommissionRunOut, status=201,
           summary="提成 statements of a month (YYYY-MM) for everyone: due by the rules at the month end minus "
                   "earlier statements (409 COMMISSION_MONTH_ISSUED, 422 MONTH_NOT_OVER)")
    def issue_commission_statements(self, request, actor, project_id, month):
        run = self.finance.issue_commission_statements(actor, project_id, month)
        self._staff_names(actor, run["statements"], "account_id", "paid_by")  # FinanceMoneyRoutes': hr's names
        return run

    @route("GET", "/api/projects/<int:project_id>/commission-statements/<month>/preview",
           response=c.CommissionRunOut,
           summary="提成 preview of a month, the running one included (as of today): each person's statement as "
                   "drawing it now would give, clawbacks included; provisional, nothing written; a month drawn "
                   "already answers its statements as drawn (422 NO_COMMISSION_RULES, LATER_MONTH_STATED)")
    def preview_commission_statements(self, request, actor, project_id, month):
        run = self.finance.preview_commission_statements(actor, project_id, month)
        self._staff_names(actor, run["statements"], "account_id", "paid_by")
        return run

    @route("POST", "/api/commission-statements/<int:statement_id>/pay", body=c.StatementPayIn,
           response=c.CommissionStatementOut,
           summary="提成 paid to the person: the statement paid, with who and when; once (409 STATEMENT_PAID: a "
                   "paid statement is not changed, a correction goes in a later month's)")
    def pay_commission_statement(self, request, actor, statement_id, body):
        return self._staff_names(actor, [self.finance.pay_commission_statement(actor, statement_id, body)],
                                 "account_id", "paid_by")[0]

    @route("GET", "/api/commission-statements", query=c.CommissionQuery,
           response=c.CommissionStatementOut, many=True,
           summary="Commission statements by month, person and project (advisors, supervisors: their own)")
    def list_commission_statements(self, request, actor, query):
        return self._staff_names(actor, self.finance.list_commission_statements(actor, query), "account_id",
                                 "paid_by")

    @route("PUT", "/api/projects/<int:project_id>/expense-budgets/<month>", body=c.BudgetIn,
           response=c.BudgetOut, summary="销售费用 budget of a month (YYYY-MM) by category, replacing it")
    def put_expense_budget(self, request, actor, project_id, month, body):
        self.inventory.get_project(actor, project_id)
        return self.finance.put_expense_budget(actor, project_id, month, body)

    @route("POST", "/api/projects/<int:project_id>/expenses", body=c.ExpenseIn,
           response=c.ExpenseOut, status=201, summary="Record an actual sales expense")
    def record_expense(self, request, actor, project_id, body):
        return self.finance.record_expense(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/expenses/<month>", response=c.ExpenseReport, summary="Budget against actual per category and channel, ratio to sales")
    def get_expense_report(self, request, actor, project_id, month):
        return self.finance.get_expense_report(actor, project_id, month)
