"""Passwords and sessions over HTTP (issue 30): the password policy holds wherever a password
is set (an account, 入职, a change), an account changes its own password (old checked, new
by the policy) and every token it held is refused at once, and logout revokes the token."""
import pytest

from loupan.testing.client import Api
from tests.conftest import staff

WEAK = ["12345678", "password", "Password1!", "qwertyuiop", "1234567890"]


def code_of(response):
    return response.status_code, response.json().get("error") if response.content else None


@pytest.fixture(scope="module")
def hr(system, director):
    return staff(system, director, "pw_hr", "hr", [])


@pytest.mark.parametrize("password", WEAK + ["pw_weakling-1"])
def test_no_account_is_made_with_a_weak_password(system, director, hr, password):
    for api, path, extra in ((director, "/api/accounts", {}), (hr, "/api/accounts", {}),
                             (hr, "/api/staff", {"joined_on": "2026-03-01"})):
        answer = api.post(path, dict({"username": "pw_weakling", "password": password, "full_name": "弱",
                                      "role": "advisor", "project_ids": []}, **extra))
        assert code_of(answer) == (422, "WEAK_PASSWORD") or \
            (len(password) < 8 and code_of(answer) == (400, "VALIDATION_ERROR")), answer.text
    assert f"{director.code}.pw_weakling" not in [a["username"] for a in director.ok(director.get("/api/accounts"))]
    login = Api(system.url()).post("/api/auth/login", {"username": f"{director.code}.pw_weakling",
                                                       "password": password})
    assert login.status_code == 401


def test_changing_the_password_revokes_every_token_of_the_account(system, director):
    adv = staff(system, director, "pw_changer", "advisor", [])
    other_device = Api(system.url()).login(adv.username, "sales-office-42")
    for refused, code in ((("wrong-old-pass", "a-new-secret-7"), (403, "WRONG_PASSWORD")),
                          (("sales-office-42", "1234567890"), (422, "WEAK_PASSWORD")),
                          (("sales-office-42", "pw_changer99"), (422, "WEAK_PASSWORD")),
                          (("sales-office-42", "sales-office-42"), (422, "SAME_PASSWORD"))):
        answer = adv.post("/api/me/password", {"old_password": refused[0], "new_password": refused[1]})
        assert code_of(answer) == code, answer.text
    assert other_device.get("/api/me").status_code == 200  # nothing refused changed anything

    token = adv.ok(adv.post("/api/me/password", {"old_password": "sales-office-42", "new_password": "a-new-secret-7"}))
    for old in (adv, other_device):  # the token that asked, and the other device's
        assert code_of(old.get("/api/me")) == (401, "TOKEN_REVOKED")
    fresh = Api(system.url(), token["access_token"])
    assert fresh.ok(fresh.get("/api/me"))["username"] == adv.username
    assert Api(system.url()).post("/api/auth/login", {"username": adv.username,
                                                      "password": "sales-office-42"}).status_code == 401
    again = Api(system.url()).login(adv.username, "a-new-secret-7")
    assert again.ok(again.get("/api/me"))["username"] == adv.username


def test_logout_revokes_the_presented_token(system, director):
    name = staff(system, director, "pw_leaver", "advisor", []).username
    phone = Api(system.url()).login(name, "sales-office-42")
    desk = Api(system.url()).login(name, "sales-office-42")
    assert phone.post("/api/logout").status_code == 204
    assert code_of(phone.get("/api/me")) == (401, "TOKEN_REVOKED")
    assert code_of(phone.post("/api/logout")) == (401, "TOKEN_REVOKED")
    # one counter per account: a logout signs out every session issued before it
    assert code_of(desk.get("/api/me")) == (401, "TOKEN_REVOKED")
    later = Api(system.url()).login(name, "sales-office-42")
    assert later.ok(later.get("/api/me"))["username"] == name
    assert Api(system.url()).post("/api/logout").status_code == 401  # no token, nothing to sign out
