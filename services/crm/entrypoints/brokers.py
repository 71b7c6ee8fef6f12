"""A broker's own access (issue 19), for the gateway's broker sign-in and routes
(gateway/routes/brokers.py). A mixin of CrmService. No actor: only a sealed call is answered
(loupan/bus.py), so only the gateway, which has checked the broker's texted code or session,
reaches these; each acts for the one broker it is given and never reads another's report."""
from loupan.entrypoints import rpc
from loupan.projects import project_not_found
from loupan.schemas import dump, load
from loupan.schemas import crm_channels as s
from services.crm import channels


class BrokerEntrypoints:
    @rpc
    def find_brokers(self, mobile):
        """The active brokers of `mobile` (one per agency)."""
        return [dump(s.BrokerFound, b) for b in channels.find_brokers(self.db.session, str(mobile))]

    @rpc
    def signup_broker(self, project_id, name, mobile):
        """A 全民经纪人 signs up at a project of an agency: a broker of no channel there."""
        agency_id = self.projects.owner(project_id)
        if agency_id is None:
            raise project_not_found(project_id)
        found = channels.signup_broker(self.db, agency_id, str(name), str(mobile))
        self.db.commit()
        return dump(s.BrokerFound, found)

    @rpc
    def broker_me(self, broker_id):
        """The broker: name, mobile, channel, the projects it reports to."""
        return dump(s.BrokerMeOut, channels.broker_me(self.db.session, int(broker_id)))

    @rpc
    def broker_file_report(self, broker_id, data):
        """报备 by the broker, judged at once; a valid one answers its one-time 带看码."""
        data = load(s.BrokerReportIn, data)
        broker = channels.active_broker(self.db.session, int(broker_id))
        if self.projects.owner(data["project_id"]) != broker.agency_id:  # another agency's, or none
            raise project_not_found(data["project_id"])
        report = channels.broker_file_report(self.db, broker.id, data["project_id"], data)
        self.db.commit()
        return dump(s.FiledReportOut, report)

    @rpc
    def broker_reports(self, broker_id, query=None):
        """The broker's own reports, newest first."""
        rows = channels.broker_reports(self.db.session, int(broker_id), load(s.BrokerReportQuery, query or {}))
        return dump(s.ReportOut, rows, many=True)

    @rpc
    def broker_report(self, broker_id, report_id):
        """One of the broker's own reports with its visits and appeals (another's: 404)."""
        return dump(s.ReportDetailOut, channels.broker_report(self.db.session, int(broker_id), int(report_id)))

    @rpc
    def broker_appeal(self, broker_id, report_id, data):
        """申诉 by the broker of their own report's verdict."""
        appeal = channels.broker_appeal(self.db, int(broker_id), int(report_id), load(s.BrokerAppealIn, data))
        self.db.commit()
        return dump(s.AppealOut, appeal)
