"""算价 mortgage quotes, 代理费/结佣 agency commission and 提成 staff commission entrypoints.
A mixin of FinanceService (self.db is its database)."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import finance_commission as c
from services.finance import agency_commission, staff_commission
from services.finance.mortgage_quote_rules import quote


class CommissionEntrypoints:
    @query(c.MortgageQuote)
    def mortgage_quote(self, actor, query):
        """算价: the monthly schedule of a loan, equal instalment or equal principal, to the cent."""
        actor
        q = load(c.MortgageQuery, query)
        return quote(q["principal"], q["years"], q["annual_rate"], q["method"])

    @command(c.AgencyTermsOut)
    def put_agency_terms(self, actor, project_id, data):
        """代理费 terms of the project's developer: base rate, sell-through tiers, billable condition."""
        return agency_commission.put_terms(self.db, actor, project_id, load(c.AgencyTermsIn, data))

    @query(c.AgencyTermsOut)
    def get_agency_terms(self, actor, project_id):
        """The project's agency terms."""
        return agency_commission.get_terms(self.db.session, actor, project_id)

    @command(c.AgencyStatementOut)
    def issue_agency_statement(self, actor, project_id, data):
        """结佣 statement for a period: fees of newly billable deals, reversals of cancelled ones."""
        return agency_commission.issue_statement(self.db, actor, project_id,
                                                 load(c.AgencyStatementIn, data))

    @query(c.AgencyStatementOut)
    def preview_agency_statement(self, actor, project_id, query):
        """The statement a period would give now, the running one included: provisional."""
        return agency_commission.preview_statement(self.db.session, actor, project_id,
                                                   load(c.AgencyStatementIn, query))

    @command(c.AgencyStatementOut)
    def pay_agency_statement(self, actor, statement_id, data):
        """结佣 received: the statement paid, once (409 STATEMENT_PAID)."""
        return agency_commission.pay_statement(self.db, actor, statement_id, load(c.StatementPayIn, data or {}))

    @query(c.AgencyStatementOut, many=True)
    def list_agency_statements(self, actor, project_id):
        """The project's agency statements, oldest first."""
        return agency_commission.list_statements(self.db.session, actor, project_id)

    @query(c.AgencyStatementOut)
    def get_agency_statement(self, actor, statement_id):
        """One agency statement with its lines."""
        return agency_commission.get_statement(self.db.session, actor, statement_id)

    @command(c.CommissionRulesOut)
    def put_commission_rules(self, actor, project_id, data):
        """提成 rules of the project, by role (replacing earlier ones)."""
        return staff_commission.put_rules(self.db, actor, project_id, load(c.CommissionRulesIn, data))

    @query(c.CommissionRulesOut)
    def get_commission_rules(self, actor, project_id):
        """The project's commission rules."""
        return staff_commission.get_rules(self.db.session, actor, project_id)

    @command(c.CommissionRunOut)
    def issue_commission_statements(self, actor, project_id, month):
        """The month's 提成 statements for everyone with something to state."""
        return staff_commission.issue_month(self.db, actor, project_id, month)

    @query(c.CommissionRunOut)
    def preview_commission_statements(self, actor, project_id, month):
        """The month's 提成 statements as drawing them now would give: provisional."""
        return staff_commission.preview_month(self.db.session, actor, project_id, month)

    @command(c.CommissionStatementOut)
    def pay_commission_statement(self, actor, statement_id, data):
        """提成 paid: the statement paid, once (409 STATEMENT_PAID)."""
        return staff_commission.pay_statement(self.db, actor, statement_id, load(c.StatementPayIn, data or {}))

    @query(c.CommissionStatementOut, many=True)
    def list_commission_statements(self, actor, query):
        """Commission statements by month, person, project (advisors, supervisors: their own)."""
        return staff_commission.list_statements(self.db.session, actor,
                                                load(c.CommissionQuery, query))
