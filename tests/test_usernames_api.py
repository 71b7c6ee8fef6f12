"""Login names do not reveal another agency's accounts (issue 30): usernames are unique across
agencies (a login is the username alone), and hr names each agency's accounts
`<agency code>.<name>`, so two agencies never want the same one and a 409 USERNAME_TAKEN only
ever concerns the caller's own agency."""
from loupan.testing.client import Api


def test_a_second_agency_learns_nothing_of_the_first_ones_usernames(system, director):
    from services.hr.create_director import create_director

    create_director({"DATABASE_URL": system.urls["hr"], "AMQP_URI": system.amqp_uri},
                    "另一家代理", "other_director_un", "other-director-pass", "总监", "other-agency")
    other = Api(system.url()).login("other_director_un", "other-director-pass")

    def create(api, name):
        return api.post("/api/accounts", {"username": name, "password": "sales-office-42", "full_name": name,
                                          "role": "advisor", "project_ids": []})

    mine = director.ok(create(director, "un_wang"), 201)
    assert mine["username"] == f"{director.code}.un_wang"
    # the same name, and the first agency's whole login name, are simply the second's own names
    for name in ("un_wang", mine["username"]):
        made = other.ok(create(other, name), 201)
        assert made["username"] == f"other-agency.{name}"
    # a 409 concerns the caller's own accounts only, named with the caller's prefix
    taken = create(other, "un_wang")
    assert (taken.status_code, taken.json()["error"]) == (409, "USERNAME_TAKEN")
    assert "other-agency.un_wang" in taken.json()["message"] and director.code not in taken.json()["message"]
    # and each signs in with the name hr answered
    for name in (mine["username"], "other-agency.un_wang"):
        assert Api(system.url()).login(name, "sales-office-42").get("/api/me").json()["username"] == name
    assert Api(system.url()).post("/api/auth/login", {"username": "un_wang",
                                                      "password": "sales-office-42"}).status_code == 401
