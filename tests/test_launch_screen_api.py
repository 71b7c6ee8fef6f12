"""选房大屏 (issue 18): the selection screen's state, signed in (GET /api/launches/<id>/screen)
and on a director's display token (GET /api/display/launches/<id>/screen). A lottery launch in
windows of two: the current window's buyers as 认筹号 + 张** (choosing, gave up, chosen), the
next window, the units with their status; a 认购 and a 放弃 show on the next read and the
window moves on. No ID number, mobile or full name is ever in the answer. A display token
reaches only its own project's launches (another project's: 404), is refused once revoked,
and an account's token is no display token (nor the other way round)."""
import re

import pytest
import requests

from loupan.testing.client import Api
from tests.api import unit_rows
from tests.conftest import staff
from tests.test_launch_selection_api import IDS, launch_of, signed_in

MOBILES = ["13770000031", "13770000032", "13770000033"]
PERSONAL = re.compile(r"1[3-9]\d{9}|\d{17}[\dX]|\d{3}\*+\d{4}|钱八\d")  # mobiles, ID numbers (also masked), full names


@pytest.fixture(scope="module")
def site(system, director):
    project = director.ok(director.post("/api/projects", {"name": "大屏选房苑", "city": "杭州", "developer_name": "某地产"}), 201)
    building = director.ok(director.post(f"/api/projects/{project['id']}/buildings",
                                         {"name": "1号楼", "permit_no": "杭售许字大屏"}), 201)
    rows = [dict(r, delivery_date="2031-12-31") for r in unit_rows(building["id"], 6)]
    units = [u["id"] for u in director.ok(director.post(f"/api/projects/{project['id']}/units", {"units": rows}), 201)]
    director.ok(director.post(f"/api/projects/{project['id']}/releases", {"unit_ids": units}))
    other = director.ok(director.post("/api/projects", {"name": "大屏别苑", "city": "杭州", "developer_name": "某地产"}), 201)
    return {"project": project, "other": other, "units": units, "director": director,
            "manager": staff(system, director, "screen_manager", "manager", [project["id"]]),
            "advisor": staff(system, director, "screen_advisor", "advisor", [project["id"]]),
            "assistant": staff(system, director, "screen_assistant", "assistant", [project["id"]])}


def display_token(site, project_id, label):
    director = site["director"]
    return director.ok(director.post(f"/api/projects/{project_id}/display-tokens", {"label": label}), 201)


def no_personal_data(answer):
    text = str(answer)
    assert PERSONAL.findall(text) == [], PERSONAL.findall(text)
    assert not any(i in text for i in IDS)


def test_the_screen_follows_a_lottery_launch_window_by_window(system, site):
    units = site["units"][:4]
    launch, regs = launch_of(site, "lottery", units, MOBILES, window_size=2)
    manager = site["manager"]
    screen = manager.ok(manager.get(f"/api/launches/{launch['id']}/screen"))
    assert screen["launch"]["name"] == launch["name"] and screen["project_name"] == "大屏选房苑"
    assert screen["label"] is None and screen["windows_total"] == 2 and screen["sold"] == 0
    assert screen["current_window"]["number"] == 1 and screen["current_window"]["closes_at"]
    assert [(b["number"], b["buyer_name"], b["state"]) for b in screen["choosing"]] == \
        [(r["number"], "钱**", "choosing") for r in regs[:2]]
    nxt = screen["next_window"]
    assert (nxt["number"], [m["number"] for m in nxt["members"]], nxt["members"][0]["buyer_name"]) == \
        (2, [regs[2]["number"]], "钱**")
    assert nxt["opens_at"] == screen["current_window"]["closes_at"]
    assert sorted(u["id"] for u in screen["units"]) == sorted(units)
    assert {u["status"] for u in screen["units"]} == {"available"}
    assert all(u["building"] == "1号楼" and u["number"] and u["list_price"] for u in screen["units"])
    no_personal_data(screen)

    first, second = (signed_in(system, launch["id"], r["mobile"]) for r in regs[:2])
    assert first.call("POST", "/api/buyer/give-up").status_code == 200  # 放弃: shown, the window stays open
    screen = manager.ok(manager.get(f"/api/launches/{launch['id']}/screen"))
    assert [b["state"] for b in screen["choosing"]] == ["gave_up", "choosing"]

    held = second.hold(units[1])
    assert held.status_code == 201, held.text
    sale = second.confirm(held.json()["hold_id"], {"deposit": "50000.00"})
    assert sale.status_code == 201, sale.text
    # everyone of window 1 finished: window 2 opens early, the unit is sold
    screen = manager.ok(manager.get(f"/api/launches/{launch['id']}/screen"))
    assert screen["current_window"]["number"] == 2 and screen["next_window"] is None
    assert [(b["number"], b["state"]) for b in screen["choosing"]] == [(regs[2]["number"], "choosing")]
    assert screen["sold"] == 1
    assert {u["id"]: u["status"] for u in screen["units"]}[units[1]] == "subscribed"
    no_personal_data(screen)

    # the unattended screen reads the same on its display token, with its label
    token = display_token(site, site["project"]["id"], "选房大屏")["token"]
    wall = Api(system.url(), token)
    shown = wall.ok(wall.get(f"/api/display/launches/{launch['id']}/screen"))
    assert shown["label"] == "选房大屏" and shown["current_window"]["number"] == 2
    assert [b["number"] for b in shown["choosing"]] == [regs[2]["number"]]
    assert {u["id"]: u["status"] for u in shown["units"]} == {u["id"]: u["status"] for u in screen["units"]}
    no_personal_data(shown)


def test_a_display_token_reads_only_its_own_project_s_launches(system, site):
    launch, _ = launch_of(site, "race", site["units"][4:6], ["13770000041"])
    own = display_token(site, site["project"]["id"], "大厅")
    other = display_token(site, site["other"]["id"], "别处")
    wall = Api(system.url(), own["token"])
    screen = wall.ok(wall.get(f"/api/display/launches/{launch['id']}/screen"))
    assert screen["launch"]["mode"] == "race" and screen["current_window"] is None and screen["choosing"] == []
    assert screen["next_window"] is None and len(screen["units"]) == 2
    no_personal_data(screen)

    elsewhere = Api(system.url(), other["token"]).get(f"/api/display/launches/{launch['id']}/screen")
    assert (elsewhere.status_code, elsewhere.json()["error"]) == (404, "LAUNCH_NOT_FOUND")
    missing = wall.get("/api/display/launches/99999999/screen")
    assert (missing.status_code, missing.json()["error"]) == (404, "LAUNCH_NOT_FOUND")
    # an account's token is no display token, and a display token reaches no staff route
    signed = site["manager"].get(f"/api/display/launches/{launch['id']}/screen")
    assert (signed.status_code, signed.json()["error"]) == (401, "DISPLAY_TOKEN_INVALID")
    staff_route = wall.get(f"/api/launches/{launch['id']}/screen")
    assert (staff_route.status_code, staff_route.json()["error"]) == (401, "TOKEN_INVALID")
    anonymous = requests.get(f"{system.url()}/api/display/launches/{launch['id']}/screen", timeout=30)
    assert (anonymous.status_code, anonymous.json()["error"]) == (401, "TOKEN_MISSING")
    # revoked: refused from the next request on
    site["director"].ok(site["director"].delete(f"/api/projects/{site['project']['id']}/display-tokens/{own['id']}"))
    revoked = wall.get(f"/api/display/launches/{launch['id']}/screen")
    assert (revoked.status_code, revoked.json()["error"]) == (401, "DISPLAY_TOKEN_REVOKED")
