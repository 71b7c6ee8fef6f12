"""算价 mortgage quotes, 代理费/结佣 agency commission and 提成 staff commission entrypoints.
A mixin of FinanceService (self.db is its database)."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import finance_commission as c
from loupan.scope import load_actor
from services.finance import agency_commission, staff_commission
from services.finance.mortgage_quote_rules import quote


class CommissionRpc:
    @rpc
    def mortgage_quote(self, actor, query):
        """算价: the monthly schedule of a loan, equal instalment or equal principal, to the cent."""
        load_actor(actor)
        q = load(c.MortgageQuery, query)
        return dump(c.MortgageQuote, quote(q["principal"], q["years"], q["annual_rate"], q["method"]))

    @rpc
    def put_agency_terms(self, actor, project_id, data):
        """代理费 terms of the project's developer: base rate, sell-through tiers, billable condition."""
        terms = agency_commission.put_terms(self.db, load_actor(actor), project_id, load(c.AgencyTermsIn, data))
        self.db.commit()
        return dump(c.AgencyTermsOut, terms)

    @rpc
    def get_agency_terms(self, actor, project_id):
        """The project's agency terms."""
        return dump(c.AgencyTermsOut, agency_commission.get_terms(self.db.session, load_actor(actor), project_id))

    @rpc
    def issue_agency_statement(self, actor, project_id, data):
        """结佣 statement for a period: fees of newly billable deals, reversals of cancelled ones."""
        statement = agency_commission.issue_statement(self.db, load_actor(actor), project_id,
                                                      load(c.AgencyStatementIn, data))
        self.db.commit()
        return dump(c.AgencyStatementOut, statement)

    @rpc
    def list_agency_statements(self, actor, project_id):
        """The project's agency statements, oldest first."""
        statements = agency_commission.list_statements(self.db.session, load_actor(actor), project_id)
        return dump(c.AgencyStatementOut, statements, many=True)

    @rpc
    def get_agency_statement(self, actor, statement_id):
        """One agency statement with its lines."""
        statement = agency_commission.get_statement(self.db.session, load_actor(actor), statement_id)
        return dump(c.AgencyStatementOut, statement)

    @rpc
    def put_commission_rules(self, actor, project_id, data):
        """提成 rules of the project, by role (replacing earlier ones)."""
        result = staff_commission.put_rules(self.db, load_actor(actor), project_id, load(c.CommissionRulesIn, data))
        self.db.commit()
        return dump(c.CommissionRulesOut, result)

    @rpc
    def get_commission_rules(self, actor, project_id):
        """The project's commission rules."""
        return dump(c.CommissionRulesOut, staff_commission.get_rules(self.db.session, load_actor(actor), project_id))

    @rpc
    def issue_commission_statements(self, actor, project_id, month):
        """The month's 提成 statements for everyone with something to state."""
        run = staff_commission.issue_month(self.db, load_actor(actor), project_id, month)
        self.db.commit()
        return dump(c.CommissionRunOut, run)

    @rpc
    def list_commission_statements(self, actor, query):
        """Commission statements by month, person, project (advisors, supervisors: their own)."""
        statements = staff_commission.list_statements(self.db.session, load_actor(actor),
                                                      load(c.CommissionQuery, query))
        return dump(c.CommissionStatementOut, statements, many=True)
