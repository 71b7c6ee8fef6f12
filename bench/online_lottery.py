"""Online 开盘, lottery mode (issue 18): 摇号 then 选房 in windows, as buyers' phones do it.

    .venv/bin/python bench/online_launch.py --mode lottery [--buyers 2000] [--window-size 20]
        [--no-show-windows 2] [--private-postgres]

Starts the whole system on PostgreSQL, a project with one unit per buyer (each with its 交付
date: a confirmation makes a 认购), a lottery launch of them in windows of `--window-size`
buyers of one minute each. Every buyer is registered (认筹), reviewed eligible and signed in
with the code texted to them (read from the SMS log the demo adapter writes). The list is
published with a commitment to a seed, the draw is made, and the documented command
(`python -m services.inventory.lottery_verify`) recomputes it from the two published files.

Then the selection runs: the bench follows the site's view (GET /api/launches/<id>/selection)
and, as each window opens, its buyers act at once: each holds a unit not known taken
(another if it was) and confirms it (the 认购 through contracts' saga, 定金 given). In
`--no-show-windows` windows (spread over the run) one buyer never acts, so that window ends
by time (one minute) rather than early. Prints: windows run, how each opened (early / time),
the delay from a window's due moment (all its buyers done, or its minute up) to its opening
(p50, p99, max), per-buyer time from the window's opening to the confirmed 认购, errors,
units sold twice (the database: must be 0) and the verify command's verdict.
"""
import asyncio
import hashlib
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

from launch_day import DIRECTOR, cpu_seconds, percentile, print_report, spent  # noqa: E402
from loupan.testing.client import Api  # noqa: E402
from loupan.testing.system import System  # noqa: E402
from tests.api import unit_rows  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = "bench-notary-2f7c1e"  # the notary's input (a real draw's is secret until the draw)


def setup_units(director, count):
    project = director.ok(director.post("/api/projects", {"name": "摇号压测", "city": "杭州", "developer_name": "某地产"}), 201)
    unit_ids = []
    for b in range((count + 199) // 200):
        building = director.ok(director.post(f"/api/projects/{project['id']}/buildings",
                                             {"name": f"{b + 1}号楼", "permit_no": f"摇号{b + 1:03d}"}), 201)
        rows = [dict(r, delivery_date="2031-12-31") for r in unit_rows(building["id"], min(200, count - b * 200), floors=50)]
        unit_ids += [u["id"] for u in director.ok(director.post(f"/api/projects/{project['id']}/units",
                                                                {"units": rows}), 201)]
    director.ok(director.post(f"/api/projects/{project['id']}/releases", {"unit_ids": unit_ids}))
    made = director.ok(director.post("/api/accounts", {"username": "lottery.adv", "password": "bench-password",
                                                       "full_name": "摇号顾问", "role": "advisor",
                                                       "project_ids": [project["id"]]}), 201)
    return project, unit_ids, Api(director.base_url).login(made["username"], "bench-password")


def verify_draw(director, launch_id, workdir):
    """The documented command on the two published files: its exit status and last line."""
    published = director.ok(director.get(f"/api/launches/{launch_id}/lottery/published"))
    result = director.ok(director.get(f"/api/launches/{launch_id}/lottery/result"))
    (workdir / "published.json").write_text(json.dumps(published, ensure_ascii=False))
    (workdir / "result.json").write_text(json.dumps(result, ensure_ascii=False))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "services.inventory.lottery_verify", str(workdir / "published.json"),
                           "--seed", SEED, "--result", str(workdir / "result.json")],
                          cwd=ROOT, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    return {"exit": done.returncode, "verdict": lines[-1] if lines else done.stderr[-200:],
            "seconds": round(time.perf_counter() - started, 2)}


