"""Entrypoints of what follows the contract: the mortgage case (按揭报件), the handover
(交房) and the title certificate (房产证). A mixin of ContractsService."""
from nameko.dependency_providers import Config
from loupan.entrypoints import rpc

from loupan.schemas import contracts_changes as c
from loupan.schemas import dump, load
from loupan.scope import load_actor
from services.contracts import handover, mortgage


class AftercareRpc:
    config = Config()

    @rpc
    def open_mortgage(self, actor, deal_id, data):
        """按揭报件: open the bank case of a signed deal paid by a loan (one per deal)."""
        result = mortgage.open_mortgage(self.db, load_actor(actor), deal_id, load(c.MortgageIn, data))
        self.db.commit()
        return dump(c.MortgageOut, result)

    @rpc
    def advance_mortgage(self, actor, mortgage_id, data):
        """The case's next step, dated; 放款 publishes mortgage_disbursed."""
        result = mortgage.advance_mortgage(self.db, load_actor(actor), mortgage_id, load(c.MortgageAdvanceIn, data))
        self.db.commit()
        return dump(c.MortgageOut, result)

    @rpc
    def deal_mortgage(self, actor, deal_id):
        """A deal's mortgage case."""
        return dump(c.MortgageOut, mortgage.deal_mortgage(self.db.session, load_actor(actor), deal_id))

    @rpc
    def stuck_mortgages(self, actor, project_id, query=None):
        """Cases of a project not advanced for `days` (default MORTGAGE_STUCK_DAYS)."""
        days = load(c.StuckQuery, query).get("days") or int(self.config.get("MORTGAGE_STUCK_DAYS", 14))
        rows = mortgage.stuck_mortgages(self.db.session, load_actor(actor), project_id, days)
        return dump(c.MortgageOut, rows, many=True)

    @rpc
    def hand_over(self, actor, deal_id, data):
        """交房 of a filed deal with the inspection; publishes unit_handed_over."""
        result = handover.hand_over(self.db, load_actor(actor), deal_id, load(c.HandoverIn, data))
        self.db.commit()
        return dump(c.HandoverOut, result)

    @rpc
    def get_handover(self, actor, deal_id):
        """A deal's handover and title progress."""
        return dump(c.HandoverOut, handover.get_handover(self.db.session, load_actor(actor), deal_id))

    @rpc
    def advance_title(self, actor, deal_id, data):
        """房产证: the title's next step, dated (applied → issued → delivered)."""
        result = handover.advance_title(self.db, load_actor(actor), deal_id, load(c.TitleIn, data))
        self.db.commit()
        return dump(c.HandoverOut, result)
