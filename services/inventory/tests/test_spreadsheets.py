"""Spreadsheets through the real entrypoints, on SQLite and PostgreSQL: unit import jobs
from real .xlsx files (dry run, every kind of bad row, all or nothing, progress), the import
queue (an upload only records its job; bounds; a full queue; a stopped process's job), the
.xlsx exports of the unit list and the 销控表, and the audit history of a unit."""
import base64
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import eventlet
import openpyxl
import pytest

from loupan.errors import Forbidden, Invalid, NotFound, QueueFull, RuleViolated, TooLarge
from sqlalchemy import create_engine, select

from loupan.testing import db_write
from loupan.types import utcnow
from services.inventory import xlsx_reader
from services.inventory.import_queue import ImportQueue
from services.inventory.models import Unit, UnitImport
from services.inventory.tests.conftest import DIRECTOR
from services.inventory.tests.xlsx_files import bomb, streamed, wide, xlsx

ZH = ["楼栋", "房号", "楼层", "户型", "朝向", "物业形态", "建筑面积", "套内面积", "表价", "底价", "装修", "交付日期"]
EN = ["Building", "Number", "Floor", "Layout", "Orientation", "Property Type", "Gross Area", "Net Area",
      "Unit Price", "Base Price"]
OTHER_AGENCY = dict(DIRECTOR, account_id=99, agency_id=2)
ASSISTANT = {"account_id": 6, "username": "asst6", "role": "assistant", "agency_id": 1, "project_ids": None}


def row(number, floor, building="1号楼", gross=89.5, net=70.25, list_price=2500000, base=2300000,
        kind="住宅"):
    return [building, number, floor, "3室2厅2卫", "南", kind, gross, net, list_price, base, "精装", date(2027, 6, 30)]


def start(call, project_id, content, dry_run=False, actor=DIRECTOR):
    return call("import_units", actor, project_id,
                {"content": base64.b64encode(content).decode("ascii"), "dry_run": dry_run})


def finished(call, job, actor=DIRECTOR):
    """Poll the job until it ends (bounded: the test fails rather than hangs)."""
    for _ in range(600):
        job = call("get_import", actor, job["id"])
        if job["status"] in ("done", "failed"):
            return job
        eventlet.sleep(0.05)
    raise AssertionError(f"import {job['id']} still {job['status']}")


def described(call, project_id):
    """Every unit of the project as (building name, its fields), sorted: ids and status aside."""
    board = json.loads(call("get_board", DIRECTOR, project_id))
    names = {b["id"]: b["name"] for b in board["buildings"]}
    keys = ("number", "floor", "layout", "orientation", "property_type", "gross_area", "net_area",
            "list_price", "base_price", "decoration", "delivery_date")
    items = call("list_units", DIRECTOR, project_id, {"limit": 5000})["items"]
    return sorted((names[u["building_id"]],) + tuple(u[k] for k in keys) for u in items)


def unit_count(call, project_id):
    return call("list_units", DIRECTOR, project_id, {"limit": 1})["total"]


def units_by_number(call, project_id):
    return {u["number"]: u for u in call("list_units", DIRECTOR, project_id, {"limit": 5000})["items"]}


@pytest.fixture
def empty_project(call):
    """A project whose buildings are 1号楼 and 2号楼, without units."""
    project = call("create_project", DIRECTOR, {"name": "西湖印", "city": "杭州", "developer_name": "某地产"})
    call("create_building", DIRECTOR, project["id"], {"name": "1号楼", "permit_no": "杭售许字009"})
    call("create_building", DIRECTOR, project["id"], {"name": "2号楼"})
    return project


