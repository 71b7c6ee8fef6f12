"""The pure composition of 日报/周报/月报 from the parts the services answered.

`results` maps (project_id, part) to what the part answered:
  crm: {"counts": visit_counts rows, "funnel": get_funnel by advisor}
  inventory, contracts: their report_figures
  finance: {"figures": report_figures, "target": get_collection_target or None}
  hr: report_figures (names, sales_target)
Money arrives as decimal text and leaves as Decimal (the response schema writes it as text).
"""
from collections import defaultdict
from decimal import Decimal

from loupan.schemas.reports import DISTRIBUTION_SOURCE

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
COUNTS = ("calls", "visits", "new_leads", "holds")
DEALS = ("subscriptions", "contracts")
MONEY = ("receipts", "mortgage_disbursements")


def empty_figures():
    return {**{k: 0 for k in COUNTS}, **{k: {"count": 0, "area": ZERO, "amount": ZERO} for k in DEALS},
            **{k: {"count": 0, "amount": ZERO} for k in MONEY}}


def _add(figures, key, row):
    if key in COUNTS:
        figures[key] += row
        return
    tally = figures[key]
    tally["count"] += row["count"]
    tally["amount"] += Decimal(row["amount"])
    if "area" in tally:
        tally["area"] += Decimal(row["area"])


def facts(part, result):
    """(advisor_id, key, value) of one part's answer."""
    if part == "crm":
        for row in result["counts"]:
            yield row["advisor_id"], "calls", row["calls"]
            yield row["advisor_id"], "visits", row["visits"]
        for row in result["funnel"]["rows"]:
            yield row["advisor_id"], "new_leads", row["new_leads"]
    elif part == "inventory":
        for row in result["holds"]:
            yield row["advisor_id"], "holds", row["count"]
    elif part == "contracts":
        for key in DEALS:
            for row in result[key]:
                yield row["advisor_id"], key, row
    elif part == "finance":
        for key in MONEY:
            for row in result["figures"][key]:
                yield row["advisor_id"], key, row


def percent(part, whole):
    """part ÷ whole in percent to the cent; None when whole is zero or unknown."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT)


def daily(scope, results, missing):
    """The figures per advisor and in total; advisors in id order, nobody's (None) last."""
    advisors = defaultdict(empty_figures)
    totals = empty_figures()
    names = {}
    for (_, part), result in results.items():
        if part == "hr":
            names.update({n["account_id"]: n["full_name"] for n in result["names"]})
            continue
        for advisor_id, key, value in facts(part, result):
            _add(advisors[advisor_id], key, value)
            _add(totals, key, value)
    by_advisor = [{"advisor_id": a, "name": names.get(a), **advisors[a]}
                  for a in sorted(advisors, key=lambda a: (a is None, a or 0))]
    return {"scope": scope, "totals": totals, "by_advisor": by_advisor,
            "missing": sorted(missing, key=lambda m: (m["part"], m.get("project_id") or 0))}


def ranking(by_advisor):
    """Advisors by contract amount, then units, most first; equal figures share a rank."""
    rows = sorted((r for r in by_advisor if r["advisor_id"] is not None),
                  key=lambda r: (-r["contracts"]["amount"], -r["contracts"]["count"], r["advisor_id"]))
    ranked, previous = [], None
    for position, row in enumerate(rows, 1):
        figures = (row["contracts"]["amount"], row["contracts"]["count"])
        rank = ranked[-1]["rank"] if figures == previous else position
        ranked.append({"rank": rank, "advisor_id": row["advisor_id"], "name": row["name"], **row["contracts"]})
        previous = figures
    return ranked


def _vs_target(month, pairs):
    """Summed (target, actual) over projects; target None when no project has one."""
    targets = [t for t, _ in pairs if t is not None]
    target = sum((Decimal(t) for t in targets), ZERO) if targets else None
    actual = sum((Decimal(a) for _, a in pairs), ZERO)
    return {"month": month, "target": target, "actual": actual, "achieved_percent": percent(actual, target)}


