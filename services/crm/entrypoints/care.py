"""Care entrypoints: 跟进 follow-ups and the service-level sweep (sla_breached), the deal
facts from contracts (customer status, 回访 visits after handover), 投诉 complaints and
满意度 surveys with 好评率/投诉率. A mixin of CrmService (self.db is its database, self.config its settings)."""
from loupan.entrypoints import command, query

from loupan.schemas import crm_care as c
from loupan.schemas import load
from loupan.inbox import handles
from loupan.timers import every
from services.crm import complaints, customers, deal_facts, followups, sla, surveys


class CareEntrypoints:
    # follow-ups and service levels ------------------------------------------------------------
    @command(c.FollowUpOut)
    def add_follow_up(self, actor, customer_id, data):
        """跟进: a follow-up by the customer's owner (or a manager); renews the 保护期."""
        return followups.add_follow_up(self.db, actor, customer_id, load(c.FollowUpIn, data),
                                       customers.default_protection_days(self.config))

    @query(c.FollowUpOut, many=True)
    def list_follow_ups(self, actor, customer_id):
        """The customer's follow-ups, newest first."""
        return followups.list_follow_ups(self.db.session, actor, customer_id)

    @query(c.OverdueOut, many=True)
    def overdue_items(self, actor, project_id, query=None):
        """Overdue service-level items and 回访 visits of the site, or of one advisor."""
        advisor_id = load(c.OverdueQuery, query)["advisor_id"]
        return sla.overdue_list(self.db.session, actor, project_id, advisor_id)

    @every("SLA_SWEEP_SECONDS", 60)
    def sweep_sla_breaches(self):
        """Publish sla_breached once for every service-level item found overdue."""
        sla.sweep(self.db)

    # deal facts ----------------------------------------------------------------------------------
    @handles("contracts", "subscription_approved")
    def care_on_subscription_approved(self, event):
        """认购 approved: the customer (registered if crm never met them) is subscribed."""
        deal_facts.subscription_approved(self.db, event, customers.default_protection_days(self.config))

    @handles("contracts", "contract_signed")
    def care_on_contract_signed(self, event):
        """签约: the customer is signed."""
        deal_facts.contract_signed(self.db, event)

    @handles("contracts", "deal_cancelled")
    def care_on_deal_cancelled(self, event):
        """退房: the customer is lost (or back to a lead if the subscription never counted)."""
        deal_facts.deal_cancelled(self.db, event)

    @handles("contracts", "deal_unit_swapped")
    def care_on_deal_unit_swapped(self, event):
        """换房: the customer's deal is on the new unit."""
        deal_facts.unit_swapped(self.db, event)

    @handles("contracts", "buyers_changed")
    def care_on_buyers_changed(self, event):
        """更名: the deal's buyers; a new main buyer takes the deal to their customer record."""
        deal_facts.buyers_changed(self.db, event, customers.default_protection_days(self.config))

    @handles("contracts", "unit_handed_over")
    def care_on_unit_handed_over(self, event):
        """交房: the 回访 satisfaction visit is due within 30 days."""
        deal_facts.unit_handed_over(self.db, event)

    # satisfaction ---------------------------------------------------------------------------------
    @command(c.SurveyOut)
    def record_survey(self, actor, customer_id, data):
        """满意度 survey of a customer; closes their 回访 task; publishes satisfaction_recorded."""
        return surveys.record_survey(self.db, actor, customer_id, load(c.SurveyIn, data))

    @query(c.SurveyOut, many=True)
    def list_surveys(self, actor, customer_id):
        """The customer's surveys, newest first."""
        return surveys.list_surveys(self.db.session, actor, customer_id)

    @query(c.VisitTaskOut, many=True)
    def list_visit_tasks(self, actor, project_id, query=None):
        """回访 tasks of the site (advisors: their own), earliest due first."""
        return surveys.list_visit_tasks(self.db.session, actor, project_id, load(c.VisitTaskQuery, query))

    @query(c.SatisfactionOut)
    def satisfaction_report(self, actor, project_id, query):
        """好评率 and 投诉率 of the site and of each advisor over a period."""
        query = load(c.SatisfactionQuery, query)
        report = surveys.satisfaction(self.db.session, actor, project_id, query["from_"], query["to"])
        return dict(report, from_=report.pop("from"))

    # complaints ----------------------------------------------------------------------------------
    @command(c.ComplaintOut)
    def file_complaint(self, actor, project_id, data):
        """投诉 filed; serious and critical ones escalated; publishes complaint_filed."""
        return complaints.file_complaint(self.db, actor, project_id, load(c.ComplaintIn, data))

    @command(c.ComplaintOut)
    def resolve_complaint(self, actor, complaint_id, data):
        """Resolve an open complaint with its resolution (owner or manager)."""
        return complaints.resolve_complaint(self.db, actor, complaint_id, load(c.ComplaintResolveIn, data))

    @query(c.ComplaintOut)
    def get_complaint(self, actor, complaint_id):
        """One complaint."""
        return complaints.get_complaint(self.db.session, actor, complaint_id)

    @query(c.ComplaintOut, many=True)
    def list_complaints(self, actor, project_id, query=None):
        """The site's complaints, filtered (escalated=true: the managers' list; overdue=true)."""
        return complaints.list_complaints(self.db.session, actor, project_id, load(c.ComplaintQuery, query))

    def refresh_metrics(self):
        super().refresh_metrics()
        total, overdue = complaints.open_counts(self.db.session)
        self.ops.gauge("complaints_open", "Open complaints (投诉), every project.").set(total)
        self.ops.gauge("complaints_overdue", "Open complaints past their deadline, every project.").set(overdue)
