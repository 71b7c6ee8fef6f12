"""Buyers sign in on their phones (issue 18): the mobile of their 认筹 and a one-time code
texted to it (here the log adapter's file, what a provider would receive), then their own view
of the launch: their masked registration, place in the drawn order, window and the units. A
stranger's mobile gets the same answer and no text; wrong codes are counted and spend the
code; a buyer's session reaches nothing of the staff API, and a staff token none of a buyer's."""
import hashlib
import json

import pytest
import requests

from tests.api import code_from, make_project, texts_to
from tests.conftest import staff

SEED = "notary-buyer-signin-7c1d"
IDS = ["110105199003071239", "11010519900301244X", "110105199003071271"]
MOBILES = ["13760000001", "13760000002", "13760000003"]


@pytest.fixture(scope="module")
def launch(system, director):
    project, units = make_project(director, "买家登录", units=6)
    manager = staff(system, director, "buyers_manager", "manager", [project["id"]])
    advisor = staff(system, director, "buyers_advisor", "advisor", [project["id"]])
    assistant = staff(system, director, "buyers_assistant", "assistant", [project["id"]])
    launch = manager.ok(manager.post(f"/api/projects/{project['id']}/launches", {
        "name": "线上首开", "mode": "lottery", "opens_at": "2030-05-01T09:00:00+08:00", "unit_ids": units[:4],
        "window_size": 2, "window_minutes": 5, "deposit_amount": "0.00"}), 201)
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "open_registration"}))
    regs = [advisor.ok(advisor.post(f"/api/launches/{launch['id']}/registrations", {
        "buyer_name": f"赵六{i}", "id_number": IDS[i], "mobile": MOBILES[i]}), 201) for i in range(3)]
    for r in regs:
        assistant.ok(assistant.post(f"/api/registrations/{r['id']}/review", {"result": "eligible", "note": "本地户籍"}))
    return {"launch": launch, "project": project, "units": units, "regs": regs, "manager": manager,
            "advisor": advisor}


def ask(system, launch_id, mobile):
    return requests.post(system.url() + "/api/buyer/codes", json={"launch_id": launch_id, "mobile": mobile}, timeout=30)


def sign_in(system, launch_id, mobile, code):
    return requests.post(system.url() + "/api/buyer/sessions",
                         json={"launch_id": launch_id, "mobile": mobile, "code": code}, timeout=30)


