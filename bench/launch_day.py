"""Launch day (开盘) benchmark: hundreds of buyers race for the units of one project.

    .venv/bin/python bench/launch_day.py [--buyers 200] [--units 500]
        [--inventory-workers 1] [--gateway-workers 1] [--private-postgres]

`--inventory-workers N` and `--gateway-workers N` run N processes of that service; they
share its RPC queue as competing consumers (the clients spread over the gateway processes).
`--private-postgres` runs the databases on a PostgreSQL cluster of the benchmark's own
(initdb in a temporary directory, a free port, max_connections 300, fsync on), for when the
machine's server is shared and its 100 connections are taken by other work.

Starts the whole system on PostgreSQL (fresh databases, own vhost), creates a project with
`--units` released units, then:
1. baseline: the same number of concurrent clients call GET /api/ping (one RPC round trip
   to inventory, no database) for `--ping-requests` requests;
2. launch: `--buyers` concurrent clients act for a stream of buyers. Each buyer picks up to
   3 units it wants, popular ones more often (Zipf-like skew, so many collide), skipping
   units it has seen taken, and tries them in order until one hold succeeds. Runs until
   every unit is held.
Prints holds/s, latency percentiles, 409s, other errors, units sold, units double-held
(read from the database: must be 0), seconds to sell out and the hold/ping ratio.
"""
import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loupan.testing.system import System  # noqa: E402
from loupan.testing.client import Api  # noqa: E402
from tests.api import unit_rows  # noqa: E402

DIRECTOR = ("director", "bench-director-1")
ADVISORS = 20


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


def cpu_seconds(system):
    """CPU seconds used so far by each service process, PostgreSQL, RabbitMQ and this client."""
    import os

    tick = os.sysconf("SC_CLK_TCK")

    def of(pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError):
            return 0.0

    usage = {f"{name}.{i}": of(proc.pid) for (name, i), proc in system.procs.items()}
    for label, names in (("postgres", ("postgres",)), ("rabbitmq", ("beam.smp",))):
        usage[label] = sum(of(p.name) for p in Path("/proc").iterdir()
                           if p.name.isdigit() and _comm(p) in names)
    usage["bench client"] = of(os.getpid())
    return usage


def _comm(proc_dir):
    try:
        return (proc_dir / "comm").read_text().strip()
    except OSError:
        return ""


def calls_per_instance(system, service, entrypoint):
    """How many `entrypoint` calls each process of `service` ran (its /metrics): shows that
    the processes of one service share its RPC queue as competing consumers."""
    import re

    import requests

    pattern = re.compile(rf'^loupan_entrypoint_calls_total{{entrypoint="{entrypoint}",outcome="[^"]+"}} (\S+)$',
                         re.MULTILINE)
    split = {}
    for (name, instance) in sorted(system.procs):
        if name == service:
            text = requests.get(f"{system.url(name, instance)}/metrics", timeout=10).text
            split[f"{name}.{instance}"] = int(sum(float(v) for v in pattern.findall(text)))
    return split


def print_report(name, report, errors):
    """Print a benchmark's figures, its first errors, and keep them in bench/results/."""
    for key, value in report.items():
        print(f"{key:38} {value}")
    if errors:
        print("first errors:", errors[:5])
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}_{int(time.time())}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


def spent(before, after):
    return {k: round(after[k] - before.get(k, 0), 1) for k in after}


