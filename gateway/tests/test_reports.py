"""日报/周报/月报 composition from the parts' answers, the channels' costs, the periods, the
gathering of parts (one failing part is named, the others count) and the .xlsx."""
from datetime import date
from decimal import Decimal
from io import BytesIO

from eventlet.event import Event
from hypothesis import given, strategies as st
from nameko.exceptions import RemoteError
from openpyxl import load_workbook

from gateway.reports import compose, periods, xlsx
from gateway.reports.gather import gather
from loupan.schemas import dump
from loupan.schemas.reports import ChannelsReport, Report
from loupan.errors import Forbidden, NotFound, Unavailable

SCOPE = {"project_id": 7, "project_ids": [7], "kind": "daily", "start": date(2026, 11, 23), "end": date(2026, 11, 23)}


def deals(advisor_id, count, area, amount):
    return {"advisor_id": advisor_id, "count": count, "area": area, "amount": amount}


def parts(project_id=7, adv=11):
    return {
        (project_id, "crm"): {
            "counts": [{"advisor_id": adv, "day": "2026-11-23", "calls": 2, "visits": 3},
                       {"advisor_id": None, "day": "2026-11-23", "calls": 1, "visits": 0}],
            "funnel": {"rows": [{"advisor_id": adv, "new_leads": 2}, {"advisor_id": 12, "new_leads": 1}]}},
        (project_id, "inventory"): {"holds": [{"advisor_id": adv, "count": 1}], "released": 10, "sold": 4},
        (project_id, "contracts"): {"subscriptions": [deals(adv, 1, "100.00", "3000000.00")],
                                    "contracts": [deals(adv, 1, "100.00", "3000000.00"),
                                                  deals(12, 2, "250.00", "6500000.00")]},
        (project_id, "finance"): {"figures": {"receipts": [{"advisor_id": adv, "count": 2, "amount": "2050000.00"}],
                                              "mortgage_disbursements": [{"advisor_id": adv, "count": 1,
                                                                          "amount": "2000000.00"}]},
                                  "target": {"target": "5000000.00", "actual": "2050000.00"}},
        (project_id, "hr"): {"names": [{"account_id": adv, "full_name": "王顾问"}, {"account_id": 12, "full_name": "李顾问"}],
                             "sales_target": {"target_amount": "10000000.00", "actual_amount": "9500000.00"}},
    }


def test_the_daily_report_sums_each_part_per_advisor_and_in_total():
    report = dump(Report, compose.daily(SCOPE, parts(), []))
    totals = report["totals"]
    assert (totals["calls"], totals["visits"], totals["new_leads"], totals["holds"]) == (3, 3, 3, 1)
    assert totals["contracts"] == {"count": 3, "area": "350.00", "amount": "9500000.00"}
    assert totals["receipts"] == {"count": 2, "amount": "2050000.00"}
    assert totals["mortgage_disbursements"] == {"count": 1, "amount": "2000000.00"}
    assert [(r["advisor_id"], r["name"]) for r in report["by_advisor"]] == [(11, "王顾问"), (12, "李顾问"), (None, None)]
    assert report["by_advisor"][0]["subscriptions"] == {"count": 1, "area": "100.00", "amount": "3000000.00"}
    assert report["by_advisor"][2]["calls"] == 1 and report["missing"] == []
    assert "ranking" not in report and report["scope"]["from"] == "2026-11-23"


def test_a_missing_part_leaves_its_figures_at_zero_and_is_named():
    results = {k: v for k, v in parts().items() if k[1] != "crm"}
    report = dump(Report, compose.daily(SCOPE, results, [{"part": "crm", "project_id": 7,
                                                          "error": "SERVICE_UNAVAILABLE"}]))
    assert report["missing"] == [{"part": "crm", "project_id": 7, "error": "SERVICE_UNAVAILABLE"}]
    assert (report["totals"]["visits"], report["totals"]["holds"]) == (0, 1)


def test_the_period_report_adds_average_price_sell_through_targets_and_ranking():
    report = dump(Report, compose.period(dict(SCOPE, kind="monthly"), parts(), [], "2026-11"))
    assert report["average_price"] == "27142.86"  # 9 500 000 ÷ 350 m²
    assert report["sell_through"] == "40.00"
    assert report["sales_vs_target"] == {"month": "2026-11", "target": "10000000.00", "actual": "9500000.00",
                                         "achieved_percent": "95.00"}
    assert report["collection_vs_target"]["achieved_percent"] == "41.00"
    assert [(r["rank"], r["advisor_id"], r["amount"]) for r in report["ranking"]] == [
        (1, 12, "6500000.00"), (2, 11, "3000000.00")]


