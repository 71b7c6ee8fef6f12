"""Online 开盘 benchmark: buyers signed in on their phones race for a launch's units (issue 18).

    .venv/bin/python bench/online_launch.py [--buyers 1000] [--units 500]
        [--gateway-workers 1] [--inventory-workers 1] [--private-postgres]
    .venv/bin/python bench/online_launch.py --mode lottery    (bench/online_lottery.py)

Starts the whole system on PostgreSQL (fresh databases, own vhost), a project with `--units`
released units, and a race-mode launch of them (one unit a buyer, MHub's abuse limit of 2
attempts per unit per 30 min). Every buyer goes the real way: 认筹 by an advisor, 购房资格
reviewed, a code asked for (POST /api/buyer/codes), read from the SMS log the demo adapter
writes, and a buyer session opened with it (POST /api/buyer/sessions). Then:
1. baseline: `--buyers` concurrent clients call GET /api/ping (one RPC round trip to
   inventory, no database) for `--ping-requests` requests;
2. race: `--buyers` concurrent buyers, each with its own session, want up to 3 units
   (popular ones more often, Zipf-like, so many collide) and POST /api/buyer/holds them in turn
   until one is theirs, skipping units they have seen taken, until every unit is held.
Every request must be decided: 201 (the unit is the buyer's), 409 (taken, or the buyer is done)
or 429 (the attempt limit); anything else (5xx, a transport error) is counted as an error.
Prints decisions per second, latency percentiles, statuses, units sold and units held twice
(read from the database: must be 0), and the ratio of decisions per second to pings per second.
"""
import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from launch_day import (DIRECTOR, Wishes, audit, cpu_seconds, percentile, print_report,  # noqa: E402
                        setup_site, spent)
from loupan.testing.client import Api  # noqa: E402
from loupan.testing.system import System  # noqa: E402

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# sign-in for a thousand buyers from one address: the per-address limit raised for the setup
ENV = {"LOG_LEVEL": "WARNING", "RATE_BUYER_CODES_PER_IP_PER_MINUTE": "1000000"}


def id_number(n):
    """The n-th valid 居民身份证 number (a 1990 birth date, the check character computed)."""
    body = f"110105{19900101 + n // 1000 % 28:08d}{n % 1000:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


def mobile(n):
    return f"136{n:08d}"


async def gather_limited(limit, coroutines):
    gate = asyncio.Semaphore(limit)

    async def one(c):
        async with gate:
            return await c

    return await asyncio.gather(*(one(c) for c in coroutines))


async def call(session, method, url, token=None, body=None, expect=(200, 201, 202)):
    """A set-up call (not measured): a 503 of a busy machine is tried again (a registration
    the 503 made anyway answers 409 ALREADY_REGISTERED then: the list is read at the end)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for _ in range(5):
        async with session.request(method, url, json=body, headers=headers) as response:
            text = await response.text()
            if response.status == 503:
                await asyncio.sleep(2)
                continue
            if response.status == 409:  # registered by a request that was told 503 (it ran late)
                return None
            if response.status not in expect:
                raise RuntimeError(f"{method} {url}: {response.status} {text[:300]}")
            return json.loads(text) if text else None
    raise RuntimeError(f"{method} {url}: still 503 {text[:300]}")


async def register_buyers(url, staff_tokens, director_token, launch_id, buyers, sms_log):
    """认筹 and review of every buyer, then each buyer's code and session: the buyer tokens."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=40)) as s:
        missing, by_mobile = list(range(buyers)), {}
        for _ in range(3):  # a busy machine's 503s: whoever is not on the list registers again
            await gather_limited(20, (call(s, "POST", f"{url}/api/launches/{launch_id}/registrations",
                                           staff_tokens[n % len(staff_tokens)],
                                           {"buyer_name": f"买家{n}", "id_number": id_number(n), "mobile": mobile(n)})
                                      for n in missing))
            by_mobile = {}
            for offset in range(0, buyers, 500):  # the gateway pages lists (at most 500)
                listed = await call(s, "GET", f"{url}/api/launches/{launch_id}/registrations?limit=500&offset={offset}",
                                    director_token)
                by_mobile.update((r["mobile"], r) for r in listed)
            missing = [n for n in range(buyers) if mobile(n) not in by_mobile]
            if not missing:
                break
            await asyncio.sleep(5)  # what a 503 left running is committed by then
        if missing:  # reported, not hidden
            print(f"warning: {len(missing)} buyer(s) could not register: {[mobile(n) for n in missing][:5]}")
        regs = [by_mobile[mobile(n)] for n in range(buyers) if mobile(n) in by_mobile]  # in buyer order
        await gather_limited(20, (call(s, "POST", f"{url}/api/registrations/{r['id']}/review", director_token,
                                       {"result": "eligible", "note": "压测"}) for r in regs))
        return regs


