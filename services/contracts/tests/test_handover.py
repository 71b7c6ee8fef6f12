"""交房 handover and 房产证 title progress through the real entrypoints (SQLite and
PostgreSQL, real broker)."""
import pytest
from sqlalchemy import select

from loupan.errors import Conflict, Forbidden, NotFound, RuleViolated
from loupan.testing import db_rows
from services.contracts.models import Deal, DealHistory
from services.contracts.tests.conftest import actor
from services.contracts.tests.test_changes import ADVISOR, PROJECT, make_deal, start_fake_inventory

ASSISTANT = actor(8, "assistant", [PROJECT])
HANDOVER = {"date": "2026-06-30", "inspection_notes": "验房：整体良好", "issues": ["主卧墙面裂缝", "厨房水龙头松动"]}


@pytest.fixture
def config(contracts_config, contracts, container_factory):
    start_fake_inventory(contracts_config, container_factory)
    return contracts_config


def test_a_filed_deal_is_handed_over_and_the_event_published(call, config, event_sink):
    sink = event_sink("contracts")
    deal_id = make_deal(config, "filed")
    handover = call("hand_over", ASSISTANT, deal_id, HANDOVER)
    assert (handover["handed_over_on"], handover["issues"]) == ("2026-06-30", HANDOVER["issues"])
    assert db_rows(config, select(Deal.status).where(Deal.id == deal_id)) == [("handed_over",)]
    assert db_rows(config, select(DealHistory.from_status, DealHistory.to_status)
                   .where(DealHistory.deal_id == deal_id)) == [("filed", "handed_over")]
    (event,) = sink.wait_for("unit_handed_over")
    assert event["payload"]["deal_id"] == deal_id and event["payload"]["advisor_id"] == 11
    with pytest.raises(Conflict) as twice:
        call("hand_over", ASSISTANT, deal_id, HANDOVER)
    assert twice.value.code == "DEAL_STATE"
    assert call("get_handover", ADVISOR, deal_id)["inspection_notes"] == "验房：整体良好"


@pytest.mark.parametrize("status,error,code", [("signed", RuleViolated, "DEAL_NOT_FILED"),
                                               ("subscribed", RuleViolated, "DEAL_NOT_FILED"),
                                               ("cancelled", Conflict, "DEAL_STATE")])
def test_handover_needs_a_filed_deal(call, config, status, error, code):
    deal_id = make_deal(config, status)
    with pytest.raises(error) as refused:
        call("hand_over", ASSISTANT, deal_id, HANDOVER)
    assert refused.value.code == code
    with pytest.raises(NotFound):
        call("get_handover", ADVISOR, deal_id)


def test_the_title_goes_applied_issued_delivered_with_dates(call, config):
    deal_id = make_deal(config, "filed")
    with pytest.raises(Forbidden):
        call("hand_over", ADVISOR, deal_id, HANDOVER)
    call("hand_over", ASSISTANT, deal_id, HANDOVER)
    with pytest.raises(RuleViolated) as early:
        call("advance_title", ASSISTANT, deal_id, {"to": "issued", "certificate_no": "浙(2027)001"})
    assert early.value.code == "TITLE_STEP"
    with pytest.raises(RuleViolated) as before:
        call("advance_title", ASSISTANT, deal_id, {"to": "applied", "date": "2026-06-01"})
    assert before.value.code == "DATE_OUT_OF_ORDER"
    call("advance_title", ASSISTANT, deal_id, {"to": "applied", "date": "2026-07-10"})
    with pytest.raises(RuleViolated) as no_number:
        call("advance_title", ASSISTANT, deal_id, {"to": "issued", "date": "2026-09-01"})
    assert no_number.value.code == "CERTIFICATE_NO_REQUIRED"
    call("advance_title", ASSISTANT, deal_id, {"to": "issued", "date": "2026-09-01", "certificate_no": "浙(2027)001"})
    title = call("advance_title", ASSISTANT, deal_id, {"to": "delivered", "date": "2026-09-15"})
    assert (title["title_step"], title["title_applied_on"], title["title_issued_on"], title["title_delivered_on"],
            title["certificate_no"]) == ("delivered", "2026-07-10", "2026-09-01", "2026-09-15", "浙(2027)001")
