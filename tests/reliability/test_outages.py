"""The broker restarts and the database stops during traffic: requests fail cleanly, the
services reconnect on their own, and what was committed meanwhile gets published.

Both servers are this directory's private ones (conftest.py): the machine's shared broker
and database are never touched."""
import re
from datetime import timedelta

import requests
from sqlalchemy import create_engine, func, select, update

from loupan.testing import pg_execute, wait_until
from loupan.types import utcnow
from services.inventory.models import Hold, outbox
from tests.api import make_project
from tests.conftest import staff

BUYER = {"customer_name": "钱七", "customer_phone": "13900000000"}


def inventory_db(system):
    return create_engine(system.urls["inventory"], pool_pre_ping=True)


def pending_outbox(engine):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(outbox.c.state == "pending")).scalar_one()


def all_ready(system):
    for name, instance in system.procs:
        try:
            if requests.get(f"{system.url(name, instance)}/health/ready", timeout=3).status_code != 200:
                return False
        except requests.RequestException:
            return False
    return True


def test_broker_restart_services_reconnect_and_the_outbox_drains(system, director, rabbit):
    """Holds expire (their events go to the outbox) while the broker is down: the rows wait,
    readiness says 503, and after the restart every service is ready again without being
    restarted, the outbox drains and the gateway receives the events (notifications)."""
    project, units = make_project(director, "断网项目", units=4)
    advisor = staff(system, director, "adv_broker", "advisor", [project["id"]])
    holds = [advisor.ok(advisor.post(f"/api/units/{u}/holds", dict(BUYER, customer_phone=f"1390000000{i}")), 201)
             for i, u in enumerate(units[:3])]
    engine = inventory_db(system)
    try:
        wait_until(lambda: pending_outbox(engine) == 0, timeout=30, what="holds published")
        rabbit.stop()
        with engine.begin() as conn:  # the holds' time runs out while the broker is away
            conn.execute(update(Hold).where(Hold.id.in_([h["hold_id"] for h in holds]))
                         .values(expires_at=utcnow() - timedelta(minutes=1)))
        wait_until(lambda: pending_outbox(engine) >= 3, timeout=30, what="expiry events waiting in the outbox")
        ready = requests.get(f"{system.url('inventory')}/health/ready", timeout=10)
        assert ready.status_code == 503 and "broker" in ready.text
        scrape = requests.get(f"{system.url('inventory')}/metrics", timeout=10)  # still answers:
        assert scrape.status_code == 200  # the outage shows in the series, not as a failed scrape
        assert float(re.search(r"^loupan_outbox_pending (\S+)$", scrape.text, re.MULTILINE).group(1)) >= 3
        assert re.search(r"^loupan_dead_letters\{queue=\"[^\"]+\"\} NaN$", scrape.text, re.MULTILINE)
        # an answer, not a hang: the gateway's 503 (a hang ends in the client's timeout);
        # how long it takes is bench/refusals.py's figure
        refused = advisor.post(f"/api/units/{units[3]}/holds", BUYER)
        assert refused.status_code == 503, refused.text
        rabbit.start()
        wait_until(lambda: all_ready(system), timeout=90, what="every service ready after the restart")
        wait_until(lambda: pending_outbox(engine) == 0, timeout=90, what="the outbox drained")
        notes = wait_until(lambda: len(advisor.ok(advisor.get("/api/notifications"))) >= 3 and
                           advisor.ok(advisor.get("/api/notifications")), timeout=60,
                           what="the gateway got the expiry events")
        assert len(notes) == 3
        assert set(system.procs) == {(n, 0) for n in system.services}  # nobody was restarted
        hold = wait_until(lambda: _hold_now(advisor, units[3]), timeout=60, what="a hold works again")
        assert hold["unit_id"] == units[3]
    finally:
        engine.dispose()
        if rabbit.proc is None:
            rabbit.start()


def _hold_now(advisor, unit_id):
    response = advisor.post(f"/api/units/{unit_id}/holds", BUYER)
    return response.json() if response.status_code == 201 else None


def test_database_stop_answers_503_and_recovers(system, director, postgres):
    """PostgreSQL stops for a few seconds: calls fail with 503 (never hang, never 500; how
    soon is bench/refusals.py's figure), readiness reports the database, and everything
    works once it is back."""
    project, units = make_project(director, "停库项目", units=2)
    advisor = staff(system, director, "adv_db", "advisor", [project["id"]])
    postgres.stop()
    try:
        for _ in range(3):  # each an answer (a hang ends in the client's timeout), never a 500
            response = advisor.post(f"/api/units/{units[0]}/holds", BUYER)
            assert response.status_code == 503, response.text
            assert response.json()["error"] in ("SERVICE_UNAVAILABLE", "DATABASE_UNAVAILABLE")
        ready = requests.get(f"{system.url('inventory')}/health/ready", timeout=10)
        assert ready.status_code == 503 and "database" in ready.text
        assert requests.get(f"{system.url('inventory')}/health/live", timeout=10).status_code == 200
    finally:
        postgres.start()
    wait_until(lambda: all_ready(system), timeout=60, what="every service ready again")
    hold = wait_until(lambda: _hold_now(advisor, units[1]), timeout=60, what="a hold works again")
    assert hold["unit_id"] == units[1]
    board = director.ok(director.get(f"/api/projects/{project['id']}/board"))
    assert board["totals"]["held"]["count"] == 1  # the refused attempts left nothing behind


def test_a_services_database_away_is_a_503_through_the_gateway(system, director, postgres):
    """Only inventory's database refuses connections (the gateway's still works): the error
    crosses the RPC boundary and the front-end still gets a 503, then recovers."""
    project, units = make_project(director, "库离线项目", units=2)
    advisor = staff(system, director, "adv_db2", "advisor", [project["id"]])
    name = system.urls["inventory"].rsplit("/", 1)[1]

    def admin(sql):
        pg_execute(postgres.admin_dsn, sql)

    admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        response = advisor.post(f"/api/units/{units[0]}/holds", BUYER)
        assert response.status_code == 503, response.text
        ready = requests.get(f"{system.url('inventory')}/health/ready", timeout=10)
        assert ready.status_code == 503 and "database" in ready.text
    finally:
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    hold = wait_until(lambda: _hold_now(advisor, units[1]), timeout=60, what="a hold works again")
    assert hold["unit_id"] == units[1]
