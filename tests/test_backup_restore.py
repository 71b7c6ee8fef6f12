"""Backups that restore: scripts/backup.sh on a running system with data in every service,
scripts/restore.sh into fresh databases, the system started on them finds every record.

For PostgreSQL (databases of unique names on the machine's server, made and dropped here)
and for the embedded default (SQLite files). The data: a project with units (inventory), a
customer (crm), a 认购 approved into a deal (contracts) with its payment schedule and a
receipt (finance), a hire through 招聘 (hr, and its account in the gateway). Then contracts
is restarted as a broker user that may not publish its events, and a second 认购 is
approved: its events wait in contracts' outbox when the backup is taken.

The restored system runs on the same broker vhost (the broker is not part of a backup; its
durable queues are where consumers find their events). A spy queue bound to every events
exchange sees what the restored system publishes: every event pending at backup time, and
none of those the backup says were sent (consumers have them; their inboxes came back with
them). The restore checks each table's rows against the manifest; the test reads deep
records through the API, and refuses to restore over data, or from a damaged backup."""
import json
import os
import secrets
import shutil
import signal
import subprocess
import uuid
from datetime import timedelta

import pytest
import requests
from sqlalchemy import create_engine, text

from loupan.backup import SERVICES
from loupan.testing import PG_ADMIN_DSN, PG_URL, pg_execute, wait_until
from loupan.testing.client import Api
from loupan.testing.system import ROOT, System
from loupan.types import today
from tests.api import DIRECTOR, SYSTEM_ENV, make_project
from tests.conftest import staff

pytestmark = pytest.mark.system


def rows(url, sql, **params):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def script(name, *args, urls):
    env = dict(os.environ, **{f"{s.upper()}_DATABASE_URL": url for s, url in urls.items()})
    return subprocess.run(["bash", str(ROOT / "scripts" / name), *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def start(system, amqp_uri=None):
    """The six services (not the Procfile's other processes), `amqp_uri` for contracts."""
    for name in SERVICES:
        system.start_service(name, amqp_uri=amqp_uri if name == "contracts" else None, wait=False)
    for name in SERVICES:
        system.wait_ready(name)


def enter_data(system):
    """Data in every service through the gateway; returns what the test reads back."""
    system.run_module("hr", "services.hr.create_director", "--agency", "备份代理",
                      "--username", DIRECTOR[0], "--password", DIRECTOR[1])
    director = Api(system.url()).login(*DIRECTOR)
    project, units = make_project(director, "备份项目", units=4)
    pid = project["id"]
    advisor = staff(system, director, "bk_adv", "advisor", [pid])
    manager = staff(system, director, "bk_mgr", "manager", [pid])
    cashier = staff(system, director, "bk_fin", "finance", [pid])
    hr = staff(system, director, "bk_hr", "hr", [pid])

    customer = advisor.ok(advisor.post(f"/api/projects/{pid}/customers",
                                       {"mobile": "13655550001", "name": "钱女士", "channel": "walk_in"}), 201)
    customer_id = customer["customer"]["id"]
    deal = subscribe(advisor, manager, units[0], "钱女士", "13655550001", customer_id=customer_id)
    schedule = wait_until(lambda: schedule_of(advisor, deal["id"]), timeout=60, what="finance has the schedule")
    (deposit,) = [line for line in schedule["lines"] if line["kind"] == "deposit"]
    receipt = cashier.ok(cashier.post(f"/api/deals/{deal['id']}/receipts", {
        "amount": deposit["amount"], "method": "transfer", "payer": "钱女士",
        "received_on": today().isoformat()}), 201)
    wait_until(lambda: advisor.ok(advisor.get(f"/api/units/{units[0]}"))["status"] == "subscribed",
               timeout=60, what="inventory has the unit subscribed")
    wait_until(lambda: advisor.ok(advisor.get(f"/api/customers/{customer_id}"))["status"] == "subscribed",
               timeout=60, what="crm has the customer subscribed")

    req = manager.ok(manager.post(f"/api/projects/{pid}/requisitions",
                                  {"role": "advisor", "headcount": 1, "reason": "开盘补员"}), 201)
    director.ok(director.post(f"/api/requisitions/{req['id']}/approve"))
    cand = hr.ok(hr.post(f"/api/requisitions/{req['id']}/candidates", {"name": "孙八", "phone": "13900001111"}), 201)
    for stage in ("screened", "interview_1"):
        hr.ok(hr.post(f"/api/candidates/{cand['id']}/advance", {"to_stage": stage}))
    manager.ok(manager.post(f"/api/candidates/{cand['id']}/feedback",
                            {"score": 4, "recommendation": "hire", "notes": "销讲流畅"}), 201)
    offer = hr.ok(hr.post(f"/api/candidates/{cand['id']}/offer",
                          {"salary": "7000.00", "start_on": (today() + timedelta(days=7)).isoformat(),
                           "probation_months": 1}), 201)
    hr.ok(hr.post(f"/api/offers/{offer['id']}/accept"))
    hired = hr.ok(hr.post(f"/api/candidates/{cand['id']}/hire",
                          {"username": "sunba", "password": "welcome-aboard-42"}), 201)
    return {"pid": pid, "units": units, "advisor": advisor, "manager": manager, "cashier": cashier,
            "director": director, "customer_id": customer_id, "deal": deal, "receipt": receipt,
            "hired": hired["account"]["username"]}


def subscribe(advisor, manager, unit_id, name, phone, **extra):
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds", {"customer_name": name, "customer_phone": phone}),
                      201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": (today() + timedelta(days=700)).isoformat(), **extra}), 201)
    assert manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))["status"] == "subscribed"
    return deal


