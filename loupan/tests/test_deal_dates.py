"""The order of a deal's dates, written once (loupan/deal_dates.py): each chain in order,
unknown dates skipped, nothing before 2000-01-01, the refusal naming both dates."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loupan import deal_dates
from loupan.errors import RuleViolated

D = date


def code(chain, dates):
    with pytest.raises(RuleViolated) as info:
        deal_dates.check(chain, dates)
    return info.value.code, info.value.message


def test_the_deal_goes_subscription_signing_online_signing_filing_handover():
    ok = {"subscribed_on": D(2026, 9, 1), "signed_on": D(2026, 9, 1), "online_signed_on": D(2026, 9, 3),
          "filed_on": D(2026, 9, 4), "handed_over_on": D(2027, 6, 30), "title_applied_on": D(2027, 7, 1)}
    deal_dates.check("deal", ok)
    assert code("deal", dict(ok, signed_on=D(2026, 8, 31))) == (
        "DATE_OUT_OF_ORDER", "签约 signed_on 2026-08-31 is before 认购 subscribed_on 2026-09-01")
    assert code("deal", dict(ok, handed_over_on=D(2026, 9, 3)))[1] == (
        "交房 handed_over_on 2026-09-03 is before 备案 filed_on 2026-09-04")


def test_a_date_not_known_yet_is_skipped_and_the_one_before_it_counts():
    assert code("deal", {"subscribed_on": D(2026, 9, 10), "signed_on": None, "filed_on": D(2026, 9, 9)})[1] == (
        "备案 filed_on 2026-09-09 is before 认购 subscribed_on 2026-09-10")
    deal_dates.check("deal", {"subscribed_on": None, "handed_over_on": D(2026, 1, 1)})


def test_receipts_agreements_and_mortgage_steps_have_their_own_chains():
    assert code("receipt", {"subscribed_on": D(2026, 9, 10), "received_on": D(2026, 9, 9)})[0] == "DATE_OUT_OF_ORDER"
    deal_dates.check("receipt", {"subscribed_on": D(2026, 9, 10), "received_on": D(2026, 9, 10)})
    assert code("agreement", {"signed_on": D(2026, 9, 10), "agreement_on": D(2026, 9, 1)})[0] == "DATE_OUT_OF_ORDER"
    steps = {"subscribed_on": D(2026, 9, 1), "opened_on": D(2026, 9, 2), "papers_collected_on": D(2026, 9, 5),
             "submitted_on": D(2026, 9, 4)}
    assert code("mortgage", steps)[1] == "报件 submitted_on 2026-09-04 is before 资料齐 papers_collected_on 2026-09-05"
    # names of other chains are ignored: a caller passes all the dates it has
    deal_dates.check("receipt", {"subscribed_on": D(2026, 9, 1), "signed_on": D(2020, 1, 1),
                                 "received_on": D(2026, 9, 1)})


def test_nothing_before_2000():
    assert code("deal", {"handed_over_on": D(1999, 12, 31)}) == (
        "DATE_TOO_EARLY", "交房 handed_over_on 1999-12-31 is before 2000-01-01: check the year")
    deal_dates.check("deal", {"subscribed_on": D(2000, 1, 1)})


@given(st.lists(st.one_of(st.none(), st.integers(0, 3000)), min_size=len(deal_dates.DEAL),
                max_size=len(deal_dates.DEAL)))
def test_a_chain_passes_exactly_when_its_known_dates_never_go_back(offsets):
    dates = {key: None if n is None else deal_dates.EARLIEST + timedelta(days=n)
             for key, n in zip(deal_dates.DEAL, offsets)}
    known = [n for n in offsets if n is not None]
    if known == sorted(known):
        deal_dates.check("deal", dates)
    else:
        assert code("deal", dates)[0] == "DATE_OUT_OF_ORDER"
