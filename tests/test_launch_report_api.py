"""开盘报告 through the gateway (issue 18), on a small lottery launch run to its end: buyers are
texted when their window opens (inventory's selection_window_opened, the gateway's SMS log),
choose or give up on their phones until the launch is sold out, and the manager reads the
report as JSON and as .xlsx (GET /api/launches/<id>/report[?format=xlsx]); the developer's
viewer reads it too, an advisor may not, another agency's director finds no such launch."""
import io

from openpyxl import load_workbook

from loupan.testing import wait_until
from loupan.testing.client import Api
from tests.api import DIRECTOR, texts_to
from tests.conftest import staff
from tests.test_launch_selection_api import launch_of, refused, signed_in, site  # noqa: F401 - the fixture

MOBILES = ["13780000001", "13780000002", "13780000003"]


def window_texts(system, mobile):
    return [t for t in texts_to(system, mobile) if "选房时段" in t]


def test_a_lottery_launch_run_to_its_end_and_its_report(system, site, director):
    units, manager = site["units"][:2], site["manager"]
    launch, regs = launch_of(site, "lottery", units, MOBILES)  # windows of one buyer, two units
    # window 1 opened with selection: its buyer is texted, the others not yet
    wait_until(lambda: window_texts(system, regs[0]["mobile"]), timeout=30, what="window 1's text")
    (text,) = window_texts(system, regs[0]["mobile"])
    assert "第1批" in text and regs[0]["number"] in text and launch["name"] in text
    assert window_texts(system, regs[1]["mobile"]) == [] and window_texts(system, regs[2]["mobile"]) == []

    first, second, third = (signed_in(system, launch["id"], r["mobile"]) for r in regs)
    held = first.hold(units[0])
    assert held.status_code == 201, held.text
    assert first.confirm(held.json()["hold_id"]).status_code == 422  # no 诚意金: the 定金 is asked
    assert first.confirm(held.json()["hold_id"], {"deposit": "50000.00"}).status_code == 201  # window 2 opens
    wait_until(lambda: window_texts(system, regs[1]["mobile"]), timeout=30, what="window 2's text")
    assert second.call("POST", "/api/buyer/give-up").status_code == 200  # window 3 opens
    wait_until(lambda: window_texts(system, regs[2]["mobile"]), timeout=30, what="window 3's text")
    refused(third.hold(units[0]), 409, "UNIT_NOT_AVAILABLE")
    held = third.hold(units[1])
    assert third.confirm(held.json()["hold_id"], {"deposit": "50000.00"}).status_code == 201  # sold out
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "finish"}))

    report = manager.ok(manager.get(f"/api/launches/{launch['id']}/report"))
    assert report["registrations"] == {"total": 3, "cancelled": 0, "eligible": 3, "sincerity_paid": None}
    assert (report["status"], report["drawn"], report["no_shows"]) == ("finished", 3, 0)
    assert [(w["number"], w["members"], w["chose"], w["gave_up"], w["no_shows"], w["sold"], w["closed_reason"])
            for w in report["windows"]] == [(1, 1, 1, 0, 0, 1, "early"), (2, 1, 0, 1, 0, 0, "early"),
                                            (3, 1, 1, 0, 0, 1, "early")]
    assert report["units"] == {"total": 2, "sold": 2, "left": 0}
    assert isinstance(report["sell_out_seconds"], int) and report["sell_out_seconds"] >= 0
    assert report["refusals"] == [{"code": "UNIT_NOT_AVAILABLE", "count": 1}]
    # each buyer was texted once, for their own window
    assert [len(window_texts(system, r["mobile"])) for r in regs] == [1, 1, 1]

    sheet = manager.get(f"/api/launches/{launch['id']}/report", params={"format": "xlsx"})
    assert sheet.status_code == 200 and "launch-" in sheet.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(sheet.content))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert (summary["认筹总数"], summary["摇号入选"], summary["已售"], summary["剩余"]) == (3, 3, 2, 0)
    assert summary["售罄用时(秒)"] == report["sell_out_seconds"]
    windows = list(book["批次"].iter_rows(min_row=2, values_only=True))
    assert [(w[0], w[5], w[6], w[7], w[10]) for w in windows] == [(1, 1, 1, 0, 1), (2, 1, 0, 1, 0), (3, 1, 1, 0, 1)]

    viewer = staff(system, director, "report_viewer", "developer_viewer", [site["project"]["id"]])
    assert viewer.ok(viewer.get(f"/api/launches/{launch['id']}/report"))["units"]["sold"] == 2
    denied = site["advisor"].get(f"/api/launches/{launch['id']}/report")
    assert (denied.status_code, denied.json()["error"]) == (403, "ROLE_FORBIDDEN")
    other = Api(system.url()).login(*DIRECTOR)  # the system's first agency: not this launch's
    for fmt in ("json", "xlsx"):
        answer = other.get(f"/api/launches/{launch['id']}/report", params={"format": fmt})
        assert (answer.status_code, answer.json()["error"]) == (404, "LAUNCH_NOT_FOUND")

