"""The deal's status machine: deal_rules.MOVES is the one table of a deal's moves, and
subscriptions.move_deal the one conditional update (and history writer) that performs them."""
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from loupan.errors import Conflict
from loupan.schemas.contracts_deals import DEAL_STATUSES
from loupan.uow import UnitOfWork, make_engine
from services.contracts import deal_rules as r
from services.contracts.change_rules import ALLOWED_FROM
from services.contracts.models import Deal, DealHistory
from services.contracts.subscriptions import move_deal

# every move, as the sales offices know it: name -> (from, to, the 409 when the deal is elsewhere)
EXPECTED = {
    "fail": (("pending",), "failed", "DEAL_NOT_PENDING"),
    "submit": (("pending",), "submitted", "DEAL_NOT_PENDING"),
    "approve": (("submitted",), "subscribed", "DEAL_NOT_SUBMITTED"),
    "reject": (("submitted",), "rejected", "DEAL_NOT_SUBMITTED"),
    "sign": (("subscribed",), "signed", "DEAL_NOT_SUBSCRIBED"),
    "online_sign": (("signed",), None, "DEAL_NOT_SIGNED"),
    "file": (("signed",), "filed", "DEAL_NOT_SIGNED"),
    "hand_over": (("filed",), "handed_over", "DEAL_CHANGED"),
    "rename": (("subscribed", "signed"), None, "DEAL_CHANGED"),
    "swap": (("pending", "submitted", "subscribed", "signed", "filed", "handed_over"), None, "DEAL_CHANGED"),
    "cancel": (("subscribed", "signed", "filed"), "cancelled", "DEAL_CHANGED"),
}


def test_every_move_is_in_the_table():
    assert {name: tuple(move) for name, move in r.MOVES.items()} == EXPECTED
    for name, move in r.MOVES.items():
        assert r.deal_move(name) is move
        assert move.sources and set(move.sources) <= set(DEAL_STATUSES)
        assert move.target is None or move.target in DEAL_STATUSES
        assert not set(move.sources) & set(r.OVER), f"{name} moves a deal that is over"
    assert set(r.LIVE) | set(r.OVER) == set(DEAL_STATUSES) and not set(r.LIVE) & set(r.OVER)


def test_the_changes_are_asked_from_where_they_apply():
    """更名 and 退房 are asked from the statuses they are applied from (换房 applies to any
    live deal: the unit moved in inventory whatever the deal's step since)."""
    assert r.MOVES["rename"].sources == ALLOWED_FROM["rename"]
    assert r.MOVES["cancel"].sources == ALLOWED_FROM["cancel"]
    assert set(ALLOWED_FROM["swap"]) <= set(r.MOVES["swap"].sources)


def test_a_move_the_table_lacks_is_refused():
    with pytest.raises(ValueError, match="no move 'deliver'"):
        r.deal_move("deliver")
    assert r.can_move("subscribed", "signed") and r.can_move("signed", "signed")
    assert not r.can_move("pending", "signed")  # 签约 needs an approved 认购
    assert not r.can_move("submitted", "cancelled")  # a submitted 认购 is rejected, not cancelled
    assert not any(r.can_move(over, to) for over in r.OVER for to in DEAL_STATUSES)


# the conditional update ---------------------------------------------------------------------
@pytest.fixture
def uow(contracts_config):
    engine = make_engine(contracts_config["DATABASE_URL"])
    unit = UnitOfWork(engine)
    yield unit
    unit.close()
    engine.dispose()


def a_deal(uow, status):
    deal_id = uow.session.execute(insert(Deal).values(
        agency_id=1, project_id=1, unit_id=7, status=status, customer_name="张三", customer_phone="13800000000",
        price=Decimal("1000000.00"), deposit=Decimal("50000.00"), payment_method="full")).inserted_primary_key[0]
    uow.commit()
    return uow.session.get(Deal, deal_id)


def history(uow, deal):
    return [(h.from_status, h.to_status, h.note) for h in
            uow.session.execute(select(DealHistory).where(DealHistory.deal_id == deal.id)).scalars()]


@pytest.mark.sqlite
def test_a_move_writes_the_status_and_its_history_row(uow):
    deal = a_deal(uow, "subscribed")
    move_deal(uow.session, deal, "sign", {"account_id": 3, "username": "m"}, "签约 HT-1")
    move_deal(uow.session, deal, "online_sign", None, "网签 W-1")
    uow.commit()
    assert deal.status == "signed"
    assert history(uow, deal) == [("subscribed", "signed", "签约 HT-1"), ("signed", "signed", "网签 W-1")]


@pytest.mark.sqlite
@pytest.mark.parametrize("name, status", [("sign", "submitted"), ("approve", "rejected"), ("file", "filed"),
                                          ("hand_over", "signed"), ("cancel", "cancelled")])
def test_a_deal_not_where_the_move_starts_is_refused_with_its_code(uow, name, status):
    deal = a_deal(uow, status)
    with pytest.raises(Conflict) as refused:
        move_deal(uow.session, deal, name, None, "no")
    assert refused.value.code == r.MOVES[name].code
    assert f"is {status}, not" in refused.value.message
    uow.rollback()
    assert uow.session.execute(select(Deal.status).where(Deal.id == deal.id)).scalar_one() == status
    assert history(uow, deal) == []


@pytest.mark.sqlite
def test_the_status_the_caller_read_and_its_conditions_bind_the_move(uow):
    deal = a_deal(uow, "signed")
    with pytest.raises(Conflict) as moved_on:  # read as subscribed: someone signed it since
        move_deal(uow.session, deal, "cancel", None, "退房", expected="subscribed")
    assert moved_on.value.code == "DEAL_CHANGED"
    with pytest.raises(Conflict, match="changed meanwhile") as other_unit:
        move_deal(uow.session, deal, "cancel", None, "退房", expected="signed", where=[Deal.unit_id == 8])
    assert other_unit.value.code == "DEAL_CHANGED"
    move_deal(uow.session, deal, "cancel", None, "退房", expected="signed", where=[Deal.unit_id == 7],
              cancel_reason="退房")
    uow.commit()
    assert (deal.status, deal.cancel_reason) == ("cancelled", "退房")
    assert history(uow, deal) == [("signed", "cancelled", "退房")]
