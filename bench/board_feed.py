"""Live board benchmark (issue 18): N viewers follow one project's board through the feed
(gateway/feed) while its units change at a steady rate.

    .venv/bin/python bench/board_feed.py [--viewers 5000] [--rate 50] [--seconds 20] [--workers 2]

Starts the whole system on PostgreSQL with the feed (own vhost, fresh databases), makes a
project of `--units` released units and advisors, then:
1. `--viewers` SSE connections to GET /api/projects/<id>/board/stream, spread over
   `--workers` client processes (asyncio, raw sockets), all with the director's token (so the
   feed asks the gateway once: the connect cost of distinct accounts is not measured here);
2. `--rate` unit changes a second for `--seconds` through the gateway (holds, then their
   cancellations: one change each), paced by a schedule, by a few concurrent clients;
3. waits until every viewer has every change (or 60 s).
Prints the changes made, deliveries expected and seen (viewers x changes), viewers missing
any, p50/p99/max delay from the event's occurred_at (set in the committing transaction) to
its arrival at each viewer, the feed's RSS before and after the viewers connected (per
connection), and the CPU seconds of the feed, the gateway, inventory and the clients.
Each viewer is a file descriptor in the feed and in a client: `ulimit -n` must allow them
(the feed raises its soft limit to the hard one itself; so does this script).
"""
import argparse
import asyncio
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loupan.testing.client import Api  # noqa: E402
from loupan.testing.system import System  # noqa: E402
from tests.api import unit_rows  # noqa: E402