async def sign_in(url, launch_id, mobiles, sms_log, chunk=200):
    """Each registered buyer's code asked for, read from the SMS log and used: their sessions,
    in chunks (a code lives 5 minutes: asking all of 2,000 first, the first would expire)."""
    tokens = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=40)) as s:
        async def session(m, codes):  # a code is single use: one a 503 spent cannot be tried again
            try:
                return (await call(s, "POST", f"{url}/api/buyer/sessions", None,
                                   {"launch_id": launch_id, "mobile": m, "code": codes[m]}))["token"]
            except (RuntimeError, KeyError, TypeError) as exc:
                return exc

        for at in range(0, len(mobiles), chunk):
            part = mobiles[at:at + chunk]
            await gather_limited(8, (call(s, "POST", f"{url}/api/buyer/codes", None,
                                          {"launch_id": launch_id, "mobile": m}) for m in part))
            codes = {}
            for line in sms_log.read_text(encoding="utf-8").splitlines():
                sent = json.loads(line)
                if "验证码为 " in sent["text"]:  # a sign-in code (not a window's text)
                    codes[sent["mobile"]] = sent["text"].split("验证码为 ")[1][:6]
            tokens += await gather_limited(8, (session(m, codes) for m in part))
    failed = [t for t in tokens if not isinstance(t, str)]
    if failed:  # reported, not hidden: the buyer has no session, so does not race
        print(f"warning: {len(failed)} buyer(s) could not sign in: {failed[:2]}")
    return tokens


async def ping_rate(urls, tokens, clients, total):
    """The baseline: `clients` concurrent clients call GET /api/ping (one RPC round trip to
    inventory, no database) until `total` answered; statuses counted (a 503 is an error)."""
    latencies, statuses, remaining = [], {}, total

    async def client(session, n):
        nonlocal remaining
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            try:
                async with session.get(f"{urls[n % len(urls)]}/api/ping", headers=headers) as response:
                    await response.read()
                    status = response.status
            except aiohttp.ClientError:
                status = "transport"
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session, n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    ok = statuses.get(200, 0)
    return {"per_second": ok / elapsed, "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
            "statuses": statuses, "errors": len(latencies) - ok}