def test_agency_wide_sums_projects_and_merges_an_advisor_selling_in_two():
    results = {**parts(7), **parts(8)}
    report = dump(Report, compose.period(dict(SCOPE, project_id=None, project_ids=[7, 8]), results, [], "2026-11"))
    assert report["totals"]["contracts"]["count"] == 6
    assert report["by_advisor"][0]["contracts"]["amount"] == "6000000.00"
    assert report["sales_vs_target"]["target"] == "20000000.00"


def test_no_target_anywhere_gives_no_ratio_and_nothing_sold_no_average():
    results = parts()
    results[(7, "hr")]["sales_target"]["target_amount"] = None
    results[(7, "contracts")]["contracts"] = []
    results[(7, "inventory")]["released"] = 0
    report = dump(Report, compose.period(SCOPE, results, [], "2026-11"))
    assert (report["average_price"], report["sell_through"]) == (None, None)
    assert report["sales_vs_target"]["target"] is None and report["sales_vs_target"]["achieved_percent"] is None
    assert [r["rank"] for r in report["ranking"]] == [1, 1]  # equal figures share the rank


def test_channel_costs_divide_spend_and_are_none_where_nothing_came():
    funnel = {"rows": [{"key": "online", "visits": 4, "new_leads": 3, "subscribed": 0},
                       {"key": "walk_in", "visits": 2, "new_leads": 2, "subscribed": 1}]}
    spend = [{"channel": "online", "amount": "1000.00"}, {"channel": "outdoor", "amount": "500.00"}]
    rows = {r["channel"]: r for r in compose.channels(funnel, spend)}
    assert [r["channel"] for r in compose.channels(funnel, spend)] == ["online", "outdoor", "walk_in"]
    assert (rows["online"]["cost_per_visit"], rows["online"]["cost_per_lead"], rows["online"]["cost_per_deal"]) == (
        Decimal("250.00"), Decimal("333.33"), None)
    assert rows["outdoor"]["cost_per_visit"] is None and rows["walk_in"]["cost_per_deal"] == Decimal("0.00")
    assert {r["commission"] for r in rows.values()} == {None}  # finance's commission part was not asked


DISTRIBUTION_FACTS = {"channels": [
    {"channel_id": 3, "channel_name": "链家", "individual": False, "reports": 5, "visits": 3, "deals": 2},
    {"channel_id": 4, "channel_name": "贝壳", "individual": False, "reports": 1, "visits": 0, "deals": 0},
    {"channel_id": 9, "channel_name": "全民经纪人", "individual": True, "reports": 2, "visits": 1, "deals": 1}]}
BILLED = {"channels": [{"channel_id": 3, "channel_name": "链家", "statements": 1, "billed": "30000.00"},
                       {"channel_id": 9, "channel_name": "全民经纪人", "statements": 1, "billed": "5000.00"},
                       {"channel_id": 7, "channel_name": "中原", "statements": 2, "billed": "-1000.00"}]}


def test_the_channels_commission_is_spend_of_the_channel_partner_source_and_the_totals_agree():
    funnel = {"rows": [{"key": "channel_partner", "visits": 4, "new_leads": 4, "subscribed": 3},
                       {"key": "online", "visits": 2, "new_leads": 2, "subscribed": 1}]}
    spend = [{"channel": "channel_partner", "amount": "2000.00"}, {"channel": "online", "amount": "800.00"}]
    rows = {r["channel"]: r for r in compose.channels(funnel, spend, BILLED)}
    # 30 000 + 5 000 − 1 000 (a reversal billed) on top of the 2 000 advertised
    assert (rows["channel_partner"]["spend"], rows["channel_partner"]["commission"]) == (
        Decimal("36000.00"), Decimal("34000.00"))
    assert rows["channel_partner"]["cost_per_deal"] == Decimal("12000.00")
    assert (rows["online"]["spend"], rows["online"]["commission"]) == (Decimal("800.00"), Decimal("0.00"))
    lines = compose.distribution(DISTRIBUTION_FACTS, BILLED)
    assert sum(r["commission"] for r in lines) == rows["channel_partner"]["commission"]
    assert sum(r["deals"] for r in lines) <= rows["channel_partner"]["deals"]
    # with no 渠道 row yet (nothing advertised, no such customer this month) the commission makes one
    alone = compose.channels({"rows": []}, [], BILLED)
    assert [(r["channel"], r["spend"], r["deals"], r["cost_per_deal"]) for r in alone] == [
        ("channel_partner", Decimal("34000.00"), 0, None)]