async def select_all(url, director_token, launch_id, tokens_by_number, order, window_size, unit_ids,
                     no_show_windows, rng):
    """Follow the selection; each window's buyers hold and confirm as it opens."""
    taken, errors, statuses = set(), [], {}
    confirmed_after = []  # seconds from a window's opening to each buyer's confirmed 认购
    done_at = {}  # window -> when its last acting buyer finished (monotonic)
    seen_open = {}  # window -> when the bench saw it open (it polls every 0.2 s)
    windows_total = (len(order) + window_size - 1) // window_size
    members = {w: [e["number"] for e in order[(w - 1) * window_size:w * window_size]]
               for w in range(1, windows_total + 1)}
    skip = {round(k * windows_total / (no_show_windows + 1)) for k in range(1, no_show_windows + 1)}

    async def request(session, method, path, token, body=None):
        async with session.request(method, url + path, json=body,
                                   headers={"Authorization": f"Bearer {token}"}) as response:
            data = await response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            return response.status, (json.loads(data) if data else None)

    async def buyer(session, number, opened):
        token = tokens_by_number.get(number)
        if token is None:  # could not sign in (reported at the set-up): a no-show
            return
        while True:
            free = [u for u in unit_ids if u not in taken]
            if not free:
                return
            unit_id = rng.choice(free[:200])
            status, body = await request(session, "POST", "/api/buyer/holds", token, {"unit_id": unit_id})
            if status == 409 and body["error"] == "UNIT_NOT_AVAILABLE":
                taken.add(unit_id)
                continue
            if status != 201:
                errors.append(("hold", status, body))
                return
            taken.add(unit_id)
            status, body = await request(session, "POST", f"/api/buyer/holds/{body['hold_id']}/confirm", token,
                                         {"deposit": "50000.00"})
            if status != 201:
                errors.append(("confirm", status, body))
                return
            confirmed_after.append(time.monotonic() - opened)
            return

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=window_size * 2)) as session:
        started, current, tasks = time.monotonic(), 0, []
        while True:
            status, view = await request(session, "GET", f"/api/launches/{launch_id}/selection", director_token)
            window = (view or {}).get("current_window") or {}
            if status != 200 or window.get("over") or view.get("status") != "selecting":
                break
            if window["number"] != current:
                current, opened = window["number"], time.monotonic()
                seen_open[current] = opened
                acting = members[current][1:] if current in skip else members[current]
                batch = [asyncio.create_task(buyer(session, n, opened)) for n in acting]

                async def finish(batch=batch, number=current):
                    await asyncio.gather(*batch)
                    done_at[number] = time.monotonic()
                tasks.append(asyncio.create_task(finish()))
            await asyncio.sleep(0.2)
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
    early = [seen_open[w + 1] - done_at[w] for w in done_at if w + 1 in seen_open and w not in skip]
    # a no-show window ends by time: its minute after the bench saw it open (the server records
    # a timed window as opened at its due moment, whenever the 2 s timer noticed)
    timed = [seen_open[w + 1] - seen_open[w] - 60 for w in skip if w + 1 in seen_open]
    return {"seconds": elapsed, "errors": errors, "statuses": statuses, "confirmed_after": confirmed_after,
            "early_delays": early, "timed_delays": timed,
            "no_show_windows": sorted(skip), "windows_total": windows_total}


def reasons_of(view):
    """How the windows after the first opened: early (all before finished) or time."""
    reasons = {}
    for w in view["windows"]:
        if w["number"] > 1:
            reasons[w["opened_reason"]] = reasons.get(w["opened_reason"], 0) + 1
    return reasons


def audit(system, launch_id):
    engine = create_engine(system.urls["inventory"])
    with engine.connect() as conn:
        doubled = conn.execute(text(
            "SELECT count(*) FROM (SELECT unit_id FROM holds WHERE launch_id=:l AND status IN ('active','converted') "
            "GROUP BY unit_id HAVING count(*) > 1) d"), {"l": launch_id}).scalar_one()
        converted = conn.execute(text("SELECT count(*) FROM holds WHERE launch_id=:l AND status='converted'"),
                                 {"l": launch_id}).scalar_one()
    engine.dispose()
    return {"units_sold_twice": doubled, "holds_confirmed": converted}


