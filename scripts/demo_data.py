"""Demo data through the gateway API, as a sales office would enter it: a project of three
buildings (two with a presale permit), 312 units, most released, staff accounts, and a few
holds so the board has colour. Run by scripts/run.sh once per fresh var/."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.client import Api  # noqa: E402

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
    for login, role, full_name in STAFF:
        director.ok(director.post("/api/accounts", {"username": login, "password": PASSWORD,
                                                    "full_name": full_name, "role": role,
                                                    "project_ids": [pid]}), 201)
    advisor = Api(base_url).login("advisor", PASSWORD)
    for i, unit_id in enumerate(released[10:90:9]):
        advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                {"customer_name": f"客户{i + 1}", "customer_phone": f"1380000{i:04d}"}), 201)
    return pid, len(released)


if __name__ == "__main__":
    project_id, count = seed(*sys.argv[1:4])
    print(f"demo project {project_id} with {count} released units")
