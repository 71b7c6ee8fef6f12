"""A small HTTP client for the gateway, as a front-end would use it."""
import requests

DIRECTOR = ("director", "director-pass-1")


class Api:
    def __init__(self, base_url, token=None):
        self.base_url = base_url
        self.session = requests.Session()
        self.token = token

    def login(self, username, password):
        response = self.post("/api/auth/login", {"username": username, "password": password})
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        return self

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **kwargs):
        return self.session.get(self.base_url + path, headers=self.headers(), timeout=30, **kwargs)

    def post(self, path, body=None, data=None, **kwargs):
        return self.session.post(self.base_url + path, json=body, data=data, headers=self.headers(),
                                 timeout=30, **kwargs)

    def delete(self, path):
        return self.session.delete(self.base_url + path, headers=self.headers(), timeout=30)

    def ok(self, response, status=200):
        assert response.status_code == status, (response.status_code, response.text)
        return response.json()


def unit_rows(building_id, count, floors=30, prefix=""):
    """`count` units spread over floors, 4 per floor, priced around 3 million."""
    rows = []
    for i in range(count):
        floor, seq = i // 4 % floors + 1, i % 4 + 1
        rows.append({"building_id": building_id, "number": f"{prefix}{floor:02d}{seq:02d}", "floor": floor,
                     "layout": ("3室2厅2卫", "2室2厅1卫", "4室2厅2卫", "3室2厅1卫")[seq - 1],
                     "orientation": "南", "property_type": "residential", "gross_area": "100.00",
                     "net_area": "80.00", "list_price": str(3000000 + 10000 * floor),
                     "base_price": str(2800000 + 10000 * floor)})
    return rows


def make_project(api, name, units=10, permit="预售许可001"):
    """A project with one permitted building of `units` units, all released."""
    project = api.ok(api.post("/api/projects", {"name": name, "city": "杭州", "developer_name": "某地产"}), 201)
    building = api.ok(api.post(f"/api/projects/{project['id']}/buildings",
                               {"name": "1号楼", "permit_no": permit}), 201)
    created = api.ok(api.post(f"/api/projects/{project['id']}/units",
                              {"units": unit_rows(building["id"], units)}), 201)
    ids = [u["id"] for u in created]
    api.ok(api.post(f"/api/projects/{project['id']}/releases", {"unit_ids": ids}))
    return project, ids
