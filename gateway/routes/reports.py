"""Reports composed here from the services' own figures: 日报/周报/月报 of a project or of
every project the caller may see, the sales funnel and channel effectiveness, as JSON or
.xlsx (?format=xlsx). A part whose service is down is listed in `missing`; the rest still
answers. A mixin of GatewayService.

Who reads what: managers, supervisors and the developer's viewers (甲方) read every report of
their projects (figures and names only: no customer or phone appears in a report); finance
reads the money parts (receipts, disbursements, collection target) with the advisors'
names; advisors and assistants read the daily report of their own sites (the figures the
morning meeting goes through), not the weekly and monthly ones."""
from urllib.parse import quote

from werkzeug.wrappers import Response

from gateway.http import route
from gateway.reports import compose, periods, xlsx
from gateway.reports.gather import gather
from loupan.roles import FINANCE
from loupan.schemas import dump, load
from loupan.schemas import reports as c
from loupan.schemas.crm_visits import FunnelOut
from loupan.schemas.inventory_spreadsheets import XLSX_TYPE

MONEY_PARTS = ("finance", "hr")  # what finance staff read


def _file(content, name):
    return Response(content, mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename=\"{name}.xlsx\"; "
                                                    f"filename*=UTF-8''{quote(name)}.xlsx"})


