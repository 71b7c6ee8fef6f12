"""List filters over HTTP: a value no item could have (`?status=zzz`) is 400 VALIDATION_ERROR
on every kind of list route, the gateway's equality filters and the services' own alike,
while a known value still filters (an empty answer then means none, not a typo)."""
import pytest

from tests.api import make_project


@pytest.fixture(scope="module")
def pid(director):
    project, _ = make_project(director, "筛选花园", units=1)
    return project["id"]


ROUTES = [  # (path, parameter): gateway-side filters first, then services' query schemas
    ("/api/projects/{pid}/requisitions", "status"),
    ("/api/projects/{pid}/release-schedules", "status"),
    ("/api/projects/{pid}/price-lists", "status"),
    ("/api/projects/{pid}/probations", "status"),
    ("/api/accounts", "role"),
    ("/api/notifications", "kind"),
    ("/api/staff", "status"),
    ("/api/projects/{pid}/customers", "status"),
    ("/api/projects/{pid}/deals", "status"),
    ("/api/projects/{pid}/units", "status"),
]


@pytest.mark.parametrize("path,name", ROUTES)
def test_an_unknown_filter_value_is_400(director, pid, path, name):
    response = director.get(path.format(pid=pid), params={name: "zzz"})
    assert (response.status_code, response.json()["error"]) == (400, "VALIDATION_ERROR"), response.text
    assert name in response.json()["message"]


def test_a_known_value_still_filters(director, pid):
    accounts = director.ok(director.get("/api/accounts", params={"role": "director"}))
    assert [a["username"] for a in accounts] == [director.username]
    assert director.ok(director.get(f"/api/projects/{pid}/requisitions", params={"status": "open"})) == []
