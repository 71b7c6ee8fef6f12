"""Accounts through the real hr entrypoints, on SQLite and PostgreSQL with the real broker:
the first-director command, login, who may create whom, validation, agency scope and the
`account_created` events that go out."""
import json

import pytest
from sqlalchemy import create_engine, select, update

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated, Unauthenticated
from loupan.testing import db_rows, entrypoint_caller
from services.hr.models import Account, outbox
from services.hr.passwords import verify_password
from services.hr.tests.conftest import PASSWORD, actor_of, make_director

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default


def account(username, role="advisor", project_ids=(), password="advisor-pass-1", full_name="王五"):
    return {"username": username, "password": password, "full_name": full_name, "role": role,
            "project_ids": list(project_ids)}



def test_director_made_by_the_command_can_log_in(call, director):
    me = call("authenticate", "boss", PASSWORD)
    assert actor_of(me) == director
    assert me["full_name"] == "张总" and me["active"] is True and "password" not in json.dumps(me)


@pytest.mark.parametrize("username,password", [("boss", "wrong password"), ("nobody", PASSWORD),
                                               ("boss", "")])
def test_bad_credentials_are_unauthenticated(call, director, username, password):
    with pytest.raises(Unauthenticated) as err:
        call("authenticate", username, password)
    assert err.value.code == "BAD_CREDENTIALS"


