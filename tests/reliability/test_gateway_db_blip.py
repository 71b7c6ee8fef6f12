"""A blip of the gateway's database (issue 30): every request reads the account's state
there, yet reads keep answering through a short blip (each account's last read, for at most
ACCOUNT_STATE_STALE_SECONDS, 10 s here), writes do not, and past the bound the answer is
503. On the private PostgreSQL cluster: the gateway's database refuses connections
(ALLOW_CONNECTIONS false, its sessions terminated)."""
import time

import requests

from loupan.testing import pg_execute, wait_until

STALE_SECONDS = 10  # gateway/config.yaml's default


def test_reads_answer_through_a_short_gateway_database_blip_and_503_after_the_bound(system, director, postgres):
    name = system.urls["gateway"].rsplit("/", 1)[1]

    def admin(sql):
        pg_execute(postgres.admin_dsn, sql)

    def allow(flag):
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(flag).lower()}')
        if not flag:
            admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")

    assert director.get("/api/projects").status_code == 200
    read = time.monotonic()  # the account's state, read by the gateway
    try:
        allow(False)
        answers = [director.get("/api/projects").status_code for _ in range(3)]
        assert time.monotonic() - read < STALE_SECONDS - 1, "too slow to test inside the bound"
        assert answers == [200, 200, 200], answers
        write = director.post("/api/projects", {"name": "停库时", "city": "杭州", "developer_name": "某地产"})
        assert write.status_code == 503, write.text
        time.sleep(max(0.0, STALE_SECONDS + 1 - (time.monotonic() - read)))
        late = director.get("/api/projects")
        assert late.status_code == 503 and late.json()["error"] == "DATABASE_UNAVAILABLE", late.text
    finally:
        allow(True)
    wait_until(lambda: director.get("/api/projects").status_code == 200, timeout=30, what="reads back")
    assert requests.get(f"{system.url('gateway')}/health/live", timeout=5).status_code == 200
