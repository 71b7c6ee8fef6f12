"""招聘 recruiting entrypoints: requisitions, candidates, interviews, offers, hiring and the
试用期 / 转正 review. A mixin of HrService (self.db is its database)."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import hr_recruiting as c
from loupan.scope import load_actor
from services.hr import recruiting


class RecruitingRpc:
    @rpc
    def request_requisition(self, actor, project_id, data):
        """招聘需求 requisition: a project asks for people of a role; a director approves it."""
        requisition = recruiting.request_requisition(self.db, load_actor(actor), project_id,
                                                     load(c.RequisitionIn, data))
        result = dump(c.RequisitionOut, requisition)
        self.db.commit()
        return result

    @rpc
    def list_requisitions(self, actor, project_id):
        """Requisitions of a project, newest first."""
        rows = recruiting.list_requisitions(self.db.session, load_actor(actor), project_id)
        return dump(c.RequisitionOut, rows, many=True)

    @rpc
    def approve_requisition(self, actor, requisition_id):
        """A director approves an open requisition; candidates may then go past screening."""
        requisition = recruiting.approve_requisition(self.db, load_actor(actor), requisition_id)
        result = dump(c.RequisitionOut, requisition)
        self.db.commit()
        return result

    @rpc
    def cancel_requisition(self, actor, requisition_id, data):
        """Withdraw a requisition (director or requester) while no offer is outstanding."""
        requisition = recruiting.cancel_requisition(self.db, load_actor(actor), requisition_id,
                                                    load(c.ReasonIn, data)["reason"])
        result = dump(c.RequisitionOut, requisition)
        self.db.commit()
        return result

    @rpc
    def add_candidate(self, actor, requisition_id, data):
        """应聘者 candidate on a requisition, at stage applied; one per phone and requisition."""
        candidate = recruiting.add_candidate(self.db, load_actor(actor), requisition_id, load(c.CandidateIn, data))
        result = dump(c.CandidateOut, candidate)
        self.db.commit()
        return result

    @rpc
    def list_candidates(self, actor, requisition_id):
        """Candidates of a requisition, in the order they applied."""
        rows = recruiting.list_candidates(self.db.session, load_actor(actor), requisition_id)
        return dump(c.CandidateOut, rows, many=True)

    @rpc
    def get_candidate(self, actor, candidate_id):
        """One candidate with interview feedback and offers."""
        return dump(c.CandidateDetail, recruiting.candidate_detail(self.db.session, load_actor(actor), candidate_id))

    @rpc
    def advance_candidate(self, actor, candidate_id, data):
        """Move a candidate one interview stage on, or reject / withdraw them (409 otherwise)."""
        data = load(c.AdvanceIn, data)
        candidate = recruiting.advance_candidate(self.db, load_actor(actor), candidate_id, data["to_stage"],
                                                 data["reason"])
        result = dump(c.CandidateOut, candidate)
        self.db.commit()
        return result

    @rpc
    def give_feedback(self, actor, candidate_id, data):
        """面试评价 interview feedback: score 1–5 and hire / no_hire at the current interview."""
        feedback = recruiting.give_feedback(self.db, load_actor(actor), candidate_id, load(c.FeedbackIn, data))
        result = dump(c.FeedbackOut, feedback)
        self.db.commit()
        return result

    @rpc
    def make_offer(self, actor, candidate_id, data):
        """录用 offer: salary, start day and 试用期 months; takes a seat of the headcount."""
        offer = recruiting.make_offer(self.db, load_actor(actor), candidate_id, load(c.OfferIn, data))
        result = dump(c.OfferOut, offer)
        self.db.commit()
        return result

    @rpc
    def accept_offer(self, actor, offer_id):
        """The candidate accepted the offer."""
        offer = recruiting.answer_offer(self.db, load_actor(actor), offer_id, accepted=True)
        result = dump(c.OfferOut, offer)
        self.db.commit()
        return result

    @rpc
    def decline_offer(self, actor, offer_id):
        """The candidate declined the offer; its seat is free again."""
        offer = recruiting.answer_offer(self.db, load_actor(actor), offer_id, accepted=False)
        result = dump(c.OfferOut, offer)
        self.db.commit()
        return result

    @rpc
    def hire_candidate(self, actor, candidate_id, data):
        """入职 hire on an accepted offer: the staff account and its 试用期 (probation)."""
        hired = recruiting.hire_candidate(self.db, load_actor(actor), candidate_id, load(c.HireIn, data))
        result = dump(c.HireOut, hired)
        self.db.commit()
        return result

    @rpc
    def list_probations(self, actor, project_id):
        """试用期 probations of a project, by end day."""
        rows = recruiting.list_probations(self.db.session, load_actor(actor), project_id)
        return dump(c.ProbationOut, rows, many=True)

    @rpc
    def review_probation(self, actor, probation_id, data):
        """转正 review decision: confirm, extend once by 1–3 months, or terminate."""
        probation = recruiting.review_probation(self.db, load_actor(actor), probation_id, load(c.ReviewIn, data))
        result = dump(c.ProbationOut, probation)
        self.db.commit()
        return result
