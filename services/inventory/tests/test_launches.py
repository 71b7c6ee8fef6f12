"""开盘活动 through the real entrypoints, on SQLite and PostgreSQL: the launch's moves with
their history, 认筹 (one per ID number, numbers, masks, review, 诚意金, cancellation) and the
摇号 (publish, draw once, result verifiable)."""
import hashlib
import json

import pytest
from sqlalchemy import create_engine, select

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from services.inventory import lottery_rules
from services.inventory.models import data_reveals
from services.inventory.tests.conftest import DIRECTOR

pytestmark = pytest.mark.sqlite
MANAGER = {"account_id": 5, "username": "mgr5", "role": "manager", "agency_id": 1, "project_ids": None}
ADVISOR = {"account_id": 7, "username": "adv7", "role": "advisor", "agency_id": 1, "project_ids": None}
ASSISTANT = {"account_id": 8, "username": "ast8", "role": "assistant", "agency_id": 1, "project_ids": None}
OTHER_AGENCY = {"account_id": 9, "username": "b9", "role": "director", "agency_id": 2, "project_ids": None}
SEED = "notary-seed-0123456789abcdef"
# valid 居民身份证 numbers (checksums right)
IDS = ["110105199003071239", "11010519900301244X", "110105199003071271", "110105199003071298",
       "110105199003071319", "110105199003071335"]


def check_char(first17):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def test_the_ids_above_are_valid():
    assert all(i[17] == check_char(i[:17]) for i in IDS)


@pytest.fixture
def db(inventory):
    engine = create_engine(inventory.config["DATABASE_URL"])
    yield engine
    engine.dispose()


def launch_body(project, **changes):
    body = {"name": "一期开盘", "mode": "lottery", "opens_at": "2030-05-01T09:00:00+08:00",
            "unit_ids": [u["id"] for u in project["units"][:5]], "deposit_amount": "50000.00",
            "priority_quotas": [{"group": "刚需", "quota": 1}]}
    return dict(body, **changes)


@pytest.fixture
def launch(call, project):
    return call("create_launch", MANAGER, project["project"]["id"], launch_body(project))


def move(call, launch, action, reason=None, actor=MANAGER):
    return call("move_launch", actor, launch["id"], {"action": action, "reason": reason})


def buyer(i, **changes):
    return dict({"buyer_name": f"张三{i}", "id_number": IDS[i], "mobile": f"1381234567{i}"}, **changes)


def test_a_launch_is_created_as_a_draft_with_defaults(call, project, launch):
    assert launch["status"] == "draft" and launch["actions"] == ["open_registration"]
    assert launch["unit_ids"] == sorted(u["id"] for u in project["units"][:5])
    assert (launch["window_size"], launch["window_minutes"], launch["units_per_buyer"]) == (10, 5, 1)
    assert (launch["attempt_limit"], launch["attempt_cooldown_minutes"]) == (2, 30)
    assert launch["deposit_amount"] == "50000.00" and launch["priority_quotas"] == [{"group": "刚需", "quota": 1}]
    assert [h["action"] for h in launch["history"]] == ["create"]
    assert call("list_launches", ADVISOR, project["project"]["id"])[0]["id"] == launch["id"]


def test_only_managers_plan_and_units_must_be_the_projects(call, project):
    with pytest.raises(Forbidden):
        call("create_launch", ADVISOR, project["project"]["id"], launch_body(project))
    other = call("create_project", DIRECTOR, {"name": "别盘", "city": "杭州", "developer_name": "某"})
    with pytest.raises(NotFound) as refused:
        call("create_launch", MANAGER, other["id"], launch_body(project))
    assert refused.value.code == "UNIT_NOT_FOUND"
    with pytest.raises(Invalid):
        call("create_launch", MANAGER, project["project"]["id"], launch_body(project, mode="auction"))


def test_the_state_machine_is_audited_and_pause_resumes(call, launch):
    move(call, launch, "open_registration")
    paused = move(call, launch, "pause", "消防检查")
    assert (paused["status"], paused["paused_from"], paused["pause_reason"]) == ("paused", "registration_open", "消防检查")
    assert paused["actions"] == ["resume"]
    with pytest.raises(Conflict) as refused:
        move(call, launch, "close_registration")
    assert refused.value.code == "ILLEGAL_LAUNCH_TRANSITION"
    resumed = move(call, launch, "resume")
    assert (resumed["status"], resumed["paused_from"], resumed["pause_reason"]) == ("registration_open", None, None)
    closed = move(call, launch, "close_registration")
    with pytest.raises(Conflict) as refused:
        move(call, launch, "start_selection")  # a lottery is drawn first
    assert refused.value.code == "ILLEGAL_LAUNCH_TRANSITION"
    history = call("get_launch", ADVISOR, launch["id"])["history"]
    assert [(h["action"], h["from_status"], h["to_status"]) for h in history] == [
        ("create", None, "draft"), ("open_registration", "draft", "registration_open"),
        ("pause", "registration_open", "paused"), ("resume", "paused", "registration_open"),
        ("close_registration", "registration_open", "registration_closed")]
    assert history[2]["reason"] == "消防检查" and history[2]["actor_name"] == "mgr5"
    assert closed["status"] == "registration_closed"