def main_lottery(args, register_buyers, sign_in, env):
    """Run with online_launch.py's set-up functions (registration and sign-in)."""
    private = None
    if args.private_postgres:
        from loupan.testing.servers import PrivatePostgres

        private = PrivatePostgres(durable=True).init().start()
    workdir = Path(tempfile.mkdtemp(prefix="loupan-bench-"))
    system = System(workdir, env=env, pg=(private.admin_dsn, private.url_template) if private else None)
    rng = random.Random(18)
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", "压测代理",
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        url = system.url()
        director = Api(url).login(*DIRECTOR)
        project, unit_ids, advisor = setup_units(director, args.units or args.buyers)
        launch = director.ok(director.post(f"/api/projects/{project['id']}/launches", {
            "name": "摇号选房压测", "mode": "lottery", "unit_ids": unit_ids, "deposit_amount": "0.00",
            "opens_at": (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat(),
            "window_size": args.window_size, "window_minutes": 1, "units_per_buyer": 1}), 201)
        move = lambda action: director.ok(director.post(f"/api/launches/{launch['id']}/transitions",  # noqa: E731
                                                        {"action": action}))
        move("open_registration")
        t0 = time.perf_counter()
        regs = asyncio.run(register_buyers(url, [advisor.token], director.token, launch["id"], args.buyers,
                                           system.sms_log))
        move("close_registration")
        signed = asyncio.run(sign_in(url, launch["id"], [r["mobile"] for r in regs], system.sms_log))
        regs, tokens = [r for r, t in zip(regs, signed) if isinstance(t, str)], [t for t in signed if isinstance(t, str)]
        setup_seconds = time.perf_counter() - t0
        director.ok(director.post(f"/api/launches/{launch['id']}/lottery/publish",
                                  {"seed_commitment": hashlib.sha256(SEED.encode()).hexdigest()}), 201)
        started = time.perf_counter()
        order = director.ok(director.post(f"/api/launches/{launch['id']}/lottery/draw", {"seed": SEED}), 201)["order"]
        draw_seconds = time.perf_counter() - started
        verified = verify_draw(director, launch["id"], workdir)
        move("start_selection")
        tokens_by_number = {r["number"]: t for r, t in zip(regs, tokens)}
        before = cpu_seconds(system)
        run = asyncio.run(select_all(url, director.token, launch["id"], tokens_by_number, order, args.window_size,
                                     unit_ids, args.no_show_windows, rng))
        after = cpu_seconds(system)
        view = director.ok(director.get(f"/api/launches/{launch['id']}/selection"))
        db = audit(system, launch["id"])
    finally:
        system.destroy()
        if private is not None:
            private.destroy()

    reasons, early = reasons_of(view), run["early_delays"]
    took = run["confirmed_after"]
    report = {
        "mode": "lottery", "registrations": len(regs), "units": len(unit_ids), "window_size": args.window_size,
        "setup_seconds (认筹, review, sign-in)": round(setup_seconds, 1), "draw_seconds": round(draw_seconds, 2),
        "verify_command": verified, "windows": f"{len(view['windows'])} of {run['windows_total']}",
        "windows_opened_by": reasons, "no_show_windows": run["no_show_windows"],
        "early: last confirmation to next window seen open, p50/p99/max s":
            [round(percentile(early, 50), 2), round(percentile(early, 99), 2), round(max(early or [0]), 2)],
        "time: seconds past the minute, as the bench saw it (no-show windows)": [round(x, 2) for x in run["timed_delays"]],
        "selection_seconds": round(run["seconds"], 1), "confirmed": len(took),
        "open_to_confirmed_p50_s": round(percentile(took, 50), 2),
        "open_to_confirmed_p99_s": round(percentile(took, 99), 2),
        "statuses": run["statuses"], "errors": len(run["errors"]), "launch_status": view["status"],
        **db, "cpu_seconds_selection": spent(before, after),
    }
    print_report("online_lottery", report, run["errors"])
    ok = (not run["errors"] and db["units_sold_twice"] == 0 and verified["exit"] == 0
          and len(took) == len(regs) - len(run["no_show_windows"]))
    return 0 if ok else 1