def test_chinese_file_creates_unreleased_units_with_history(call, empty_project):
    pid = empty_project["id"]
    content = xlsx(ZH, [row("1201", 12), row(1202, 12.0, kind="公寓"), row("0101", 1, building="2号楼")],
                   sized=False)
    job = start(call, pid, content)
    assert job["status"] == "queued" and job["dry_run"] is False and job["created_by"] == 1
    job = finished(call, job)
    assert job["status"] == "done", job
    assert (job["total_rows"], job["processed_rows"], job["imported_rows"], job["errors"]) == (3, 3, 3, [])
    assert job["finished_at"] is not None
    units = units_by_number(call, pid)
    assert set(units) == {"1201", "1202", "0101"}
    u = units["1202"]
    assert (u["status"], u["property_type"], u["floor"], u["gross_area"], u["net_area"]) == \
        ("unreleased", "apartment", 12, "89.50", "70.25")
    assert (u["list_price"], u["base_price"], u["decoration"], u["delivery_date"]) == \
        ("2500000.00", "2300000.00", "精装", "2027-06-30")
    history = call("unit_history", DIRECTOR, u["id"])
    assert [(h["from_status"], h["to_status"], h["reason"], h["actor_name"]) for h in history] == \
        [(None, "unreleased", "created", "director")]


def test_english_headers_and_unit_price_times_area_rounded_half_up(call, empty_project):
    pid = empty_project["id"]
    # 30000.05 × 89.50 = 2685004.475 -> 2685004.48 (half up)
    content = xlsx(EN, [["1号楼", "301", 3, "2室2厅1卫", "SE", "shop", "89.50", 70, "30000.05", 2000000]])
    job = finished(call, start(call, pid, content))
    assert job["status"] == "done", job
    u = units_by_number(call, pid)["301"]
    assert (u["list_price"], u["orientation"], u["property_type"], u["decoration"]) == \
        ("2685004.48", "SE", "shop", None)


def test_headers_as_developers_send_them_with_units_and_wan_yuan(call, empty_project):
    """Full-width brackets, spaces, a unit in the header, synonyms, and 总价 in 万元 scaled exactly."""
    pid = empty_project["id"]
    header = ["楼栋", "户号", "所在楼层", "户型", "朝向", "业态", "建筑面积（平方米）", "套内面积(㎡)", "总价（万元）",
              "底价 (万元)", "装修标准", "交房日期"]
    job = finished(call, start(call, pid, xlsx(header, [row("501", 5, list_price=302.55, base=280.1),
                                                         row("502", 5, list_price="298", base="270.0055")])))
    assert job["status"] == "done", job["errors"]
    units = units_by_number(call, pid)
    assert (units["501"]["list_price"], units["501"]["base_price"], units["501"]["gross_area"]) == \
        ("3025500.00", "2801000.00", "89.50")
    assert (units["502"]["list_price"], units["502"]["base_price"]) == ("2980000.00", "2700055.00")


def test_a_header_in_a_unit_it_cannot_be_read_in_fails_the_job_saying_so(call, empty_project):
    header = ZH[:8] + ["表价(美元)"] + ZH[9:]
    job = failed_with(call, start(call, empty_project["id"], xlsx(header, [row("601", 6)])), "INVALID_SPREADSHEET")
    assert "美元" in job["errors"][0]["reasons"][0], job


def test_dry_run_lists_every_bad_row_and_imports_nothing(call, project):
    pid = project["project"]["id"]
    before = unit_count(call, pid)
    rows = [
        row("1101", 11),                                # 2: good
        ["1号楼", "1102", None, "3室2厅2卫", "南", "住宅", 90, 80, 2500000, 2300000],  # 3: missing floor
        row("1101", 11),                                # 4: duplicate in the file
        row("101", 1),                                  # 5: exists already
        row("1103", 11, gross=0),                       # 6: area <= 0
        row("1104", 11, gross=80, net=90),              # 7: net > gross
        row("1105", 11, list_price=2000000, base=2100000),  # 8: base above list
        row("1106", 11, building="9号楼"),               # 9: unknown building
    ]
    job = finished(call, start(call, pid, xlsx(ZH, rows), dry_run=True, actor=ASSISTANT), actor=ASSISTANT)
    assert job["status"] == "failed" and job["dry_run"] is True
    assert job["processed_rows"] == job["total_rows"] == 8 and job["imported_rows"] == 0
    reasons = {e["row"]: " | ".join(e["reasons"]) for e in job["errors"]}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "楼层 (floor): missing" in reasons[3]
    assert "appears twice" in reasons[4] and "row 2" in reasons[4]
    assert "101 already exists in 1号楼" in reasons[5]
    assert "建筑面积 (gross_area): must be more than 0" in reasons[6]
    assert "套内面积 (net_area)" in reasons[7]
    assert "底价 (base_price): above the 表价; only a director" in reasons[8]
    assert "9号楼 is not a building of this project" in reasons[9]
    assert unit_count(call, pid) == before