async def race(urls, buyer_tokens, unit_ids, seed=7):
    wishes = Wishes(unit_ids, random.Random(seed))
    taken = wishes.taken
    latencies, statuses, codes, errors = [], {}, {}, []

    async def buyer(session, n):
        headers = {"Authorization": f"Bearer {buyer_tokens[n]}"}
        url = urls[n % len(urls)]
        seen = set()  # units this buyer may not try again (the attempt limit)
        while True:
            wanted = wishes(seen)
            if not wanted:
                return
            for unit_id in wanted:
                started = time.perf_counter()
                try:
                    async with session.post(f"{url}/api/buyer/holds", headers=headers,
                                            json={"unit_id": unit_id}) as response:
                        body = await response.read()
                except aiohttp.ClientError as e:
                    errors.append(("transport", repr(e)[:200]))
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                code = json.loads(body).get("error") if response.status >= 400 else None
                if code:
                    codes[code] = codes.get(code, 0) + 1
                if response.status == 201:
                    taken.add(unit_id)
                    return
                if response.status == 409 and code == "UNIT_NOT_AVAILABLE":
                    taken.add(unit_id)
                elif response.status == 409 and code in ("BUYER_UNIT_LIMIT", "TURN_OVER", "SELECTION_OVER"):
                    return
                elif response.status == 429:
                    seen.add(unit_id)
                else:
                    errors.append((response.status, body[:200]))
                    seen.add(unit_id)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=len(buyer_tokens))) as session:
        started = time.perf_counter()
        await asyncio.gather(*(buyer(session, n) for n in range(len(buyer_tokens))))
        elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": elapsed, "statuses": statuses, "codes": codes,
            "latencies": latencies, "errors": errors}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("race", "lottery"), default="race",
                        help="lottery: bench/online_lottery.py (摇号, then 选房 in windows)")
    parser.add_argument("--buyers", type=int, help="race: 1000; lottery: 2000 registrations")
    parser.add_argument("--units", type=int, help="race: 500; lottery: one per buyer")
    parser.add_argument("--window-size", type=int, default=20, help="lottery: buyers per window")
    parser.add_argument("--no-show-windows", type=int, default=2,
                        help="lottery: windows where one buyer never acts (they end by time, one minute)")
    parser.add_argument("--ping-requests", type=int, default=3000)
    parser.add_argument("--inventory-workers", type=int, default=1)
    parser.add_argument("--gateway-workers", type=int, default=1)
    parser.add_argument("--private-postgres", action="store_true", help="own PostgreSQL cluster")
    parser.add_argument("--batches-in-flight", type=int, default=2,
                        help="batches of holds each gateway process keeps with inventory at once")
    parser.add_argument("--max-batch", type=int, default=100,
                        help="holds in one batch at most (1 with --batches-in-flight 50: no batching, as before)")
    args = parser.parse_args()
    if args.mode == "lottery":
        from online_lottery import main_lottery

        args.buyers = args.buyers or 2000
        sys.exit(main_lottery(args, register_buyers, sign_in, ENV))
    args.buyers, args.units = args.buyers or 1000, args.units or 500
    private = None
    if args.private_postgres:
        from loupan.testing.servers import PrivatePostgres

        private = PrivatePostgres(durable=True).init().start()
    workdir = Path(tempfile.mkdtemp(prefix="loupan-bench-"))
    system = System(workdir, instances={"inventory": args.inventory_workers, "gateway": args.gateway_workers},
                    env=dict(ENV, HOLD_BATCHES_IN_FLIGHT=str(args.batches_in_flight), HOLD_MAX_BATCH=str(args.max_batch)),
                    pg=(private.admin_dsn, private.url_template) if private else None)
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", "压测代理",
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        urls = [system.url("gateway", i) for i in range(args.gateway_workers)]
        project, unit_ids, advisor_tokens = setup_site(urls[0], args.units)
        director = Api(urls[0]).login(*DIRECTOR)
        opens_at = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
        launch = director.ok(director.post(f"/api/projects/{project['id']}/launches", {
            "name": "线上开盘压测", "mode": "race", "opens_at": opens_at, "unit_ids": unit_ids,
            "deposit_amount": "0.00", "units_per_buyer": 1, "attempt_limit": 2, "attempt_cooldown_minutes": 30}), 201)
        move = lambda action: director.ok(director.post(f"/api/launches/{launch['id']}/transitions",  # noqa: E731
                                                        {"action": action}))
        move("open_registration")
        t0 = time.perf_counter()
        regs = asyncio.run(register_buyers(urls[0], advisor_tokens, director.token, launch["id"], args.buyers,
                                           system.sms_log))
        move("close_registration")
        move("start_selection")
        tokens = [t for t in asyncio.run(sign_in(urls[0], launch["id"], [r["mobile"] for r in regs], system.sms_log))
                  if isinstance(t, str)]
        setup_seconds = time.perf_counter() - t0
        before = cpu_seconds(system)
        ping = asyncio.run(ping_rate(urls, advisor_tokens, len(tokens), args.ping_requests))
        middle = cpu_seconds(system)
        run = asyncio.run(race(urls, tokens, unit_ids))
        after = cpu_seconds(system)
        db = audit(system, project["id"])
    finally:
        system.destroy()
        if private is not None:
            private.destroy()

    lat = run["latencies"]
    decisions = run["requests"] / run["seconds"]
    holds = run["statuses"].get(201, 0)
    report = {
        "mode": "race", "buyers": len(tokens), "units": args.units,
        "inventory_workers": args.inventory_workers, "gateway_workers": args.gateway_workers,
        "batches_in_flight": args.batches_in_flight, "max_batch": args.max_batch,
        "setup_seconds (认筹, review, sign-in)": round(setup_seconds, 1),
        "ping_per_s": round(ping["per_second"], 1), "ping_p50_ms": round(ping["p50"] * 1000, 1),
        "ping_p99_ms": round(ping["p99"] * 1000, 1), "ping_statuses": ping["statuses"],
        "hold_requests": run["requests"], "decisions_per_s": round(decisions, 1),
        "holds_per_s": round(holds / run["seconds"], 1),
        "hold_p50_ms": round(percentile(lat, 50) * 1000, 1), "hold_p95_ms": round(percentile(lat, 95) * 1000, 1),
        "hold_p99_ms": round(percentile(lat, 99) * 1000, 1),
        "hold_mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else 0,
        "statuses": run["statuses"], "refusal_codes": run["codes"], "errors": len(run["errors"]),
        "seconds_to_sell_out": round(run["seconds"], 2),
        "units_sold": db["units_held"], "units_double_held": db["double_held"],
        "held_without_active_hold": db["held_without_hold"],
        "ratio_decisions_to_ping": round(decisions / ping["per_second"], 2),
        "cpu_seconds_ping": spent(before, middle), "cpu_seconds_race": spent(middle, after),
    }
    print_report("online_launch", report, run["errors"])
    ok = db["double_held"] == 0 and not run["errors"] and db["units_held"] == args.units
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