def test_each_distribution_channel_has_its_figures_commission_and_cost_per_deal():
    rows = compose.distribution(DISTRIBUTION_FACTS, BILLED)
    # companies by commission, then deals; the 全民经纪人 last; 中原 only finance knows (billed, off the project)
    assert [(r["channel_name"], r["reports"], r["visits"], r["deals"], r["commission"], r["cost_per_deal"])
            for r in rows] == [
        ("链家", 5, 3, 2, Decimal("30000.00"), Decimal("15000.00")),
        ("贝壳", 1, 0, 0, Decimal("0.00"), None),
        ("中原", 0, 0, 0, Decimal("-1000.00"), None),
        ("全民经纪人", 2, 1, 1, Decimal("5000.00"), Decimal("5000.00"))]
    assert rows[-1]["individual"] and not rows[0]["individual"]
    # finance's part missing: the commission and its cost unknown, the facts still there
    unknown = compose.distribution(DISTRIBUTION_FACTS, None)
    assert [(r["channel_name"], r["deals"], r["commission"], r["cost_per_deal"]) for r in unknown] == [
        ("链家", 2, None, None), ("贝壳", 0, None, None), ("全民经纪人", 1, None, None)]
    # crm's part missing: finance's channels by finance's names, no deals to divide by
    assert [(r["channel_id"], r["deals"], r["commission"]) for r in compose.distribution(None, BILLED)] == [
        (3, 0, Decimal("30000.00")), (9, 0, Decimal("5000.00")), (7, 0, Decimal("-1000.00"))]
    report = dump(ChannelsReport, {"project_id": 7, "month": "2026-11", "channels": compose.channels(None, None, BILLED),
                                   "distribution_source": "channel_partner", "distribution": rows, "missing": []})
    assert report["distribution"][0] == {
        "channel_id": 3, "channel_name": "链家", "individual": False, "reports": 5, "visits": 3, "deals": 2,
        "commission": "30000.00", "cost_per_deal": "15000.00"}
    assert report["channels"][0]["commission"] == "34000.00"


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_a_percentage_is_none_only_for_nothing_to_divide_by(part, whole):
    result = compose.percent(part, whole)
    assert (result is None) == (whole == 0)
    if whole:
        assert abs(result - Decimal(part) * 100 / whole) <= Decimal("0.005")