def test_a_pause_needs_a_reason_and_a_manager(call, launch):
    move(call, launch, "open_registration")
    with pytest.raises(Invalid):
        move(call, launch, "pause")
    with pytest.raises(Forbidden):
        move(call, launch, "pause", "x", actor=ADVISOR)


def test_a_race_launch_is_not_drawn(call, project, event_sink):
    sink = event_sink("inventory")
    race = call("create_launch", MANAGER, project["project"]["id"], launch_body(project, mode="race"))
    move(call, race, "open_registration")
    move(call, race, "close_registration")
    with pytest.raises(Conflict) as refused:
        call("publish_lottery", MANAGER, race["id"], {"seed_commitment": lottery_rules.commitment(SEED)})
    assert refused.value.code == "LAUNCH_MODE_MISMATCH"
    assert move(call, race, "start_selection")["status"] == "selecting"
    assert move(call, race, "finish")["status"] == "finished"
    (finished,) = sink.wait_for("launch_finished")  # for integrators' webhooks
    assert {k: finished["payload"][k] for k in ("launch_id", "name", "mode", "units", "sold")} == {
        "launch_id": race["id"], "name": race["name"], "mode": "race", "units": len(race["unit_ids"]), "sold": 0}


def test_registration_numbers_one_per_id_and_masks(call, launch, db):
    with pytest.raises(Conflict) as refused:
        call("register_for_launch", ADVISOR, launch["id"], buyer(0))
    assert refused.value.code == "REGISTRATION_NOT_OPEN"
    move(call, launch, "open_registration")
    first = call("register_for_launch", ADVISOR, launch["id"], buyer(0))
    assert first["number"] == "RC-0001" and first["id_number"] == "110***********1239"
    assert first["mobile"] == "13812345670"  # the advisor who took it
    second = call("register_for_launch", ASSISTANT, launch["id"], buyer(1, id_number=IDS[1].lower(), channel_name="好房分销"))
    assert second["number"] == "RC-0002" and second["channel_name"] == "好房分销"
    with pytest.raises(Conflict) as refused:
        call("register_for_launch", ASSISTANT, launch["id"], buyer(0, buyer_name="别人"))
    assert refused.value.code == "ALREADY_REGISTERED"
    with pytest.raises(Invalid):
        call("register_for_launch", ADVISOR, launch["id"], buyer(2, id_number="110105199003071238"))  # checksum
    with pytest.raises(RuleViolated) as refused:
        call("register_for_launch", ADVISOR, launch["id"], buyer(2, priority_group="本地"))
    assert refused.value.code == "UNKNOWN_PRIORITY_GROUP"
    seen_by_assistant = call("get_registration", ASSISTANT, first["id"])
    assert seen_by_assistant["id_number"] == "110***********1239" and seen_by_assistant["mobile"] == "138****5670"
    with create_engine(db.url).connect() as conn:
        assert conn.execute(select(data_reveals.c.registration_id)).all() == []
    full = call("list_registrations", MANAGER, launch["id"])
    assert [r["id_number"] for r in full] == [IDS[0], IDS[1]]
    with db.connect() as conn:
        logged = conn.execute(select(data_reveals.c.registration_id, data_reveals.c.masked_mobile,
                                     data_reveals.c.kind)).all()
    assert sorted(logged) == [(first["id"], "138****5670", "list"), (second["id"], "138****5671", "list")]
    # cancelled: the ID number may register again, with a new number
    call("cancel_registration", MANAGER, first["id"], {"reason": "客户放弃"})
    again = call("register_for_launch", ADVISOR, launch["id"], buyer(0))
    assert again["number"] == "RC-0003"
    with pytest.raises(NotFound):
        call("get_registration", OTHER_AGENCY, again["id"])


def eligible(call, registration, group=None, pay=True):
    body = {"result": "eligible", "note": "本地户籍", "documents": ["户口本.pdf", "社保-2026.pdf"]}
    if group:
        body["priority_group"] = group
    reviewed = call("review_registration", ASSISTANT, registration["id"], body)
    if pay:
        call("record_registration_deposit", ASSISTANT, registration["id"],
             {"receipt_no": f"SJ-{registration['id']}", "amount": "50000.00"})
    return reviewed


