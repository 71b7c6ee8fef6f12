"""更正手机号 through the system (issue 19): an advisor corrects the number of a customer no
channel holds at once (201, kept in the record's history, masked); of a customer a channel
brought (its 带看码 checked at reception) the correction waits for a manager (202), who finds
it in the project's pending list and approves it (the record shows the new number and the
channel's protection, the channel's reports follow it, 渠道风控 lists each step) or rejects it
with a note (the number stays). Another customer's number, another advisor's customer, an
advisor ruling, a second decision: refused."""
import pytest

from tests.api import make_project
from tests.conftest import staff


def error(response, status, code):
    assert (response.status_code, response.json()["error"]) == (status, code), response.text


@pytest.fixture(scope="module")
def site(system, director):
    project, _ = make_project(director, "更正号码苑", units=1)
    pid = project["id"]
    people = {role: staff(system, director, f"mch_{role}", role, [pid]) for role in ("manager", "assistant", "advisor")}
    people["advisor2"] = staff(system, director, "mch_advisor2", "advisor", [pid])
    manager = people["manager"]
    channels = [manager.ok(manager.post("/api/channels", {"name": name, "grade": "A", "project_ids": [pid]}), 201)
                for name in ("链家更正", "贝壳更正")]
    brokers = [manager.ok(manager.post("/api/brokers", {"channel_id": c["id"], "name": f"更正经纪人{i}",
                                                        "mobile": f"1380066{i:04d}"}), 201)
               for i, c in enumerate(channels)]
    return {"pid": pid, "brokers": brokers, **people}


def test_an_advisor_corrects_an_unheld_customers_number_at_once(site):
    pid, advisor, other = site["pid"], site["advisor"], site["advisor2"]
    customer = advisor.ok(advisor.post(f"/api/projects/{pid}/customers", {
        "mobile": "13500001234", "name": "来电陈女士", "channel": "phone"}), 201)["customer"]
    path = f"/api/customers/{customer['id']}/mobile-change"
    error(advisor.post(path, {"mobile": "1350000", "reason": "输错"}), 400, "INVALID_MOBILE")
    error(advisor.post(path, {"mobile": "135 0000 1234", "reason": "输错"}), 400, "MOBILE_UNCHANGED")
    error(advisor.post(path, {"mobile": "13500009999"}), 400, "VALIDATION_ERROR")  # no reason
    error(other.post(path, {"mobile": "13500009999", "reason": "不是我的客户"}), 403, "CUSTOMER_NOT_YOURS")
    other.ok(other.post(f"/api/projects/{pid}/customers", {"mobile": "13500005555", "name": "别人的", "channel": "phone"}),
             201)
    error(advisor.post(path, {"mobile": "13500005555", "reason": "撞号"}), 409, "MOBILE_TAKEN")
    done = advisor.ok(advisor.post(path, {"mobile": "13500009999", "reason": "登记时输错一位"}), 201)
    assert (done["status"], done["old_mobile"], done["new_mobile"]) == ("applied", "135****1234", "135****9999")
    record = advisor.ok(advisor.get(f"/api/customers/{customer['id']}"))
    assert record["mobile"] == "13500009999" and record["channel_protection"] is None
    assert [(c["status"], c["reason"], c["requested_by_name"]) for c in record["mobile_changes"]] == [
        ("applied", "登记时输错一位", advisor.username)]


def test_a_held_customers_correction_waits_for_a_manager(site):
    pid, office, manager, advisor = (site[k] for k in ("pid", "assistant", "manager", "advisor"))
    first, second = site["brokers"]
    filed = office.ok(office.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": first["id"], "customer_name": "渠道李先生", "mobile": "13600001234"}), 201)
    seen = office.ok(office.post(f"/api/projects/{pid}/channel-visits", {"code": filed["visit_code"]}), 201)
    customer_id = seen["visit"]["customer_id"]
    advisor_id = advisor.ok(advisor.get("/api/me"))["id"]
    manager.ok(manager.post(f"/api/projects/{pid}/customers/reassign",
                            {"customer_ids": [customer_id], "to_owner_id": advisor_id}))
    record = advisor.ok(advisor.get(f"/api/customers/{customer_id}"))
    assert (record["channel_protection"]["channel_name"], record["channel_protection"]["broker_name"]) == (
        "链家更正", "更正经纪人0")

    asked = advisor.ok(advisor.post(f"/api/customers/{customer_id}/mobile-change",
                                    {"mobile": "13600005678", "reason": "客户换号"}), 202)
    assert (asked["status"], asked["held"], asked["channel_name"]) == ("pending", True, "链家更正")
    error(advisor.post(f"/api/customers/{customer_id}/mobile-change", {"mobile": "13600007777", "reason": "再改"}),
          409, "MOBILE_CHANGE_PENDING")
    error(advisor.get(f"/api/projects/{pid}/mobile-changes"), 403, "ROLE_FORBIDDEN")
    error(advisor.post(f"/api/mobile-changes/{asked['id']}/approve", {}), 403, "ROLE_FORBIDDEN")
    queue = manager.ok(manager.get(f"/api/projects/{pid}/mobile-changes", params={"status": "pending"}))
    assert [(c["id"], c["customer_name"], c["new_mobile"]) for c in queue] == [(asked["id"], "渠道李先生", "136****5678")]
    assert advisor.ok(advisor.get(f"/api/customers/{customer_id}"))["mobile"] == "13600001234"

    approved = manager.ok(manager.post(f"/api/mobile-changes/{asked['id']}/approve", {"note": "已核实"}))
    assert (approved["status"], approved["decided_by_name"]) == ("approved", manager.username)
    error(manager.post(f"/api/mobile-changes/{asked['id']}/reject", {"note": "晚了"}), 409, "MOBILE_CHANGE_DECIDED")
    record = advisor.ok(advisor.get(f"/api/customers/{customer_id}"))
    assert record["mobile"] == "13600005678" and record["channel_protection"]["report_id"] == filed["id"]
    assert manager.ok(manager.get(f"/api/projects/{pid}/mobile-changes", params={"status": "pending"})) == []
    late = office.ok(office.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": second["id"], "customer_name": "渠道李先生", "mobile": "13600005678"}), 201)
    assert (late["status"], late["reason"], late["against_report_id"]) == ("rejected", "reported_by_other", filed["id"])
    alerts = manager.ok(manager.get(f"/api/projects/{pid}/channel-alerts", params={"kind": "mobile_change"}))
    assert [(a["facts"]["stage"], a["facts"]["approved_by"]) for a in alerts] == [
        ("approved", manager.username), ("requested", None)]

    again = advisor.ok(advisor.post(f"/api/customers/{customer_id}/mobile-change",
                                    {"mobile": "13600009999", "reason": "又换号"}), 202)
    error(manager.post(f"/api/mobile-changes/{again['id']}/reject", {}), 400, "VALIDATION_ERROR")
    rejected = manager.ok(manager.post(f"/api/mobile-changes/{again['id']}/reject", {"note": "与渠道报备不符"}))
    assert (rejected["status"], rejected["note"]) == ("rejected", "与渠道报备不符")
    record = advisor.ok(advisor.get(f"/api/customers/{customer_id}"))
    assert record["mobile"] == "13600005678"
    assert [c["status"] for c in record["mobile_changes"]] == ["approved", "rejected"]
