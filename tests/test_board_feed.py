"""The live board feed (gateway/feed, issue 18) on the running system: a viewer connected to
`GET /api/projects/<id>/board/stream` sees a hold made through the gateway, resumes after a
disconnect with Last-Event-ID and gets exactly what it missed, another agency's token gets
404, and after the feed process is killed and started again a viewer that reconnects catches
up, the changes made while it was down included. The board's first load has an ETag."""
import json

import pytest
import requests

from loupan.testing.client import Api
from tests.api import DIRECTOR, code_from, make_project, texts_to
from tests.conftest import staff


class Stream:
    """One SSE connection to the feed: frames as dicts {id, event, data}."""

    def __init__(self, system, project_id, token, last_id=None):
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_id is not None:
            headers["Last-Event-ID"] = str(last_id)
        self.response = requests.get(f"{system.url('feed')}/api/projects/{project_id}/board/stream",
                                     headers=headers, stream=True, timeout=(10, 30))
        self.status = self.response.status_code
        self.buffer = ""

    def next(self):
        """The next frame with an event (comments and `retry:` skipped); the read times out
        (30 s, twice the keep-alive) if nothing comes."""
        while True:
            while "\n\n" not in self.buffer:
                data = self.response.raw.read1(65536)  # what has come (the body ends at the close)
                if not data:
                    raise AssertionError("the feed closed the stream")
                self.buffer += data.decode("utf-8")
            raw, self.buffer = self.buffer.split("\n\n", 1)
            frame = {}
            for line in raw.split("\n"):
                name, _, value = line.partition(": ")
                if name in ("id", "event", "data"):
                    frame[name] = value
            if "event" in frame:
                frame["data"] = json.loads(frame.get("data") or "null")
                return frame

    def until(self, wanted):
        """Frames up to the first for which `wanted(frame)` holds (that one last)."""
        seen = []
        while True:
            seen.append(self.next())
            if wanted(seen[-1]):
                return seen

    def close(self):
        self.response.close()


def changes(frames):
    return [(u["unit_id"], u["status"]) for f in frames if f["event"] == "unit" for u in f["data"]["units"]]


def unit_change(unit_id, status):
    return lambda f: f["event"] == "unit" and (unit_id, status) in changes([f])


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "直播楼盘", units=6)
    advisor = staff(system, director, "feed.adv", "advisor", [project["id"]])
    return {"project": project["id"], "units": units, "advisor": advisor}


def hold(api, unit_id):
    """A hold for a buyer of its own (one hold per buyer and project)."""
    return api.ok(api.post(f"/api/units/{unit_id}/holds",
                           {"customer_name": "李四", "customer_phone": f"139{unit_id % 10**8:08d}"}), 201)


def test_a_viewer_sees_a_hold_and_resumes_where_it_left_off(system, director, site):
    stream = Stream(system, site["project"], director.token)
    assert stream.status == 200 and stream.response.headers["Content-Type"].startswith("text/event-stream")
    hello = stream.next()
    assert hello["event"] == "hello"
    first = hold(site["advisor"], site["units"][0])
    seen = stream.until(unit_change(site["units"][0], "held"))
    assert seen[-1]["data"]["project_id"] == site["project"] and int(seen[-1]["id"]) > int(hello["id"])
    last_id = seen[-1]["id"]
    stream.close()
    # away: the hold cancelled, another unit held
    site["advisor"].ok(site["advisor"].delete(f"/api/holds/{first['hold_id']}"))
    hold(site["advisor"], site["units"][1])
    again = Stream(system, site["project"], director.token, last_id=last_id)
    assert again.status == 200
    missed = again.until(unit_change(site["units"][1], "held"))
    assert changes(missed) == [(site["units"][0], "available"), (site["units"][1], "held")]
    assert all(int(f["id"]) > int(last_id) for f in missed)
    again.close()


def test_an_id_the_feed_cannot_resume_from_means_reload(system, director, site):
    stream = Stream(system, site["project"], director.token, last_id=10**12)
    assert stream.status == 200
    assert stream.next()["event"] == "reload"
    stream.close()


def test_another_agency_gets_404_and_no_token_401(system, director, site):
    from services.hr.create_director import create_director

    create_director({"DATABASE_URL": system.urls["hr"], "AMQP_URI": system.amqp_uri},
                    "代理 feed 他人", "director_feed_other", DIRECTOR[1], "总监", "feed-other")
    other = Api(system.url()).login("director_feed_other", DIRECTOR[1])
    refused = Stream(system, site["project"], other.token)
    assert refused.status == 404, refused.response.text
    assert Stream(system, site["project"], "not-a-token").status == 401
    missing = requests.get(f"{system.url('feed')}/api/projects/{site['project']}/board/stream", timeout=10)
    assert missing.status_code == 401 and missing.json()["error"] == "TOKEN_MISSING"


