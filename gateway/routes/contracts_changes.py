"""Routes of a deal's changes (更名/换房/退房), its mortgage case (按揭报件), its handover
(交房) and title certificate (房产证). A mixin of GatewayService."""
from gateway.http import route
from loupan.schemas import contracts_changes as c


class ContractsChangesRoutes:
    @route("POST", "/api/deals/<int:deal_id>/changes", body=c.ChangeIn, response=c.ChangeOut,
           status=201, summary="Ask for a change of a deal: 更名 rename {buyers}, 换房 swap {to_unit_id, new_price?}, "
                               "退房 cancel {reason}; 409 DEAL_STATE or 422 DEAL_FILED where the deal's state "
                               "does not allow it, 422 BUYER_SHARES unless the shares sum to 100")
    def request_change(self, request, actor, deal_id, body):
        return self.contracts.request_change(actor, deal_id, body)

    @route("POST", "/api/changes/<int:change_id>/approve", body=c.ChangeDecisionIn,
           response=c.ChangeOut, summary="Approve and apply a change (换房 moves the unit in inventory); a refusal "
                                         "on the way (409 UNIT_NOT_AVAILABLE, DEAL_CHANGED…) fails the request")
    def approve_change(self, request, actor, change_id, body):
        return self.contracts.approve_change(actor, change_id, body)

    @route("POST", "/api/changes/<int:change_id>/reject", body=c.ChangeDecisionIn,
           response=c.ChangeOut, summary="Reject a requested change (409 CHANGE_NOT_REQUESTED once decided)")
    def reject_change(self, request, actor, change_id, body):
        return self.contracts.reject_change(actor, change_id, body)

    @route("GET", "/api/deals/<int:deal_id>/changes", response=c.ChangeOut, many=True,
           summary="A deal's change requests with their decisions, oldest first")
    def deal_changes(self, request, actor, deal_id):
        return self.contracts.deal_changes(actor, deal_id)

    @route("GET", "/api/projects/<int:project_id>/changes", query=c.ChangeQuery,
           response=c.ChangeOut, many=True, summary="A project's change requests, optionally of one status")
    def project_changes(self, request, actor, project_id, query):
        return self.contracts.project_changes(actor, project_id, query)

    @route("POST", "/api/deals/<int:deal_id>/mortgage", body=c.MortgageIn,
           response=c.MortgageOut, status=201,
           summary="按揭报件: open the bank case of a signed deal paid by a loan (422 NOT_MORTGAGE, "
                   "DATE_OUT_OF_ORDER dated before the 认购, DATE_IN_FUTURE; 409 MORTGAGE_EXISTS)")
    def open_mortgage(self, request, actor, deal_id, body):
        return self.contracts.open_mortgage(actor, deal_id, body)

    @route("GET", "/api/deals/<int:deal_id>/mortgage", response=c.MortgageOut,
           summary="A deal's mortgage case")
    def deal_mortgage(self, request, actor, deal_id):
        return self.contracts.deal_mortgage(actor, deal_id)

    @route("POST", "/api/mortgages/<int:mortgage_id>/advance", body=c.MortgageAdvanceIn,
           response=c.MortgageOut, summary="The case's next step, dated: papers_collected → submitted → approved → "
                                           "disbursed (422 MORTGAGE_STEP out of order, DATE_OUT_OF_ORDER "
                                           "dated before the previous step, DATE_IN_FUTURE); 放款 publishes mortgage_disbursed")
    def advance_mortgage(self, request, actor, mortgage_id, body):
        return self.contracts.advance_mortgage(actor, mortgage_id, body)

    @route("GET", "/api/projects/<int:project_id>/mortgages/stuck", query=c.StuckQuery,
           response=c.MortgageOut, many=True,
           summary="Mortgage cases not advanced for `days` days (default MORTGAGE_STUCK_DAYS), oldest first")
    def stuck_mortgages(self, request, actor, project_id, query):
        return self.contracts.stuck_mortgages(actor, project_id, query)

    @route("POST", "/api/deals/<int:deal_id>/handover", body=c.HandoverIn, response=c.HandoverOut,
           status=201, summary="交房 of a filed deal with the inspection notes and issues (422 DEAL_NOT_FILED, "
                               "DATE_OUT_OF_ORDER before 备案, DATE_TOO_EARLY before 2000, DATE_IN_FUTURE; 409 DEAL_STATE); "
                               "publishes unit_handed_over")
    def hand_over(self, request, actor, deal_id, body):
        return self.contracts.hand_over(actor, deal_id, body)

    @route("GET", "/api/deals/<int:deal_id>/handover", response=c.HandoverOut,
           summary="A deal's handover and 房产证 progress")
    def get_handover(self, request, actor, deal_id):
        return self.contracts.get_handover(actor, deal_id)

    @route("POST", "/api/deals/<int:deal_id>/title", body=c.TitleIn, response=c.HandoverOut,
           summary="房产证: the title's next step, dated: applied → issued → delivered (422 TITLE_STEP out of "
                   "order, CERTIFICATE_NO_REQUIRED when issued without a number, DATE_OUT_OF_ORDER dated before "
                   "the step it follows, DATE_IN_FUTURE)")
    def advance_title(self, request, actor, deal_id, body):
        return self.contracts.advance_title(actor, deal_id, body)
