"""Entrypoints of the deal from 认购 to 备案: the subscription saga and its sweep, 审核,
签约 with 补充协议, 网签/备案, and the deal reads. A mixin of ContractsService."""
from loupan.entrypoints import command, query, rpc

from loupan.schemas import contracts_deals as c
from loupan.schemas import dump, load
from loupan.schemas.reveals import DataRevealOut, DataRevealRpcQuery
from loupan.scope import load_actor
from loupan.timers import every
from services.contracts import filing, signing, subscriptions


class DealEntrypoints:
    """Mixin of ContractsService: self.db, self.inventory and self.crm are its."""

    @rpc
    def create_subscription(self, actor, data):
        """认购 subscription from an active hold: the deal is written, inventory converts the
        hold and subscribes the unit, the deal is numbered and awaits 审核. Repeating it for
        the same hold returns the same deal; inventory down is 503 SUBSCRIPTION_PENDING (the
        deal is completed later by the sweep)."""
        actor = load_actor(actor)
        deal = subscriptions.create_subscription(self.db, actor, load(c.SubscriptionIn, data), self.inventory, self.crm)
        return self._deal_answer(actor, deal, "create_subscription")

    def _deal_answer(self, actor, deal, entrypoint):
        """A deal as the actor may see it; a full number shown to a manager or director is
        logged (loupan.reveals) and committed before the answer leaves."""
        view = subscriptions.deal_view(actor, deal)
        subscriptions.log_reveals(self.db.session, actor, "detail", entrypoint, [view])
        self.db.commit()
        return dump(c.DealOut, view)

    @every("SAGA_SWEEP_SECONDS", 5)
    def complete_pending_subscriptions(self):
        """Finish (or fail) the 认购 sagas left pending by an unanswered inventory or a crash."""
        subscriptions.complete_pending(self.db, self.inventory)

    @rpc
    def approve_subscription(self, actor, deal_id, data=None):
        """审核: a manager approves a submitted 认购 (409 DEAL_NOT_SUBMITTED otherwise)."""
        actor = load_actor(actor)
        deal = subscriptions.approve(self.db, actor, deal_id, load(c.DealReviewIn, data)["note"])
        self.db.commit()
        return self._deal_answer(actor, deal, "approve_subscription")

    @rpc
    def reject_subscription(self, actor, deal_id, data):
        """审核: a manager rejects a submitted 认购; the unit goes back on sale."""
        actor = load_actor(actor)
        deal = subscriptions.reject(self.db, actor, deal_id, load(c.DealRejectIn, data)["note"])
        self.db.commit()
        return self._deal_answer(actor, deal, "reject_subscription")

    @command(c.ContractOut)
    def draft_contract(self, actor, deal_id, data=None):
        """签约 draft from an approved 认购, numbered per project; awaits 审核."""
        return signing.draft_contract(self.db, actor, deal_id, load(c.ContractIn, data))

    @command(c.ContractOut)
    def approve_contract(self, actor, deal_id, data=None):
        """审核 of the contract: signed (`contract_signed`)."""
        return signing.approve_contract(self.db, actor, deal_id, load(c.DealReviewIn, data)["note"])

    @command(c.ContractOut)
    def reject_contract(self, actor, deal_id, data):
        """审核 of the contract: the draft is rejected; a new one may be drafted."""
        return signing.reject_contract(self.db, actor, deal_id, load(c.DealRejectIn, data)["note"])

    @command(c.AgreementOut)
    def add_agreement(self, actor, deal_id, data):
        """补充协议 to the deal's contract; awaits 审核."""
        return signing.add_agreement(self.db, actor, deal_id, load(c.AgreementIn, data))

    @command(c.AgreementOut)
    def approve_agreement(self, actor, agreement_id, data=None):
        """审核 of a 补充协议: approved."""
        return signing.decide_agreement(self.db, actor, agreement_id, True,
                                        load(c.DealReviewIn, data)["note"])

    @command(c.AgreementOut)
    def reject_agreement(self, actor, agreement_id, data):
        """审核 of a 补充协议: rejected."""
        return signing.decide_agreement(self.db, actor, agreement_id, False,
                                        load(c.DealRejectIn, data)["note"])

    @query(c.AgreementOut, many=True)
    def list_agreements(self, actor, deal_id):
        """The 补充协议 of a deal's contract, in number order."""
        return signing.list_agreements(self.db.session, actor, deal_id)

    @command(c.ContractOut)
    def record_online_signing(self, actor, deal_id, data):
        """网签 number and date of the signed contract."""
        return filing.record_online_signing(self.db, actor, deal_id, load(c.OnlineSigningIn, data))

    @command(c.ContractOut)
    def record_filing(self, actor, deal_id, data):
        """备案 number and date after 网签: the deal is filed (`contract_filed`)."""
        return filing.record_filing(self.db, actor, deal_id, load(c.FilingIn, data))

    @command(c.DealDetail)
    def get_deal(self, actor, deal_id):
        """A deal with its buyers, contract, 补充协议 and history (phones as the actor may see them;
        full numbers shown to a manager or director are logged before answering)."""
        detail = subscriptions.deal_detail(self.db.session, actor, deal_id)
        subscriptions.log_reveals(self.db.session, actor, "detail", "get_deal", [detail])
        return detail

    @command(c.DealPage)
    def list_deals(self, actor, project_id, query=None):
        """Deals of a project by status and advisor, newest first, paginated."""
        page = subscriptions.list_deals(self.db.session, actor, project_id, load(c.DealQuery, query))
        subscriptions.log_reveals(self.db.session, actor, "list", "list_deals", page["items"])
        return page

    @query(DataRevealOut, many=True)
    def list_data_reveals(self, actor, query=None):
        """The director's log of buyers' full numbers shown to managers and directors, newest first."""
        return subscriptions.list_data_reveals(self.db.session, actor, load(DataRevealRpcQuery, query))
