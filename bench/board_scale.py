"""Board at scale: does one project's 销控表 cost the same when the agency has 200 projects?

    .venv/bin/python bench/board_scale.py [--units 3000] [--projects 200] [--samples 30]

Starts the system on PostgreSQL, creates one project of `--units` units through the API
(15 buildings, released, some held), times `GET /api/projects/{id}/board` through the
gateway, then loads `--projects - 1` more projects of the same size straight into the
inventory database (INSERT … SELECT: 600,000 units in seconds rather than an hour of API
calls; the board query does not care how rows arrived), runs ANALYZE, and times the same
board again. Prints p50/p95 at both sizes and the ratio large ÷ small.
Goal (issue 3): p50 under 150 ms for a 3,000-unit board, ratio under 1.3.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loupan.testing.client import Api  # noqa: E402
from loupan.testing.system import System  # noqa: E402
from tests.api import unit_rows  # noqa: E402

DIRECTOR = ("director", "bench-director-1")


def first_project(api, units):
    project = api.ok(api.post("/api/projects", {"name": "规模测试-000", "city": "杭州",
                                                "developer_name": "某地产"}), 201)
    pid, ids = project["id"], []
    per_building = -(-units // 15)
    for b in range(15):
        count = min(per_building, units - len(ids))
        if count <= 0:
            break
        building = api.ok(api.post(f"/api/projects/{pid}/buildings",
                                   {"name": f"{b + 1}号楼", "permit_no": f"预售{b + 1:03d}"}), 201)
        created = api.ok(api.post(f"/api/projects/{pid}/units",
                                  {"units": unit_rows(building["id"], count, floors=50)}), 201)
        ids += [u["id"] for u in created]
    api.ok(api.post(f"/api/projects/{pid}/releases", {"unit_ids": ids[: len(ids) * 2 // 3]}))
    for i, unit_id in enumerate(ids[: len(ids) // 10: 7]):
        api.ok(api.post(f"/api/units/{unit_id}/holds",
                        {"customer_name": f"客户{i}", "customer_phone": f"139{i:08d}"}), 201)
    return pid


def time_board(api, project_id, samples):
    url = f"{api.base_url}/api/projects/{project_id}/board"
    session = requests.Session()
    session.get(url, headers=api.headers(), timeout=60).raise_for_status()  # warm caches
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        response = session.get(url, headers=api.headers(), timeout=60)
        response.raise_for_status()
        timings.append(time.perf_counter() - started)
    cells = sum(len(f["units"]) for b in response.json()["buildings"] for f in b["floors"])
    ordered = sorted(timings)
    return {"p50_ms": round(statistics.median(timings) * 1000, 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
            "cells": cells, "bytes": len(response.content)}


def clone_projects(url, source_id, copies):
    """Copy the source project's buildings and units `copies` times, as other projects."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for n in range(1, copies + 1):
            new_id = conn.execute(text(
                "INSERT INTO projects (agency_id, name, city, developer_name, hold_minutes, "
                "max_holds_per_buyer, advisor_discount_pct, created_at) "
                "SELECT agency_id, :name, city, developer_name, hold_minutes, max_holds_per_buyer, "
                "advisor_discount_pct, created_at FROM projects WHERE id = :src RETURNING id"),
                {"name": f"规模测试-{n:03d}", "src": source_id}).scalar_one()
            conn.execute(text(
                "INSERT INTO buildings (agency_id, project_id, name, permit_no) "
                "SELECT agency_id, :new, name, permit_no FROM buildings WHERE project_id = :src"),
                {"new": new_id, "src": source_id})
            conn.execute(text(
                "INSERT INTO units (agency_id, project_id, building_id, number, floor, layout, "
                "orientation, property_type, gross_area, net_area, list_price, base_price, "
                "decoration, delivery_date, status, status_changed_at) "
                "SELECT u.agency_id, :new, nb.id, u.number, u.floor, u.layout, u.orientation, "
                "u.property_type, u.gross_area, u.net_area, u.list_price, u.base_price, "
                "u.decoration, u.delivery_date, u.status, u.status_changed_at "
                "FROM units u JOIN buildings ob ON ob.id = u.building_id "
                "JOIN buildings nb ON nb.project_id = :new AND nb.name = ob.name "
                "WHERE u.project_id = :src"), {"new": new_id, "src": source_id})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
        total = conn.execute(text("SELECT count(*) FROM units")).scalar_one()
    engine.dispose()
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    system = System(Path(tempfile.mkdtemp(prefix="loupan-board-")), env={"LOG_LEVEL": "WARNING"})
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", "规模代理",
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        api = Api(system.url()).login(*DIRECTOR)
        pid = first_project(api, args.units)
        small = time_board(api, pid, args.samples)
        started = time.perf_counter()
        total = clone_projects(system.urls["inventory"], pid, args.projects - 1)
        load_s = time.perf_counter() - started
        large = time_board(api, pid, args.samples)
    finally:
        system.destroy()
    print(f"units per project             {args.units} ({small['cells']} cells, {small['bytes']} bytes of JSON)")
    print(f"small: 1 project              p50 {small['p50_ms']} ms   p95 {small['p95_ms']} ms")
    print(f"loaded {args.projects - 1} more projects      {total} units in all, {load_s:.1f} s")
    print(f"large: {args.projects} projects           p50 {large['p50_ms']} ms   p95 {large['p95_ms']} ms")
    print(f"ratio large / small (p50)     {large['p50_ms'] / small['p50_ms']:.2f}")
    ok = small["p50_ms"] < 150 and large["p50_ms"] / small["p50_ms"] < 1.3
    print("goal (p50 < 150 ms, ratio < 1.3):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