def test_good_dry_run_is_done_and_imports_nothing(call, empty_project):
    pid = empty_project["id"]
    job = finished(call, start(call, pid, xlsx(ZH, [row("1201", 12)]), dry_run=True))
    assert (job["status"], job["processed_rows"], job["imported_rows"], job["errors"]) == ("done", 1, 0, [])
    assert unit_count(call, pid) == 0


def test_one_bad_row_and_nothing_is_imported(call, empty_project):
    pid = empty_project["id"]
    rows = [row(f"{f}01", f) for f in range(1, 30)] + [row("3001", 30, net=100)]
    job = finished(call, start(call, pid, xlsx(ZH, rows)))
    assert job["status"] == "failed" and job["imported_rows"] == 0
    assert [e["row"] for e in job["errors"]] == [31] and job["errors"][0]["number"] == "3001"
    assert unit_count(call, pid) == 0


def test_large_file_reports_progress_to_the_end(call, empty_project):
    pid = empty_project["id"]
    rows = [row(f"{i // 4 % 30 + 1:02d}{i:04d}", i // 4 % 30 + 1) for i in range(5000)]
    job = finished(call, start(call, pid, xlsx(ZH, rows)))
    assert job["status"] == "done", job["errors"][:3]
    assert job["processed_rows"] == job["total_rows"] == job["imported_rows"] == 5000
    assert unit_count(call, pid) == 5000


@pytest.mark.parametrize("content, code", [
    (b"not a spreadsheet at all", "INVALID_SPREADSHEET"),
    (b"PK\x03\x04 a zip that is not one", "INVALID_SPREADSHEET"),
])
def test_a_file_that_is_not_an_xlsx_is_refused(call, empty_project, content, code):
    with pytest.raises(Invalid) as err:
        start(call, empty_project["id"], content)
    assert err.value.code == code


def failed_with(call, job, code):
    """The job ended failed for the whole file, with `code` and a reason."""
    job = finished(call, job)
    assert (job["status"], job["error_code"], job["imported_rows"]) == ("failed", code, 0), job
    assert job["errors"][0]["row"] is None and job["errors"][0]["reasons"][0]
    return job


def test_a_header_without_required_columns_fails_the_job(call, empty_project):
    job = start(call, empty_project["id"], xlsx(["楼栋", "房号", "楼层"], [["1号楼", "101", 1]]))
    assert job["status"] == "queued"  # answered before anything is parsed
    job = failed_with(call, job, "MISSING_COLUMNS")
    assert "建筑面积/gross_area" in job["errors"][0]["reasons"][0]


def test_files_over_the_limits_fail_or_are_refused(call, empty_project):
    pid = empty_project["id"]
    for sized in (True, False):
        failed_with(call, start(call, pid, xlsx(ZH, [["1号楼"]] * 20_001, sized=sized)), "TOO_MANY_ROWS")
    with pytest.raises(TooLarge) as err:
        start(call, pid, b"\0" * (10 * 1024 * 1024 + 1))
    assert err.value.code == "SPREADSHEET_TOO_LARGE"
    assert unit_count(call, pid) == 0


def test_a_decompression_bomb_is_refused_before_anything_is_inflated(call, empty_project, monkeypatch):
    """A zip's central directory tells what it inflates to: 60 MB in all (read in process, it
    held inventory 45 s), a sheet deflated 341:1, a thousand parts. Refused at the upload: no
    member of the zip is opened, no parser child is started and no job recorded (the service
    runs in this process, so both are watched here; bench/refusals.py times the refusal)."""
    pid = empty_project["id"]
    bombs = ((bomb(ZH), "inflates to 59 MB"), (bomb(ZH, 20 * 1024 * 1024), "inflates 341 times"),
             (streamed(ZH, lambda sheet: None, extra_members=1000), "parts in the zip"))
    opened, parsed = [], []
    real_open, real_parse = zipfile.ZipFile.open, xlsx_reader._in_child
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda zf, name, *a, **k: opened.append(name) or
                        real_open(zf, name, *a, **k))
    monkeypatch.setattr(xlsx_reader, "_in_child", lambda mode, data, seconds: parsed.append(mode) or
                        real_parse(mode, data, seconds))
    for content, why in bombs:
        assert len(content) < 200_000
        with pytest.raises(TooLarge) as err:
            start(call, pid, content)
        assert err.value.code == "SPREADSHEET_TOO_LARGE" and why in err.value.message, err.value.message
    assert (opened, parsed) == ([], [])
    assert unit_count(call, pid) == 0
    # the watch sees a file that is read: a sheet of one row goes to the parser, once
    assert finished(call, start(call, pid, xlsx(ZH, [row("101", 1)]), dry_run=True))["status"] == "done"
    assert parsed == ["rows"]


def test_cells_are_bounded_as_rows_are(call, empty_project):
    """62 rows ending in column XFD parse as a million cells: the job fails."""
    failed_with(call, start(call, empty_project["id"], wide(ZH, 62)), "TOO_MANY_CELLS")
    job = finished(call, start(call, empty_project["id"], wide(ZH, 60), dry_run=True))
    assert job["status"] == "failed" and job["error_code"] is None  # read, and every row is bad


def test_the_child_keeps_the_parse_budget():
    """The child answers "too slow" itself when its alarm rings: a budget of 1 s against a
    parse made to wait (a stdin that never ends stands for a slow parse)."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-m", "loupan.xlsx_reader", "1", "20000"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=xlsx_reader.ROOT)
    child.wait(timeout=30)  # stdin left open: the read waits until the alarm rings
    out = child.stdout.read()
    child.stdin.close()
    assert json.loads(out) == {"error": ["TooLarge", "the spreadsheet is too large to read: reading it takes "
                                         "longer than 1 s", "SPREADSHEET_TOO_LARGE"]}


class Gate:
    """Holds every parse (xlsx_reader._in_child) until opened: which jobs are being read is
    then known, not guessed from timing."""

    def __init__(self, monkeypatch):
        self.reading, self.opened = [], eventlet.event.Event()
        self.started = eventlet.event.Event()
        real = xlsx_reader._in_child

        def in_child(mode, data, seconds):
            self.reading.append(mode)
            if not self.started.ready():
                self.started.send()
            self.opened.wait()
            return real(mode, data, seconds)

        monkeypatch.setattr(xlsx_reader, "_in_child", in_child)

    def open(self):
        self.opened.send()


def stored_file(config, job_id):
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(select(UnitImport.__table__.c.content).where(UnitImport.id == job_id)).scalar_one()
    finally:
        engine.dispose()


def job_rows(config):
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(select(UnitImport.__table__.c.id)).all()
    finally:
        engine.dispose()


def queue_of(container):
    return next(d for d in container.dependencies if isinstance(d, ImportQueue))


def statuses(ids):
    return [s for _, s in sorted(ids.items())]


def test_the_service_answers_while_it_reads_a_file(call, inventory, project, empty_project, monkeypatch):
    """An upload is answered before its file is read (queued), then read in the background,
    in a child process, with no unit of work open and no RPC worker held: while it is read,
    the board and holds answer; on SQLite too."""
    gate = Gate(monkeypatch)
    content = xlsx(ZH, [row(f"{i:05d}", i % 30 + 1) for i in range(8000)], sized=False)
    job = start(call, empty_project["id"], content, dry_run=True)
    assert job["status"] == "queued" and job["total_rows"] == 0
    gate.started.wait()
    assert gate.reading == ["rows"]
    call("get_board", DIRECTOR, project["project"]["id"])
    unit = project["units"][0]["id"]
    call("release_units", DIRECTOR, project["project"]["id"], {"unit_ids": [unit]})
    advisor = {"account_id": 7, "username": "adv7", "role": "advisor", "agency_id": 1, "project_ids": None}
    call("hold_unit", advisor, unit, {"customer_name": "李四", "customer_phone": "13812345678"})
    assert call("get_import", DIRECTOR, job["id"])["status"] == "running"  # still being read
    gate.open()
    job = finished(call, job)
    assert (job["status"], job["total_rows"], job["attempts"]) == ("done", 8000, 1)
    assert stored_file(inventory.config, job["id"]) is None  # the file is not kept past its job


def test_a_full_queue_is_refused_at_once_and_the_bounds_hold(call, inventory, empty_project, project, monkeypatch):
    """Jobs run one per uploader and one per project at a time, at most PARSERS per process;
    the queue holds IMPORT_QUEUE_PER_ACCOUNT jobs per uploader: past it QueueFull (429 with
    Retry-After at the gateway), nothing recorded, while another uploader's job still goes in.
    Every accepted job ends."""
    gate = Gate(monkeypatch)
    queue = queue_of(inventory)
    monkeypatch.setitem(queue.limits, "IMPORT_QUEUE_PER_ACCOUNT", 3)
    monkeypatch.setitem(queue.limits, "IMPORT_RETRY_AFTER_SECONDS", 7)
    pid, other = empty_project["id"], project["project"]["id"]
    content = xlsx(ZH, [row("1201", 12)])
    mine = [start(call, pid, content, dry_run=True) for _ in range(3)]
    with pytest.raises(QueueFull) as full:
        start(call, pid, content, dry_run=True)
    assert (full.value.code, full.value.retry_after) == ("IMPORT_QUEUE_FULL", 7)
    assert "3 imports of yours" in full.value.message
    someone = dict(DIRECTOR, account_id=2, username="director2")
    theirs = [start(call, other, content, dry_run=True, actor=someone),
              start(call, pid, content, dry_run=True, actor=someone)]
    gate.started.wait()
    for _ in range(100):  # the dispatcher claims within its pass: wait for it to settle
        jobs = {j["id"]: call("get_import", DIRECTOR, j["id"])["status"] for j in mine + theirs}
        if list(jobs.values()).count("running") == 2:
            break
        eventlet.sleep(0.05)
    # one per uploader, one per project: mine[0] (account 1, project pid) and theirs[0]
    # (account 2, the other project); theirs[1] waits for pid, mine[1:] for account 1
    assert statuses(jobs) == ["running", "queued", "queued", "running", "queued"], jobs
    assert len(job_rows(inventory.config)) == 5  # the refused one was not recorded
    gate.open()
    assert {finished(call, j)["status"] for j in mine + theirs} == {"done"}
    assert finished(call, start(call, pid, content, dry_run=True))["status"] == "done"  # room again


def test_a_job_whose_process_stopped_is_run_again(call, inventory, empty_project, monkeypatch):
    """A running job that stopped beating (its process died) is queued again by a dispatcher
    and runs to its end; one interrupted too often fails IMPORT_INTERRUPTED."""
    queue = queue_of(inventory)
    pid = empty_project["id"]
    gate = Gate(monkeypatch)
    job = start(call, pid, xlsx(ZH, [row("1201", 12)]))
    gate.started.wait()
    # as if another process had claimed it and died: not ours, and its heartbeat old
    thread = queue.running.pop(job["id"])
    thread.kill()
    old = utcnow().replace(year=2000)
    db_write(inventory.config, UnitImport.__table__.update().where(UnitImport.id == job["id"]).values(
        heartbeat_at=old))
    gate.open()
    queue.wake()
    job = finished(call, job)
    assert (job["status"], job["imported_rows"], job["attempts"]) == ("done", 1, 2)
    second = start(call, pid, xlsx(ZH, [row("1202", 12)]))
    finished(call, second)
    db_write(inventory.config, UnitImport.__table__.update().where(UnitImport.id == second["id"]).values(
        status="running", heartbeat_at=old, attempts=3))
    queue.wake()
    failed = finished(call, second)
    assert (failed["status"], failed["error_code"]) == ("failed", "IMPORT_INTERRUPTED")


def test_imports_are_out_of_reach_of_other_agencies_and_projects(call, empty_project):
    pid = empty_project["id"]
    with pytest.raises(NotFound):
        start(call, pid, xlsx(ZH, [row("1201", 12)]), actor=OTHER_AGENCY)
    job = finished(call, start(call, pid, xlsx(ZH, [row("1201", 12)]), dry_run=True))
    with pytest.raises(NotFound) as err:
        call("get_import", OTHER_AGENCY, job["id"])
    assert err.value.code == "IMPORT_NOT_FOUND"
    with pytest.raises(Forbidden):
        call("get_import", dict(DIRECTOR, role="manager", project_ids=[pid + 1000]), job["id"])


def test_exported_unit_list_imports_again(call, project, empty_project):
    source = project["project"]["id"]
    call("release_units", DIRECTOR, source, {"unit_ids": [project["units"][0]["id"]]})
    file = call("export_units_xlsx", DIRECTOR, source)
    assert file["filename"] == "滨江壹号-房源表.xlsx"
    content = base64.b64decode(file["content"])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:9] == ["楼栋", "房号", "楼层", "户型", "朝向", "物业形态", "建筑面积", "套内面积", "表价"]
    assert "底价" in header and header[-1] == "状态"
    assert sheet.max_row == 1 + len(project["units"])
    job = finished(call, start(call, empty_project["id"], content))
    assert job["status"] == "done", job["errors"]
    assert described(call, empty_project["id"]) == described(call, source)


def test_a_unit_repriced_below_its_base_price_exports_and_imports_again_by_a_director(call, project, empty_project):
    """A director's approved price list may put a 表价 under the 底价; the 房源表 of that project
    then imports as it is, by a director (as the price list needed one); by an assistant, the
    file's row is named and nothing is created."""
    source, unit_id = project["project"]["id"], project["units"][0]["id"]
    manager = {"account_id": 5, "username": "mgr5", "role": "manager", "agency_id": 1, "project_ids": None}
    draft = call("create_price_list", manager, source, {"adjustments": [
        {"selector": {"unit_ids": [unit_id]}, "method": "percent", "value": "-10"}]})  # 2,700,000 < 2,800,000
    assert draft["needs_director_approval"] is True
    call("approve_price_list", DIRECTOR, draft["id"])
    call("publish_price_list", DIRECTOR, draft["id"])
    content = base64.b64decode(call("export_units_xlsx", DIRECTOR, source)["content"])
    job = finished(call, start(call, empty_project["id"], content, actor=ASSISTANT), actor=ASSISTANT)
    assert job["status"] == "failed" and job["imported_rows"] == 0
    assert [e["number"] for e in job["errors"]] == ["101"] and "底价" in job["errors"][0]["reasons"][0]
    job = finished(call, start(call, empty_project["id"], content))
    assert job["status"] == "done", job["errors"]
    assert described(call, empty_project["id"]) == described(call, source)
    (moved,) = [u for u in call("list_units", DIRECTOR, empty_project["id"], {"limit": 100})["items"]
                if Decimal(u["list_price"]) < Decimal(u["base_price"])]
    assert (moved["number"], moved["list_price"]) == ("101", "2700000.00")
    assert call("unit_history", DIRECTOR, moved["id"])[0]["reason"] == "created below 底价 by a director"
    building = call("create_building", DIRECTOR, source, {"name": "3号楼", "permit_no": "杭售许字003"})
    under = {"building_id": building["id"], "number": "301", "floor": 3, "layout": "2室", "orientation": "南",
             "property_type": "residential", "gross_area": "90.00", "net_area": "80.00", "list_price": "100.00",
             "base_price": "200.00"}
    with pytest.raises(RuleViolated) as refused:
        call("create_units", ASSISTANT, source, {"units": [under]})  # by hand: the same rule
    assert refused.value.code == "BELOW_BASE_NEEDS_DIRECTOR"


def test_board_export_has_a_sheet_per_building_and_totals(call, project):
    pid = project["project"]["id"]
    call("release_units", DIRECTOR, pid, {"unit_ids": [u["id"] for u in project["units"][:3]]})
    file = call("export_board_xlsx", DIRECTOR, pid)
    assert file["filename"] == "滨江壹号-销控表.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(file["content"])))
    assert workbook.sheetnames == ["汇总", "1号楼", "2号楼"]
    sheet = workbook["1号楼"]
    assert [sheet.cell(r, 1).value for r in range(2, 12)] == [f"{f}层" for f in range(10, 0, -1)]
    top, bottom = sheet.cell(2, 2), sheet.cell(11, 2)
    assert top.value == "1001\n未推" and bottom.value == "101\n待售"
    assert top.fill.fgColor.rgb.endswith("D9D9D9") and bottom.fill.fgColor.rgb.endswith("C6EFCE")
    totals = {r[0]: r[1:] for r in workbook["汇总"].iter_rows(min_row=2, values_only=True)}
    assert totals["待售"] == (3, 300, 9000000) and totals["未推"][0] == 8 and totals["合计"][0] == 11
    assert Decimal(str(totals["合计"][2])) == Decimal("33000000")


def test_exports_of_a_project_larger_than_an_import_are_refused(call, inventory, project):
    """An export is at most one import's rows; past that a clear 422, for both files."""
    pid, building = project["project"]["id"], project["building"]["id"]
    spare = xlsx_reader.MAX_SPREADSHEET_ROWS - len(project["units"])
    db_write(inventory.config, Unit.__table__.insert(), [
        {"agency_id": 1, "project_id": pid, "building_id": building, "number": f"B{i}", "floor": 1,
         "layout": "1室", "orientation": "南", "property_type": "residential", "gross_area": Decimal("50"),
         "net_area": Decimal("40"), "list_price": Decimal("1000000"), "base_price": Decimal("900000"),
         "status": "unreleased", "status_changed_at": utcnow()} for i in range(spare + 1)])
    for method in ("export_units_xlsx", "export_board_xlsx"):
        with pytest.raises(RuleViolated) as refused:
            call(method, DIRECTOR, pid)
        assert refused.value.code == "EXPORT_TOO_LARGE" and "20,001 units" in str(refused.value), method


def test_unit_history_lists_every_change_in_order_within_scope(call, project):
    pid = project["project"]["id"]
    unit_id = project["units"][0]["id"]
    call("release_units", DIRECTOR, pid, {"unit_ids": [unit_id]})
    advisor = {"account_id": 7, "username": "adv7", "role": "advisor", "agency_id": 1, "project_ids": [pid]}
    hold = call("hold_unit", advisor, unit_id, {"customer_name": "李四", "customer_phone": "13812345678"})
    call("cancel_hold", advisor, hold["hold_id"])
    history = call("unit_history", dict(DIRECTOR, role="developer_viewer", project_ids=[pid]), unit_id)
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "unreleased"), ("unreleased", "available"), ("available", "held"), ("held", "available")]
    assert history[2]["actor_name"] == "adv7" and history[2]["actor_id"] == 7
    assert all(h["unit_id"] == unit_id and h["at"] and "advisor_id" in h and h["reason"] for h in history)
    with pytest.raises(NotFound) as err:
        call("unit_history", OTHER_AGENCY, unit_id)
    assert err.value.code == "UNIT_NOT_FOUND"
    with pytest.raises(Forbidden):
        call("unit_history", dict(advisor, project_ids=[pid + 1000]), unit_id)
    with pytest.raises(NotFound):
        call("unit_history", DIRECTOR, 10**9)
