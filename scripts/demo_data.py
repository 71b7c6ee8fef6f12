"""Demo data through the gateway API, as a sales office would enter it: a project of three
buildings (two with a presale permit), 312 units, most released, staff accounts, the two
advisors certified (上岗考核) and clocked in so the walk-in rotation has advisors on duty,
customers and today's visits, a few holds so the board has colour, one 认购 approved
by the manager with its payment schedule and the deposit received, and a lottery launch
(开盘) in 选房 for buyers on their phones. Run by scripts/run.sh once per fresh var/."""
import hashlib
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
                         "base_price": f"{total * 0.95:.2f}", "decoration": "精装",
                         "delivery_date": "2028-06-30"})
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
    launch_id, buyers = demo_launch(people, pid, released[200:212])
    return pid, len(released), launch_id, buyers


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


BUYERS = [("钱多多", "13900000001"), ("孙悦", "13900000002"), ("周正", "13900000003"), ("吴桐", "13900000004")]
DEMO_SEED = "demo-notary-seed-2026"  # the notary's input: a real draw keeps it secret until the draw
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n):
    """A valid 居民身份证 number (its check character computed) for demo buyer n."""
    body = f"33010619880{n + 1}0100{n + 1}"[:17]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


def demo_launch(people, pid, unit_ids):
    """一期开盘, lottery mode, in 选房: four buyers registered (认筹) by the advisor, reviewed
    eligible by the assistant, their 诚意金 taken by finance; the list published with a
    commitment to the seed, drawn, and window 1 open (two buyers, 30 minutes each window).
    Returns the launch and its buyers (name, mobile) in drawn order."""
    advisor, assistant, manager, finance = (people[k] for k in ("advisor", "assistant", "manager", "finance"))
    launch = manager.ok(manager.post(f"/api/projects/{pid}/launches", {
        "name": "一期开盘", "mode": "lottery", "unit_ids": unit_ids, "window_size": 2, "window_minutes": 30,
        "deposit_amount": "20000.00", "opens_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}), 201)
    lid = launch["id"]
    manager.ok(manager.post(f"/api/launches/{lid}/transitions", {"action": "open_registration"}))
    registered = []
    for n, (name, mobile) in enumerate(BUYERS):
        reg = advisor.ok(advisor.post(f"/api/launches/{lid}/registrations", {
            "buyer_name": name, "id_number": id_number(n), "mobile": mobile}), 201)
        assistant.ok(assistant.post(f"/api/registrations/{reg['id']}/review",
                                    {"result": "eligible", "note": "本地户籍, 名下无房", "documents": ["户口本", "征信报告"]}))
        until(lambda: finance.post(f"/api/registrations/{reg['id']}/sincerity-receipts", {
            "amount": "20000.00", "method": "transfer"}).status_code == 201, "the 诚意金 taken")
        registered.append((reg["id"], reg["number"], name, mobile))
    until(lambda: all(advisor.ok(advisor.get(f"/api/registrations/{r[0]}"))["deposit_paid_at"] for r in registered),
          "the registrations paid")
    manager.ok(manager.post(f"/api/launches/{lid}/transitions", {"action": "close_registration"}))
    manager.ok(manager.post(f"/api/launches/{lid}/lottery/publish",
                            {"seed_commitment": hashlib.sha256(DEMO_SEED.encode()).hexdigest()}), 201)
    order = manager.ok(manager.post(f"/api/launches/{lid}/lottery/draw", {"seed": DEMO_SEED}), 201)["order"]
    manager.ok(manager.post(f"/api/launches/{lid}/transitions", {"action": "start_selection"}))
    by_number = {number: (name, mobile) for _, number, name, mobile in registered}
    return lid, [by_number[e["number"]] for e in order]


if __name__ == "__main__":
    project_id, count, launch_id, buyers = seed(*sys.argv[1:4])
    print(f"demo project {project_id} with {count} released units")
    print(f"demo launch {launch_id} (一期开盘, 摇号 drawn, 选房 open, windows of 2 buyers, 30 min each):")
    print(f"  buyers' phones  {sys.argv[1]}/buyer/launch/{launch_id}   in drawn order: "
          + ", ".join(f"{name} {mobile}" for name, mobile in buyers) + " (the first two choose now)")
    print(f"  选房大屏        {sys.argv[1]}/console/#/launch-screen?launch={launch_id}   (sign in; or a display token)")
