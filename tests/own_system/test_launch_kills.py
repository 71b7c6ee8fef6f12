"""选房 survives SIGKILLs (issue 18): while a dozen buyers signed in on their phones race for
eight units, inventory is SIGKILLed and started again, and so is the live board feed. No
unit is taken twice, no buyer gets two, every hold a buyer was told they have (201) is in the
database, and a phone that reconnects to the feed with its Last-Event-ID catches up: with
what it saw before, it has seen every unit the database says is held."""
import random
import threading
import time

import requests
from sqlalchemy import create_engine, text

from loupan.testing import wait_until
from tests.api import code_from, make_project, own_system, texts_to
from tests.conftest import staff
from tests.test_board_feed import Stream, changes

system = own_system(RATE_BUYER_CODES_PER_IP_PER_MINUTE="100000")
BUYERS = 12
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n):
    body = f"11010519910101{n:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


def race_launch(system, director, project, units):
    manager = staff(system, director, "kill.manager", "manager", [project["id"]])
    advisor = staff(system, director, "kill.advisor", "advisor", [project["id"]])
    opens_at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 60))
    launch = manager.ok(manager.post(f"/api/projects/{project['id']}/launches", {
        "name": "断电选房", "mode": "race", "opens_at": opens_at, "unit_ids": units, "deposit_amount": "0.00",
        "attempt_limit": 100, "attempt_cooldown_minutes": 1}), 201)
    move = lambda action: manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions",  # noqa: E731
                                                  {"action": action}))
    move("open_registration")
    for n in range(BUYERS):
        reg = advisor.ok(advisor.post(f"/api/launches/{launch['id']}/registrations", {
            "buyer_name": f"孙{n}", "id_number": id_number(n), "mobile": f"1357000{n:04d}"}), 201)
        manager.ok(manager.post(f"/api/registrations/{reg['id']}/review", {"result": "eligible"}))
    move("close_registration")
    move("start_selection")
    return launch


def signed_in(system, launch_id, mobile):
    asked = requests.post(system.url() + "/api/buyer/codes", json={"launch_id": launch_id, "mobile": mobile},
                          timeout=30)
    assert asked.status_code == 202, asked.text
    answer = requests.post(system.url() + "/api/buyer/sessions", timeout=30, json={
        "launch_id": launch_id, "mobile": mobile, "code": code_from(texts_to(system, mobile)[-1])})
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def race(system, token, units, told, rng):
    """A buyer tries units until one is theirs; while inventory is down (503) they try again."""
    wanted = units[:]
    rng.shuffle(wanted)
    for unit_id in wanted:
        for _ in range(60):
            try:
                answer = requests.post(system.url() + "/api/buyer/holds", json={"unit_id": unit_id}, timeout=30,
                                       headers={"Authorization": f"Bearer {token}"})
            except requests.RequestException:
                time.sleep(0.5)
                continue
            if answer.status_code == 201:
                told.append((token, unit_id, answer.json()["hold_id"], time.monotonic()))
                return
            if answer.status_code == 409 and answer.json()["error"] == "UNIT_NOT_AVAILABLE":
                break
            assert answer.status_code in (503, 429, 409), answer.text  # down, or told why: never a 500
            if answer.status_code == 409:
                return  # this buyer is done (their unit limit)
            time.sleep(0.5)


def database(system, sql):
    engine = create_engine(system.urls["inventory"])
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).all()
    finally:
        engine.dispose()


def test_sigkills_mid_selection_take_no_unit_twice_and_phones_catch_up(system, director):
    project, units = make_project(director, "断电楼盘", units=8)
    launch = race_launch(system, director, project, units)
    tokens = [signed_in(system, launch["id"], f"1357000{n:04d}") for n in range(BUYERS)]
    phone = Stream(system, project["id"], tokens[0])
    assert phone.status == 200
    phone.next()

    told, rng = [], random.Random(18)
    racers = [threading.Thread(target=race, args=(system, t, units, told, random.Random(rng.random())))
              for t in tokens]
    for r in racers[:4]:  # the first few race from the opening
        r.start()
    wait_until(lambda: told, timeout=60, what="a first hold")
    seen = phone.until(lambda f: f["event"] == "unit" and any(s == "held" for _, s in changes([f])))
    system.kill("inventory")  # SIGKILL mid-selection: batches in flight are lost with it
    system.kill("feed")
    phone.close()
    for r in racers[4:]:  # the others press while inventory is down: 503, and they try again
        r.start()
    time.sleep(2)
    system.start_service("inventory")
    restarted = time.monotonic()
    system.start_service("feed")
    for r in racers:
        r.join(timeout=180)
    assert not any(r.is_alive() for r in racers)

    held = database(system, f"SELECT unit_id, registration_id, id FROM holds WHERE launch_id={launch['id']} "
                            "AND status='active'")
    assert len({u for u, _, _ in held}) == len(held)  # no unit twice
    assert len({r for _, r, _ in held}) == len(held)  # no buyer twice
    assert {u for u, _, _ in held} == set(units)  # the race went on after the kill: all taken
    assert {(u, h) for _, u, h, _ in told} <= {(u, h) for u, _, h in held}  # every 201 is durable
    assert any(at > restarted for *_, at in told)  # the selection went on after the restart
    units_held = {u for u, _, _ in held}

    again = Stream(system, project["id"], tokens[0], last_id=seen[-1]["id"])
    assert again.status == 200
    caught_up = {u for u, s in changes(seen) if s == "held"}

    def complete(frame):
        caught_up.update(u for u, s in changes([frame]) if s == "held")
        return caught_up >= units_held

    again.until(complete)
    again.close()