def as_buyer(system, token, method="GET", path="/api/buyer/me"):
    return requests.request(method, system.url() + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_a_buyer_signs_in_with_a_texted_code_and_sees_their_own_launch(system, launch):
    launch_id = launch["launch"]["id"]
    asked = ask(system, launch_id, MOBILES[0])
    assert asked.status_code == 202, asked.text
    assert asked.json() == {"sent_to": "137****0001", "expires_in": 300, "resend_after": 60}
    (text,) = texts_to(system, MOBILES[0])
    again = ask(system, launch_id, MOBILES[0])  # a second code within a minute: refused, none sent
    assert again.status_code == 429 and again.json()["error"] == "CODE_RESEND_TOO_SOON"
    assert int(again.headers["Retry-After"]) > 0 and len(texts_to(system, MOBILES[0])) == 1

    session = sign_in(system, launch_id, MOBILES[0], code_from(text))
    assert session.status_code == 201, session.text
    token, view = session.json()["token"], session.json()["buyer"]
    assert token.startswith("lpb_")
    assert view["registration"]["number"] == launch["regs"][0]["number"]
    assert view["registration"]["buyer_name"] == "赵*" + "*" and view["registration"]["id_number"] == "110***********1239"
    assert (view["launch"]["name"], view["position"], view["window"]) == ("线上首开", None, None)
    assert [u["id"] for u in view["units"]] == sorted(launch["units"][:4])
    assert "13760000002" not in json.dumps(view, ensure_ascii=False)  # nobody else's data
    used = sign_in(system, launch_id, MOBILES[0], code_from(text))  # a code signs in once
    assert used.status_code == 401 and used.json()["error"] == "CODE_INVALID"

    me = as_buyer(system, token)
    assert me.status_code == 200 and me.json()["registration"]["id"] == launch["regs"][0]["id"]
    # the buyer's token is no staff token, and a staff token is no buyer session
    refused = as_buyer(system, token, path=f"/api/launches/{launch_id}")
    assert refused.status_code == 401 and refused.json()["error"] == "TOKEN_INVALID"
    assert as_buyer(system, token, path=f"/api/projects/{launch['project']['id']}/board").status_code == 401
    staff_token = launch["advisor"].token
    assert as_buyer(system, staff_token).json()["error"] == "BUYER_SESSION_INVALID"
    # the session is checked before the body is read: without either, 401, not 400
    for path in ("/api/buyer/holds", "/api/buyer/holds/1/confirm"):
        staffed = as_buyer(system, staff_token, "POST", path)
        assert (staffed.status_code, staffed.json()["error"]) == (401, "BUYER_SESSION_INVALID")
        nobody = requests.post(system.url() + path, timeout=30)
        assert (nobody.status_code, nobody.json()["error"]) == (401, "TOKEN_MISSING")
    assert as_buyer(system, token, "POST", "/api/buyer/holds").json()["error"] == "VALIDATION_ERROR"  # signed in

    out = as_buyer(system, token, "DELETE", "/api/buyer/session")
    assert out.status_code == 200 and out.json() == {"signed_out": True}
    assert as_buyer(system, token).status_code == 401


def test_after_the_draw_the_buyer_sees_their_place_and_window(system, launch):
    launch_id, manager = launch["launch"]["id"], launch["manager"]
    manager.ok(manager.post(f"/api/launches/{launch_id}/transitions", {"action": "close_registration"}))
    manager.ok(manager.post(f"/api/launches/{launch_id}/lottery/publish",
                            {"seed_commitment": hashlib.sha256(SEED.encode()).hexdigest()}), 201)
    order = manager.ok(manager.post(f"/api/launches/{launch_id}/lottery/draw", {"seed": SEED}), 201)["order"]
    third = next(e for e in order if e["number"] == launch["regs"][2]["number"])
    assert ask(system, launch_id, MOBILES[2]).status_code == 202
    token = sign_in(system, launch_id, MOBILES[2], code_from(texts_to(system, MOBILES[2])[-1])).json()["token"]
    view = as_buyer(system, token).json()
    window = (third["position"] - 1) // 2 + 1  # windows of two buyers, five minutes each
    assert (view["position"], view["window"]["number"], view["window"]["minutes"]) == (third["position"], window, 5)
    assert view["launch"]["status"] == "drawn"


def test_strangers_and_guessers_learn_nothing_and_get_nowhere(system, launch):
    launch_id = launch["launch"]["id"]
    stranger = ask(system, launch_id, "13999999999")
    assert stranger.status_code == 202 and stranger.json()["sent_to"] == "139****9999"
    assert texts_to(system, "13999999999") == []  # the same answer, but no text to a stranger
    assert sign_in(system, launch_id, "13999999999", "000000").json()["error"] == "CODE_INVALID"
    assert ask(system, 10 ** 9, MOBILES[1]).status_code == 202  # no such launch: the same answer
    bad = requests.post(system.url() + "/api/buyer/codes", json={"launch_id": launch_id, "mobile": "12345"}, timeout=30)
    assert bad.status_code == 400

    assert ask(system, launch_id, MOBILES[1]).status_code == 202
    right = code_from(texts_to(system, MOBILES[1])[-1])
    wrong = f"{(int(right) + 1) % 10 ** 6:06d}"
    answers = [sign_in(system, launch_id, MOBILES[1], wrong).json() for _ in range(5)]
    assert [a["error"] for a in answers] == ["CODE_INVALID"] * 5
    assert "4 tries left" in answers[0]["message"] and "0 tries left" in answers[4]["message"]
    spent = sign_in(system, launch_id, MOBILES[1], right)  # five wrong tries spent the code
    assert spent.status_code == 429 and spent.json()["error"] == "CODE_ATTEMPTS_EXCEEDED"


def test_a_cancelled_registration_signs_in_no_more(system, launch):
    project, manager = launch["project"], launch["manager"]
    other = manager.ok(manager.post(f"/api/projects/{project['id']}/launches", {
        "name": "加推", "mode": "race", "opens_at": "2030-06-01T09:00:00+08:00", "unit_ids": launch["units"][4:],
        "window_size": 10, "window_minutes": 5, "deposit_amount": "0.00"}), 201)
    manager.ok(manager.post(f"/api/launches/{other['id']}/transitions", {"action": "open_registration"}))
    reg = launch["advisor"].ok(launch["advisor"].post(f"/api/launches/{other['id']}/registrations", {
        "buyer_name": "孙七", "id_number": IDS[0], "mobile": MOBILES[0]}), 201)
    assert ask(system, other["id"], MOBILES[0]).status_code == 202
    code = code_from(texts_to(system, MOBILES[0])[-1])
    manager.ok(manager.post(f"/api/registrations/{reg['id']}/cancel", {"reason": "改主意"}))
    gone = sign_in(system, other["id"], MOBILES[0], code)
    assert gone.status_code == 401 and gone.json()["error"] == "CODE_INVALID"
