"""GET /api/units/{id} as a front-end meets it: any role of the project sees the unit, its
deal and its active hold (the buyer's phone masked but for the hold's advisor and managers)."""
from tests.api import make_project
from tests.conftest import staff


def test_a_unit_with_its_active_hold_for_each_role_of_the_project(system, director):
    project, units = make_project(director, "单元详情", units=2)
    owner = staff(system, director, "adv_unit_owner", "advisor", [project["id"]])
    colleague = staff(system, director, "adv_unit_peer", "advisor", [project["id"]])
    viewer = staff(system, director, "dev_unit_viewer", "developer_viewer", [project["id"]])
    outsider = staff(system, director, "adv_unit_out", "advisor", [])
    hold = owner.ok(owner.post(f"/api/units/{units[0]}/holds",
                               {"customer_name": "李四", "customer_phone": "13812345678"}), 201)

    mine = owner.ok(owner.get(f"/api/units/{units[0]}"))
    assert (mine["id"], mine["status"], mine["deal_id"]) == (units[0], "held", None)
    assert mine["list_price"] == "3010000.00" and mine["hold"]["hold_id"] == hold["hold_id"]
    assert mine["hold"]["customer_phone"] == "13812345678" and mine["hold"]["special_price"] is None
    assert director.ok(director.get(f"/api/units/{units[0]}"))["hold"]["customer_phone"] == "13812345678"
    for api in (colleague, viewer):
        assert api.ok(api.get(f"/api/units/{units[0]}"))["hold"]["customer_phone"] == "138****5678"
    assert viewer.ok(viewer.get(f"/api/units/{units[1]}"))["hold"] is None

    response = outsider.get(f"/api/units/{units[0]}")
    assert response.status_code == 403 and response.json()["error"] == "PROJECT_FORBIDDEN"
    for bad in ("999999999", "0"):
        response = director.get(f"/api/units/{bad}")
        assert response.status_code == 404
    assert director.get("/api/units/abc").json()["error"] == "NO_ROUTE"
