"""Deal routes from 认购 to 备案: subscriptions and their 审核, contracts (签约) with 补充协议,
网签/备案, and the deal reads. A mixin of GatewayService."""
from gateway.http import route
from loupan.schemas import contracts_deals as c


class ContractsDealsRoutes:
    @route("POST", "/api/subscriptions", body=c.SubscriptionIn, response=c.DealOut, status=201,
           summary="认购: subscribe a held unit; the same hold again returns the same deal (422 "
                   "PRICE_BELOW_FLOOR, 409 HOLD_NOT_ACTIVE / SUBSCRIPTION_FAILED; 503 SUBSCRIPTION_PENDING when "
                   "inventory is down: the deal is completed later, retrying is safe)")
    def create_subscription(self, request, actor, body):
        return self.contracts.create_subscription(actor, body)

    @route("POST", "/api/subscriptions/<int:deal_id>/approve", body=c.DealReviewIn,
           response=c.DealOut, summary="审核: approve a submitted 认购 (409 DEAL_NOT_SUBMITTED otherwise)")
    def approve_subscription(self, request, actor, deal_id, body):
        return self.contracts.approve_subscription(actor, deal_id, body)

    @route("POST", "/api/subscriptions/<int:deal_id>/reject", body=c.DealRejectIn,
           response=c.DealOut, summary="审核: reject a submitted 认购; the unit goes back on sale")
    def reject_subscription(self, request, actor, deal_id, body):
        return self.contracts.reject_subscription(actor, deal_id, body)

    @route("POST", "/api/deals/<int:deal_id>/contract", body=c.ContractIn, response=c.ContractOut,
           status=201, summary="签约: draft the contract of an approved 认购 (409 DEAL_NOT_SUBSCRIBED, CONTRACT_EXISTS)")
    def draft_contract(self, request, actor, deal_id, body):
        return self.contracts.draft_contract(actor, deal_id, body)

    @route("POST", "/api/deals/<int:deal_id>/contract/approve", body=c.DealReviewIn,
           response=c.ContractOut, summary="审核: the contract is signed (409 CONTRACT_NOT_DRAFT otherwise)")
    def approve_contract(self, request, actor, deal_id, body):
        return self.contracts.approve_contract(actor, deal_id, body)

    @route("POST", "/api/deals/<int:deal_id>/contract/reject", body=c.DealRejectIn,
           response=c.ContractOut, summary="审核: reject the contract draft; a new draft may follow")
    def reject_contract(self, request, actor, deal_id, body):
        return self.contracts.reject_contract(actor, deal_id, body)

    @route("POST", "/api/deals/<int:deal_id>/agreements", body=c.AgreementIn,
           response=c.AgreementOut, status=201, summary="补充协议: add a supplementary agreement to the contract")
    def add_agreement(self, request, actor, deal_id, body):
        return self.contracts.add_agreement(actor, deal_id, body)

    @route("GET", "/api/deals/<int:deal_id>/agreements", response=c.AgreementOut, many=True,
           summary="The 补充协议 of a deal's contract")
    def list_agreements(self, request, actor, deal_id):
        return self.contracts.list_agreements(actor, deal_id)

    @route("POST", "/api/agreements/<int:agreement_id>/approve", body=c.DealReviewIn,
           response=c.AgreementOut, summary="审核: approve a 补充协议 (409 AGREEMENT_NOT_PENDING otherwise)")
    def approve_agreement(self, request, actor, agreement_id, body):
        return self.contracts.approve_agreement(actor, agreement_id, body)

    @route("POST", "/api/agreements/<int:agreement_id>/reject", body=c.DealRejectIn,
           response=c.AgreementOut, summary="审核: reject a 补充协议 (409 AGREEMENT_NOT_PENDING otherwise)")
    def reject_agreement(self, request, actor, agreement_id, body):
        return self.contracts.reject_agreement(actor, agreement_id, body)

    @route("POST", "/api/deals/<int:deal_id>/online-signing", body=c.OnlineSigningIn,
           response=c.ContractOut, summary="网签: record the online-signing number and date of the signed contract "
                                           "(422 DATE_OUT_OF_ORDER before 签约, DATE_IN_FUTURE; 409 "
                                           "ONLINE_SIGNING_NO_TAKEN: the number is another deal's of the project)")
    def record_online_signing(self, request, actor, deal_id, body):
        return self.contracts.record_online_signing(actor, deal_id, body)

    @route("POST", "/api/deals/<int:deal_id>/filing", body=c.FilingIn, response=c.ContractOut,
           summary="备案: record the filing number and date after 网签; the deal is filed "
                   "(422 DATE_OUT_OF_ORDER before 网签, DATE_IN_FUTURE; 409 FILING_NO_TAKEN: the number is "
                   "another deal's of the project)")
    def record_filing(self, request, actor, deal_id, body):
        return self.contracts.record_filing(actor, deal_id, body)

    @route("GET", "/api/deals/<int:deal_id>", response=c.DealDetail,
           summary="A deal with its buyers, contract, 补充协议 and history")
    def get_deal(self, request, actor, deal_id):
        return self.contracts.get_deal(actor, deal_id)

    @route("GET", "/api/projects/<int:project_id>/deals", query=c.DealQuery, response=c.DealPage,
           summary="Deals of a project by status and advisor, newest first")
    def list_deals(self, request, actor, project_id, query):
        return self.contracts.list_deals(actor, project_id, query)