def test_review_and_deposit(call, launch):
    move(call, launch, "open_registration")
    registration = call("register_for_launch", ADVISOR, launch["id"], buyer(0))
    reviewed = eligible(call, registration, group="刚需", pay=False)
    assert (reviewed["eligibility"], reviewed["reviewed_by_name"], reviewed["priority_group"]) == \
        ("eligible", "ast8", "刚需")
    assert reviewed["review_documents"] == ["户口本.pdf", "社保-2026.pdf"] and reviewed["reviewed_at"]
    with pytest.raises(RuleViolated) as refused:
        call("record_registration_deposit", ASSISTANT, registration["id"], {"receipt_no": "SJ1", "amount": "10000.00"})
    assert refused.value.code == "DEPOSIT_AMOUNT_MISMATCH"
    paid = call("record_registration_deposit", ASSISTANT, registration["id"], {"receipt_no": "SJ1", "amount": "50000.00"})
    assert paid["deposit_receipt_no"] == "SJ1" and paid["deposit_amount"] == "50000.00"
    with pytest.raises(Conflict) as refused:
        call("record_registration_deposit", ASSISTANT, registration["id"], {"receipt_no": "SJ2", "amount": "50000.00"})
    assert refused.value.code == "DEPOSIT_RECORDED"
    with pytest.raises(Forbidden):
        call("review_registration", ADVISOR, registration["id"], {"result": "eligible"})


def test_publish_draw_result_and_verify(call, launch):
    move(call, launch, "open_registration")
    regs = [call("register_for_launch", ADVISOR, launch["id"], buyer(i)) for i in range(5)]
    eligible(call, regs[0], group="刚需")
    eligible(call, regs[1], group="刚需")
    eligible(call, regs[2])
    eligible(call, regs[3], pay=False)  # 诚意金 not paid: not on the list
    call("review_registration", ASSISTANT, regs[4]["id"], {"result": "ineligible", "note": "已有两套"})
    commitment = hashlib.sha256(SEED.encode()).hexdigest()
    with pytest.raises(Conflict) as refused:
        call("publish_lottery", MANAGER, launch["id"], {"seed_commitment": commitment})
    assert refused.value.code == "ILLEGAL_LAUNCH_TRANSITION"  # registration still open
    move(call, launch, "close_registration")
    with pytest.raises(NotFound) as refused:
        call("draw_lottery", MANAGER, launch["id"], {"seed": SEED})
    assert refused.value.code == "LOTTERY_NOT_PUBLISHED"
    published = call("publish_lottery", MANAGER, launch["id"], {"seed_commitment": commitment})
    assert [e["number"] for e in published["entries"]] == ["RC-0001", "RC-0002", "RC-0003"]
    assert published["entries"][0] == {"number": "RC-0001", "group": "刚需", "name": "张**",
                                       "id_number": "110***********1239"}
    assert published["list_digest"] == lottery_rules.list_digest(published["entries"], published["quotas"])
    with pytest.raises(Conflict) as refused:
        call("publish_lottery", MANAGER, launch["id"], {"seed_commitment": commitment})
    assert refused.value.code == "LOTTERY_PUBLISHED"
    with pytest.raises(Conflict) as refused:  # the list is fixed now
        call("cancel_registration", MANAGER, regs[0]["id"], {"reason": "x"})
    assert refused.value.code == "REGISTRATIONS_FROZEN"
    with pytest.raises(RuleViolated) as refused:
        call("draw_lottery", MANAGER, launch["id"], {"seed": SEED + "x"})
    assert refused.value.code == "SEED_MISMATCH"
    with pytest.raises(NotFound):
        call("get_lottery_result", ADVISOR, launch["id"])
    result = call("draw_lottery", MANAGER, launch["id"], {"seed": SEED, "public_value": "527"})
    assert result["order"][0]["round"] == "刚需" and result["order"][0]["number"] in ("RC-0001", "RC-0002")
    assert result["order"] == lottery_rules.draw(published["entries"], published["quotas"], SEED, "527")
    assert call("get_launch", ADVISOR, launch["id"])["status"] == "drawn"
    with pytest.raises(Conflict) as refused:
        call("draw_lottery", MANAGER, launch["id"], {"seed": SEED, "public_value": "999"})
    assert refused.value.code == "LOTTERY_DRAWN"
    assert call("get_lottery_result", ADVISOR, launch["id"]) == result
    assert call("get_lottery_list", ADVISOR, launch["id"]) == published
    started = move(call, launch, "start_selection")
    assert started["status"] == "selecting"


def test_nothing_to_draw(call, launch):
    move(call, launch, "open_registration")
    move(call, launch, "close_registration")
    with pytest.raises(RuleViolated) as refused:
        call("publish_lottery", MANAGER, launch["id"], {"seed_commitment": "0" * 64})
    assert refused.value.code == "NOTHING_TO_DRAW"


def test_registration_publishes_the_finance_seam(call, launch, db):
    move(call, launch, "open_registration")
    registration = call("register_for_launch", ADVISOR, launch["id"], buyer(0))
    from services.inventory.models import outbox
    with db.connect() as conn:
        rows = conn.execute(select(outbox.c.routing_key, outbox.c.body)
                            .where(outbox.c.routing_key == "launch_registered")).all()
    assert len(rows) == 1
    text = rows[0][1] if isinstance(rows[0][1], str) else json.dumps(rows[0][1])
    # finance prints the buyer's name on the 诚意金 收据; the ID number and the full mobile stay here
    assert registration["number"] in text and "张三0" in text
    assert IDS[0] not in text and "13812345670" not in text and "138****5670" in text
