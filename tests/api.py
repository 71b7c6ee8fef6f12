"""Helpers for driving the gateway in tests and benchmarks."""
import json
import re
from contextlib import contextmanager

import pytest

DIRECTOR = ("director", "director-pass-1")
# hr applies a planned 调岗 on its day within a second, crm finds a missed follow-up within
# two (tests date them by hand)
SYSTEM_ENV = {"OUTBOX_SWEEP_SECONDS": "0.5", "RPC_TIMEOUT": "5", "TRANSFER_SWEEP_SECONDS": "1",
              "SLA_SWEEP_SECONDS": "2"}


@contextmanager
def running_system(workdir, agency="测试代理", env=None, pg=None):
    """Every service as its own process on fresh PostgreSQL databases, with the first
    director (DIRECTOR) of `agency`; `env` adds to or overrides SYSTEM_ENV; `pg` = (admin
    DSN, URL template) of another server than the machine's."""
    from loupan.testing.system import System

    system = System(workdir, database="postgresql", env=dict(SYSTEM_ENV, **(env or {})), pg=pg,
                    processes=("feed",))  # the live board feed (gateway/feed), after the gateway
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", agency,
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        yield system
    finally:
        system.destroy()


def own_system(**env):
    """A module-scoped `system` fixture, for a module that must not share the session's:
    `system = own_system()` in a module of tests/own_system, `env` as for running_system.
    Its databases are on the session's private PostgreSQL (`postgres`, tests/conftest.py)."""

    @pytest.fixture(scope="module")
    def system(postgres, tmp_path_factory):
        with running_system(tmp_path_factory.mktemp("system"), env=env,
                            pg=(postgres.admin_dsn, postgres.url_template)) as running:
            yield running

    return system


def unit_rows(building_id, count, floors=30, prefix=""):
    """`count` units spread over floors, 4 per floor, priced around 3 million."""
    rows = []
    for i in range(count):
        floor, seq = i // 4 % floors + 1, i % 4 + 1
        rows.append({"building_id": building_id, "number": f"{prefix}{floor:02d}{seq:02d}", "floor": floor,
                     "layout": ("3室2厅2卫", "2室2厅1卫", "4室2厅2卫", "3室2厅1卫")[seq - 1],
                     "orientation": "南", "property_type": "residential", "gross_area": "100.00",
                     "net_area": "80.00", "list_price": str(3000000 + 10000 * floor),
                     "base_price": str(2800000 + 10000 * floor)})
    return rows


def make_project(api, name, units=10, permit="预售许可001"):
    """A project with one permitted building of `units` units, all released."""
    project = api.ok(api.post("/api/projects", {"name": name, "city": "杭州", "developer_name": "某地产"}), 201)
    building = api.ok(api.post(f"/api/projects/{project['id']}/buildings",
                               {"name": "1号楼", "permit_no": permit}), 201)
    created = api.ok(api.post(f"/api/projects/{project['id']}/units",
                              {"units": unit_rows(building["id"], units)}), 201)
    ids = [u["id"] for u in created]
    api.ok(api.post(f"/api/projects/{project['id']}/releases", {"unit_ids": ids}))
    return project, ids


def short(username):
    """An account's name without its agency's prefix (hr names an agency's accounts
    `<agency code>.<name>`): a1.adv1 -> adv1; a director's name stays as it is."""
    return username.split(".", 1)[-1]


def texts_to(system, mobile):
    """The texts the system sent to `mobile`, oldest first: the gateway's SMS log adapter
    writes each as a JSON line to the system's sms_log (gateway/sms.py)."""
    if not system.sms_log.exists():
        return []
    lines = [json.loads(line) for line in system.sms_log.read_text(encoding="utf-8").splitlines()]
    return [x["text"] for x in lines if x["mobile"] == mobile]


def code_from(text):
    """The six-digit sign-in code of a text (gateway/buyer_codes.py message)."""
    return re.search(r"验证码为 (\d{6})", text).group(1)