class ReportRoutes:
    def _part_timeout(self):
        return float(self.config.get("REPORT_PART_TIMEOUT", self.config.get("RPC_TIMEOUT", 10)))

    def _part_calls(self, actor, project_id, first, last, month):
        """{(project_id, part): call} of one project for the caller's role."""
        period = {"from": first.isoformat(), "to": last.isoformat()}
        calls = {
            "crm": lambda: {"counts": self.crm.visit_counts(actor, project_id, period),
                            "funnel": self.crm.get_funnel(actor, project_id, dict(period, by="advisor"))},
            "inventory": lambda: self.inventory.report_figures(actor, project_id, period),
            "contracts": lambda: self.contracts.report_figures(actor, project_id, period),
            "finance": lambda: {"figures": self.finance.report_figures(actor, project_id, period),
                                "target": month and self.finance.get_collection_target(actor, project_id, month)},
            "hr": lambda: self.hr.report_figures(actor, project_id, {"month": month}),
        }
        parts = MONEY_PARTS if actor["role"] == FINANCE else c.REPORT_PARTS
        return {(project_id, part): calls[part] for part in parts}

    def _projects(self, actor):
        if actor["project_ids"] is not None:
            return sorted(actor["project_ids"])
        return [p["id"] for p in self.inventory.list_projects(actor)]

    def _report(self, actor, project_id, kind, first, last, month, fmt):
        project_ids = [project_id] if project_id is not None else self._projects(actor)
        calls = {}
        for pid in project_ids:
            calls.update(self._part_calls(actor, pid, first, last, month))
        results, errors = gather(calls, self._part_timeout())
        missing = [{"part": part, "project_id": pid, "error": error} for (pid, part), error in errors.items()]
        scope = {"project_id": project_id, "project_ids": project_ids, "kind": kind, "start": first, "end": last}
        if kind == "daily":
            report = compose.daily(scope, results, missing)
        else:
            report = compose.period(scope, results, missing, month)
        data = dump(c.Report, report)  # a daily report has no period keys: dump leaves them out
        if fmt == "xlsx":
            where = f"project-{project_id}" if project_id is not None else "agency"
            return _file(xlsx.report(data), f"{where}-{kind}-{first.isoformat()}")
        return data

    @route("GET", "/api/projects/<int:project_id>/reports/daily", query=c.DailyQuery,
           response=c.Report, produces=XLSX_TYPE,
           summary="日报: calls, visits, new leads, holds, 认购, 签约 (count, area, amount), receipts and mortgage "
                   "disbursements of a day, per advisor and in total; `missing` names a part whose service did "
                   "not answer. ?format=xlsx for the spreadsheet")
    def project_daily_report(self, request, actor, project_id, query):
        q = load(c.DailyQuery, query)
        first, last = periods.daily(q["day"])
        return self._report(actor, project_id, "daily", first, last, None, q["format"])

    @route("GET", "/api/projects/<int:project_id>/reports/weekly", query=c.WeeklyQuery,
           response=c.Report, produces=XLSX_TYPE,
           summary="周报: the daily figures over a week (from its Monday), plus 成交均价, 去化率, sales and 回款 "
                   "against the month's targets, and the advisors' ranking. ?format=xlsx for the spreadsheet")
    def project_weekly_report(self, request, actor, project_id, query):
        q = load(c.WeeklyQuery, query)
        first, last = periods.weekly(q["week_start"])
        return self._report(actor, project_id, "weekly", first, last, periods.month_of(first), q["format"])

    @route("GET", "/api/projects/<int:project_id>/reports/monthly", query=c.MonthlyQuery,
           response=c.Report, produces=XLSX_TYPE,
           summary="月报: the daily figures over a month, plus 成交均价, 去化率, sales and 回款 against target, and "
                   "the advisors' ranking. ?format=xlsx for the spreadsheet")
    def project_monthly_report(self, request, actor, project_id, query):
        q = load(c.MonthlyQuery, query)
        first, last = periods.monthly(q["month"])
        return self._report(actor, project_id, "monthly", first, last, periods.month_of(first), q["format"])

    @route("GET", "/api/reports/daily", query=c.DailyQuery, response=c.Report,
           produces=XLSX_TYPE, summary="日报 over every project the caller may see (agency-wide for a director)")
    def agency_daily_report(self, request, actor, query):
        q = load(c.DailyQuery, query)
        first, last = periods.daily(q["day"])
        return self._report(actor, None, "daily", first, last, None, q["format"])

    @route("GET", "/api/reports/weekly", query=c.WeeklyQuery, response=c.Report,
           produces=XLSX_TYPE, summary="周报 over every project the caller may see")
    def agency_weekly_report(self, request, actor, query):
        q = load(c.WeeklyQuery, query)
        first, last = periods.weekly(q["week_start"])
        return self._report(actor, None, "weekly", first, last, periods.month_of(first), q["format"])

    @route("GET", "/api/reports/monthly", query=c.MonthlyQuery, response=c.Report,
           produces=XLSX_TYPE, summary="月报 over every project the caller may see")
    def agency_monthly_report(self, request, actor, query):
        q = load(c.MonthlyQuery, query)
        first, last = periods.monthly(q["month"])
        return self._report(actor, None, "monthly", first, last, periods.month_of(first), q["format"])

    @route("GET", "/api/projects/<int:project_id>/reports/funnel", query=c.FunnelQuery,
           response=FunnelOut, produces=XLSX_TYPE,
           summary="销售漏斗: visits, new leads, A grades, 认购 and 签约 of a period by day, advisor or channel. "
                   "?format=xlsx for the spreadsheet")
    def funnel_report(self, request, actor, project_id, query):
        q = load(c.FunnelQuery, query)
        data = self.crm.get_funnel(actor, project_id, {"from": q["start"].isoformat(), "to": q["end"].isoformat(),
                                                       "by": q["by"]})
        if q["format"] == "xlsx":
            names = {}
            if q["by"] == "advisor":  # the sheet names people; hr down or slow leaves their ids
                results, _ = gather({"hr": lambda: self.hr.report_figures(actor, project_id, {"month": None})},
                                    self._part_timeout())
                names = {n["account_id"]: n["full_name"] for n in (results.get("hr") or {}).get("names", [])}
            return _file(xlsx.funnel(data, names), f"project-{project_id}-funnel-{q['start'].isoformat()}")
        return data

    @route("GET", "/api/projects/<int:project_id>/reports/channels", query=c.ChannelsQuery,
           response=c.ChannelsReport, produces=XLSX_TYPE,
           summary="渠道效果: a month's spend per lead source (认知途径) against its visits, new leads and deals "
                   "(认购), with the cost of each (null where nothing came of it); and 分销渠道: each channel "
                   "company (全民经纪人 as one row) with its 报备, verified 带看, 认购, the commission billed it in "
                   "the month (结佣对账单 issued) and the cost per deal. That commission is spend of the "
                   "channel_partner row (`distribution_source`: the 认知途径 crm gives the customers a channel "
                   "brings), whose 认购 include the channels'. ?format=xlsx for the spreadsheet")
    def channels_report(self, request, actor, project_id, query):
        q = load(c.ChannelsQuery, query)
        first, last = periods.monthly(q["month"])
        month = periods.month_of(first)
        period = {"from": first.isoformat(), "to": last.isoformat()}
        results, errors = gather({
            "crm": lambda: self.crm.get_funnel(actor, project_id, dict(period, by="channel")),
            "finance": lambda: self.finance.channel_spend(actor, project_id, month),
            "distribution": lambda: self.crm.channel_figures(actor, project_id, period),
            "commission": lambda: self.finance.channel_commission_figures(actor, project_id, period),
        }, self._part_timeout())
        billed = results.get("commission")
        data = dump(c.ChannelsReport, {
            "project_id": project_id, "month": month,
            "channels": compose.channels(results.get("crm"), results.get("finance"), billed),
            "distribution_source": c.DISTRIBUTION_SOURCE,
            "distribution": compose.distribution(results.get("distribution"), billed),
            "missing": [{"part": part, "project_id": project_id, "error": error} for part, error in errors.items()]})
        if q["format"] == "xlsx":
            return _file(xlsx.channels(data), f"project-{project_id}-channels-{month}")
        return data
