"""Channel entrypoints (渠道分销, issue 19): channels and brokers, a project's 判客 rules, 报备
judged at once, the 带看码 at reception, appeals and rulings, risk alerts, and the timer that
lapses reports not visited in time. A mixin of CrmService."""
from loupan.entrypoints import command, query
from loupan.schemas import crm_channels as s
from loupan.schemas import load
from loupan.schemas import reports as r
from loupan.timers import every
from services.crm import channel_figures, channels


class ChannelEntrypoints:

    @command(s.ChannelOut)
    def create_channel(self, actor, data):
        """A channel company of the agency: grade, contract, commission terms, its projects."""
        return channels.create_channel(self.db, actor, load(s.ChannelIn, data))

    @command(s.ChannelOut)
    def update_channel(self, actor, channel_id, data):
        """Change a channel (suspended: its brokers file no reports)."""
        return channels.update_channel(self.db, actor, channel_id, load(s.ChannelPatch, data, partial=True))

    @query(s.ChannelOut, many=True)
    def list_channels(self, actor, query=None):
        """The agency's channels, by name."""
        return channels.list_channels(self.db.session, actor, load(s.ChannelQuery, query))

    @query(s.ChannelOut)
    def get_channel(self, actor, channel_id):
        """One channel."""
        return channels.get_channel(self.db.session, actor, channel_id)

    @command(s.BrokerOut)
    def create_broker(self, actor, data):
        """A channel's broker, or a 全民经纪人 (no channel)."""
        return channels.create_broker(self.db, actor, load(s.BrokerIn, data))

    @command(s.BrokerOut)
    def update_broker(self, actor, broker_id, data):
        """A broker's name, or disabled (no more reports)."""
        return channels.update_broker(self.db, actor, broker_id, load(s.BrokerPatch, data, partial=True))

    @query(s.BrokerOut, many=True)
    def list_brokers(self, actor, query=None):
        """The agency's brokers (of one channel, or the 全民经纪人)."""
        return channels.list_brokers(self.db.session, actor, load(s.BrokerQuery, query))

    @query(s.ChannelSettingsOut)
    def get_channel_settings(self, actor, project_id):
        """The project's 判客 rules."""
        return channels.get_settings(self.db.session, actor, project_id)

    @command(s.ChannelSettingsOut)
    def set_channel_settings(self, actor, project_id, data):
        """A manager sets the project's 判客 rules."""
        return channels.set_settings(self.db, actor, project_id, load(s.ChannelSettingsIn, data))

    @command(s.FiledReportOut)
    def file_channel_report(self, actor, project_id, data):
        """报备 for a broker, judged at once; a valid one answers its one-time 带看码."""
        return channels.file_report(self.db, actor, project_id, load(s.ReportIn, data))

    @query(s.ReportOut, many=True)
    def list_channel_reports(self, actor, project_id, query=None):
        """A project's reports, newest first (one broker's with broker_id)."""
        return channels.list_reports(self.db.session, actor, project_id, load(s.ReportQuery, query))

    @query(s.ReportDetailOut)
    def get_channel_report(self, actor, report_id):
        """One report with its visits and appeals."""
        return channels.get_report(self.db.session, actor, report_id)

    @command(s.VisitResultOut)
    def verify_channel_visit(self, actor, project_id, data):
        """带看: the 带看码 checked at reception; the visit recorded with its 判客 result."""
        return channels.verify_visit(self.db, actor, project_id, load(s.ChannelVisitIn, data))

    @command(s.AppealOut)
    def file_channel_appeal(self, actor, report_id, data):
        """申诉 of a report's verdict, with reason and attachments."""
        return channels.file_appeal(self.db, actor, report_id, load(s.AppealIn, data))

    @query(s.AppealOut, many=True)
    def list_channel_appeals(self, actor, project_id, query=None):
        """A project's appeals, newest first."""
        return channels.list_appeals(self.db.session, actor, project_id, load(s.AppealQuery, query))

    @command(s.AppealOut)
    def rule_channel_appeal(self, actor, appeal_id, data):
        """A manager's ruling of an appeal, with its evidence; once."""
        return channels.rule_appeal(self.db, actor, appeal_id, load(s.AppealRulingIn, data))

    @query(s.AlertOut, many=True)
    def list_channel_alerts(self, actor, project_id, query=None):
        """渠道风控: the project's risk alerts with their facts."""
        return channels.list_alerts(self.db.session, actor, project_id, load(s.AlertQuery, query))

    @query(r.ChannelFigures)
    def channel_figures(self, actor, project_id, query):
        """渠道效果: each channel's 报备, verified 带看 and 认购 of a period (全民经纪人 as one row)."""
        period = load(r.FiguresQuery, query)
        return channel_figures.channel_figures(self.db.session, actor, project_id, period["start"], period["end"])

    @every("CHANNEL_LAPSE_SECONDS", 60)
    def lapse_channel_reports(self):
        """Reports with no visit by their end lapse."""
        while channels.lapse_reports(self.db) == channels.LAPSE_BATCH:
            self.db.commit()
        self.db.commit()
