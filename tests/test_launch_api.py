"""开盘活动 through the gateway on PostgreSQL (issue 18, first slice): the launch's state
machine with its history, 认筹 one per ID number with the ID masked for an advisor and full
for a manager, the 摇号 published, drawn, read and verified with the documented command as
a subprocess, and a second agency reaching none of it."""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from loupan.testing.client import Api
from tests.api import make_project
from tests.conftest import staff

ROOT = Path(__file__).resolve().parents[1]
SEED = "notary-launch-api-5f2e9a41"
# 居民身份证 numbers with the right check character
IDS = ["110105199003071239", "11010519900301244X", "110105199003071271", "110105199003071298",
       "110105199003071319", "110105199003071335"]


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "开盘一号", units=8)
    people = {role: staff(system, director, f"launch_{role}", role, [project["id"]])
              for role in ("manager", "advisor", "assistant", "developer_viewer")}
    return {"pid": project["id"], "units": units, **people}


def create(site, **changes):
    manager = site["manager"]
    body = dict({"name": "首开", "mode": "lottery", "opens_at": "2030-05-01T09:00:00+08:00",
                 "unit_ids": site["units"][:4], "window_size": 10, "window_minutes": 5, "deposit_amount": "50000.00",
                 "priority_quotas": [{"group": "刚需", "quota": 1}]}, **changes)
    return manager.ok(manager.post(f"/api/projects/{site['pid']}/launches", body), 201)


def move(api, launch, action, reason=None):
    return api.post(f"/api/launches/{launch['id']}/transitions", {"action": action, "reason": reason})


def buyer(i, **changes):
    return dict({"buyer_name": f"王五{i}", "id_number": IDS[i], "mobile": f"1370000000{i}"}, **changes)


def test_the_state_machine_over_http(site):
    manager, advisor = site["manager"], site["advisor"]
    launch = create(site, mode="race")
    assert launch["status"] == "draft" and launch["attempt_limit"] == 2 and launch["attempt_cooldown_minutes"] == 30
    refused = move(manager, launch, "close_registration")
    assert refused.status_code == 409 and refused.json()["error"] == "ILLEGAL_LAUNCH_TRANSITION"
    assert move(advisor, launch, "open_registration").status_code == 403
    manager.ok(move(manager, launch, "open_registration"))
    assert move(manager, launch, "pause").status_code == 400  # a pause says why
    paused = manager.ok(move(manager, launch, "pause", "系统维护"))
    assert (paused["status"], paused["paused_from"]) == ("paused", "registration_open")
    assert manager.ok(move(manager, launch, "resume"))["status"] == "registration_open"
    manager.ok(move(manager, launch, "close_registration"))
    drawn = manager.post(f"/api/launches/{launch['id']}/lottery/publish", {"seed_commitment": "0" * 64})
    assert drawn.status_code == 409 and drawn.json()["error"] == "LAUNCH_MODE_MISMATCH"
    manager.ok(move(manager, launch, "start_selection"))
    finished = manager.ok(move(manager, launch, "finish"))
    assert [h["action"] for h in finished["history"]] == [
        "create", "open_registration", "pause", "resume", "close_registration", "start_selection", "finish"]
    assert finished["history"][2]["reason"] == "系统维护" and finished["actions"] == []
    listed = advisor.ok(advisor.get(f"/api/projects/{site['pid']}/launches"))
    assert launch["id"] in [x["id"] for x in listed]


def test_one_registration_per_id_masked_for_an_advisor_and_full_for_a_manager(site):
    manager, advisor, assistant = site["manager"], site["advisor"], site["assistant"]
    launch = create(site)
    closed = advisor.post(f"/api/launches/{launch['id']}/registrations", buyer(0))
    assert closed.status_code == 409 and closed.json()["error"] == "REGISTRATION_NOT_OPEN"
    manager.ok(move(manager, launch, "open_registration"))
    first = advisor.ok(advisor.post(f"/api/launches/{launch['id']}/registrations", buyer(0)), 201)
    assert first["number"] == "RC-0001" and first["id_number"] == "110***********1239"
    again = assistant.post(f"/api/launches/{launch['id']}/registrations", buyer(0, buyer_name="冒名"))
    assert again.status_code == 409 and again.json()["error"] == "ALREADY_REGISTERED"
    bad = advisor.post(f"/api/launches/{launch['id']}/registrations", buyer(1, id_number="110105199003071238"))
    assert bad.status_code == 400
    assert advisor.ok(advisor.get(f"/api/registrations/{first['id']}"))["id_number"] == "110***********1239"
    seen = manager.ok(manager.get(f"/api/registrations/{first['id']}"))
    assert seen["id_number"] == IDS[0] and seen["mobile"] == "13700000000"
    assert assistant.ok(assistant.get(f"/api/launches/{launch['id']}/registrations"))[0]["mobile"] == "137****0000"
    assert site["developer_viewer"].get(f"/api/launches/{launch['id']}/registrations").status_code == 403
    reveals = site["manager"].get("/api/data-reveals")  # a director's log: the manager may not read it
    assert reveals.status_code == 403


