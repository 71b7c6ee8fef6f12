"""分销佣金 entrypoints (issue 19): the attributions crm publishes and the contracts events
that make channel deals, each project's billable condition, channels' terms, statements and
the cost per deal. A mixin of FinanceService (self.db is its database)."""
from loupan.entrypoints import command, query, rpc
from loupan.inbox import handles
from loupan.schemas import dump, load
from loupan.schemas import finance_channel as c
from services.finance import channel_commission


class ChannelEntrypoints:
    @handles("crm", "channel_attributed")
    def channel_on_attributed(self, event):
        """判客 final: the channel's attribution; the customer's deals signed while it held become its deals."""
        channel_commission.apply_attributed(self.db, event)

    @handles("crm", "channel_attribution_ended")
    def channel_on_attribution_ended(self, event):
        """A ruling took the customer away: the channel's deals of it earn nothing from then."""
        channel_commission.apply_attribution_ended(self.db, event)

    @handles("contracts", "contract_signed")
    def channel_on_contract_signed(self, event):
        """签约: a channel deal if the customer was a channel's at the project that day."""
        channel_commission.apply_contract_signed(self.db, event)

    @handles("contracts", "deal_cancelled")
    def channel_on_deal_cancelled(self, event):
        """退房: the channel deal reversed (in the channel's next statement if it was stated)."""
        channel_commission.apply_deal_cancelled(self.db, event)

    @handles("contracts", "deal_unit_swapped")
    def channel_on_unit_swapped(self, event):
        """换房: the new price is the channel deal's basis (the difference in the next statement)."""
        channel_commission.apply_unit_swapped(self.db, event)

    @query(c.ChannelBillingOut)
    def get_channel_billing(self, actor, project_id):
        """When the project's channel deals become billable."""
        return channel_commission.get_billing(self.db.session, actor, project_id)

    @command(c.ChannelBillingOut)
    def put_channel_billing(self, actor, project_id, data):
        """Set when the project's channel deals become billable."""
        return channel_commission.put_billing(self.db, actor, project_id, load(c.ChannelBillingIn, data))

    @command(c.ChannelTermsOut)
    def add_channel_terms(self, actor, project_id, data):
        """A new version of a channel's terms at the project."""
        return channel_commission.add_terms(self.db, actor, project_id, load(c.ChannelTermsIn, data))

    @query(c.ChannelTermsOut, many=True)
    def list_channel_terms(self, actor, project_id, query):
        """The project's channels' terms, every version."""
        return channel_commission.list_terms(self.db.session, actor, project_id, load(c.ChannelTermsQuery, query))

    @command(c.ChannelTermsOut)
    def delete_channel_terms(self, actor, terms_id):
        """Withdraw a version no issued statement used (409 TERMS_IN_USE)."""
        return channel_commission.delete_terms(self.db, actor, terms_id)

    @query(c.ChannelDealOut, many=True)
    def list_channel_deals(self, actor, project_id, query):
        """The deals the project's channels brought, with their state."""
        return channel_commission.list_deals(self.db.session, actor, project_id, load(c.ChannelTermsQuery, query))

    @command(c.ChannelStatementOut)
    def draw_channel_statement(self, actor, project_id, data):
        """A draft statement to a channel for a period (replacing its draft)."""
        return channel_commission.draw_statement(self.db, actor, project_id, load(c.ChannelStatementIn, data))

    @query(c.ChannelStatementOut, many=True)
    def list_channel_statements(self, actor, project_id, query):
        """The project's channel statements."""
        return channel_commission.list_statements(self.db.session, actor, project_id,
                                                  load(c.ChannelStatementQuery, query))

    @query(c.ChannelStatementOut)
    def get_channel_statement(self, actor, statement_id):
        """One channel statement with its lines."""
        return channel_commission.get_statement(self.db.session, actor, statement_id)

    @command(c.ChannelStatementOut)
    def issue_channel_statement(self, actor, statement_id):
        """The draft issued: numbered, never changed after."""
        return channel_commission.issue_statement(self.db, actor, statement_id)

    @command(c.ChannelStatementOut)
    def confirm_channel_statement(self, actor, statement_id, data):
        """The channel's confirmation, recorded by finance: the day and who."""
        return channel_commission.confirm_statement(self.db, actor, statement_id, load(c.ConfirmIn, data))

    @command(c.ChannelStatementOut)
    def dispute_channel_statement(self, actor, statement_id, data):
        """The channel's dispute, recorded by finance."""
        return channel_commission.dispute_statement(self.db, actor, statement_id, load(c.DisputeIn, data))

    @query(c.ChannelCostsOut)
    def channel_costs(self, actor, project_id, query):
        """Each channel's deals of a period, their commission and the cost per deal."""
        return channel_commission.channel_costs(self.db.session, actor, project_id, load(c.ChannelCostsQuery, query))

    # a channel's broker, signed in on their phone (gateway/routes/brokers.py): no actor, only
    # the gateway's sealed call, for the channel (or 全民经纪人) of the session it checked
    @rpc
    def broker_commission(self, agency_id, channel_id, broker_id):
        """The channel's deals and issued statements (a 全民经纪人: their own deals)."""
        found = channel_commission.broker_commission(self.db.session, int(agency_id),
                                                     None if channel_id is None else int(channel_id), int(broker_id))
        return dump(c.BrokerCommissionOut, found)

    @rpc
    def confirm_statement_by_channel(self, agency_id, channel_id, statement_id, name):
        """The channel confirms its own issued statement, today, by `name`."""
        row = channel_commission.confirm_by_channel(self.db, int(agency_id), int(channel_id), int(statement_id),
                                                    str(name))
        self.db.commit()
        return dump(c.BrokerStatementOut, row)
