"""One source (docs/design.md, "Scope and roles"): a role is named in `loupan/roles.py` only.
Everywhere else, code checks a permission of the table (`require_role(actor,
PERMISSIONS["deals.review"], ...)`), a group, or one of the role constants (ADVISOR,
DIRECTOR ...) for a rule about one role (an advisor's own records); a list of roles for a
schema is built from loupan.roles.ROLES. So no role name is written as a string literal in
the services, the gateway or the kernel (string constants, found by walking each module's
syntax tree), and the console never reads an account's role: it asks `GET /api/me` for the
permissions it holds.

Two of the role names are also service names ("hr", "finance": an event's origin, an RPC
proxy, a report's part); those are flagged only where they are a role: compared with a
role, given as one, or in a list of roles. The same holds of a few words that are some other
thing named like a role (ALSO_NOT_A_ROLE), in the files listed there."""
import ast
import re
from pathlib import Path

import pytest

from loupan.roles import ROLES

ROOT = Path(__file__).resolve().parents[1]
SERVICE_NAMES = {p.name for p in (ROOT / "services").iterdir() if (p / "service.py").exists()}
# role names that are also a service's name: a literal of them is a role only in a role's place
ALSO_A_SERVICE = set(ROLES) & SERVICE_NAMES
# (file, word): a word written as a literal there that is not a role, with what it is
ALSO_NOT_A_ROLE = {
    ("loupan/schemas/crm_visits.py", "advisor"): "a funnel's `by` dimension (day, advisor, channel)",
    ("loupan/schemas/reports.py", "advisor"): "a funnel's `by` dimension",
    ("services/crm/funnel.py", "advisor"): "a funnel's `by` dimension",
    ("gateway/reports/xlsx.py", "advisor"): "a funnel's `by` dimension, as a sheet's column",
    ("gateway/routes/reports.py", "advisor"): "a funnel's `by` dimension",
}