def schedule_of(api, deal_id):
    response = api.get(f"/api/deals/{deal_id}/schedule")
    return response.json() if response.status_code == 200 else None


def outbox(url, state):
    return {r[0] for r in rows(url, "SELECT event_id FROM outbox WHERE state = :state", state=state)}


def counts(url):
    """Rows per table, as the manifest counts them."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            from sqlalchemy import inspect

            return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in inspect(conn).get_table_names()}
    finally:
        engine.dispose()


class Spy:
    """A queue bound to every events exchange of the vhost: what gets published."""

    def __init__(self, system):
        self.api, self.vhost = system.rabbit.api, system.vhost
        self.queue = f"backup-spy-{uuid.uuid4().hex[:8]}"
        requests.put(f"{self.api}/queues/{self.vhost}/{self.queue}", json={"durable": False}, timeout=30
                     ).raise_for_status()
        exchanges = [e["name"] for e in requests.get(f"{self.api}/exchanges/{self.vhost}", timeout=30).json()
                     if e["name"].endswith(".events")]
        assert {f"{s}.events" for s in ("contracts", "inventory", "finance")} <= set(exchanges), exchanges
        for exchange in exchanges:
            requests.post(f"{self.api}/bindings/{self.vhost}/e/{exchange}/q/{self.queue}", json={"routing_key": "#"},
                          timeout=30).raise_for_status()
        self.seen = []

    def drain(self):
        got = requests.post(f"{self.api}/queues/{self.vhost}/{self.queue}/get", timeout=30, json={
            "count": 1000, "ackmode": "ack_requeue_false", "encoding": "auto"})
        got.raise_for_status()
        self.seen += [json.loads(m["payload"])["event_id"] for m in got.json()]
        return self.seen


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
def test_a_backup_of_a_running_system_restores_into_fresh_databases(engine, tmp_path):
    pg = (PG_ADMIN_DSN, PG_URL) if engine == "postgresql" else None
    original = System(tmp_path / "original", database=engine, env=SYSTEM_ENV, pg=pg)
    restored_dbs, restored, user = [], None, None
    try:
        original.prepare()
        start(original)
        site = enter_data(original)

        # contracts again, as a broker user that may not publish its events: a 认购 approved
        # now leaves its events waiting in contracts' outbox, as with a broker refusing them
        user, password = f"bk_contracts_{uuid.uuid4().hex[:6]}", secrets.token_urlsafe(16)
        original.rabbit.create_user(user, password)
        original.rabbit.grant(original.vhost, user, write=r"^(?!contracts\.events$).*")
        original.kill("contracts", sig=signal.SIGTERM)
        original.start_service("contracts", amqp_uri=original.amqp_base.format(
            user=user, password=password, vhost=original.vhost))
        advisor, manager = site["advisor"], site["manager"]
        second = subscribe(advisor, manager, site["units"][1], "孙先生", "13655550002")
        contracts_url = original.urls["contracts"]
        wait_until(lambda: rows(contracts_url, "SELECT 1 FROM outbox WHERE state = 'pending' AND attempts > 0"),
                   timeout=30, what="contracts' relay refused by the broker")
        assert schedule_of(advisor, second["id"]) is None  # finance never got the 认购

        made = script("backup.sh", tmp_path / "backups", urls=original.urls)  # while it runs
        assert made.returncode == 0, made.stderr
        folder = tmp_path / "backups" / made.stdout.strip().splitlines()[-1].rsplit("/", 1)[-1]
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert [e["service"] for e in manifest["services"]] == list(SERVICES)
        for entry in manifest["services"]:
            assert entry["engine"] == engine and entry["alembic_revision"] and entry["sha256"] and entry["bytes"] > 0
            assert {"outbox", "alembic_version"} <= set(entry["tables"]) or entry["service"] == "gateway", entry
        by_service = {e["service"]: e for e in manifest["services"]}
        assert by_service["contracts"]["tables"]["deals"] == 2
        assert by_service["finance"]["tables"]["receipts"] == 1
        assert by_service["crm"]["tables"]["customers"] >= 1
        checked = script("restore.sh", "--check", folder, urls=original.urls)
        assert checked.returncode == 0, checked.stderr

        original.stop()  # the site is lost; the broker and its queues stay

        if engine == "postgresql":
            restored_dbs = [f"loupan_restored_{s}_{uuid.uuid4().hex[:8]}" for s in SERVICES]
            urls = {s: PG_URL.format(name=name) for s, name in zip(SERVICES, restored_dbs)}
        else:
            urls = {s: f"sqlite:///{tmp_path / 'restored' / s}.db" for s in SERVICES}

        # a damaged backup is refused before anything is touched
        damaged = tmp_path / "damaged"
        shutil.copytree(folder, damaged)
        dump = damaged / by_service["finance"]["file"]
        dump.write_bytes(dump.read_bytes()[:-1] + bytes([dump.read_bytes()[-1] ^ 1]))
        refused = script("restore.sh", damaged, urls=urls)
        assert refused.returncode == 3 and "checksum mismatch" in refused.stderr, refused.stderr

        done = script("restore.sh", folder, urls=urls)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("as the manifest says") == 6, done.stdout
        for service, url in urls.items():  # every row of every table (restore.sh checks it too)
            assert counts(url) == by_service[service]["tables"], service
        pending = {s: outbox(u, "pending") for s, u in urls.items() if "outbox" in by_service[s]["tables"]}
        sent = set().union(*(outbox(u, "sent") for s, u in urls.items() if s in pending))
        assert pending["contracts"] and sent, (pending, sent)
        waiting = set().union(*pending.values())

        again = script("restore.sh", folder, urls=urls)  # over data: refused, nothing touched
        assert again.returncode == 2 and "not empty" in again.stderr and "--force" in again.stderr, again.stderr

        spy = Spy(original)
        restored = System(tmp_path / "restored-run", database=engine, vhost=original.vhost, env=SYSTEM_ENV)
        restored.workdir.mkdir(parents=True, exist_ok=True)
        restored.urls = urls
        restored.jwt_secret, restored.bus_key = original.jwt_secret, original.bus_key  # the site's own keys
        start(restored)

        # none lost: what waited in an outbox at backup time is published now, and applied
        wait_until(lambda: not rows(urls["contracts"], "SELECT 1 FROM outbox WHERE state = 'pending'"),
                   timeout=90, what="contracts' outbox drained after the restore")
        wait_until(lambda: waiting <= set(spy.drain()), timeout=30, what="the pending events published")
        # none re-sent: the events the backup says were sent are not published again
        assert not sent & set(spy.drain())
        assert len(spy.seen) == len(set(spy.seen))

        advisor = Api(restored.url()).login(advisor.username, advisor.password)
        cashier = Api(restored.url()).login(site["cashier"].username, site["cashier"].password)
        assert wait_until(lambda: schedule_of(advisor, second["id"]), timeout=60, what="the second 认购 in finance")
        wait_until(lambda: advisor.ok(advisor.get(f"/api/units/{site['units'][1]}"))["status"] == "subscribed",
                   timeout=60, what="the second unit subscribed in inventory")
        for service, url in urls.items():  # each consumer applied each event once
            if "inbox" in by_service[service]["tables"]:
                (count, distinct), = rows(url, "SELECT count(*), count(DISTINCT handler || event_id) FROM inbox")
                assert count == distinct

        # deep reads: each service's records as they were
        deal = advisor.ok(advisor.get(f"/api/deals/{site['deal']['id']}"))
        assert (deal["status"], deal["customer_id"], deal["price"]) == (
            "subscribed", site["customer_id"], site["deal"]["price"])
        schedule = cashier.ok(cashier.get(f"/api/deals/{site['deal']['id']}/schedule"))
        assert schedule["collected"] == site["receipt"]["amount"]
        customer = advisor.ok(advisor.get(f"/api/customers/{site['customer_id']}"))
        assert (customer["name"], customer["status"]) == ("钱女士", "subscribed")
        assert advisor.ok(advisor.get(f"/api/units/{site['units'][0]}"))["status"] == "subscribed"
        assert advisor.ok(advisor.get(f"/api/units/{site['units'][2]}"))["status"] == "available"
        Api(restored.url()).login(site["hired"], "welcome-aboard-42")  # hr's hire signs in
        director = Api(restored.url()).login(*DIRECTOR)
        accounts = {a["username"] for a in director.ok(director.get("/api/accounts"))}
        assert {site["hired"], site["advisor"].username, site["manager"].username} <= accounts
        restored.stop()

        # --force replaces a database that holds data
        forced = script("restore.sh", folder, "--force", "--services", "hr", urls=urls)
        assert forced.returncode == 0 and "hr: restored" in forced.stdout, forced.stderr
    finally:
        if restored is not None:
            restored.stop()
        original.destroy()
        if user:
            original.rabbit.delete_user(user)
        for name in restored_dbs:
            pg_execute(PG_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
