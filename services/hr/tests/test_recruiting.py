"""招聘 recruiting through the real hr entrypoints, on SQLite and PostgreSQL: requisitions a
director approves, the candidate stage machine, interview feedback, offers bounded by the
headcount, hiring (account and 试用期) and the 转正 review; refusals change nothing."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.testing import db_rows
from services.hr.models import Account, Probation, RecruitingHistory, outbox
from services.hr.recruiting_rules import add_months
from services.hr.tests.conftest import actor_of, make_director
from loupan.types import today

P1, P2 = 101, 102




@pytest.fixture
def staff(call, director):
    """hr and a manager on P1, a manager on P2, an advisor on P1 (actor dicts by name)."""
    def make(username, role, projects):
        call("create_account", director, {"username": username, "password": "sales-office-42", "full_name": username,
                                          "role": role, "project_ids": projects})
        return actor_of(call("authenticate", username, "sales-office-42"))

    return {"director": director, "hr": make("a1.hr1", "hr", [P1, P2]), "manager": make("a1.mgr1", "manager", [P1]),
            "manager2": make("a1.mgr2", "manager", [P2]), "advisor": make("a1.adv1", "advisor", [P1])}


def requisition(call, staff, headcount=1, approve=True, role="advisor"):
    req = call("request_requisition", staff["manager"], P1,
               {"role": role, "headcount": headcount, "reason": "新盘开盘补员"})
    if approve:
        req = call("approve_requisition", staff["director"], req["id"])
    return req


def candidate(call, staff, req, phone="13812345678", stage="interview_1"):
    """A candidate on `req`, moved forward to `stage`."""
    cand = call("add_candidate", staff["hr"], req["id"], {"name": "赵六", "phone": phone, "source": "内推"})
    for step in ("screened", "interview_1", "interview_2", "offer"):
        if cand["stage"] == stage:
            break
        cand = call("advance_candidate", staff["hr"], cand["id"], {"to_stage": step})
    return cand


def offer(call, staff, cand, start_on=None, months=3):
    return call("make_offer", staff["hr"], cand["id"], {"salary": "6500.00", "start_on": str(start_on or today()),
                                                      "probation_months": months})


def hired(call, staff, req, username="a1.newbie", start_on=None, months=3, phone="13812345678"):
    cand = candidate(call, staff, req, phone=phone)
    made = offer(call, staff, cand, start_on, months)
    call("accept_offer", staff["hr"], made["id"])
    return call("hire_candidate", staff["hr"], cand["id"], {"username": username, "password": "welcome-aboard-42"})


def due_for_review():
    """A start day whose 3-month probation ends within the next two weeks."""
    return add_months(today(), -3) + timedelta(days=5)


def test_requisition_to_confirmation(call, staff, hr_config):
    req = call("request_requisition", staff["manager"], P1,
               {"role": "advisor", "headcount": 1, "reason": "新盘开盘补员"})
    assert req["status"] == "open" and req["requested_by"] == staff["manager"]["account_id"]
    req = call("approve_requisition", staff["director"], req["id"])
    assert req["status"] == "approved" and req["approved_by"] == staff["director"]["account_id"]
    cand = call("add_candidate", staff["hr"], req["id"], {"name": "赵六", "phone": "+86 138-1234-5678"})
    assert cand["phone"] == "13812345678" and cand["stage"] == "applied" and cand["project_id"] == P1
    for step in ("screened", "interview_1"):
        cand = call("advance_candidate", staff["hr"], cand["id"], {"to_stage": step})
    feedback = call("give_feedback", staff["manager"], cand["id"],
                    {"score": 4, "recommendation": "hire", "notes": "沟通好"})
    assert feedback["stage"] == "interview_1" and feedback["interviewer_id"] == staff["manager"]["account_id"]
    cand = call("advance_candidate", staff["hr"], cand["id"], {"to_stage": "interview_2"})
    made = offer(call, staff, cand, start_on=due_for_review())
    assert made["status"] == "offered" and made["salary"] == "6500.00"
    assert call("get_candidate", staff["hr"], cand["id"])["stage"] == "offer"
    assert call("accept_offer", staff["hr"], made["id"])["status"] == "accepted"

    result = call("hire_candidate", staff["hr"], cand["id"], {"username": "a1.zhaoliu", "password": "welcome-aboard-42"})
    assert result["candidate"]["stage"] == "hired"
    assert result["account"]["role"] == "advisor" and result["account"]["project_ids"] == [P1]
    assert result["account"]["full_name"] == "赵六"
    assert call("authenticate", "a1.zhaoliu", "welcome-aboard-42")["id"] == result["account"]["id"]
    probation = result["probation"]
    assert probation["status"] == "in_probation" and probation["account_id"] == result["account"]["id"]
    assert probation["end_on"] == str(add_months(due_for_review(), 3))
    filled = call("list_requisitions", staff["hr"], P1)[0]
    assert (filled["status"], filled["hired"], filled["seats_taken"]) == ("filled", 1, 1)

    decided = call("review_probation", staff["manager"], probation["id"],
                   {"decision": "confirm", "notes": "业绩达标，考勤良好"})
    assert decided["status"] == "confirmed" and decided["decided_by"] == staff["manager"]["account_id"]
    assert call("list_probations", staff["hr"], P1)[0]["status"] == "confirmed"

    bodies = [json.loads(b) for (b,) in db_rows(hr_config, select(outbox.c.body).order_by(outbox.c.id))]
    hires = [b for b in bodies if b["payload"].get("username") == "a1.zhaoliu"]
    assert [b["type"] for b in hires] == ["account_created"]
    history = db_rows(hr_config, select(RecruitingHistory.record, RecruitingHistory.to_status)
                   .order_by(RecruitingHistory.id))
    assert [tuple(h) for h in history if h[0] == "candidate"] == [
        ("candidate", s) for s in ("applied", "screened", "interview_1", "interview_2", "offer", "hired")]
    assert ("probation", "confirmed") in [tuple(h) for h in history]


def test_candidates_wait_at_screening_until_a_director_approves(call, staff):
    req = requisition(call, staff, approve=False)
    cand = candidate(call, staff, req, stage="screened")
    with pytest.raises(Conflict) as err:
        call("advance_candidate", staff["hr"], cand["id"], {"to_stage": "interview_1"})
    assert err.value.code == "REQUISITION_NOT_APPROVED"
    for role in ("manager", "hr"):
        with pytest.raises(Forbidden):
            call("approve_requisition", staff[role], req["id"])
    assert call("get_candidate", staff["hr"], cand["id"])["stage"] == "screened"
    call("approve_requisition", staff["director"], req["id"])
    with pytest.raises(Conflict) as err:
        call("approve_requisition", staff["director"], req["id"])
    assert err.value.code == "REQUISITION_NOT_OPEN"
    assert call("advance_candidate", staff["hr"], cand["id"], {"to_stage": "interview_1"})["stage"] == "interview_1"


def test_illegal_stage_moves_are_conflicts_that_change_nothing(call, staff, hr_config):
    req = requisition(call, staff)
    cand = candidate(call, staff, req, stage="applied")
    before = db_rows(hr_config, select(func.count()).select_from(RecruitingHistory))
    for to_stage in ("interview_1", "interview_2"):
        with pytest.raises(Conflict) as err:
            call("advance_candidate", staff["hr"], cand["id"], {"to_stage": to_stage})
        assert err.value.code == "ILLEGAL_STAGE_MOVE"
    for to_stage in ("offer", "hired", "applied"):
        with pytest.raises(Invalid):
            call("advance_candidate", staff["hr"], cand["id"], {"to_stage": to_stage})
    assert call("get_candidate", staff["hr"], cand["id"])["stage"] == "applied"
    assert db_rows(hr_config, select(func.count()).select_from(RecruitingHistory)) == before
    call("advance_candidate", staff["hr"], cand["id"], {"to_stage": "rejected", "reason": "经验不足"})
    for to_stage in ("screened", "withdrawn"):
        with pytest.raises(Conflict):
            call("advance_candidate", staff["hr"], cand["id"], {"to_stage": to_stage})
    assert call("get_candidate", staff["hr"], cand["id"])["stage"] == "rejected"


def test_headcount_bounds_the_offers_and_fills_the_requisition(call, staff):
    req = requisition(call, staff, headcount=1)
    first = candidate(call, staff, req, phone="13800000001")
    second = candidate(call, staff, req, phone="13800000002")
    first_offer = offer(call, staff, first)
    with pytest.raises(Conflict) as err:
        offer(call, staff, second)
    assert err.value.code == "HEADCOUNT_REACHED"
    assert call("get_candidate", staff["hr"], second["id"])["stage"] == "interview_1"
    with pytest.raises(Conflict) as err:
        offer(call, staff, first)
    assert err.value.code == "OFFER_OPEN"

    call("decline_offer", staff["hr"], first_offer["id"])
    assert call("list_requisitions", staff["hr"], P1)[0]["seats_taken"] == 0
    with pytest.raises(Conflict):
        call("accept_offer", staff["hr"], first_offer["id"])
    second_offer = offer(call, staff, second)
    call("accept_offer", staff["hr"], second_offer["id"])
    call("hire_candidate", staff["hr"], second["id"], {"username": "a1.second", "password": "welcome-aboard-42"})
    assert call("list_requisitions", staff["hr"], P1)[0]["status"] == "filled"
    with pytest.raises(Conflict) as err:
        offer(call, staff, first)
    assert err.value.code == "REQUISITION_NOT_APPROVED"
    with pytest.raises(Conflict) as err:
        call("add_candidate", staff["hr"], req["id"], {"name": "钱七", "phone": "13800000003"})
    assert err.value.code == "REQUISITION_CLOSED"


def test_withdrawing_at_the_offer_declines_it_and_frees_the_seat(call, staff):
    req = requisition(call, staff, headcount=1)
    cand = candidate(call, staff, req)
    made = offer(call, staff, cand)
    call("accept_offer", staff["hr"], made["id"])
    with pytest.raises(Conflict) as err:
        call("cancel_requisition", staff["director"], req["id"], {"reason": "项目暂停"})
    assert err.value.code == "OFFERS_OUTSTANDING"
    call("advance_candidate", staff["hr"], cand["id"], {"to_stage": "withdrawn", "reason": "另有工作"})
    detail = call("get_candidate", staff["hr"], cand["id"])
    assert detail["stage"] == "withdrawn" and [o["status"] for o in detail["offers"]] == ["declined"]
    assert call("list_requisitions", staff["hr"], P1)[0]["seats_taken"] == 0
    with pytest.raises(Forbidden):
        call("cancel_requisition", staff["hr"], req["id"], {"reason": "项目暂停"})
    cancelled = call("cancel_requisition", staff["manager"], req["id"], {"reason": "项目暂停"})
    assert cancelled["status"] == "cancelled"


def test_hiring_needs_an_accepted_offer_and_a_free_username(call, staff, hr_config):
    req = requisition(call, staff)
    cand = candidate(call, staff, req)
    made = offer(call, staff, cand)
    login = {"username": "a1.newbie", "password": "welcome-aboard-42"}
    with pytest.raises(Conflict) as err:
        call("hire_candidate", staff["hr"], cand["id"], login)
    assert err.value.code == "OFFER_NOT_ACCEPTED"
    call("accept_offer", staff["hr"], made["id"])
    with pytest.raises(Conflict) as err:
        call("hire_candidate", staff["hr"], cand["id"], dict(login, username="a1.hr1"))
    assert err.value.code == "USERNAME_TAKEN"
    with pytest.raises(Invalid):
        call("hire_candidate", staff["hr"], cand["id"], dict(login, role="director"))
    with pytest.raises(Forbidden):
        call("hire_candidate", staff["manager"], cand["id"], login)
    assert call("get_candidate", staff["hr"], cand["id"])["stage"] == "offer"
    assert call("list_requisitions", staff["hr"], P1)[0]["hired"] == 0
    assert db_rows(hr_config, select(func.count()).select_from(Probation)) == [(0,)]
    assert db_rows(hr_config, select(func.count()).select_from(Account).where(Account.username == "a1.newbie")) == [(0,)]
    result = call("hire_candidate", staff["hr"], cand["id"], dict(login, role="supervisor"))
    assert result["account"]["role"] == "supervisor"
    with pytest.raises(Conflict):
        call("hire_candidate", staff["hr"], cand["id"], dict(login, username="again"))


def test_probation_ends_at_the_end_of_a_shorter_month(call, staff):
    start = today().replace(month=1, day=31)
    probation = hired(call, staff, requisition(call, staff), start_on=start, months=1)["probation"]
    assert probation["start_on"] == str(start)
    assert probation["end_on"] == str(add_months(start, 1)) and probation["end_on"][5:7] == "02"


def test_feedback_only_at_an_interview_once_per_interviewer(call, staff):
    req = requisition(call, staff)
    cand = candidate(call, staff, req, stage="screened")
    good = {"score": 5, "recommendation": "hire", "notes": "形象好"}
    with pytest.raises(Conflict) as err:
        call("give_feedback", staff["manager"], cand["id"], good)
    assert err.value.code == "NOT_IN_INTERVIEW"
    call("advance_candidate", staff["hr"], cand["id"], {"to_stage": "interview_1"})
    call("give_feedback", staff["manager"], cand["id"], good)
    with pytest.raises(Conflict) as err:
        call("give_feedback", staff["manager"], cand["id"], good)
    assert err.value.code == "FEEDBACK_EXISTS"
    call("give_feedback", staff["hr"], cand["id"], dict(good, recommendation="no_hire", score=2))
    for bad in ({"score": 6}, {"score": 0}, {"recommendation": "maybe"}, {"notes": " "}):
        with pytest.raises(Invalid):
            call("give_feedback", staff["director"], cand["id"], dict(good, **bad))
    with pytest.raises(Forbidden):
        call("give_feedback", staff["advisor"], cand["id"], good)
    with pytest.raises(Forbidden) as err:
        call("give_feedback", staff["manager2"], cand["id"], good)
    assert err.value.code == "PROJECT_FORBIDDEN"
    feedback = call("get_candidate", staff["hr"], cand["id"])["feedback"]
    assert [(f["score"], f["recommendation"]) for f in feedback] == [(5, "hire"), (2, "no_hire")]


def test_roles_projects_and_agencies_are_checked(call, staff, hr_config):
    body = {"role": "advisor", "headcount": 2, "reason": "补员"}
    with pytest.raises(Forbidden) as err:
        call("request_requisition", staff["manager2"], P1, body)
    assert err.value.code == "PROJECT_FORBIDDEN"
    with pytest.raises(Forbidden) as err:
        call("request_requisition", staff["advisor"], P1, body)
    assert err.value.code == "ROLE_FORBIDDEN"
    for bad in ({"headcount": 0}, {"role": "director"}, {"role": "king"}, {"reason": ""}):
        with pytest.raises(Invalid):
            call("request_requisition", staff["manager"], P1, dict(body, **bad))
    assert call("list_requisitions", staff["director"], P1) == []

    req = requisition(call, staff)
    with pytest.raises(Forbidden):
        call("add_candidate", staff["manager"], req["id"], {"name": "赵六", "phone": "13812345678"})
    with pytest.raises(Invalid):
        call("add_candidate", staff["hr"], req["id"], {"name": "赵六", "phone": "12345"})
    call("add_candidate", staff["hr"], req["id"], {"name": "赵六", "phone": "13812345678"})
    with pytest.raises(Conflict) as err:
        call("add_candidate", staff["hr"], req["id"], {"name": "赵六", "phone": "138 1234 5678"})
    assert err.value.code == "CANDIDATE_EXISTS"

    rival = make_director(hr_config, agency="别家代理", username="rival")
    with pytest.raises(NotFound) as err:
        call("approve_requisition", rival, req["id"])
    assert err.value.code == "REQUISITION_NOT_FOUND"
    with pytest.raises(NotFound):
        call("list_candidates", rival, req["id"])
    with pytest.raises(NotFound) as err:  # another agency's project does not exist for it
        call("list_requisitions", rival, P1)
    assert err.value.code == "PROJECT_NOT_FOUND"
    assert len(call("list_candidates", staff["manager"], req["id"])) == 1


def test_the_confirmation_review(call, staff):
    due = hired(call, staff, requisition(call, staff), start_on=due_for_review())["probation"]
    early = hired(call, staff, requisition(call, staff), username="a1.early", phone="13900000000")["probation"]
    confirm = {"decision": "confirm", "notes": "表现良好"}
    with pytest.raises(RuleViolated) as err:
        call("review_probation", staff["manager"], early["id"], confirm)
    assert err.value.code == "REVIEW_TOO_EARLY"
    with pytest.raises(Forbidden):
        call("review_probation", staff["hr"], due["id"], confirm)
    with pytest.raises(Forbidden):
        call("review_probation", staff["manager2"], due["id"], confirm)
    with pytest.raises(Invalid):
        call("review_probation", staff["manager"], due["id"], {"decision": "extend", "months": 4, "notes": "x"})
    with pytest.raises(Invalid):
        call("review_probation", staff["manager"], due["id"], {"decision": "extend", "notes": "x"})
    assert call("list_probations", staff["manager"], P1) == [due, early]

    extended = call("review_probation", staff["manager"], due["id"],
                    {"decision": "extend", "months": 2, "notes": "业绩未达标，延长观察"})
    assert extended["status"] == "extended"
    assert extended["end_on"] == str(add_months(add_months(due_for_review(), 3), 2))
    with pytest.raises(RuleViolated) as err:  # the new end is months away: its review is not open yet
        call("review_probation", staff["director"], due["id"], {"decision": "confirm", "notes": "转正"})
    assert err.value.code == "REVIEW_TOO_EARLY"
    assert call("list_probations", staff["hr"], P1)[0]["end_on"] == extended["end_on"]


def test_an_extended_probation_may_then_be_terminated_once(call, staff, hr_config):
    due = hired(call, staff, requisition(call, staff), start_on=add_months(today(), -5))["probation"]
    extended = call("review_probation", staff["director"], due["id"],
                    {"decision": "extend", "months": 1, "notes": "延长一个月"})
    with pytest.raises(RuleViolated) as err:
        call("review_probation", staff["director"], due["id"], {"decision": "extend", "months": 1, "notes": "再延"})
    assert err.value.code == "ALREADY_EXTENDED"
    done = call("review_probation", staff["director"], due["id"], {"decision": "terminate", "notes": "不胜任"})
    assert done["status"] == "terminated" and done["end_on"] == extended["end_on"]
    with pytest.raises(Conflict) as err:
        call("review_probation", staff["director"], due["id"], {"decision": "confirm", "notes": "改主意"})
    assert err.value.code == "PROBATION_DECIDED"
    notes = db_rows(hr_config, select(RecruitingHistory.note).where(RecruitingHistory.record == "probation")
                 .order_by(RecruitingHistory.id))
    assert [n for (n,) in notes] == [None, "延长一个月", "不胜任"]


def test_nobody_decides_their_own_probation(call, staff):
    result = hired(call, staff, requisition(call, staff, role="manager"), username="a1.newmgr",
                   start_on=due_for_review())
    assert result["account"]["role"] == "manager"
    me = actor_of(call("authenticate", "a1.newmgr", "welcome-aboard-42"))
    with pytest.raises(Forbidden) as err:
        call("review_probation", me, result["probation"]["id"], {"decision": "confirm", "notes": "自评"})
    assert err.value.code == "OWN_PROBATION"


def test_applicants_phones_are_masked_but_for_hr_and_directors_whose_views_are_logged(call, staff):
    """Managers read candidates with the phone masked (like customers'); hr and directors, who
    call applicants, see it in full, and every such answer is logged (loupan.reveals)."""
    req = requisition(call, staff)
    cand = candidate(call, staff, req, phone="13812345678", stage="applied")
    assert cand["phone"] == "13812345678"  # hr's own echo of what it typed: not a reveal
    assert call("list_data_reveals", staff["director"], {}) == []
    for who in ("manager",):
        assert [c["phone"] for c in call("list_candidates", staff[who], req["id"])] == ["138****5678"]
        assert call("get_candidate", staff[who], cand["id"])["phone"] == "138****5678"
    assert call("list_data_reveals", staff["director"], {}) == []  # masked: nothing to log
    assert [c["phone"] for c in call("list_candidates", staff["hr"], req["id"])] == ["13812345678"]
    assert call("get_candidate", staff["director"], cand["id"])["phone"] == "13812345678"
    moved = call("advance_candidate", staff["hr"], cand["id"], {"to_stage": "screened"})
    assert moved["phone"] == "13812345678"
    logged = call("list_data_reveals", staff["director"], {})
    assert [(r["role"], r["kind"], r["entrypoint"], r["candidate_id"], r["masked_mobile"], r["service"])
            for r in logged] == [
        ("hr", "detail", "advance_candidate", cand["id"], "138****5678", "hr"),
        ("director", "detail", "get_candidate", cand["id"], "138****5678", "hr"),
        ("hr", "list", "list_candidates", cand["id"], "138****5678", "hr")]
    assert all(r["project_id"] == P1 and r["customer_id"] is None for r in logged)
    with pytest.raises(Forbidden):
        call("list_data_reveals", staff["hr"], {})
