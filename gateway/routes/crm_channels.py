"""Channel routes (渠道分销, issue 19): channel companies and their brokers (and 全民经纪人),
a project's 判客 rules, 报备 judged at once with its one-time 带看码, the code checked at
reception, appeals (申诉) and a manager's rulings, risk alerts. Staff may file and appeal on a
broker's behalf (broker_id); brokers do so themselves on their phones (gateway/routes/brokers.py).
A mixin of GatewayService."""
from gateway.http import route
from loupan.schemas import crm_channels as c


class CrmChannelsRoutes:
    # channels and brokers ---------------------------------------------------------------
    @route("POST", "/api/channels", body=c.ChannelIn, response=c.ChannelOut, status=201,
           location="/api/channels/{id}",
           summary="A channel company (分销商) of the agency: grade A/B/C, contract no, commission terms as "
                   "agreed, the projects it reports to; 409 CHANNEL_EXISTS for a name taken")
    def create_channel(self, request, actor, body):
        return self.crm.create_channel(actor, body)

    @route("GET", "/api/channels", query=c.ChannelQuery, response=c.ChannelOut, many=True,
           summary="The agency's channels by name (of one status, or reporting to one project); the agency's "
                   "全民经纪人 channel is the one its events name for brokers of no channel")
    def list_channels(self, request, actor, query):
        return self.crm.list_channels(actor, query)

    @route("GET", "/api/channels/<int:channel_id>", response=c.ChannelOut, summary="One channel")
    def get_channel(self, request, actor, channel_id):
        return self.crm.get_channel(actor, channel_id)

    @route("PATCH", "/api/channels/<int:channel_id>", body=c.ChannelPatch, response=c.ChannelOut,
           summary="Change a channel's grade, contract, terms, projects or status (suspended: its brokers file "
                   "no reports)")
    def update_channel(self, request, actor, channel_id, body):
        return self.crm.update_channel(actor, channel_id, body)

    @route("POST", "/api/brokers", body=c.BrokerIn, response=c.BrokerOut, status=201,
           summary="A broker (经纪人) of a channel, or a 全民经纪人 (channel_id null); one per mobile in the "
                   "agency (409 BROKER_EXISTS)")
    def create_broker(self, request, actor, body):
        return self.crm.create_broker(actor, body)

    @route("GET", "/api/brokers", query=c.BrokerQuery, response=c.BrokerOut, many=True,
           summary="The agency's brokers (of one channel, or the 全民经纪人); mobiles masked except for managers")
    def list_brokers(self, request, actor, query):
        return self.crm.list_brokers(actor, query)

    @route("PATCH", "/api/brokers/<int:broker_id>", body=c.BrokerPatch, response=c.BrokerOut,
           summary="A broker's name, or disabled (files no more reports)")
    def update_broker(self, request, actor, broker_id, body):
        return self.crm.update_broker(actor, broker_id, body)

    # a project's 判客 rules ----------------------------------------------------------------
    @route("GET", "/api/projects/<int:project_id>/channel-settings", response=c.ChannelSettingsOut,
           summary="The project's 判客 rules: 带看有效期 hours, the channel's protection days after the visit, "
                   "whether the site's 保护期 wins over a channel")
    def get_channel_settings(self, request, actor, project_id):
        return self.crm.get_channel_settings(actor, project_id)

    @route("PUT", "/api/projects/<int:project_id>/channel-settings", body=c.ChannelSettingsIn,
           response=c.ChannelSettingsOut, summary="Set the project's 判客 rules (for the reports filed from now on)")
    def set_channel_settings(self, request, actor, project_id, body):
        return self.crm.set_channel_settings(actor, project_id, body)

    # 报备 and 带看 --------------------------------------------------------------------------
    @route("POST", "/api/projects/<int:project_id>/channel-reports", body=c.ReportIn,
           response=c.FiledReportOut, status=201, location="/api/channel-reports/{id}",
           summary="报备 for a broker (full mobile, or 前三后四 138****5678), judged at once: status valid (with "
                   "its one-time 带看码 and QR, shown this once; valid_until: bring the customer by then) or "
                   "rejected with the reason (reported_by_other naming the first report, duplicate, "
                   "site_customer, natural_visit); 422 CHANNEL_NOT_ON_PROJECT, BROKER_DISABLED")
    def file_channel_report(self, request, actor, project_id, body):
        return self.crm.file_channel_report(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/channel-reports", query=c.ReportQuery,
           response=c.ReportOut, many=True,
           summary="A project's reports, newest first: one broker's (broker_id: what the broker sees), one "
                   "channel's, one customer's, of one status")
    def list_channel_reports(self, request, actor, project_id, query):
        return self.crm.list_channel_reports(actor, project_id, query)

    @route("GET", "/api/channel-reports/<int:channel_report_id>", response=c.ReportDetailOut,
           summary="One report with its visits (带看) and appeals")
    def get_channel_report(self, request, actor, channel_report_id):
        return self.crm.get_channel_report(actor, channel_report_id)

    @route("POST", "/api/projects/<int:project_id>/channel-visits", body=c.ChannelVisitIn, response=c.VisitResultOut,
           status=201,
           summary="带看: reception checks a report's 带看码 (typed or from its QR) with the customer's full mobile "
                   "(400 MOBILE_REQUIRED for a report that hid it, MOBILE_MISMATCH); the visit is recorded with "
                   "its time, the receptionist and the 判客 result: visited (the channel brought the customer, "
                   "linked or registered as its channel_partner), rejected (the site's customer) or lapsed; "
                   "404 VISIT_CODE_NOT_FOUND, 409 VISIT_CODE_USED")
    def verify_channel_visit(self, request, actor, project_id, body):
        return self.crm.verify_channel_visit(actor, project_id, body)

    # appeals (申诉) ------------------------------------------------------------------------
    @route("POST", "/api/channel-reports/<int:channel_report_id>/appeals", body=c.AppealIn,
           response=c.AppealOut, status=201,
           summary="申诉 of a report's verdict with a reason and attachment references, by an advisor or for the "
                   "report's broker (broker_id; another's: 400 NOT_THE_REPORTS_BROKER); one open at a time "
                   "(409 APPEAL_PENDING)")
    def file_channel_appeal(self, request, actor, channel_report_id, body):
        return self.crm.file_channel_appeal(actor, channel_report_id, body)

    @route("GET", "/api/projects/<int:project_id>/channel-appeals", query=c.AppealQuery, response=c.AppealOut,
           many=True, summary="A project's appeals and their rulings, newest first")
    def list_channel_appeals(self, request, actor, project_id, query):
        return self.crm.list_channel_appeals(actor, project_id, query)

    @route("POST", "/api/channel-appeals/<int:channel_appeal_id>/ruling", body=c.AppealRulingIn,
           response=c.AppealOut,
           summary="A manager rules an appeal once, with the ruling and its evidence (kept): to_channel (the "
                   "report's channel brought the customer; another channel's attribution ends), to_site, dismiss; "
                   "409 APPEAL_RULED; nobody rules their own appeal (403 SELF_APPROVAL)")
    def rule_channel_appeal(self, request, actor, channel_appeal_id, body):
        return self.crm.rule_channel_appeal(actor, channel_appeal_id, body)

    # risk ------------------------------------------------------------------------------------
    @route("GET", "/api/projects/<int:project_id>/channel-alerts", query=c.AlertQuery, response=c.AlertOut,
           many=True,
           summary="渠道风控 for the manager, with the facts: a report just before a 认购 (截客), one customer "
                   "reported by 3+ channels, an owner change of a customer a channel holds, brokers whose reports "
                   "turn into 认购 far above the site's norm (computed now, id null)")
    def list_channel_alerts(self, request, actor, project_id, query):
        return self.crm.list_channel_alerts(actor, project_id, query)