def setup_site(gateway_url, units):
    director = Api(gateway_url).login(*DIRECTOR)
    project = director.ok(director.post("/api/projects", {
        "name": "开盘压测", "city": "杭州", "developer_name": "某地产", "hold_minutes": 30}), 201)
    unit_ids = []
    for b in range((units + 199) // 200):  # buildings of up to 200 units
        building = director.ok(director.post(f"/api/projects/{project['id']}/buildings",
                                             {"name": f"{b + 1}号楼", "permit_no": f"预售{b + 1:03d}"}), 201)
        count = min(200, units - b * 200)
        created = director.ok(director.post(f"/api/projects/{project['id']}/units",
                                            {"units": unit_rows(building["id"], count, floors=50)}), 201)
        unit_ids += [u["id"] for u in created]
    director.ok(director.post(f"/api/projects/{project['id']}/releases", {"unit_ids": unit_ids}))
    tokens = []
    for i in range(ADVISORS):
        made = director.ok(director.post("/api/accounts", {
            "username": f"adv{i:02d}", "password": "bench-password", "full_name": f"顾问{i}",
            "role": "advisor", "project_ids": [project["id"]]}), 201)
        tokens.append(Api(gateway_url).login(made["username"], "bench-password").token)  # <agency code>.adv00
    return project, unit_ids, tokens


async def ping_baseline(urls, tokens, clients, total):
    latencies, errors = [], 0
    remaining = total

    async def client(session, n):
        nonlocal remaining, errors
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            async with session.get(f"{urls[n % len(urls)]}/api/ping", headers=headers) as response:
                await response.read()
                if response.status != 200:
                    errors += 1
            latencies.append(time.perf_counter() - started)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session, n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": elapsed, "per_second": len(latencies) / elapsed,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "errors": errors}


class Wishes:
    """What buyers want: Zipf-like popularity (the k-th most wanted unit is wanted ~1/k^0.8 as
    often), so many collide; up to 3 units not seen taken (nor in `skip`)."""

    def __init__(self, unit_ids, rng):
        self.rng = rng
        self.order = unit_ids[:]
        rng.shuffle(self.order)
        self.weights = [1 / (k + 1) ** 0.8 for k in range(len(self.order))]
        self.taken = set()

    def __call__(self, skip=()):
        free = [(u, w) for u, w in zip(self.order, self.weights) if u not in self.taken and u not in skip]
        if not free:
            return []
        units, ws = zip(*free)
        picks = set()
        while len(picks) < min(3, len(units)):
            picks.add(self.rng.choices(units, ws)[0])
        return list(picks)


async def launch(urls, tokens, unit_ids, clients, seed=7):
    wishes = Wishes(unit_ids, random.Random(seed))
    taken = wishes.taken
    latencies, statuses = [], {}
    other_errors = []
    buyer_seq = 0

    async def client(session, n):
        nonlocal buyer_seq
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        url = urls[n % len(urls)]
        while len(taken) < len(unit_ids):
            buyer_seq += 1
            buyer = buyer_seq
            for unit_id in wishes():
                started = time.perf_counter()
                async with session.post(f"{url}/api/units/{unit_id}/holds", headers=headers, json={
                        "customer_name": f"买家{buyer}", "customer_phone": f"139{buyer:08d}"}) as response:
                    body = await response.read()
                latencies.append(time.perf_counter() - started)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.status == 201:
                    taken.add(unit_id)
                    break
                if response.status == 409 and json.loads(body)["error"] == "UNIT_NOT_AVAILABLE":
                    taken.add(unit_id)  # seen taken on the board: not wanted again
                    continue
                other_errors.append((response.status, body[:200]))

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session, n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": elapsed, "statuses": statuses,
            "latencies": latencies, "other_errors": other_errors, "buyers": buyer_seq}


def audit(system, project_id):
    """What the database says: units held, active holds, units held more than once."""
    engine = create_engine(system.urls["inventory"])
    with engine.connect() as conn:
        held = conn.execute(text("SELECT count(*) FROM units WHERE project_id=:p AND status='held'"),
                            {"p": project_id}).scalar_one()
        active = conn.execute(text("SELECT count(*) FROM holds WHERE project_id=:p AND status='active'"),
                              {"p": project_id}).scalar_one()
        doubled = conn.execute(text(
            "SELECT count(*) FROM (SELECT unit_id FROM holds WHERE project_id=:p AND status='active' "
            "GROUP BY unit_id HAVING count(*) > 1) d"), {"p": project_id}).scalar_one()
        orphan = conn.execute(text(
            "SELECT count(*) FROM units u WHERE u.project_id=:p AND u.status='held' AND NOT EXISTS "
            "(SELECT 1 FROM holds h WHERE h.unit_id=u.id AND h.status='active')"), {"p": project_id}).scalar_one()
    engine.dispose()
    return {"units_held": held, "active_holds": active, "double_held": doubled, "held_without_hold": orphan}