def period(scope, results, missing, month):
    """周报/月报: the daily shape plus 成交均价, 去化率, sales and 回款 vs the month's target
    (None when their part is missing everywhere), and the ranking."""
    report = daily(scope, results, missing)
    contracts = report["totals"]["contracts"]
    report["average_price"] = (contracts["amount"] / contracts["area"]).quantize(CENT) if contracts["area"] else None
    inventory = [r for (_, part), r in results.items() if part == "inventory"]
    report["sell_through"] = percent(sum(r["sold"] for r in inventory), sum(r["released"] for r in inventory))
    hr = [r for (_, part), r in results.items() if part == "hr"]
    sales = [(r["sales_target"]["target_amount"], r["sales_target"]["actual_amount"]) for r in hr]
    report["sales_vs_target"] = _vs_target(month, sales) if hr else None
    finance = [r["target"] for (_, part), r in results.items() if part == "finance" and r["target"] is not None]
    report["collection_vs_target"] = _vs_target(month, [(t["target"], t["actual"]) for t in finance]) \
        if finance else None
    report["ranking"] = ranking(report["by_advisor"])
    return report


def channels(funnel, spend, billed=None, source=DISTRIBUTION_SOURCE):
    """渠道效果: each lead source's spend against its visits, leads and deals (认购) of the
    month; a cost is None where nothing came of it. Channels with spend or any fact are
    listed. The distribution channels' commission billed (finance's answer, None when it is
    missing) is spend of `source`, the lead source their customers have, so the two tables'
    money agrees."""
    rows = {}
    for row in (funnel or {"rows": []})["rows"]:
        rows[row["key"]] = {"channel": row["key"], "spend": ZERO, "visits": row["visits"],
                            "new_leads": row["new_leads"], "deals": row["subscribed"]}
    for line in spend or []:
        channel = line["channel"] or "none"
        rows.setdefault(channel, {"channel": channel, "spend": ZERO, "visits": 0, "new_leads": 0, "deals": 0})
        rows[channel]["spend"] += Decimal(line["amount"])
    commission = None if billed is None else sum((Decimal(c["billed"]) for c in billed["channels"]), ZERO)
    if commission:
        rows.setdefault(source, {"channel": source, "spend": ZERO, "visits": 0, "new_leads": 0, "deals": 0})
    for key, row in rows.items():
        row["commission"] = None if commission is None else commission if key == source else ZERO
        row["spend"] += row["commission"] or ZERO
        for cost, count in (("cost_per_visit", "visits"), ("cost_per_lead", "new_leads"), ("cost_per_deal", "deals")):
            row[cost] = (row["spend"] / row[count]).quantize(CENT) if row[count] else None
    return sorted(rows.values(), key=lambda r: (-r["spend"], r["channel"]))


def distribution(figures, billed):
    """分销渠道: crm's 报备, 带看 and 认购 of each channel company (and the 全民经纪人 as one
    row) beside the commission finance billed it in the month, and the cost per deal. A part
    missing (None) leaves its figures at zero, or the commission None; a channel only finance
    knows (crm missing, or a channel off the project billed for earlier deals) is listed by
    finance's name."""
    rows = {}
    for facts in (figures or {"channels": []})["channels"]:
        rows[facts["channel_id"]] = {**facts, "commission": None if billed is None else ZERO}
    for line in (billed or {"channels": []})["channels"]:
        row = rows.setdefault(line["channel_id"], {
            "channel_id": line["channel_id"], "channel_name": line["channel_name"] or f"渠道#{line['channel_id']}",
            "individual": False, "reports": 0, "visits": 0, "deals": 0, "commission": ZERO})
        row["commission"] += Decimal(line["billed"])
    for row in rows.values():
        row["cost_per_deal"] = (row["commission"] / row["deals"]).quantize(CENT) \
            if row["deals"] and row["commission"] is not None else None
    return sorted(rows.values(), key=lambda r: (r["individual"], -(r["commission"] or ZERO), -r["deals"],
                                                r["channel_name"]))
