"""选房 through the gateway (issue 18): buyers signed in on their phones (the SMS log's codes)
hold and confirm in their lottery window, the 认购 is made online through contracts' saga
(the 诚意金 taken at finance becomes part of the 定金), the window moves on early when its buyer confirmed or gave up,
a buyer outside their window or with another's hold is refused, and race mode's attempt
limit answers 429 with Retry-After. The site watches it on /api/launches/<id>/selection."""
import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest
import requests

from loupan.testing import wait_until
from tests.api import code_from, texts_to, unit_rows
from tests.conftest import staff
from tests.test_board_feed import Stream

SEED = "notary-selection-5e2a9"
IDS = ["110105199003071239", "11010519900301244X", "110105199003071271", "110105199003071298",
       "110105199003071319"]


@pytest.fixture(scope="module")
def site(system, director):
    project = director.ok(director.post("/api/projects", {"name": "选房苑", "city": "杭州", "developer_name": "某地产"}), 201)
    building = director.ok(director.post(f"/api/projects/{project['id']}/buildings",
                                         {"name": "1号楼", "permit_no": "杭售许字选房"}), 201)
    rows = [dict(r, delivery_date="2031-12-31") for r in unit_rows(building["id"], 8)]
    units = [u["id"] for u in director.ok(director.post(f"/api/projects/{project['id']}/units", {"units": rows}), 201)]
    director.ok(director.post(f"/api/projects/{project['id']}/releases", {"unit_ids": units}))
    return {"project": project, "units": units,
            "manager": staff(system, director, "selection_manager", "manager", [project["id"]]),
            "advisor": staff(system, director, "selection_advisor", "advisor", [project["id"]]),
            "assistant": staff(system, director, "selection_assistant", "assistant", [project["id"]])}


def launch_of(site, mode, units, mobiles, **changes):
    """A launch in selection with a registration per mobile (eligible, 诚意金 paid if asked),
    and the registrations in drawn order (race: 认筹 order)."""
    manager, advisor, assistant = site["manager"], site["advisor"], site["assistant"]
    opens_at = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    body = dict({"name": f"{mode}选房", "mode": mode, "opens_at": opens_at, "unit_ids": units, "window_size": 1,
                 "window_minutes": 30, "deposit_amount": "0.00"}, **changes)
    launch = manager.ok(manager.post(f"/api/projects/{site['project']['id']}/launches", body), 201)
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "open_registration"}))
    regs = []
    for i, mobile in enumerate(mobiles):
        reg = advisor.ok(advisor.post(f"/api/launches/{launch['id']}/registrations", {
            "buyer_name": f"钱八{i}", "id_number": IDS[i], "mobile": mobile}), 201)
        assistant.ok(assistant.post(f"/api/registrations/{reg['id']}/review", {"result": "eligible", "note": "本地"}))
        if body["deposit_amount"] != "0.00":  # the 诚意金 taken at finance's desk, once finance knows the 认筹
            wait_until(lambda: assistant.post(f"/api/registrations/{reg['id']}/sincerity-receipts", {
                "amount": body["deposit_amount"], "method": "transfer"}).status_code == 201, timeout=30,
                what="finance took the 诚意金")
        regs.append(dict(reg, mobile=mobile))
    if body["deposit_amount"] != "0.00":  # inventory marks them paid from finance's event
        wait_until(lambda: all(assistant.ok(assistant.get(f"/api/registrations/{r['id']}"))["deposit_paid_at"]
                               for r in regs), timeout=30, what="the registrations paid")
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "close_registration"}))
    if mode == "lottery":
        manager.ok(manager.post(f"/api/launches/{launch['id']}/lottery/publish",
                                {"seed_commitment": hashlib.sha256(SEED.encode()).hexdigest()}), 201)
        order = manager.ok(manager.post(f"/api/launches/{launch['id']}/lottery/draw", {"seed": SEED}), 201)["order"]
        by_number = {r["number"]: r for r in regs}
        regs = [by_number[e["number"]] for e in order]
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "start_selection"}))
    return launch, regs


def signed_in(system, launch_id, mobile):
    asked = requests.post(system.url() + "/api/buyer/codes", json={"launch_id": launch_id, "mobile": mobile},
                          timeout=30)
    assert asked.status_code == 202, asked.text
    code = code_from([t for t in texts_to(system, mobile) if "验证码" in t][-1])  # not a window's text
    session = requests.post(system.url() + "/api/buyer/sessions",
                            json={"launch_id": launch_id, "mobile": mobile, "code": code}, timeout=30)
    assert session.status_code == 201, session.text
    return Buyer(system, session.json()["token"])


class Buyer:
    def __init__(self, system, token):
        self.url, self.token = system.url(), token

    def call(self, method, path, body=None):
        return requests.request(method, self.url + path, json=body, timeout=60,
                                headers={"Authorization": f"Bearer {self.token}"})

    def hold(self, unit_id):
        return self.call("POST", "/api/buyer/holds", {"unit_id": unit_id})

    def confirm(self, hold_id, body=None):
        return self.call("POST", f"/api/buyer/holds/{hold_id}/confirm", body or {})

    def me(self):
        answer = self.call("GET", "/api/buyer/me")
        assert answer.status_code == 200, answer.text
        return answer.json()


def refused(response, status, code):
    assert (response.status_code, response.json().get("error")) == (status, code), response.text
    return response


