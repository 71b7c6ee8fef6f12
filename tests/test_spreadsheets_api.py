"""Spreadsheets over HTTP, as a front-end uses them: upload an .xlsx and follow the import
job, download the unit list and the 销控表, read a unit's history; roles, scope and bad
files get the right 4xx and change nothing."""
import io
from datetime import date

import eventlet
import openpyxl
import pytest

from loupan.schemas.inventory_spreadsheets import XLSX_TYPE
from services.inventory.tests.xlsx_files import xlsx
from tests.api import make_project
from tests.conftest import staff

ZH = ["楼栋", "房号", "楼层", "户型", "朝向", "物业形态", "建筑面积", "套内面积", "单价", "底价", "交付日期"]


def row(number, floor, building="1号楼", gross=100, net=80, unit_price=30000, base=2800000):
    return [building, number, floor, "3室2厅2卫", "南", "住宅", gross, net, unit_price, base, date(2027, 6, 30)]


def upload(api, project_id, content, dry_run=False):
    return api.post(f"/api/projects/{project_id}/imports", data=content,
                    params={"dry_run": "true"} if dry_run else None)


def finished(api, job):
    for _ in range(600):
        job = api.ok(api.get(f"/api/imports/{job['id']}"))
        if job["status"] in ("done", "failed"):
            return job
        eventlet.sleep(0.05)
    raise AssertionError(f"import {job['id']} still {job['status']}")


def unit_total(api, project_id):
    return api.ok(api.get(f"/api/projects/{project_id}/units", params={"limit": 1}))["total"]


@pytest.fixture(scope="module")
def site(system, director):
    """A project with a released building (12 units) and an empty building 2号楼; an assistant
    and a developer viewer of it, and a manager of another project."""
    project, units = make_project(director, "表格壹号", units=12)
    director.ok(director.post(f"/api/projects/{project['id']}/buildings", {"name": "2号楼"}), 201)
    other, _ = make_project(director, "表格贰号", units=1)
    return {
        "project": project, "units": units, "other": other,
        "assistant": staff(system, director, "xlsx_assistant", "assistant", [project["id"]]),
        "viewer": staff(system, director, "xlsx_viewer", "developer_viewer", [project["id"]]),
        "advisor": staff(system, director, "xlsx_advisor", "advisor", [project["id"]]),
        "outsider": staff(system, director, "xlsx_outsider", "manager", [other["id"]]),
    }


def test_an_upload_is_a_job_that_imports_every_row(site):
    api, pid = site["assistant"], site["project"]["id"]
    before = unit_total(api, pid)
    rows = [row(f"{f:02d}{n:02d}", f, building="2号楼") for f in range(1, 26) for n in range(1, 5)]
    response = upload(api, pid, xlsx(ZH, rows))
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] in ("queued", "running", "done") and job["project_id"] == pid
    job = finished(api, job)
    assert job["status"] == "done", job["errors"][:3]
    assert job["total_rows"] == job["processed_rows"] == job["imported_rows"] == 100
    assert unit_total(api, pid) == before + 100
    page = api.ok(api.get(f"/api/projects/{pid}/units", params={"status": "unreleased"}))
    assert page["total"] == 100 and {u["list_price"] for u in page["items"]} == {"3000000.00"}


def test_a_dry_run_lists_bad_rows_and_changes_nothing(site):
    api, pid = site["assistant"], site["project"]["id"]
    before = unit_total(api, pid)
    rows = [row("3001", 30, building="2号楼"), row("0101", 1), row("3002", 30, building="9号楼"),
            row("3003", 30, building="2号楼", gross=0)]
    job = finished(api, api.ok(upload(api, pid, xlsx(ZH, rows), dry_run=True), 202))
    assert job["status"] == "failed" and job["dry_run"] is True and job["imported_rows"] == 0
    assert [e["row"] for e in job["errors"]] == [3, 4, 5]
    assert "already exists" in job["errors"][0]["reasons"][0]
    assert unit_total(api, pid) == before


