"""招聘 recruiting routes: requisitions, candidates, interview feedback, offers, hiring and the
试用期 / 转正 review. A mixin of GatewayService; hr checks every row's agency and project."""
from gateway.http import route
from loupan.schemas import hr_recruiting as c


class RecruitingRoutes:
    @route("POST", "/api/projects/<int:project_id>/requisitions", body=c.RequisitionIn,
           response=c.RequisitionOut, status=201, summary="招聘需求: ask for staff of a role on a project")
    def request_requisition(self, request, actor, project_id, body):
        return self.hr.request_requisition(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/requisitions", response=c.RequisitionOut,
           many=True, summary="Requisitions of a project, newest first")
    def list_requisitions(self, request, actor, project_id):
        return self.hr.list_requisitions(actor, project_id)

    @route("POST", "/api/requisitions/<int:requisition_id>/approve", response=c.RequisitionOut, summary="A director approves an open requisition (409 if not open)")
    def approve_requisition(self, request, actor, requisition_id):
        return self.hr.approve_requisition(actor, requisition_id)

    @route("POST", "/api/requisitions/<int:requisition_id>/cancel", body=c.ReasonIn,
           response=c.RequisitionOut,
           summary="Cancel a requisition (director or requester; 409 while offers are outstanding)")
    def cancel_requisition(self, request, actor, requisition_id, body):
        return self.hr.cancel_requisition(actor, requisition_id, body)

    @route("POST", "/api/requisitions/<int:requisition_id>/candidates", body=c.CandidateIn,
           response=c.CandidateOut, status=201, summary="Add a candidate (应聘者) to a requisition")
    def add_candidate(self, request, actor, requisition_id, body):
        return self.hr.add_candidate(actor, requisition_id, body)

    @route("GET", "/api/requisitions/<int:requisition_id>/candidates", response=c.CandidateOut, many=True, summary="Candidates of a requisition")
    def list_candidates(self, request, actor, requisition_id):
        return self.hr.list_candidates(actor, requisition_id)

    @route("GET", "/api/candidates/<int:candidate_id>", response=c.CandidateDetail,
           summary="A candidate with interview feedback and offers")
    def get_candidate(self, request, actor, candidate_id):
        return self.hr.get_candidate(actor, candidate_id)

    @route("POST", "/api/candidates/<int:candidate_id>/advance", body=c.AdvanceIn,
           response=c.CandidateOut,
           summary="Move a candidate one stage on, or reject / withdraw (409 ILLEGAL_STAGE_MOVE otherwise)")
    def advance_candidate(self, request, actor, candidate_id, body):
        return self.hr.advance_candidate(actor, candidate_id, body)

    @route("POST", "/api/candidates/<int:candidate_id>/feedback", body=c.FeedbackIn,
           response=c.FeedbackOut, status=201, summary="面试评价: score and recommendation at the current interview")
    def give_feedback(self, request, actor, candidate_id, body):
        return self.hr.give_feedback(actor, candidate_id, body)

    @route("POST", "/api/candidates/<int:candidate_id>/offer", body=c.OfferIn,
           response=c.OfferOut, status=201,
           summary="录用 offer with salary, start day and 试用期 (409 HEADCOUNT_REACHED when filled)")
    def make_offer(self, request, actor, candidate_id, body):
        return self.hr.make_offer(actor, candidate_id, body)

    @route("POST", "/api/offers/<int:offer_id>/accept", response=c.OfferOut,
           summary="Record that the candidate accepted the offer")
    def accept_offer(self, request, actor, offer_id):
        return self.hr.accept_offer(actor, offer_id)

    @route("POST", "/api/offers/<int:offer_id>/decline", response=c.OfferOut,
           summary="Record that the candidate declined the offer; its seat is free again")
    def decline_offer(self, request, actor, offer_id):
        return self.hr.decline_offer(actor, offer_id)

    @route("POST", "/api/candidates/<int:candidate_id>/hire", body=c.HireIn,
           response=c.HireOut, status=201, summary="入职: the account and 试用期 of a candidate who accepted")
    def hire_candidate(self, request, actor, candidate_id, body):
        return self.hr.hire_candidate(actor, candidate_id, body)

    @route("GET", "/api/projects/<int:project_id>/probations", response=c.ProbationOut,
           many=True, summary="试用期 probations of a project, by end day")
    def list_probations(self, request, actor, project_id):
        return self.hr.list_probations(actor, project_id)

    @route("POST", "/api/probations/<int:probation_id>/review", body=c.ReviewIn,
           response=c.ProbationOut,
           summary="转正 decision on hr's review: confirm, extend once (1–3 months) or terminate")
    def review_probation(self, request, actor, probation_id, body):
        return self.hr.review_probation(actor, probation_id, body)
