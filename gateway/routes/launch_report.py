"""开盘报告: a launch's figures once its 选房 ran (or while it runs), as JSON or .xlsx
(?format=xlsx, as the other reports). The figures are inventory's (launch_report.py); the
sheet says what the JSON says, in Chinese. A mixin of GatewayService."""
from datetime import datetime

from openpyxl import Workbook

from gateway.http import route
from gateway.reports.xlsx import _bytes, _sheet
from gateway.routes.reports import _file
from loupan.schemas import load
from loupan.schemas import inventory_launch_report as r
from loupan.schemas.inventory_spreadsheets import XLSX_TYPE
from loupan.types import SHANGHAI

MODES = {"lottery": "摇号选房", "race": "先到先得"}
REASONS = {"start": "开始选房", "time": "到时", "early": "提前(全部完成)", "resume": "恢复", "finish": "结束选房"}


def _when(value):
    """An ISO instant as the sales office reads it (Asia/Shanghai), or empty."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def _duration(seconds):
    if seconds is None:
        return "未售罄"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}小时{rest // 60}分{rest % 60}秒" if hours else f"{rest // 60}分{rest % 60}秒"


def workbook(data):
    """汇总, 批次 (lottery windows) and 拒绝 (refused holds by code)."""
    book = Workbook()
    regs, units = data["registrations"], data["units"]
    summary = [("开盘活动", data["name"]), ("模式", MODES.get(data["mode"], data["mode"])), ("状态", data["status"]),
               ("开盘时间", _when(data["opens_at"])),
               ("认筹总数", regs["total"]), ("已取消", regs["cancelled"]), ("资格通过", regs["eligible"]),
               ("诚意金已缴", "不收取" if regs["sincerity_paid"] is None else regs["sincerity_paid"])]
    if data["mode"] == "lottery":
        summary += [("摇号入选", data["drawn"]), ("未到场(过号)", data["no_shows"])]
    summary += [("房源数", units["total"]), ("已售", units["sold"]), ("剩余", units["left"]),
                ("开始选房", _when(data["selecting_at"])), ("最后成交", _when(data["last_sold_at"])),
                ("售罄用时", _duration(data["sell_out_seconds"])),
                ("售罄用时(秒)", "" if data["sell_out_seconds"] is None else data["sell_out_seconds"])]
    if data["mode"] == "race":
        summary += [("抢房尝试", data["attempts"])]
    summary += [("被拒绝次数", sum(x["count"] for x in data["refusals"])), ("生成时间", _when(data["generated_at"]))]
    _sheet(book, "汇总", ("指标", "数值"), summary)
    if data["mode"] == "lottery":
        _sheet(book, "批次", ("批次", "开始", "开始原因", "结束", "结束原因", "人数", "已选", "放弃", "过号", "未完成",
                            "售出套数"),
               ([w["number"], _when(w["opened_at"]), REASONS.get(w["opened_reason"] or "", ""), _when(w["closed_at"]),
                 REASONS.get(w["closed_reason"] or "", ""), w["members"], w["chose"], w["gave_up"], w["no_shows"],
                 w["pending"], w["sold"]] for w in data["windows"]))
    _sheet(book, "拒绝", ("错误码", "次数"), ([x["code"], x["count"]] for x in data["refusals"]))
    return _bytes(book)


class LaunchReportRoutes:
    @route("GET", "/api/launches/<int:launch_id>/report", query=r.LaunchReportQuery, response=r.LaunchReport,
           produces=XLSX_TYPE,
           summary="开盘报告: registrations (total, cancelled, eligible, 诚意金 paid), the draw, each lottery window "
                   "(opened and closed, why, members, chose, gave up, no-shows, units sold), units sold and left, "
                   "the time to sell out, race attempts and refused holds by code. ?format=xlsx for the spreadsheet")
    def launch_report(self, request, actor, launch_id, query):
        q = load(r.LaunchReportQuery, query)
        data = self.inventory.launch_report(actor, launch_id)  # dumped by inventory: passed on as it came
        if q["format"] == "xlsx":
            return _file(workbook(data), f"launch-{launch_id}-report")
        return data
