"""Entrypoints of what follows the contract: the mortgage case (按揭报件), the handover
(交房) and the title certificate (房产证). A mixin of ContractsService."""
from loupan.entrypoints import command, query

from loupan.schemas import contracts_changes as c
from loupan.schemas import load
from services.contracts import handover, mortgage


class AftercareEntrypoints:
    """Mixin of ContractsService: self.db, self.config and self.inventory are its."""

    @command(c.MortgageOut)
    def open_mortgage(self, actor, deal_id, data):
        """按揭报件: open the bank case of a signed deal paid by a loan (one per deal)."""
        return mortgage.open_mortgage(self.db, actor, deal_id, load(c.MortgageIn, data))

    @command(c.MortgageOut)
    def advance_mortgage(self, actor, mortgage_id, data):
        """The case's next step, dated; 放款 publishes mortgage_disbursed."""
        return mortgage.advance_mortgage(self.db, actor, mortgage_id, load(c.MortgageAdvanceIn, data))

    @query(c.MortgageOut)
    def deal_mortgage(self, actor, deal_id):
        """A deal's mortgage case."""
        return mortgage.deal_mortgage(self.db.session, actor, deal_id)

    @query(c.MortgageOut, many=True)
    def stuck_mortgages(self, actor, project_id, query=None):
        """Cases of a project not advanced for `days` (default MORTGAGE_STUCK_DAYS)."""
        days = load(c.StuckQuery, query).get("days") or int(self.config.get("MORTGAGE_STUCK_DAYS", 14))
        return mortgage.stuck_mortgages(self.db.session, actor, project_id, days)

    @command(c.HandoverOut)
    def hand_over(self, actor, deal_id, data):
        """交房 of a filed deal with the inspection; publishes unit_handed_over."""
        return handover.hand_over(self.db, actor, deal_id, load(c.HandoverIn, data))

    @query(c.HandoverOut)
    def get_handover(self, actor, deal_id):
        """A deal's handover and title progress."""
        return handover.get_handover(self.db.session, actor, deal_id)

    @command(c.HandoverOut)
    def advance_title(self, actor, deal_id, data):
        """房产证: the title's next step, dated (applied → issued → delivered)."""
        return handover.advance_title(self.db, actor, deal_id, load(c.TitleIn, data))