def test_periods_are_a_day_a_week_from_monday_and_a_calendar_month():
    assert periods.weekly(date(2026, 11, 23)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert periods.monthly("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert periods.weekly()[0].weekday() == 0 and periods.month_of(date(2026, 1, 5)) == "2026-01"


def test_gather_names_the_failing_parts_and_keeps_the_rest():
    def slow():  # never answers: only gather's timeout ends it
        Event().wait()

    def remote():
        raise RemoteError("OperationalError", "db down")

    def refused():
        raise Forbidden("no", "ROLE_FORBIDDEN")

    def down():
        raise Unavailable("crm is not running")

    results, errors = gather({"ok": lambda: 1, "slow": slow, "remote": remote, "refused": refused, "down": down},
                             timeout=0.2)
    assert results == {"ok": 1}
    assert errors == {"slow": "SERVICE_UNAVAILABLE", "remote": "SERVICE_UNAVAILABLE", "refused": "ROLE_FORBIDDEN",
                      "down": "SERVICE_UNAVAILABLE"}


def test_gather_lets_a_not_found_fail_the_report():
    def missing():
        raise NotFound("project 9 not found", "PROJECT_NOT_FOUND")

    try:
        gather({"x": missing}, timeout=1)
    except NotFound as exc:
        assert exc.code == "PROJECT_NOT_FOUND"
    else:
        raise AssertionError("NotFound was swallowed")


def test_the_workbook_has_a_sheet_per_section_with_chinese_headers_and_numbers():
    data = dump(Report, compose.period(dict(SCOPE, kind="weekly"), parts(), [
        {"part": "crm", "project_id": 7, "error": "SERVICE_UNAVAILABLE"}], "2026-11"))
    book = load_workbook(BytesIO(xlsx.report(data)))
    assert book.sheetnames == ["汇总", "顾问明细", "排名", "缺失部分"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert summary["报表"] == "周报" and summary["签约金额(元)"] == 9500000 and summary["去化率(%)"] == 40
    advisors = list(book["顾问明细"].iter_rows(values_only=True))
    assert advisors[0][:3] == ("顾问ID", "姓名", "来电") and advisors[1][1] == "王顾问"
    assert list(book["缺失部分"].iter_rows(values_only=True))[1] == ("客户(来电来访)", 7, "SERVICE_UNAVAILABLE")
    funnel = load_workbook(BytesIO(xlsx.funnel({"by": "channel", "rows": [
        {"key": "online", "channel": "online", "visits": 1, "new_leads": 1, "a_grade": 0, "subscribed": 0,
         "signed": 0}],
        "total": {"visits": 1, "new_leads": 1, "a_grade": 0, "subscribed": 0, "signed": 0}})))
    assert list(funnel["销售漏斗"].iter_rows(values_only=True))[-1] == ("合计", 1, 1, 0, 0, 0)


FUNNEL_ZERO = {"visits": 0, "new_leads": 0, "a_grade": 0, "subscribed": 0, "signed": 0}


def test_the_sheets_name_channels_and_advisors_as_the_office_says_them():
    data = dump(Report, compose.period(dict(SCOPE, kind="weekly"), parts(), [], "2026-11"))
    advisors = list(book_of(xlsx.report(data))["顾问明细"].iter_rows(values_only=True))[1:]
    assert [row[1] for row in advisors] == ["王顾问", "李顾问", "未分配顾问"]  # the calls nobody was given
    by_channel = book_of(xlsx.funnel({"by": "channel", "total": FUNNEL_ZERO, "rows": [
        dict(FUNNEL_ZERO, key="walk_in", channel="walk_in"), dict(FUNNEL_ZERO, key="none", channel=None)]}))
    assert [row[0] for row in by_channel["销售漏斗"].iter_rows(values_only=True)] == ["渠道", "自然到访", "未知渠道", "合计"]
    by_advisor = book_of(xlsx.funnel({"by": "advisor", "total": FUNNEL_ZERO, "rows": [
        dict(FUNNEL_ZERO, key="11", advisor_id=11), dict(FUNNEL_ZERO, key="13", advisor_id=13),
        dict(FUNNEL_ZERO, key="none", advisor_id=None)]}, {11: "王顾问"}))
    assert [row[0] for row in by_advisor["销售漏斗"].iter_rows(values_only=True)] == [
        "顾问", "王顾问", "顾问#13", "未分配顾问", "合计"]
    channels = book_of(xlsx.channels({"channels": [{"channel": "referral", "spend": "0.00", "commission": "0.00",
                                                    "visits": 1, "new_leads": 1, "deals": 0, "cost_per_visit": None,
                                                    "cost_per_lead": None, "cost_per_deal": None}],
                                      "distribution": []}))
    assert list(channels["渠道效果"].iter_rows(values_only=True))[1][0] == "老带新"


def test_the_channels_workbook_has_the_distribution_channels_and_their_total():
    data = dump(ChannelsReport, {
        "project_id": 7, "month": "2026-11", "distribution_source": "channel_partner",
        "channels": compose.channels({"rows": [{"key": "channel_partner", "visits": 4, "new_leads": 4,
                                                "subscribed": 3}]}, [], BILLED),
        "distribution": compose.distribution(DISTRIBUTION_FACTS, BILLED),
        "missing": [{"part": "distribution", "project_id": 7, "error": "SERVICE_UNAVAILABLE"}]})
    book = book_of(xlsx.channels(data))
    assert book.sheetnames == ["渠道效果", "分销渠道", "缺失部分"]
    sources = list(book["渠道效果"].iter_rows(values_only=True))
    assert sources[0][:3] == ("渠道", "投放费用(元)", "其中分销佣金(元)") and sources[1][:3] == ("渠道", 34000, 34000)
    channels = list(book["分销渠道"].iter_rows(values_only=True))
    assert channels[0] == ("分销渠道", "报备", "带看", "认购", "分销佣金(元)", "成交成本(元)")
    assert channels[1] == ("链家", 5, 3, 2, 30000, 15000)
    assert channels[-1] == ("合计", 8, 4, 3, 34000, 11333.33)  # 34 000 ÷ 3
    assert list(book["缺失部分"].iter_rows(values_only=True))[1] == ("分销渠道(报备带看)", 7, "SERVICE_UNAVAILABLE")


def book_of(content):
    return load_workbook(BytesIO(content))