def test_a_lottery_launch_selects_in_windows_of_one(system, site):
    units, manager = site["units"][:4], site["manager"]
    launch, regs = launch_of(site, "lottery", units, ["13770000001", "13770000002", "13770000003"],
                             deposit_amount="20000.00")
    first, second, third = (signed_in(system, launch["id"], r["mobile"]) for r in regs)
    assert first.me()["selection"]["status"] == "open" and third.me()["selection"]["status"] == "waiting"

    refused(third.hold(units[0]), 409, "NOT_YOUR_WINDOW")  # outside their window
    refused(first.hold(site["units"][6]), 404, "UNIT_NOT_IN_LAUNCH")
    held = first.hold(units[0])
    assert held.status_code == 201, held.text
    hold_id = held.json()["hold_id"]
    refused(second.confirm(hold_id), 404, "HOLD_NOT_FOUND")  # another buyer's hold
    refused(first.confirm(hold_id, {"deposit": "10000.00"}), 422, "DEPOSIT_BELOW_EARNEST")
    confirmed = first.confirm(hold_id, {"deposit": "50000.00"})
    assert confirmed.status_code == 201, confirmed.text
    sale = confirmed.json()
    assert (sale["deal_status"], sale["deposit"], sale["earnest"], sale["unit_id"]) == \
        ("submitted", "50000.00", "20000.00", units[0])

    deal = manager.ok(manager.get(f"/api/deals/{sale['deal_id']}"))  # the 认购 exists in contracts
    assert (deal["hold_id"], deal["unit_id"], deal["advisor_id"]) == (hold_id, units[0], regs[0]["advisor_id"])
    assert deal["deposit"] == "50000.00" and deal["customer_phone"] == regs[0]["mobile"]
    # approved, the 认购 names its 认筹: finance turns the 诚意金 into part of the deal's 定金
    manager.ok(manager.post(f"/api/subscriptions/{sale['deal_id']}/approve", {"note": "线上选房"}))

    def standing():
        listed = manager.ok(manager.get(f"/api/launches/{launch['id']}/sincerity"))["registrations"]
        return {r["number"]: r["standing"] for r in listed}[regs[0]["number"]]
    wait_until(lambda: standing() == "converted", timeout=30, what="the 诚意金 converted into the 定金")
    mine = first.me()["selection"]
    assert (mine["status"], mine["confirmed"], mine["holds"][0]["deal_id"]) == ("done", 1, sale["deal_id"])

    view = manager.ok(manager.get(f"/api/launches/{launch['id']}/selection"))  # moved on early
    assert view["current_window"]["number"] == 2 and view["sold"] == 1
    assert (view["windows"][0]["closed_reason"], view["windows"][0]["sold"]) == ("early", 1)
    assert [c["number"] for c in view["choosing"]] == [regs[1]["number"]]
    refused(first.hold(units[1]), 409, "TURN_OVER")

    gave_up = second.call("POST", "/api/buyer/give-up")  # 放弃: window 3 opens
    assert gave_up.status_code == 200 and gave_up.json()["status"] == "done", gave_up.text
    assert third.me()["selection"]["status"] == "open"
    assert third.hold(units[1]).status_code == 201
    refused(second.hold(units[2]), 409, "TURN_OVER")
    assert manager.ok(manager.get(f"/api/launches/{launch['id']}/selection"))["current_window"]["number"] == 3
    # a staff token is no buyer session
    assert site["advisor"].post("/api/buyer/holds", {"unit_id": units[2]}).json()["error"] == "BUYER_SESSION_INVALID"


def test_race_mode_limits_attempts_per_unit(system, site):
    units = site["units"][4:6]
    launch, (one, two) = launch_of(site, "race", units, ["13770000011", "13770000012"], attempt_limit=2,
                                   attempt_cooldown_minutes=30)
    winner, loser = signed_in(system, launch["id"], one["mobile"]), signed_in(system, launch["id"], two["mobile"])
    assert winner.hold(units[0]).status_code == 201
    refused(loser.hold(units[0]), 409, "UNIT_NOT_AVAILABLE")
    refused(loser.hold(units[0]), 409, "UNIT_NOT_AVAILABLE")
    limited = refused(loser.hold(units[0]), 429, "HOLD_ATTEMPTS_EXCEEDED")
    assert 0 < int(limited.headers["Retry-After"]) <= 30 * 60
    assert loser.hold(units[1]).status_code == 201  # the limit is per unit
    view = site["manager"].ok(site["manager"].get(f"/api/launches/{launch['id']}/selection"))
    assert view["attempts"] == 4 and view["current_window"] is None


def test_a_window_opening_reaches_the_phones_on_the_live_feed(system, site):
    """The next window's buyer need not wait for their page's next read: the feed carries the
    opening (the window, never its members' numbers or mobiles)."""
    units = site["units"][6:8]
    launch, (first, second) = launch_of(site, "lottery", units, ["13770000021", "13770000022"])
    waiting = signed_in(system, launch["id"], second["mobile"])
    assert waiting.me()["selection"]["status"] == "waiting"
    stream = Stream(system, site["project"]["id"], waiting.token)
    assert stream.status == 200
    stream.next()
    assert signed_in(system, launch["id"], first["mobile"]).call("POST", "/api/buyer/give-up").status_code == 200
    frame = stream.until(lambda f: f["event"] == "unit" and (f["data"] or {}).get("window"))[-1]
    stream.close()
    assert (frame["data"]["window"]["launch_id"], frame["data"]["window"]["number"]) == (launch["id"], 2)
    assert frame["data"]["units"] == [] and "1377000002" not in json.dumps(frame, ensure_ascii=False)
    assert waiting.me()["selection"]["status"] == "open"