DIRECTOR = ("director", "bench-director-1")
ADVISORS = 10
BUCKET_MS = 1  # delay histogram resolution
MAX_MS = 120_000


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# the viewers (client processes) ----------------------------------------------------------
async def viewers(host, port, path, token, count, ready, go, results):
    counts = [0] * count
    histogram = {}
    stamps = {}
    connected = 0

    def when(at):
        epoch = stamps.get(at)
        if epoch is None:
            epoch = stamps[at] = datetime.fromisoformat(at).timestamp()
        return epoch

    async def viewer(i):
        nonlocal connected
        for attempt in range(20):
            try:
                reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
                break
            except OSError:
                await asyncio.sleep(0.2 * (attempt + 1))
        else:
            return
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                     f"Accept: text/event-stream\r\n\r\n".encode())
        buffer = b""
        started = False
        while True:
            data = await reader.read(1 << 16)
            if not data:
                return
            now = time.time()
            buffer += data
            frames = buffer.split(b"\n\n")
            buffer = frames.pop()
            for frame in frames:
                if not started:
                    if b"event: hello" in frame:
                        started = True
                        connected += 1
                        if connected == count:
                            ready.set()
                    continue
                if b"event: unit" not in frame:
                    continue
                counts[i] += 1
                at = frame.find(b'"at":"')
                if at >= 0:
                    end = frame.index(b'"', at + 6)
                    ms = min(MAX_MS, int((now - when(frame[at + 6:end].decode())) * 1000 / BUCKET_MS))
                    histogram[ms] = histogram.get(ms, 0) + 1

    tasks = []
    for i in range(count):
        tasks.append(asyncio.create_task(viewer(i)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)  # a connect storm of thousands overflows the listen backlog
    while not go.is_set():
        await asyncio.sleep(0.2)
    results.put((counts, histogram))
    for task in tasks:
        task.cancel()


def viewer_process(host, port, path, token, count, ready, go, results):
    raise_fd_limit()
    asyncio.run(viewers(host, port, path, token, count, ready, go, results))


# the system ------------------------------------------------------------------------------
def setup_site(gateway_url, units):
    director = Api(gateway_url).login(*DIRECTOR)
    project = director.ok(director.post("/api/projects", {"name": "直播压测楼盘", "city": "杭州",
                                                          "developer_name": "压测地产"}), 201)
    unit_ids = []
    for b in range((units + 199) // 200):  # buildings of up to 200 units
        building = director.ok(director.post(f"/api/projects/{project['id']}/buildings",
                                             {"name": f"{b + 1}号楼", "permit_no": f"预售{b + 1:03d}"}), 201)
        created = director.ok(director.post(f"/api/projects/{project['id']}/units", {
            "units": unit_rows(building["id"], min(200, units - b * 200), floors=50)}), 201)
        unit_ids += [u["id"] for u in created]
    director.ok(director.post(f"/api/projects/{project['id']}/releases", {"unit_ids": unit_ids}))
    tokens = []
    for i in range(ADVISORS):
        made = director.ok(director.post("/api/accounts", {
            "username": f"feedadv{i:02d}", "password": "bench-password", "full_name": f"顾问{i}",
            "role": "advisor", "project_ids": [project["id"]]}), 201)
        tokens.append(Api(gateway_url).login(made["username"], "bench-password").token)
    return director.token, project, unit_ids, tokens


async def drive(gateway_url, tokens, unit_ids, rate, seconds):
    """`rate` changes a second for `seconds`, on a schedule: holds of free units and
    cancellations of earlier holds, alternately (each one change of a unit's status)."""
    total = int(rate * seconds)
    start = time.monotonic()
    made, failed = 0, 0
    held, free = [], list(unit_ids)
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def change(n):
            nonlocal made, failed
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if held and (n % 2 or not free):
                hold_id, unit, owner = held.pop(0)
                async with session.delete(f"{gateway_url}/api/holds/{hold_id}",
                                          headers={"Authorization": f"Bearer {owner}"}) as r:
                    ok = r.status == 200
                if ok:
                    free.append(unit)
            elif free:
                unit, token = free.pop(0), tokens[n % len(tokens)]
                body = {"customer_name": "买家", "customer_phone": f"139{n:08d}"}
                async with session.post(f"{gateway_url}/api/units/{unit}/holds", json=body,
                                        headers={"Authorization": f"Bearer {token}"}) as r:
                    ok = r.status == 201
                    answer = await r.json() if ok else None
                if ok:
                    held.append((answer["hold_id"], unit, token))
                else:
                    free.append(unit)
            else:
                ok = False
            made, failed = made + ok, failed + (not ok)

        await asyncio.gather(*(change(n) for n in range(total)))
    return made, failed, time.monotonic() - start


def percentile(histogram, p):
    total = sum(histogram.values())
    if not total:
        return 0.0
    target, seen = p / 100 * total, 0
    for ms in sorted(histogram):
        seen += histogram[ms]
        if seen >= target:
            return ms * BUCKET_MS / 1000
    return max(histogram) * BUCKET_MS / 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=50.0, help="unit changes per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2, help="client processes holding the viewers")
    args = parser.parse_args()
    limit = raise_fd_limit()
    if args.viewers // args.workers + 100 > limit:
        sys.exit(f"ulimit -n {limit} is too low for {args.viewers // args.workers} viewers per client process")
    workdir = Path(tempfile.mkdtemp(prefix="loupan-feed-bench-"))
    system = System(workdir, database="postgresql", env={"LOG_LEVEL": "WARNING", "OUTBOX_SWEEP_SECONDS": "0.5"},
                    processes=("feed",))
    procs = []
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", "压测代理",
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        gateway = system.url("gateway")
        token, project, unit_ids, tokens = setup_site(gateway, args.units)
        feed = system.procs[("feed", 0)].pid
        rss_before = rss_kb(feed)
        ctx = multiprocessing.get_context("spawn")
        results, go = ctx.Queue(), ctx.Event()
        readies = []
        per = [args.viewers // args.workers + (1 if i < args.viewers % args.workers else 0) for i in range(args.workers)]
        path = f"/api/projects/{project['id']}/board/stream"
        t0 = time.monotonic()
        for count in per:
            ready = ctx.Event()
            readies.append(ready)
            proc = ctx.Process(target=viewer_process, args=("127.0.0.1", system.ports[("feed", 0)], path, token,
                                                             count, ready, go, results))
            proc.start()
            procs.append(proc)
        for ready in readies:
            if not ready.wait(300):
                sys.exit("the viewers did not all connect in 300 s")
        connect_seconds = time.monotonic() - t0
        time.sleep(2)
        rss_after = rss_kb(feed)
        cpu_before = {name: cpu(system.procs[(name, 0)].pid) for name in ("feed", "gateway", "inventory")}
        clients_before = sum(cpu(p.pid) for p in procs)
        made, failed, took = asyncio.run(drive(gateway, tokens, unit_ids, args.rate, args.seconds))
        # wait for the last deliveries: the feed's counter reaches viewers x changes
        expected = made * args.viewers
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            metrics = Api(system.url("feed")).session.get(f"{system.url('feed')}/metrics", timeout=10).text
            delivered = next((float(line.split()[-1]) for line in metrics.splitlines()
                              if line.startswith("loupan_feed_events_delivered_total")), 0)
            if delivered >= expected:
                break
            time.sleep(0.5)
        time.sleep(2)
        cpu_used = {name: cpu(system.procs[(name, 0)].pid) - before for name, before in cpu_before.items()}
        clients_used = sum(cpu(p.pid) for p in procs) - clients_before
        go.set()
        counts, histogram = [], {}
        for _ in procs:
            c, h = results.get(timeout=120)
            counts += c
            for ms, n in h.items():
                histogram[ms] = histogram.get(ms, 0) + n
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
        system.destroy()
    seen = sum(counts)
    missing = sum(1 for c in counts if c < made)
    print(f"viewers {args.viewers} (connected in {connect_seconds:.1f} s), changes made {made} "
          f"({failed} refused) in {took:.1f} s = {made / took:.1f}/s")
    print(f"deliveries expected {made * args.viewers}, seen {seen}; viewers missing any: {missing}")
    print(f"delay commit -> viewer: p50 {percentile(histogram, 50):.3f} s, p99 {percentile(histogram, 99):.3f} s, "
          f"max {max(histogram, default=0) * BUCKET_MS / 1000:.3f} s")
    print(f"feed RSS {rss_before / 1024:.1f} MB before, {rss_after / 1024:.1f} MB with the viewers: "
          f"{(rss_after - rss_before) / max(1, args.viewers):.1f} kB per connection")
    print("CPU seconds during the changes: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu_used.items())
          + f", viewer clients {clients_used:.1f}; ulimit -n {limit}")


if __name__ == "__main__":
    main()
