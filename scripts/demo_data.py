"""Demo data through the gateway API, as a sales office would enter it: a project of three
buildings (two with a presale permit), 312 units, most released, staff accounts, the two
advisors certified (上岗考核) and clocked in so the walk-in rotation has advisors on duty,
customers and today's visits, a few holds so the board has colour, and one 认购 approved
by the manager with its payment schedule and the deposit received. Run by scripts/run.sh
once per fresh var/."""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loupan.testing.client import Api  # noqa: E402

LAYOUTS = [("3室2厅2卫", "南", "118.60", "96.20"), ("2室2厅1卫", "南", "89.30", "71.50"),
           ("4室2厅2卫", "南北", "143.80", "117.40"), ("3室2厅1卫", "东南", "105.20", "85.10")]
STAFF = [("manager", "manager", "王经理"), ("supervisor", "supervisor", "赵主管"),
         ("advisor", "advisor", "李顾问"), ("advisor2", "advisor", "陈顾问"),
         ("assistant", "assistant", "周助理"), ("finance", "finance", "吴财务")]
PASSWORD = "loupan-demo"


def units_of(building_id, floors, base_per_m2):
    rows = []
    for floor in range(1, floors + 1):
        for seq, (layout, orientation, gross, net) in enumerate(LAYOUTS, start=1):
            per_m2 = base_per_m2 + 150 * floor  # higher floors cost more
            total = round(float(gross) * per_m2, -2)
            rows.append({"building_id": building_id, "number": f"{floor}{seq:02d}", "floor": floor,
                         "layout": layout, "orientation": orientation, "property_type": "residential",
                         "gross_area": gross, "net_area": net, "list_price": f"{total:.2f}",
                         "base_price": f"{total * 0.95:.2f}", "decoration": "精装"})
    return rows


def seed(base_url, username, password):
    director = Api(base_url).login(username, password)
    project = director.ok(director.post("/api/projects", {
        "name": "滨江壹号", "city": "杭州", "developer_name": "滨江置业", "hold_minutes": 1440}), 201)
    pid = project["id"]
    released = []
    for name, permit, floors, price in (("1号楼", "杭售许字(2026)第0101号", 26, 30000),
                                        ("2号楼", "杭售许字(2026)第0102号", 26, 31000),
                                        ("3号楼", None, 26, 32000)):
        building = director.ok(director.post(f"/api/projects/{pid}/buildings",
                                             {"name": name, "permit_no": permit}), 201)
        units = director.ok(director.post(f"/api/projects/{pid}/units",
                                          {"units": units_of(building["id"], floors, price)}), 201)
        if permit:
            released += [u["id"] for u in units]
    director.ok(director.post(f"/api/projects/{pid}/releases", {"unit_ids": released}))
    names = {}  # login -> the username hr made (<agency code>.<login>)
    for login, role, full_name in STAFF:
        names[login] = director.ok(director.post("/api/accounts", {"username": login, "password": PASSWORD,
                                                                   "full_name": full_name, "role": role,
                                                                   "project_ids": [pid]}), 201)["username"]
    people = {login: Api(base_url).login(names[login], PASSWORD) for login, _, _ in STAFF}
    advisor = people["advisor"]
    for i, unit_id in enumerate(released[10:90:9]):
        advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                {"customer_name": f"客户{i + 1}", "customer_phone": f"1380000{i:04d}"}), 201)
    on_duty(director, people, pid)
    customers = register_customers(people, pid)
    first_deal(people, pid, released[0], customers[0])
    return pid, len(released)


def until(check, what, seconds=60):
    """Events travel through the bus: wait until `check()` is true."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.5)


def on_duty(director, people, pid):
    """上岗考核 passed and clocked in: both advisors on the walk-in rotation (hr → crm by events)."""
    accounts = {a["username"].split(".", 1)[-1]: a["id"] for a in director.ok(director.get("/api/accounts"))}
    course = director.ok(director.post("/api/courses", {"title": "上岗考核: 项目讲解与沙盘", "kind": "pitch",
                                                        "project_id": pid, "is_certification": True}), 201)
    advisors = [login for login, role, _ in STAFF if role == "advisor"]
    for login in advisors:
        director.ok(director.post(f"/api/courses/{course['id']}/exams",
                                  {"account_id": accounts[login], "score": "92.00"}), 201)
        people[login].ok(people[login].post(f"/api/projects/{pid}/clock", {"kind": "in"}), 201)

    def queue():
        rotation = director.ok(director.get(f"/api/projects/{pid}/rotation"))
        return {q["account_id"] for q in rotation["queue"]}
    until(lambda: {accounts[login] for login in advisors} <= queue(), "the advisors on the rotation")


def register_customers(people, pid):
    """报备 by the advisor, and walk-ins registered by the assistant (the rotation assigns them)."""
    advisor, assistant = people["advisor"], people["assistant"]
    customers = []
    for mobile, name, channel, grade in (("13912340001", "孙先生", "walk_in", "A"),
                                         ("13912340002", "周女士", "online", "B"),
                                         ("13912340003", "吴先生", "referral", "C")):
        registered = advisor.ok(advisor.post(f"/api/projects/{pid}/customers", {
            "mobile": mobile, "name": name, "channel": channel, "grade": grade, "layout": "3室2厅2卫",
            "budget_min": "3000000", "budget_max": "4000000"}), 201)
        customers.append(registered["customer"])
    for mobile, name in (("13712340001", "郑女士"), ("13712340002", "冯先生")):
        assistant.ok(assistant.post(f"/api/projects/{pid}/visits",
                                    {"mobile": mobile, "customer_name": name, "party_size": 2}), 201)
    assistant.ok(assistant.post(f"/api/projects/{pid}/visits", {"visitor_kind": "market_researcher"}), 201)
    return customers


def first_deal(people, pid, unit_id, customer):
    """Hold → 认购 for the advisor's customer, approved by the manager; finance receives the deposit."""
    advisor, manager, finance = people["advisor"], people["manager"], people["finance"]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": customer["name"], "customer_phone": customer["mobile"]}), 201)
    unit = advisor.ok(advisor.get(f"/api/units/{unit_id}"))
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "customer_id": customer["id"], "price": unit["list_price"],
        "deposit": "50000.00", "payment_method": "commercial_mortgage",
        "loan_amount": f"{int(float(unit['list_price']) * 0.6)}.00", "delivery_date": "2028-06-30"}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {"note": "价格在授权范围内"}))
    until(lambda: finance.get(f"/api/deals/{deal['id']}/schedule").status_code == 200, "the payment schedule")
    finance.ok(finance.post(f"/api/deals/{deal['id']}/receipts",
                            {"amount": "50000.00", "method": "pos", "payer": customer["name"]}), 201)
    return deal


if __name__ == "__main__":
    project_id, count = seed(*sys.argv[1:4])
    print(f"demo project {project_id} with {count} released units")
