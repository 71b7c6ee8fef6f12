"""Refusals: how long the system takes to say no.

    .venv/bin/python bench/refusals.py [--samples 5] [--rpc-timeout 3]

Starts the system on PostgreSQL with `RPC_TIMEOUT=--rpc-timeout`, then times through the
gateway:

1. **spreadsheet bombs** (`POST /api/projects/{id}/imports`): a zip that inflates to 60 MB,
   a sheet deflated 341:1, a zip of a thousand parts (refused from the central directory,
   413). Read in process, the first held inventory 45 s. (A sheet of a million cells is no
   longer refused at the upload: it is a job, 202, that fails TOO_MANY_CELLS in the background);
2. **inventory away**: inventory's process killed, `GET /api/projects/{id}/board` and
   `POST /api/units/{id}/holds` answer 503 once the gateway's RPC timeout runs out.

Prints min/median/max seconds of each. The tests prove what these refusals are (the code,
nothing inflated, nothing written: services/inventory/tests/test_spreadsheets.py,
tests/own_system/test_hostile_input_api.py, tests/reliability/test_outages.py); this
script gives the figures they no longer assert.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loupan.testing.client import Api  # noqa: E402
from loupan.testing.system import System  # noqa: E402
from services.inventory.tests.xlsx_files import bomb, streamed  # noqa: E402
from tests.api import make_project  # noqa: E402

DIRECTOR = ("director", "bench-director-1")
ZH = ["楼栋", "房号", "楼层", "户型", "朝向", "物业形态", "建筑面积", "套内面积", "表价", "底价", "装修", "交付日期"]
BUYER = {"customer_name": "王五", "customer_phone": "13812345678"}


def timed(samples, request, expected):
    """Seconds of each of `samples` requests, each checked for the `expected` status."""
    seconds = []
    for _ in range(samples):
        started = time.perf_counter()
        response = request()
        seconds.append(time.perf_counter() - started)
        if response.status_code != expected:
            raise SystemExit(f"expected {expected}, got {response.status_code}: {response.text[:200]}")
    return seconds


def line(label, seconds):
    print(f"{label:<48} min {min(seconds):6.3f} s   median {statistics.median(seconds):6.3f} s   "
          f"max {max(seconds):6.3f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--rpc-timeout", type=float, default=3)
    args = parser.parse_args()
    bombs = (("60 MB inflated (413)", bomb(ZH), 413), ("341:1 sheet (413)", bomb(ZH, 20 * 1024 * 1024), 413),
             ("1,000 parts (413)", streamed(ZH, lambda sheet: None, extra_members=1000), 413))
    system = System(Path(tempfile.mkdtemp(prefix="loupan-refusals-")),
                    env={"LOG_LEVEL": "WARNING", "RPC_TIMEOUT": str(args.rpc_timeout)})
    figures = []
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", "拒绝代理",
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        director = Api(system.url()).login(*DIRECTOR)
        project, units = make_project(director, "拒绝测试", units=args.samples + 1)
        pid = project["id"]
        for label, content, status in bombs:
            figures.append((f"spreadsheet bomb: {label}", timed(
                args.samples, lambda: director.post(f"/api/projects/{pid}/imports", data=content), status)))
        system.kill("inventory")
        figures.append(("inventory killed: GET board (503)", timed(
            args.samples, lambda: director.get(f"/api/projects/{pid}/board"), 503)))
        holds = iter(units)
        figures.append(("inventory killed: POST hold (503)", timed(
            args.samples, lambda: director.post(f"/api/units/{next(holds)}/holds", BUYER), 503)))
    finally:
        system.destroy()
    print(f"RPC_TIMEOUT {args.rpc_timeout:g} s, {args.samples} samples each")
    for label, seconds in figures:
        line(label, seconds)


if __name__ == "__main__":
    main()