def test_a_killed_feed_restarted_lets_viewers_catch_up(system, director, site):
    stream = Stream(system, site["project"], director.token)
    stream.next()
    hold(site["advisor"], site["units"][2])
    last_id = stream.until(unit_change(site["units"][2], "held"))[-1]["id"]
    system.kill("feed")  # SIGKILL
    stream.close()
    hold(site["advisor"], site["units"][3])  # while the feed is down
    system.start_service("feed")  # the same port; ready once it has read its stream again
    again = Stream(system, site["project"], director.token, last_id=last_id)
    assert again.status == 200
    missed = again.until(unit_change(site["units"][3], "held"))
    assert changes(missed) == [(site["units"][3], "held")]
    hold(site["advisor"], site["units"][4])  # and it follows on live
    assert changes(again.until(unit_change(site["units"][4], "held")))[-1] == (site["units"][4], "held")
    again.close()


def test_the_board_has_an_etag_and_answers_304(system, director, site):
    url = f"{system.url()}/api/projects/{site['project']}/board"
    first = requests.get(url, headers=director.headers(), timeout=30)
    assert first.status_code == 200 and first.headers.get("ETag")
    again = {**director.headers(), "If-None-Match": first.headers["ETag"]}
    same = requests.get(url, headers=again, timeout=30)
    assert same.status_code == 304 and same.content == b""
    hold(site["advisor"], site["units"][5])
    changed = requests.get(url, headers=again, timeout=30)
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_a_wall_display_and_a_buyers_phone_follow_their_own_project_only(system, director, site):
    """The 大屏's display token and a buyer's session (signed in with the texted code) are
    accepted for their project, 404 for another of the same agency."""
    other, _ = make_project(director, "直播楼盘二", units=1)
    wall = director.ok(director.post(f"/api/projects/{site['project']}/display-tokens", {"label": "售楼处大屏"}), 201)
    assert Stream(system, site["project"], wall["token"]).status == 200
    assert Stream(system, other["id"], wall["token"]).status == 404

    manager = staff(system, director, "feed.mgr", "manager", [site["project"]])
    launch = manager.ok(manager.post(f"/api/projects/{site['project']}/launches", {
        "name": "直播首开", "mode": "race", "opens_at": "2030-05-01T09:00:00+08:00", "unit_ids": site["units"][:2],
        "window_size": 10, "window_minutes": 5, "deposit_amount": "0.00"}), 201)
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "open_registration"}))
    site["advisor"].ok(site["advisor"].post(f"/api/launches/{launch['id']}/registrations", {
        "buyer_name": "钱八", "id_number": "110105199003071239", "mobile": "13770000008"}), 201)
    body = {"launch_id": launch["id"], "mobile": "13770000008"}
    assert requests.post(system.url() + "/api/buyer/codes", json=body, timeout=30).status_code == 202
    code = code_from(texts_to(system, "13770000008")[-1])
    session = requests.post(system.url() + "/api/buyer/sessions", json=dict(body, code=code), timeout=30)
    phone = session.json()["token"]
    stream = Stream(system, site["project"], phone)
    assert stream.status == 200 and stream.next()["event"] == "hello"
    stream.close()
    assert Stream(system, other["id"], phone).status == 404


def test_the_consoles_origin_may_follow_the_feed_across_ports_and_no_other(system, director, site):
    """The console's pages are the gateway's origin; the feed has a port of its own, so the
    browser asks first (CORS preflight): the gateway's origin is let in, a stranger's is not."""
    url = f"{system.url('feed')}/api/projects/{site['project']}/board/stream"
    asks = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization,last-event-id"}
    allowed = requests.options(url, headers={"Origin": system.url(), **asks}, timeout=10)
    assert allowed.status_code == 204 and allowed.headers["Access-Control-Allow-Origin"] == system.url()
    assert "Last-Event-ID" in allowed.headers["Access-Control-Allow-Headers"]
    stranger = requests.options(url, headers={"Origin": "http://evil.example", **asks}, timeout=10)
    assert "Access-Control-Allow-Origin" not in stranger.headers
    stream = requests.get(url, headers={"Origin": system.url(), **director.headers()}, stream=True, timeout=(10, 30))
    assert stream.status_code == 200 and stream.headers["Access-Control-Allow-Origin"] == system.url()
    stream.close()
