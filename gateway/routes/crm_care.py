"""Care routes: 跟进 follow-ups and the overdue lists, 回访 satisfaction visits and surveys with
好评率/投诉率, and 投诉 complaints. A mixin of GatewayService."""
from gateway.accounts import require_agency_accounts
from gateway.http import route
from loupan.schemas import crm_care as c


class CrmCareRoutes:
    @route("POST", "/api/customers/<int:customer_id>/follow-ups", body=c.FollowUpIn,
           response=c.FollowUpOut, status=201,
           summary="跟进: record a follow-up (the customer's owner, or a manager; 403 NOT_OWNER otherwise); renews "
                   "the 保护期; `at` may be earlier, never in the future (400 FOLLOW_UP_IN_FUTURE)")
    def add_follow_up(self, request, actor, customer_id, body):
        return self.crm.add_follow_up(actor, customer_id, body)

    @route("GET", "/api/customers/<int:customer_id>/follow-ups", response=c.FollowUpOut, many=True,
           summary="A customer's follow-ups, newest first")
    def list_follow_ups(self, request, actor, customer_id):
        return self.crm.list_follow_ups(actor, customer_id)

    @route("GET", "/api/projects/<int:project_id>/overdue", query=c.OverdueQuery,
           response=c.OverdueOut, many=True,
           summary="Overdue service levels (first response 24 h, needs analysis 3 days, weekly follow-up of A/B "
                   "leads) and 回访 visits: an advisor's own (403 NOT_YOUR_LIST for another's), the whole site "
                   "for supervisors and managers; with how late")
    def overdue_items(self, request, actor, project_id, query):
        return self.crm.overdue_items(actor, project_id, query)

    @route("GET", "/api/projects/<int:project_id>/satisfaction-visits", query=c.VisitTaskQuery,
           response=c.VisitTaskOut, many=True,
           summary="回访 satisfaction visits owed within 30 days after handover (advisors: their own), earliest "
                   "due first; a survey of the customer closes one")
    def list_visit_tasks(self, request, actor, project_id, query):
        return self.crm.list_visit_tasks(actor, project_id, query)

    @route("POST", "/api/customers/<int:customer_id>/surveys", body=c.SurveyIn, response=c.SurveyOut,
           status=201, summary="满意度 survey of a customer (score 1–5); credited to the advisor who served them")
    def record_survey(self, request, actor, customer_id, body):
        return self.crm.record_survey(actor, customer_id, body)

    @route("GET", "/api/customers/<int:customer_id>/surveys", response=c.SurveyOut, many=True,
           summary="A customer's surveys, newest first")
    def list_surveys(self, request, actor, customer_id):
        return self.crm.list_surveys(actor, customer_id)

    @route("GET", "/api/projects/<int:project_id>/satisfaction", query=c.SatisfactionQuery, response=c.SatisfactionOut,
           summary="好评率 (surveys scoring 4–5 ÷ surveys) and 投诉率 (complaints ÷ deals) of the site and each "
                   "advisor over Asia/Shanghai days, in percent (null with nothing to divide by)")
    def satisfaction_report(self, request, actor, project_id, query):
        return self.crm.satisfaction_report(actor, project_id, query)

    @route("POST", "/api/projects/<int:project_id>/complaints", body=c.ComplaintIn,
           response=c.ComplaintOut, status=201,
           summary="投诉: file a complaint (owner default the filer, deadline by severity); serious and critical "
                   "ones are escalated to the site's managers")
    def file_complaint(self, request, actor, project_id, body):
        require_agency_accounts(self, actor, project_id, [body.get("advisor_id"), body.get("owner_id")])
        return self.crm.file_complaint(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/complaints", query=c.ComplaintQuery,
           response=c.ComplaintOut, many=True,
           summary="The site's complaints, newest first (advisors: those they own or that are about them); "
                   "escalated=true is the managers' list, overdue=true the open ones past their deadline")
    def list_complaints(self, request, actor, project_id, query):
        return self.crm.list_complaints(actor, project_id, query)

    @route("GET", "/api/complaints/<int:complaint_id>", response=c.ComplaintOut,
           summary="One complaint")
    def get_complaint(self, request, actor, complaint_id):
        return self.crm.get_complaint(actor, complaint_id)

    @route("POST", "/api/complaints/<int:complaint_id>/resolve", body=c.ComplaintResolveIn,
           response=c.ComplaintOut,
           summary="Resolve an open complaint (its owner or a manager); 409 COMPLAINT_NOT_OPEN if resolved already")
    def resolve_complaint(self, request, actor, complaint_id, body):
        return self.crm.resolve_complaint(actor, complaint_id, body)