def test_bad_files_are_refused_at_once_or_fail_their_job_and_change_nothing(site):
    """What needs no parse is refused at the upload; what does (the header, rows, cells) ends
    the job failed with its code: an upload never waits for its file to be read."""
    api, pid = site["assistant"], site["project"]["id"]
    before = unit_total(api, pid)
    response = upload(api, pid, b"%PDF-1.4 not a spreadsheet")
    assert response.status_code == 400 and response.json()["error"] == "INVALID_SPREADSHEET"
    response = upload(api, pid, b"")
    assert response.status_code == 400 and response.json()["error"] == "INVALID_SPREADSHEET"
    response = upload(api, pid, b"\0" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413 and response.json()["error"] == "SPREADSHEET_TOO_LARGE"
    for content, code in ((xlsx(["楼栋", "房号"], [["1号楼", "9901"]]), "MISSING_COLUMNS"),
                          (xlsx(ZH, [["1号楼"]] * 20_001), "TOO_MANY_ROWS")):
        response = upload(api, pid, content)
        assert response.status_code == 202, response.text
        assert response.headers["Location"] == f"/api/imports/{response.json()['id']}"
        job = finished(api, response.json())
        assert (job["status"], job["error_code"]) == ("failed", code), job
        assert job["errors"][0]["row"] is None and job["errors"][0]["reasons"]
    assert unit_total(api, pid) == before


def test_only_importers_of_the_project_may_import(site, director):
    pid = site["project"]["id"]
    content = xlsx(ZH, [row("3101", 31, building="2号楼")])
    for role in ("advisor", "viewer"):
        response = upload(site[role], pid, content)
        assert response.status_code == 403 and response.json()["error"] == "ROLE_FORBIDDEN"
    response = upload(site["outsider"], pid, content)
    assert response.status_code == 403 and response.json()["error"] == "PROJECT_FORBIDDEN"
    job = finished(director, director.ok(upload(director, pid, content, dry_run=True), 202))
    assert job["status"] == "done"
    assert site["outsider"].get(f"/api/imports/{job['id']}").status_code == 403
    assert site["advisor"].get(f"/api/imports/{job['id']}").status_code == 403
    assert director.get("/api/imports/999999").json()["error"] == "IMPORT_NOT_FOUND"


def test_the_unit_list_downloads_as_xlsx_and_imports_again(site, director):
    pid = site["project"]["id"]
    response = site["assistant"].get(f"/api/projects/{pid}/units.xlsx")
    assert response.status_code == 200 and response.headers["Content-Type"] == XLSX_TYPE
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f'filename="project-{pid}-units.xlsx"' in disposition
    assert "filename*=UTF-8''" in disposition
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["楼栋", "房号", "楼层"]
    assert sheet.max_row - 1 == unit_total(director, pid)
    copy = director.ok(director.post("/api/projects", {"name": "表格叁号", "city": "杭州", "developer_name": "某地产"}), 201)
    for name in ("1号楼", "2号楼"):
        director.ok(director.post(f"/api/projects/{copy['id']}/buildings", {"name": name}), 201)
    job = finished(director, director.ok(upload(director, copy["id"], response.content), 202))
    assert job["status"] == "done", job["errors"][:3]
    assert unit_total(director, copy["id"]) == unit_total(director, pid)
    assert site["viewer"].get(f"/api/projects/{pid}/units.xlsx").status_code == 403
    assert site["advisor"].get(f"/api/projects/{pid}/units.xlsx").status_code == 403


def test_the_board_downloads_as_xlsx_for_any_role_of_the_project(site):
    pid = site["project"]["id"]
    response = site["viewer"].get(f"/api/projects/{pid}/board.xlsx")
    assert response.status_code == 200 and response.headers["Content-Type"] == XLSX_TYPE
    assert f'filename="project-{pid}-board.xlsx"' in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["汇总", "1号楼"]
    sheet = workbook["1号楼"]
    assert sheet.cell(2, 1).value == "3层" and sheet.cell(sheet.max_row, 1).value == "1层"
    assert sheet.cell(2, 2).value.endswith("待售")
    assert site["outsider"].get(f"/api/projects/{pid}/board.xlsx").status_code == 403


def test_a_units_history_over_http(site, director):
    unit_id = site["units"][0]
    history = site["viewer"].ok(site["viewer"].get(f"/api/units/{unit_id}/history"))
    assert [(h["from_status"], h["to_status"]) for h in history][:2] == [(None, "unreleased"), ("unreleased", "available")]
    assert history[0]["actor_name"] == director.username and history[0]["at"]
    response = site["outsider"].get(f"/api/units/{unit_id}/history")
    assert response.status_code == 403 and response.json()["error"] == "PROJECT_FORBIDDEN"
    assert director.get("/api/units/999999/history").status_code == 404
