"""销售费用 expense entrypoints: budgets, actuals, budget against actual, spend per channel.
A mixin of FinanceService (self.db is its database)."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import finance_commission as c
from services.finance import expenses


class ExpenseEntrypoints:
    @command(c.BudgetOut)
    def put_expense_budget(self, actor, project_id, month, data):
        """The month's expense budget per category (advertising per channel and medium)."""
        return expenses.put_budget(self.db, actor, project_id, month, load(c.BudgetIn, data))

    @command(c.ExpenseOut)
    def record_expense(self, actor, project_id, data):
        """An actual sales expense."""
        return expenses.record_expense(self.db, actor, project_id, load(c.ExpenseIn, data))

    @query(c.ExpenseReport)
    def get_expense_report(self, actor, project_id, month):
        """Budget against actual per category and channel, and the ratio to sales."""
        return expenses.report(self.db.session, actor, project_id, month)

    @query(c.ChannelSpend, many=True)
    def channel_spend(self, actor, project_id, month):
        """The month's advertising spend per channel (for cost per visit, lead and deal)."""
        return expenses.channel_spend(self.db.session, actor, project_id, month)
