"""置业计划: the 付款计划 a 认购 would get, previewed before it is drafted
(GET /api/projects/<id>/schedule-preview), through the gateway with every service running.
The expected lines are worked out here from the terms (docs/money.md), not by the code."""
import pytest

from tests.conftest import staff


@pytest.fixture(scope="module")
def site(system, director):
    def project(name):
        return director.ok(director.post("/api/projects", {"name": name, "city": "杭州", "developer_name": "某地产"}),
                           201)["id"]

    pid, other = project("计划花园"), project("别的花园")
    return {"pid": pid, "other": other, "director": director,
            "advisor": staff(system, director, "sp_adv", "advisor", [pid]),
            "manager": staff(system, director, "sp_mgr", "manager", [pid]),
            "developer": staff(system, director, "sp_dev", "developer_viewer", [pid])}


def preview(api, pid, **query):
    return api.get(f"/api/projects/{pid}/schedule-preview", params=query)


def refused(response, status):
    """The error code of a refusal with this status."""
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()["error"]


def lines(answer):
    return [(line["kind"], line["due_on"], line["amount"]) for line in answer["lines"]]


def test_a_mortgage_preview_has_the_deposit_the_minimum_down_payment_and_the_banks_loan(site):
    answer = site["advisor"].ok(preview(site["advisor"], site["pid"], price="1000000.00", deposit="50000.00",
                                        payment_method="commercial_mortgage", start_on="2026-12-01"))
    # default terms: 首付 ≥ 30 % (the deposit counts) 30 days after, the loan 90 days after
    assert lines(answer) == [("deposit", "2026-12-01", "50000.00"), ("down_payment", "2026-12-31", "250000.00"),
                             ("mortgage", "2027-03-01", "700000.00")]
    assert (answer["loan_amount"], answer["buyer_part"]) == ("700000.00", "300000.00")


def test_instalments_round_the_minimum_up_and_give_the_remainder_to_the_last_line(site):
    answer = site["advisor"].ok(preview(site["advisor"], site["pid"], price="1000000.01",
                                        payment_method="instalments", start_on="2026-12-01"))
    # 30 % of 1,000,000.01 is 300,000.003: a minimum is rounded up; 700,000.00 in three parts
    assert lines(answer) == [("down_payment", "2026-12-31", "300000.01"), ("instalment", "2027-01-30", "233333.33"),
                             ("instalment", "2027-03-01", "233333.33"), ("instalment", "2027-03-31", "233333.34")]
    assert answer["deposit"] == "0.00" and answer["loan_amount"] == "0.00"


def test_the_preview_follows_the_terms_the_manager_sets(site):
    manager = site["manager"]
    manager.ok(manager.put(f"/api/projects/{site['pid']}/payment-terms", {"full_payment_days": 15}))
    answer = site["advisor"].ok(preview(site["advisor"], site["pid"], price="800000.00", deposit="20000.00",
                                        payment_method="full", start_on="2026-12-01"))
    assert lines(answer) == [("deposit", "2026-12-01", "20000.00"), ("balance", "2026-12-16", "780000.00")]


def test_bad_figures_are_refused_with_their_codes(site):
    advisor, pid = site["advisor"], site["pid"]
    assert refused(preview(advisor, pid, price="100.00", deposit="100.00", payment_method="full"),
                   422) == "DEPOSIT_OUT_OF_RANGE"
    refused(preview(advisor, pid, price="100.00", payment_method="lease"), 400)
    refused(preview(advisor, pid, price="0", payment_method="full"), 400)
    refused(preview(advisor, pid, price="1.001", payment_method="full"), 400)
    refused(preview(advisor, pid, payment_method="full"), 400)


def test_only_staff_of_the_project_preview_it(site):
    advisor = site["advisor"]
    assert advisor.get(f"/api/projects/{site['other']}/schedule-preview",
                       params={"price": "100.00", "payment_method": "full"}).status_code in (403, 404)
    refused(preview(site["developer"], site["pid"], price="100.00", payment_method="full"), 403)