def test_publish_draw_result_and_verify_with_the_command(site, director, tmp_path):
    manager, advisor, assistant = site["manager"], site["advisor"], site["assistant"]
    launch = create(site)
    manager.ok(move(manager, launch, "open_registration"))
    regs = [advisor.ok(advisor.post(f"/api/launches/{launch['id']}/registrations",
                                    buyer(i, priority_group="刚需" if i < 2 else None)), 201) for i in range(5)]
    for r in regs[:4]:
        assistant.ok(assistant.post(f"/api/registrations/{r['id']}/review",
                                    {"result": "eligible", "note": "本地社保满两年", "documents": ["社保.pdf"]}))
        assistant.ok(assistant.post(f"/api/registrations/{r['id']}/deposit",
                                    {"receipt_no": f"CY-{r['number']}", "amount": "50000.00"}))
    assistant.ok(assistant.post(f"/api/registrations/{regs[4]['id']}/review", {"result": "ineligible", "note": "限购"}))
    manager.ok(move(manager, launch, "close_registration"))
    commitment = hashlib.sha256(SEED.encode()).hexdigest()
    published = manager.ok(manager.post(f"/api/launches/{launch['id']}/lottery/publish",
                                        {"seed_commitment": commitment}), 201)
    assert [e["number"] for e in published["entries"]] == ["RC-0001", "RC-0002", "RC-0003", "RC-0004"]
    assert all("*" in e["id_number"] and "*" in e["name"] for e in published["entries"])
    frozen = assistant.post(f"/api/registrations/{regs[0]['id']}/cancel", {"reason": "改主意"})
    assert frozen.status_code == 409 and frozen.json()["error"] == "REGISTRATIONS_FROZEN"
    wrong = manager.post(f"/api/launches/{launch['id']}/lottery/draw", {"seed": SEED + "-x"})
    assert wrong.status_code == 422 and wrong.json()["error"] == "SEED_MISMATCH"
    result = manager.ok(manager.post(f"/api/launches/{launch['id']}/lottery/draw",
                                     {"seed": SEED, "public_value": "福彩3D-2030120-527"}), 201)
    assert result["order"][0]["round"] == "刚需" and len(result["order"]) == 4
    second = manager.post(f"/api/launches/{launch['id']}/lottery/draw", {"seed": SEED, "public_value": "x"})
    assert second.status_code == 409 and second.json()["error"] == "LOTTERY_DRAWN"
    viewer = site["developer_viewer"]
    assert viewer.ok(viewer.get(f"/api/launches/{launch['id']}/lottery/result")) == result
    assert viewer.ok(viewer.get(f"/api/launches/{launch['id']}"))["status"] == "drawn"
    # anyone recomputes it from the two published files
    listed = advisor.ok(advisor.get(f"/api/launches/{launch['id']}/lottery/published"))
    (tmp_path / "published.json").write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "result.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")

    def verify(*args):
        return subprocess.run([sys.executable, "-m", "services.inventory.lottery_verify",
                               str(tmp_path / "published.json"), *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)

    done = verify("--seed", SEED, "--public-value", "福彩3D-2030120-527", "--result", str(tmp_path / "result.json"))
    assert done.returncode == 0 and "MATCH: the published result is this order" in done.stdout, done.stdout
    assert verify("--seed", SEED, "--public-value", "other", "--result", str(tmp_path / "result.json")).returncode == 1
    manager.ok(move(manager, launch, "start_selection"))


def test_a_second_agency_reaches_nothing(system, site):
    from services.hr.create_director import create_director

    create_director({"DATABASE_URL": system.urls["hr"], "AMQP_URI": system.amqp_uri},
                    "代理 launch 乙", "director_launch_b", "director-pass-1", "总监", "launch-b")
    other = Api(system.url()).login("director_launch_b", "director-pass-1")
    launch = create(site)
    manager = site["manager"]
    manager.ok(move(manager, launch, "open_registration"))
    reg = site["advisor"].ok(site["advisor"].post(f"/api/launches/{launch['id']}/registrations", buyer(2)), 201)
    for path in (f"/api/launches/{launch['id']}", f"/api/launches/{launch['id']}/registrations",
                 f"/api/registrations/{reg['id']}", f"/api/launches/{launch['id']}/lottery/published"):
        response = other.get(path)
        assert response.status_code == 404 and response.json()["error"].endswith("_NOT_FOUND"), path
    for path, body in ((f"/api/launches/{launch['id']}/transitions", {"action": "close_registration"}),
                       (f"/api/launches/{launch['id']}/registrations", buyer(3)),
                       (f"/api/registrations/{reg['id']}/review", {"result": "ineligible"}),
                       (f"/api/registrations/{reg['id']}/cancel", {"reason": "越界"})):
        response = other.post(path, body)
        assert response.status_code == 404, (path, response.text)
    response = other.get(f"/api/projects/{site['pid']}/launches")
    assert response.status_code == 404 and response.json()["error"] == "PROJECT_NOT_FOUND"
    assert manager.ok(manager.get(f"/api/registrations/{reg['id']}"))["status"] == "registered"
    assert manager.ok(manager.get(f"/api/launches/{launch['id']}"))["status"] == "registration_open"
