"""Two of finance's channel handlers deciding one deal at the same moment, on PostgreSQL: the
handler run first holds its transaction open while the second runs in another thread, then
commits. Whatever the order, the deal ends up the channel's that the rules give (a full run
once left it nobody's: each handler missed the other's uncommitted row)."""
import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from loupan.events import make_envelope, parse_envelope
from loupan.testing import wait_until
from loupan.uow import UnitOfWork, make_engine
from services.finance import channel_commission
from services.finance.models import ChannelDeal
from services.finance.tests.test_channel_commission import CHANNEL, attributed, channel_deal, signed
from services.finance.tests.test_schedules import P1, subscribe

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
OTHER = 42


def event(event_type, payload):
    """The envelope a handler receives (validated and loaded as the consumer does)."""
    return parse_envelope(make_envelope(event_type, payload, agency_id=1, project_id=P1))


def attributed_event(customer_id, report_id, channel_id):
    return event("channel_attributed", {
        "customer_id": customer_id, "project_id": P1, "channel_id": channel_id, "channel_name": f"渠道{channel_id}",
        "broker_id": None, "broker_name": None, "report_id": report_id,
        "visited_at": datetime(2026, 2, 20, 2, tzinfo=timezone.utc), "protected_until": None})


def signed_event(deal_id, customer_id):
    return event("contract_signed", {
        "deal_id": deal_id, "unit_id": deal_id + 1000, "contract_id": deal_id, "price": "1000000.00",
        "customer_id": customer_id, "signed_on": date(2026, 3, 5), "loan_amount": None})


def interleaved(config, first, second):
    """Run `first` (handler, envelope) in a transaction left open, then `second` in another
    thread, then commit the first; the second commits when it is done."""
    engine = make_engine(config["DATABASE_URL"])
    try:
        held, other = UnitOfWork(engine), UnitOfWork(engine)
        first[0](held, first[1])
        held.session.flush()
        failed = []

        def run_second():
            try:
                second[0](other, second[1])
                other.commit()
            except Exception as exc:  # the assertion below names it
                failed.append(exc)
            finally:
                other.close()

        thread = threading.Thread(target=run_second)
        thread.start()
        thread.join(1.0)  # the second runs as far as it can while the first is open
        held.commit()
        held.close()
        thread.join(30)
        assert not thread.is_alive() and not failed, failed
    finally:
        engine.dispose()


def owners(config, deal_id):
    engine = make_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return {(row.channel_id, row.ended_on is None) for row in conn.execute(
                select(ChannelDeal.channel_id, ChannelDeal.ended_on).where(ChannelDeal.deal_id == deal_id))}
    finally:
        engine.dispose()


@pytest.mark.parametrize("end_first", [True, False], ids=["end-first", "attribution-first"])
def test_a_ruling_ends_one_attribution_while_the_other_is_made_and_the_deal_moves(finance, finance_config, end_first):
    """申诉 ruled to another channel: crm publishes the old attribution's end and the new one."""
    config = finance_config
    deal_id, customer_id, report_id = (91, 801, 9401) if end_first else (92, 802, 9501)
    attributed(config, customer_id=customer_id, report_id=report_id)
    signed(config, deal_id, customer_id=customer_id)
    wait_until(lambda: channel_deal(config, deal_id), what="the first channel's deal")
    ended = (channel_commission.apply_attribution_ended, event("channel_attribution_ended", {
        "customer_id": customer_id, "project_id": P1, "channel_id": CHANNEL, "report_id": report_id,
        "reason": "ruling"}))
    made = (channel_commission.apply_attributed, attributed_event(customer_id, report_id + 1, OTHER))
    interleaved(config, *((ended, made) if end_first else (made, ended)))
    assert owners(config, deal_id) == {(CHANNEL, False), (OTHER, True)}


@pytest.mark.parametrize("attribution_first", [True, False], ids=["attribution-first", "signing-first"])
def test_a_signing_and_the_attribution_at_once_make_one_channel_deal(finance, finance_config, attribution_first):
    config = finance_config
    deal_id, customer_id = (93, 803) if attribution_first else (94, 804)
    subscribe(config, deal_id, method="commercial_mortgage", approved_on=date(2026, 3, 1), customer_id=customer_id)
    handlers = [(channel_commission.apply_attributed, attributed_event(customer_id, 9600 + deal_id, CHANNEL)),
                (channel_commission.apply_contract_signed, signed_event(deal_id, customer_id))]
    interleaved(config, *(handlers if attribution_first else handlers[::-1]))
    assert owners(config, deal_id) == {(CHANNEL, True)}
