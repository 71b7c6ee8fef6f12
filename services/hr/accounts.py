"""Account verbs over a unit of work: used by the service and by the first-director command."""
import re

from sqlalchemy import select, update

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated, Unauthenticated
from loupan.roles import AGENCY_WIDE, PERMISSIONS, require_may_grant
from services.hr.models import Account, AccountProject, Agency
from services.hr.password_rules import check_password
from services.hr.passwords import check_login, hash_password


def project_ids_of(session, account):
    """None for agency-wide roles (they see every project of their agency)."""
    if account.role in AGENCY_WIDE:
        return None
    rows = session.execute(
        select(AccountProject.project_id).where(AccountProject.account_id == account.id)
    ).scalars()
    return sorted(rows)


def password_matches(account, password):
    """True if `account` may sign in with `password`. An unknown (None) or disabled account
    is checked against a dummy hash: the same scrypt work as a wrong password."""
    usable = account is not None and account.active
    return check_login(password, account.password_hash if usable else None) and usable


def as_dict(session, account):
    return {
        "id": account.id,
        "agency_id": account.agency_id,
        "username": account.username,
        "full_name": account.full_name,
        "role": account.role,
        "active": account.active,
        "project_ids": project_ids_of(session, account),
        "created_at": account.created_at,
    }


def authenticate(session, username, password):
    """The account of a login as a dict, or Unauthenticated."""
    account = session.execute(
        select(Account).where(Account.username == str(username))
    ).scalar_one_or_none()
    if not password_matches(account, str(password)):
        raise Unauthenticated("wrong username or password", "BAD_CREDENTIALS")
    return as_dict(session, account)


def change_password(uow, actor, data, limits=None):
    """The actor's own password, changed: the old one must match (a wrong one is 403
    WRONG_PASSWORD and counts against hr's login limits for the username, so a stolen token
    cannot guess it faster than a login could), the new one passes the policy (422
    WEAK_PASSWORD) and differs from the old (422 SAME_PASSWORD). The account's token_version
    is bumped; the gateway revokes the account's tokens."""
    session = uow.session
    account = session.get(Account, actor["account_id"])
    if account is None or account.agency_id != actor["agency_id"] or not account.active:
        raise Unauthenticated("the account has been disabled", "TOKEN_REVOKED")
    if limits is not None:
        limits.check(account.username)
    if not password_matches(account, str(data["old_password"])):
        if limits is not None:
            limits.failed(account.username)
        raise Forbidden("the current password is wrong", "WRONG_PASSWORD")
    new = str(data["new_password"])
    check_password_of(new, account.username)
    if new == str(data["old_password"]):
        raise RuleViolated("the new password is the current one", "SAME_PASSWORD")
    session.execute(
        update(Account).where(Account.id == account.id)
        .values(password_hash=hash_password(new), token_version=Account.token_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(account)
    return {"account_id": account.id, "token_version": account.token_version}


def require_account_creator(actor):
    """Only a director or hr creates accounts (checked before the account's data)."""
    if actor["role"] not in PERMISSIONS["accounts.create"]:
        raise Forbidden("only a director or hr may create accounts")


def create_account(uow, actor, data):
    """A staff account in the actor's agency (director or hr; a director account: a director)."""
    require_account_creator(actor)
    require_may_grant(actor, data["role"])  # hr makes no manager: a director does
    if data["role"] in AGENCY_WIDE and actor["role"] not in PERMISSIONS["staff.manage_directors"]:
        raise Forbidden("only a director may create a director account")
    account = add_account(uow, actor["agency_id"], data, actor["account_id"], actor)
    return as_dict(uow.session, account)


def list_accounts(session, actor):
    """Accounts of the actor's agency."""
    rows = session.execute(
        select(Account).where(Account.agency_id == actor["agency_id"]).order_by(Account.id)
    ).scalars()
    return [as_dict(session, a) for a in rows]


def get_account(session, actor, account_id):
    """One account of the actor's agency."""
    account = session.get(Account, account_id)
    if account is None or account.agency_id != actor["agency_id"]:
        raise NotFound(f"account {account_id} not found", "ACCOUNT_NOT_FOUND")
    return as_dict(session, account)


def check_password_of(password, username):
    """The policy (password_rules), against the whole login name and the name after its
    agency's prefix (a1.wang: neither a1.wang nor wang)."""
    check_password(password, username)
    if "." in username:
        check_password(password, username.split(".", 1)[1])


def login_name(session, agency_id, name):
    """The login name an agency's account is made with: `<agency code>.<name>` (a name given
    with the agency's prefix already keeps it). Usernames stay unique across agencies (a login
    is the username alone), but two agencies never want the same one, so a 409 USERNAME_TAKEN
    only ever concerns the caller's own agency's accounts: no agency learns another's names."""
    code = session.execute(select(Agency.code).where(Agency.id == agency_id)).scalar_one()
    full = name if name.startswith(f"{code}.") else f"{code}.{name}"
    if len(full) > USERNAME_MAX:
        raise Invalid(f"username: at most {USERNAME_MAX - len(code) - 1} characters after the agency's "
                      f"prefix {code}.", "VALIDATION_ERROR")
    return full


USERNAME_MAX = 80  # Account.username


def add_account(uow, agency_id, data, created_by=None, actor=None, namespaced=True):
    """Create an account and publish `account_created`; the caller commits. Every way an
    account is made (hr's or a director's, 入职, a hire, the first director) comes here, so the
    password policy (422 WEAK_PASSWORD) is checked here, before any hash or row. The name is
    the agency's (login_name) unless `namespaced` is False: the first director's, chosen by
    the operator who runs create_director."""
    check_password_of(data["password"], data["username"])
    session = uow.session
    username = login_name(session, agency_id, data["username"]) if namespaced else data["username"]
    account = Account(
        agency_id=agency_id,
        username=username,
        password_hash=hash_password(data["password"]),
        full_name=data["full_name"],
        role=data["role"],
        created_by=created_by,
    )
    uow.add_unique(account, Conflict(f"username {username} is taken", "USERNAME_TAKEN"))
    project_ids = sorted(set(data.get("project_ids") or []))
    if account.role not in AGENCY_WIDE:
        session.add_all(
            AccountProject(account_id=account.id, project_id=p, agency_id=agency_id) for p in project_ids
        )
    uow.publish(
        "account_created",
        {"account_id": account.id, "username": account.username, "role": account.role,
         "project_ids": project_ids},
        agency_id=agency_id,
        actor=actor,
    )
    return account


AGENCY_CODE = re.compile(r"^[a-z][a-z0-9-]{0,19}$")


def add_agency(uow, name, code=None):
    """An agency with its login-name prefix `code` (lowercase letters, digits, dashes; a<id>
    when not given)."""
    session = uow.session
    if session.execute(select(Agency).where(Agency.name == name)).scalar_one_or_none():
        raise Invalid(f"agency {name} exists already", "AGENCY_EXISTS")
    if code is not None and not AGENCY_CODE.match(code):
        raise Invalid(f"agency code {code!r}: lowercase letters, digits and dashes, at most 20", "VALIDATION_ERROR")
    if code is not None and session.execute(select(Agency).where(Agency.code == code)).scalar_one_or_none():
        raise Invalid(f"agency code {code} exists already", "AGENCY_EXISTS")
    agency = Agency(name=name, code=code)
    session.add(agency)
    session.flush()
    if code is None:
        agency.code = f"a{agency.id}"
        session.flush()
    return agency
