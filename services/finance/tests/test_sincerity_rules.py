"""诚意金 rules, pure: the launch's amount to the cent, one live receipt per registration,
refund once, by a second person, never after conversion; conversion once into one deal."""
from decimal import Decimal

import pytest

from services.finance import sincerity_rules as r

pytestmark = pytest.mark.unit
D = Decimal


def refused(code, fn, *args):
    with pytest.raises(r.Refused) as caught:
        fn(*args)
    assert caught.value.code == code
    return caught.value


def test_the_amount_is_the_launchs_to_the_cent():
    assert r.check_amount(D("50000.00"), D("50000.00")) is None
    refused("SINCERITY_AMOUNT_MISMATCH", r.check_amount, D("49999.99"), D("50000.00"))
    refused("SINCERITY_AMOUNT_MISMATCH", r.check_amount, D("50000.01"), D("50000.00"))
    refused("NO_SINCERITY_DUE", r.check_amount, D("1.00"), D("0.00"))


def test_one_live_receipt_per_registration_and_paid_again_after_a_refund():
    assert r.check_take([]) is None
    assert r.check_take(["refunded"]) is None
    assert r.check_take(["refunded", "refunded"]) is None
    refused("SINCERITY_ALREADY_PAID", r.check_take, ["valid"])
    refused("SINCERITY_ALREADY_PAID", r.check_take, ["refunded", "converted"])


def test_refund_once_by_a_second_person_never_after_conversion():
    assert r.check_refund("valid", 2, 3) is None
    assert r.check_refund("valid", None, 3) is None
    refused("SAME_PERSON", r.check_refund, "valid", 2, 2)
    refused("SINCERITY_REFUNDED", r.check_refund, "refunded", 2, 3)
    refused("SINCERITY_CONVERTED", r.check_refund, "converted", 2, 3)
    refused("SAME_PERSON", r.check_refund, "refunded", 3, 3)  # the person is checked first


def test_conversion_once_into_one_deal():
    assert r.conversion("valid", None, 7) == "convert"
    assert r.conversion("converted", 7, 7) == "done"
    assert r.conversion("refunded", None, 7) == "nothing"
    refused("SINCERITY_CONVERTED", r.conversion, "converted", 8, 7)


def test_standing_and_totals_in_cents():
    due = D("20000.00")
    assert r.standing(due, []) == "outstanding"
    assert r.standing(D("0.00"), []) == "none"
    assert r.standing(due, ["refunded"]) == "refunded"
    assert r.standing(due, ["refunded", "valid"]) == "paid"
    assert r.standing(due, ["converted"]) == "converted"
    rows = [("paid", D("20000.00")), ("paid", D("20000.00")), ("refunded", D("0.01")), ("outstanding", due)]
    assert r.totals(rows) == {"paid": (2, D("40000.00")), "refunded": (1, D("0.01")), "outstanding": (1, due)}