# limits far above what the benchmark sends: every hold is counted, none is refused
COUNTED = {"RATE_HOLDS_PER_MINUTE": "1000000", "RATE_HOLDS_PER_IP_PER_MINUTE": "10000000",
           "RATE_LOGIN_PER_MINUTE": "1000000", "RATE_LOGIN_PER_IP_PER_MINUTE": "10000000"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--ping-requests", type=int, default=3000)
    parser.add_argument("--inventory-workers", type=int, default=1, help="inventory processes")
    parser.add_argument("--gateway-workers", type=int, default=1, help="gateway processes")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--private-postgres", action="store_true", help="own PostgreSQL cluster")
    parser.add_argument("--rate-limits", action="store_true",
                        help="count holds in the gateway's shared rate counters (limits too high to trip): "
                             "what a production hold pays; off, the counters are skipped as in tests")
    args = parser.parse_args()
    private = None
    if args.private_postgres:
        from loupan.testing.servers import PrivatePostgres

        private = PrivatePostgres(durable=True).init().start()

    workdir = Path(tempfile.mkdtemp(prefix="loupan-bench-"))
    system = System(workdir, database=args.database,
                    instances={"inventory": args.inventory_workers, "gateway": args.gateway_workers},
                    env=dict({"LOG_LEVEL": "WARNING"}, **(COUNTED if args.rate_limits else {})),
                    pg=(private.admin_dsn, private.url_template) if private else None)
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", "压测代理",
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        urls = [system.url("gateway", i) for i in range(args.gateway_workers)]
        project, unit_ids, tokens = setup_site(urls[0], args.units)
        before = cpu_seconds(system)
        ping = asyncio.run(ping_baseline(urls, tokens, args.buyers, args.ping_requests))
        middle = cpu_seconds(system)
        run = asyncio.run(launch(urls, tokens, unit_ids, args.buyers))
        after = cpu_seconds(system)
        db = audit(system, project["id"])
        inventory_split = calls_per_instance(system, "inventory", "hold_unit")
        gateway_split = calls_per_instance(system, "gateway", "hold_unit")
    finally:
        system.destroy()
        if private is not None:
            private.destroy()

    lat = run["latencies"]
    decisions_per_s = run["requests"] / run["seconds"]
    holds = run["statuses"].get(201, 0)
    report = {
        "database": args.database, "buyers": args.buyers, "units": args.units,
        "inventory_workers": args.inventory_workers, "gateway_workers": args.gateway_workers,
        "ping_per_s": round(ping["per_second"], 1), "ping_p50_ms": round(ping["p50"] * 1000, 1),
        "ping_p99_ms": round(ping["p99"] * 1000, 1), "ping_errors": ping["errors"],
        "hold_requests": run["requests"], "hold_requests_per_s": round(decisions_per_s, 1),
        "holds_per_s": round(holds / run["seconds"], 1),
        "hold_p50_ms": round(percentile(lat, 50) * 1000, 1),
        "hold_p95_ms": round(percentile(lat, 95) * 1000, 1),
        "hold_p99_ms": round(percentile(lat, 99) * 1000, 1),
        "hold_mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else 0,
        "count_201": holds, "count_409": run["statuses"].get(409, 0),
        "other_errors": len(run["other_errors"]), "buyers_served": run["buyers"],
        "seconds_to_sell_out": round(run["seconds"], 2),
        "units_sold": db["units_held"], "units_double_held": db["double_held"],
        "held_without_active_hold": db["held_without_hold"], "active_holds": db["active_holds"],
        "ratio_hold_requests_to_ping": round(decisions_per_s / ping["per_second"], 2),
        "ratio_successful_holds_to_ping": round(holds / run["seconds"] / ping["per_second"], 2),
    }
    report["hold_unit_calls_per_inventory_process"] = inventory_split
    report["hold_requests_per_gateway_process"] = gateway_split
    report["cpu_seconds_ping"] = spent(before, middle)
    report["cpu_seconds_launch"] = spent(middle, after)
    for key, value in report.items():
        print(f"{key:32} {value}")
    if run["other_errors"]:
        print("first other errors:", run["other_errors"][:5])
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"launch_day_{int(time.time())}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    ok = report["units_double_held"] == 0 and report["other_errors"] == 0 and report["units_sold"] == args.units
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