def python_files():
    for folder in ("services", "gateway", "loupan"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if {"tests", "testing"} & set(rel.parts) or rel.as_posix() == "loupan/roles.py":
                continue
            yield rel


def _names_a_role(node):
    """Whether an expression is a role: x["role"], x.role, a name like `role` or `roles`."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value in ("role", "roles")
    if isinstance(node, ast.Attribute):
        return node.attr in ("role", "roles")
    if isinstance(node, ast.Name):
        return "role" in node.id.lower()
    return False


def _constants(node):
    """String constants of a literal, or of a tuple/list/set literal of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [c for e in node.elts for c in _constants(e)]
    return []


def in_a_role_place(tree):
    """ids of the string constants of a module that stand where a role goes: compared with a
    role (`actor["role"] == "x"`, `role in ("x", "y")`), as a dict's "role", a `role=`
    argument, or assigned to a name about roles (`HIRABLE_ROLES = (...)`)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_names_a_role(s) for s in sides):
                found |= {id(c) for s in sides for c in _constants(s)}
        elif isinstance(node, ast.Dict):
            found |= {id(c) for k, v in zip(node.keys, node.values)
                      if isinstance(k, ast.Constant) and k.value in ("role", "roles") for c in _constants(v)}
        elif isinstance(node, ast.keyword) and node.arg in ("role", "roles"):
            found |= {id(c) for c in _constants(node.value)}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_names_a_role(t) for t in targets) and node.value is not None:
                found |= {id(c) for c in _constants(node.value)}
    return found


def role_literals(rel, source):
    """[(line, word)] of the role names a module writes as string literals where they are roles."""
    tree = ast.parse(source, filename=str(rel))
    role_places = in_a_role_place(tree)
    wrong = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ROLES):
            continue
        word = node.value
        ambiguous = word in ALSO_A_SERVICE or (rel.as_posix(), word) in ALSO_NOT_A_ROLE
        if id(node) in role_places or not ambiguous:
            wrong.append((node.lineno, word))
    return sorted(wrong)


def test_no_role_name_is_a_literal_outside_the_role_table():
    wrong = [f"{rel}:{line}: {word!r}" for rel in python_files()
             for line, word in role_literals(rel, (ROOT / rel).read_text(encoding="utf-8"))]
    assert wrong == [], "use loupan.roles (PERMISSIONS, a group, or DIRECTOR, ADVISOR ...) instead"


def test_every_exception_is_still_needed():
    """An ALSO_NOT_A_ROLE entry whose file no longer writes the word is removed."""
    stale = []
    for (path, word) in ALSO_NOT_A_ROLE:
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        if not any(isinstance(n, ast.Constant) and n.value == word for n in ast.walk(tree)):
            stale.append((path, word))
    assert stale == []


@pytest.mark.parametrize("source, expected", [
    ('if actor["role"] == "director": pass', [(1, "director")]),
    ('ok = actor["role"] in ("finance", "hr")', [(1, "finance"), (1, "hr")]),
    ('READERS = ("director", "manager")', [(1, "director"), (1, "manager")]),
    ('x = {"username": "u", "role": "hr"}', [(1, "hr")]),
    ('make(role="finance")', [(1, "finance")]),
    ('HIRABLE_ROLES = ("hr",)', [(1, "hr")]),
    ('if user.role != "hr": pass', [(1, "hr")]),
    ('proxy = TimedRpcProxy("hr")', []),
    ('@handles("finance", "payment_received")\ndef f(e): pass', []),
    ('PARTS = ("crm", "finance", "hr")', []),
    ('by = "advisor"', []),
    ('if actor["role"] == "advisor": pass', [(1, "advisor")]),
])
def test_what_counts_as_a_role_literal(source, expected):
    assert role_literals(Path("gateway/routes/reports.py"), source) == expected


# The console: no role name as a string, and no reading of an account's role at all, in the Vue
# console's sources (web/src; not the generated api.d.ts, whose MeOut lists the roles as the
# API's enum, nor check.ts, the types' own compile check, tests/test_openapi_types.py).
WEB_SRC = ROOT / "web" / "src"
QUOTED = re.compile(r"""(["'`])(%s)\1""" % "|".join(ROLES))
READS_A_ROLE = re.compile(r"\.role\b|\[\s*[\"']role[\"']\s*\]")


# Where a role is data, not a decision about the signed-in user: the 人事 desk assigns roles to
# staff (入职, 调岗, 招聘's requisitions) and filters staff by them; the funnel groups by "advisor".
ROLES_AS_DATA = {WEB_SRC / "hr", WEB_SRC / "components" / "hr", WEB_SRC / "views" / "hr",
                 WEB_SRC / "views" / "reports" / "FunnelPage.vue"}


def console_sources():
    return sorted(p for p in WEB_SRC.rglob("*") if p.suffix in (".ts", ".vue") and p.name not in ("api.d.ts", "check.ts")
                  and not any(p == d or d in p.parents for d in ROLES_AS_DATA))


def test_the_desks_that_handle_roles_as_data_never_read_the_signed_in_account_s():
    """The 人事 desk names roles, but never decides by the user's own: that is `can()` (GET /api/me)."""
    desk = [p for p in WEB_SRC.rglob("*") if p.suffix in (".ts", ".vue") and any(p == d or d in p.parents
                                                                                 for d in ROLES_AS_DATA)]
    assert desk and not [p.name for p in desk if re.search(r"state\.me\??\.role|me\.value\??\.role", p.read_text("utf-8"))]


def test_the_console_names_no_role():
    wrong = []
    for path in console_sources():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            wrong += [f"{path.name}:{n}: {m.group(0)}" for m in QUOTED.finditer(line)]
            wrong += [f"{path.name}:{n}: reads a role: {line.strip()}" for _ in READS_A_ROLE.finditer(line)]
    assert any(p.suffix == ".vue" for p in console_sources()) and wrong == [], \
        "the console asks GET /api/me for its permissions"
