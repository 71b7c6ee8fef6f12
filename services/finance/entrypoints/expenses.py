"""销售费用 expense entrypoints: budgets, actuals, budget against actual, spend per channel.
A mixin of FinanceService (self.db is its database)."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import finance_commission as c
from loupan.scope import load_actor
from services.finance import expenses


class ExpensesRpc:
    @rpc
    def put_expense_budget(self, actor, project_id, month, data):
        """The month's expense budget per category (advertising per channel and medium)."""
        budget = expenses.put_budget(self.db, load_actor(actor), project_id, month, load(c.BudgetIn, data))
        self.db.commit()
        return dump(c.BudgetOut, budget)

    @rpc
    def record_expense(self, actor, project_id, data):
        """An actual sales expense."""
        expense = expenses.record_expense(self.db, load_actor(actor), project_id, load(c.ExpenseIn, data))
        self.db.commit()
        return dump(c.ExpenseOut, expense)

    @rpc
    def get_expense_report(self, actor, project_id, month):
        """Budget against actual per category and channel, and the ratio to sales."""
        return dump(c.ExpenseReport, expenses.report(self.db.session, load_actor(actor), project_id, month))

    @rpc
    def channel_spend(self, actor, project_id, month):
        """The month's advertising spend per channel (for cost per visit, lead and deal)."""
        spend = expenses.channel_spend(self.db.session, load_actor(actor), project_id, month)
        return dump(c.ChannelSpend, spend, many=True)
