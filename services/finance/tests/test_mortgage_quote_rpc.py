"""算价 through the real finance entrypoint (SQLite and PostgreSQL): any signed-in user, ranges
checked (400 VALIDATION_ERROR)."""
import pytest

from loupan.errors import Invalid
from services.finance.tests.conftest import actor


def test_the_mortgage_quote_entrypoint_validates_its_ranges(call):
    advisor = actor(8, "advisor", [1])
    q = call("mortgage_quote", advisor, {"principal": "1000000", "years": "30", "annual_rate": "4.9",
                                         "method": "equal_instalment"})
    assert q["monthly_payment"] == "5307.27" and len(q["schedule"]) == 360
    assert q["schedule"][-1]["remaining"] == "0.00"
    assert (q["total_interest"], q["headline_rounding"]) == ("910616.19", "half_up_from_exact")
    assert (q["schedule_total_interest"], q["schedule_rounding"]) == ("910615.12", "cent_ledger_remainder_to_last")
    p = call("mortgage_quote", advisor, {"principal": "1000000", "years": "30", "annual_rate": "4.9",
                                         "method": "equal_principal"})
    assert (p["monthly_payment"], p["monthly_decrease"], p["total_interest"]) == ("6861.11", "11.34", "737041.67")
    assert p["schedule"][0]["payment"] == "6861.10"  # the ledger's principal part is rounded down
    for bad in ({"principal": "0"}, {"principal": "-5"}, {"years": "31"}, {"years": "0"}, {"annual_rate": "20.5"},
                {"annual_rate": "-1"}, {"method": "balloon"}, {"annual_rate": 4.9}):
        query = dict({"principal": "1000000", "years": "30", "annual_rate": "4.9", "method": "equal_principal"}, **bad)
        with pytest.raises(Invalid) as info:
            call("mortgage_quote", advisor, query)
        assert info.value.code == "VALIDATION_ERROR"
