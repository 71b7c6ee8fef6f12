"""招聘 recruiting entrypoints: requisitions, candidates, interviews, offers, hiring and the
试用期 / 转正 review. A mixin of HrService (self.db is its database)."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import hr_recruiting as c
from loupan.schemas.reveals import DataRevealOut, DataRevealRpcQuery
from services.hr import recruiting


class RecruitingEntrypoints:
    @command(c.RequisitionOut)
    def request_requisition(self, actor, project_id, data):
        """招聘需求 requisition: a project asks for people of a role; a director approves it."""
        return recruiting.request_requisition(self.db, actor, project_id,
                                              load(c.RequisitionIn, data))

    @query(c.RequisitionOut, many=True)
    def list_requisitions(self, actor, project_id):
        """Requisitions of a project, newest first."""
        return recruiting.list_requisitions(self.db.session, actor, project_id)

    @command(c.RequisitionOut)
    def approve_requisition(self, actor, requisition_id):
        """A director approves an open requisition; candidates may then go past screening."""
        return recruiting.approve_requisition(self.db, actor, requisition_id)

    @command(c.RequisitionOut)
    def cancel_requisition(self, actor, requisition_id, data):
        """Withdraw a requisition (director or requester) while no offer is outstanding."""
        return recruiting.cancel_requisition(self.db, actor, requisition_id,
                                             load(c.ReasonIn, data)["reason"])

    @query(DataRevealOut, many=True)
    def list_data_reveals(self, actor, query=None):
        """The director's log of applicants' full numbers shown (to hr and directors), newest first."""
        return recruiting.list_data_reveals(self.db.session, actor, load(DataRevealRpcQuery, query))

    @command(c.CandidateOut)
    def add_candidate(self, actor, requisition_id, data):
        """应聘者 candidate on a requisition, at stage applied; one per phone and requisition."""
        return recruiting.add_candidate(self.db, actor, requisition_id, load(c.CandidateIn, data))

    @command(c.CandidateOut, many=True)
    def list_candidates(self, actor, requisition_id):
        """Candidates of a requisition, in the order they applied; phones masked but for hr and
        directors, whose full numbers are logged (loupan.reveals) before answering."""
        rows = recruiting.list_candidates(self.db.session, actor, requisition_id)
        return recruiting.shown(self.db.session, actor, "list", "list_candidates", rows)

    @command(c.CandidateDetail)
    def get_candidate(self, actor, candidate_id):
        """One candidate with interview feedback and offers."""
        detail = recruiting.candidate_detail(self.db.session, actor, candidate_id)
        return recruiting.shown(self.db.session, actor, "detail", "get_candidate", [detail])[0]

    @command(c.CandidateOut)
    def advance_candidate(self, actor, candidate_id, data):
        """Move a candidate one interview stage on, or reject / withdraw them (409 otherwise)."""
        data = load(c.AdvanceIn, data)
        candidate = recruiting.advance_candidate(self.db, actor, candidate_id, data["to_stage"],
                                            data["reason"])
        return recruiting.shown(self.db.session, actor, "detail", "advance_candidate", [candidate])[0]

    @command(c.FeedbackOut)
    def give_feedback(self, actor, candidate_id, data):
        """面试评价 interview feedback: score 1–5 and hire / no_hire at the current interview."""
        return recruiting.give_feedback(self.db, actor, candidate_id, load(c.FeedbackIn, data))

    @command(c.OfferOut)
    def make_offer(self, actor, candidate_id, data):
        """录用 offer: salary, start day and 试用期 months; takes a seat of the headcount."""
        return recruiting.make_offer(self.db, actor, candidate_id, load(c.OfferIn, data))

    @command(c.OfferOut)
    def accept_offer(self, actor, offer_id):
        """The candidate accepted the offer."""
        return recruiting.answer_offer(self.db, actor, offer_id, accepted=True)

    @command(c.OfferOut)
    def decline_offer(self, actor, offer_id):
        """The candidate declined the offer; its seat is free again."""
        return recruiting.answer_offer(self.db, actor, offer_id, accepted=False)

    @command(c.HireOut)
    def hire_candidate(self, actor, candidate_id, data):
        """入职 hire on an accepted offer: the staff account and its 试用期 (probation)."""
        hired = recruiting.hire_candidate(self.db, actor, candidate_id, load(c.HireIn, data))
        return dict(hired, candidate=recruiting.shown(self.db.session, actor, "detail", "hire_candidate",
                                                      [hired["candidate"]])[0])

    @query(c.ProbationOut, many=True)
    def list_probations(self, actor, project_id):
        """试用期 probations of a project, by end day."""
        return recruiting.list_probations(self.db.session, actor, project_id)

    @command(c.ProbationOut)
    def review_probation(self, actor, probation_id, data):
        """转正 review decision: confirm, extend once by 1–3 months, or terminate."""
        return recruiting.review_probation(self.db, actor, probation_id, load(c.ReviewIn, data))