def test_inactive_account_cannot_log_in(call, director, hr_config):
    engine = create_engine(hr_config["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(update(Account).where(Account.username == "boss").values(active=False))
    engine.dispose()
    with pytest.raises(Unauthenticated):
        call("authenticate", "boss", PASSWORD)


def test_unknown_or_disabled_usernames_cost_the_same_hash_work_as_a_wrong_password(
        call, director, hr_config, monkeypatch):
    """Counted in calls to scrypt, not timed: a login must not reveal which usernames exist."""
    from services.hr import passwords

    call("create_account", director, account("a1.gone1"))
    engine = create_engine(hr_config["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(update(Account).where(Account.username == "a1.gone1").values(active=False))
    engine.dispose()
    passwords.dummy_hash()  # made once per process, before any login's count
    real, work = passwords.hashlib.scrypt, []

    def counted(*args, **kwargs):
        work.append((kwargs["n"], kwargs["r"], kwargs["p"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(passwords.hashlib, "scrypt", counted)
    costs = {}
    for username, password in (("boss", "wrong password"), ("nobody", PASSWORD), ("a1.gone1", "advisor-pass-1")):
        work.clear()
        with pytest.raises(Unauthenticated):
            call("authenticate", username, password)
        costs[username] = list(work)
    assert costs["boss"] == costs["nobody"] == costs["a1.gone1"] == [(passwords.N, passwords.R, passwords.P)]
    work.clear()
    call("authenticate", "boss", PASSWORD)
    assert work == [(passwords.N, passwords.R, passwords.P)]


def test_password_is_stored_as_a_scrypt_hash(call, director, hr_config):
    call("create_account", director, account("a1.adv1", password="advisor-pass-1"))
    stored = dict(db_rows(hr_config, select(Account.username, Account.password_hash)))
    assert set(stored) == {"boss", "a1.adv1"}
    for username, password in (("boss", PASSWORD), ("a1.adv1", "advisor-pass-1")):
        assert stored[username].startswith("scrypt$") and password not in stored[username]
        assert verify_password(password, stored[username])


def test_second_agency_with_the_same_name_is_refused(hr_config, director):
    with pytest.raises(Invalid) as err:
        make_director(hr_config, username="boss2")
    assert err.value.code == "AGENCY_EXISTS"


def test_director_creates_an_advisor_who_can_log_in(call, director):
    created = call("create_account", director, account("a1.adv1", project_ids=[3, 1, 3]))
    assert created["agency_id"] == director["agency_id"] and created["role"] == "advisor"
    assert created["project_ids"] == [1, 3]
    me = call("authenticate", "a1.adv1", "advisor-pass-1")
    assert me["id"] == created["id"] and me["project_ids"] == [1, 3]


def test_directors_see_every_project(call, director):
    """A director account carries project_ids None even when projects were given."""
    created = call("create_account", director, account("a1.boss2", role="director", project_ids=[1]))
    assert created["project_ids"] is None
    assert call("authenticate", "a1.boss2", "advisor-pass-1")["project_ids"] is None


def test_hr_creates_accounts_but_not_directors(call, director):
    call("create_account", director, account("a1.hr1", role="hr", password="hr-pass-123"))
    hr_actor = actor_of(call("authenticate", "a1.hr1", "hr-pass-123"))
    created = call("create_account", hr_actor, account("a1.adv1", project_ids=[2]))
    assert created["agency_id"] == director["agency_id"] and created["project_ids"] == [2]
    with pytest.raises(Forbidden):
        call("create_account", hr_actor, account("a1.boss2", role="director"))
    assert [a["username"] for a in call("list_accounts", director)] == ["boss", "a1.hr1", "a1.adv1"]


@pytest.mark.parametrize("role", ["advisor", "manager", "finance"])
def test_other_roles_may_not_create_accounts(call, director, role):
    call("create_account", director, account("a1.someone", role=role, project_ids=[1]))
    actor = actor_of(call("authenticate", "a1.someone", "advisor-pass-1"))
    with pytest.raises(Forbidden):
        call("create_account", actor, account("a1.adv2"))
    assert [a["username"] for a in call("list_accounts", director)] == ["boss", "a1.someone"]


def test_duplicate_username_is_a_conflict_and_leaves_no_event(call, director, hr_config):
    call("create_account", director, account("a1.adv1"))
    with pytest.raises(Conflict) as err:
        call("create_account", director, account("a1.adv1", full_name="另一个人"))
    assert err.value.code == "USERNAME_TAKEN"
    assert [a["full_name"] for a in call("list_accounts", director) if a["username"] == "a1.adv1"] == ["王五"]
    bodies = [json.loads(b) for (b,) in db_rows(hr_config, select(outbox.c.body).order_by(outbox.c.id))]
    assert [b["payload"]["username"] for b in bodies] == ["boss", "a1.adv1"]


@pytest.mark.parametrize("changes,field", [
    ({"role": "king"}, "role"),
    ({"password": "short"}, "password"),
    ({"username": "a b"}, "username"),
    ({"full_name": ""}, "full_name"),
    ({"project_ids": ["1"]}, "project_ids"),
])
def test_invalid_account_data_is_refused(call, director, changes, field):
    with pytest.raises(Invalid) as err:
        call("create_account", director, dict(account("a1.adv1"), **changes))
    assert err.value.code == "VALIDATION_ERROR" and field in err.value.message
    assert [a["username"] for a in call("list_accounts", director)] == ["boss"]


def test_accounts_are_scoped_to_the_agency(call, director, hr_config):
    other = make_director(hr_config, agency="别家代理", username="rival")
    mine = call("create_account", director, account("a1.adv1"))
    theirs = call("create_account", other, account("a2.adv9"))
    assert [a["username"] for a in call("list_accounts", director)] == ["boss", "a1.adv1"]
    assert [a["username"] for a in call("list_accounts", other)] == ["rival", "a2.adv9"]
    assert call("get_account", director, mine["id"])["username"] == "a1.adv1"
    for account_id in (theirs["id"], other["account_id"], 999999):
        with pytest.raises(NotFound) as err:
            call("get_account", director, account_id)
        assert err.value.code == "ACCOUNT_NOT_FOUND"


def test_account_created_events_are_published(hr, hr_config, call, event_sink):
    """The director's event, written by the command, is relayed by the running service;
    the advisor's carries who created it."""
    sink = event_sink("hr")
    director = make_director(hr_config)
    created = call("create_account", director, account("a1.adv1", project_ids=[5, 4]))
    events = sink.wait_for("account_created", count=2)
    by_name = {e["payload"]["username"]: e for e in events}
    assert set(by_name) == {"boss", "a1.adv1"} and len(events) == 2
    assert by_name["boss"]["payload"] == {"account_id": director["account_id"], "username": "boss",
                                          "role": "director", "project_ids": []}
    assert by_name["a1.adv1"]["payload"] == {"account_id": created["id"], "username": "a1.adv1",
                                          "role": "advisor", "project_ids": [4, 5]}
    assert by_name["a1.adv1"]["agency_id"] == director["agency_id"]
    assert by_name["a1.adv1"]["actor"] == {"account_id": director["account_id"], "username": "boss",
                                        "role": "director"}


@pytest.mark.parametrize("password", ["12345678", "password", "Password1!", "qwertyuiop", "adv1-2024-!",
                                      "short-12"])
def test_a_weak_password_makes_no_account(call, director, hr_config, password):
    """The policy (password_rules) holds wherever an account is made: too short, a common
    password, the username with digits or punctuation around it; 422 before any row."""
    with pytest.raises(Exception) as err:  # RuleViolated, or the schema's Invalid for a short one
        call("create_account", director, account("a1.adv1", password=password))
    assert err.value.code in ("WEAK_PASSWORD", "VALIDATION_ERROR")
    if len(password) >= 8:
        assert err.value.code == "WEAK_PASSWORD"
    assert [a["username"] for a in call("list_accounts", director)] == ["boss"]
    with pytest.raises(RuleViolated) as err:
        make_director(hr_config, agency="弱密码代理", username="weakboss", password="weakboss2024")
    assert err.value.code == "WEAK_PASSWORD"


def test_an_account_changes_its_own_password(call, director):
    adv = actor_of(call("create_account", director, account("a1.adv1")))
    before = call("authenticate", "a1.adv1", "advisor-pass-1")
    changed = call("change_password", adv, {"old_password": "advisor-pass-1", "new_password": "a-new-secret-7"})
    assert changed == {"account_id": adv["account_id"], "token_version": 1}  # a new account's is 0
    with pytest.raises(Unauthenticated):
        call("authenticate", "a1.adv1", "advisor-pass-1")
    assert call("authenticate", "a1.adv1", "a-new-secret-7")["id"] == before["id"]


@pytest.mark.parametrize("old,new,code", [
    ("wrong-old-password", "a-new-secret-7", "WRONG_PASSWORD"),
    ("advisor-pass-1", "12345678", "WEAK_PASSWORD"),
    ("advisor-pass-1", "password123", "WEAK_PASSWORD"),
    ("advisor-pass-1", "adv1-2024", "WEAK_PASSWORD"),
    ("advisor-pass-1", "advisor-pass-1", "SAME_PASSWORD"),
])
def test_a_refused_change_keeps_the_password(call, director, old, new, code):
    adv = actor_of(call("create_account", director, account("a1.adv1")))
    with pytest.raises((Forbidden, RuleViolated)) as err:
        call("change_password", adv, {"old_password": old, "new_password": new})
    assert err.value.code == code
    assert call("authenticate", "a1.adv1", "advisor-pass-1")["id"] == adv["account_id"]


def test_wrong_old_passwords_count_against_the_login_limit(hr_config, container_factory, director):
    """A stolen token cannot guess the old password faster than a login could."""
    from services.hr.service import HrService

    container = container_factory(HrService, dict(hr_config, HR_LOGIN_FAILURES=3))
    container.start()
    call = entrypoint_caller(container)
    adv = actor_of(call("create_account", director, account("a1.adv1")))
    for _ in range(3):
        with pytest.raises(Forbidden):
            call("change_password", adv, {"old_password": "guess-guess", "new_password": "a-new-secret-7"})
    with pytest.raises(Exception) as err:
        call("change_password", adv, {"old_password": "advisor-pass-1", "new_password": "a-new-secret-7"})
    assert err.value.code == "LOGIN_RATE_LIMITED"


def test_login_names_carry_the_agencys_code_so_no_agency_learns_anothers(call, director, hr_config):
    """Usernames are unique across agencies, but each agency's are `<code>.<name>`: the same
    name in two agencies is two accounts, and a 409 only ever concerns the caller's own."""
    other = make_director(hr_config, agency="别家代理", username="rival", code="rival-co")
    mine = call("create_account", director, account("wang"))
    theirs = call("create_account", other, account("wang"))
    assert (mine["username"], theirs["username"]) == ("a1.wang", "rival-co.wang")
    assert call("authenticate", "rival-co.wang", "advisor-pass-1")["id"] == theirs["id"]
    for name in ("wang", "a1.wang"):  # taken in the caller's own agency: its own prefix, its own account
        with pytest.raises(Conflict) as err:
            call("create_account", director, account(name))
        assert err.value.code == "USERNAME_TAKEN" and "a1.wang" in err.value.message
    # another agency's full name, typed as a name, is one more name of the caller's agency
    assert call("create_account", director, account("rival-co.wang"))["username"] == "a1.rival-co.wang"
    with pytest.raises(Invalid):
        make_director(hr_config, agency="第三家", username="third", code="Bad Code")
    with pytest.raises(Invalid) as err:
        make_director(hr_config, agency="第四家", username="fourth", code="rival-co")
    assert err.value.code == "AGENCY_EXISTS"
