"""The role matrix: for every gateway route ("METHOD /path" as declared with @route) the roles
that may call it, decided from DOMAIN.md "Who uses it". Each @route's `roles=` must say the
same (tests/test_role_matrix.py proves it, and walks the table against a running system);
docs/roles.md is generated from here: `python -m gateway.roles > docs/roles.md`.

Role checks are the first gate only: the services also check the project scope of every
record, ownership (an advisor's own customers) and phone masking (developer_viewer never
sees a customer's number; advisors see only their own customers' numbers)."""
import importlib

from loupan.roles import ROLES as ROLE_NAMES

D, M, S, ADV, AST, FIN, HR, DEV = ROLE_NAMES
PUBLIC = ()  # no token needed
EVERYONE = ROLE_NAMES  # any signed-in user (roles=None on the route)
STAFF = tuple(r for r in ROLE_NAMES if r != DEV)  # the agency's own people; not the developer's viewer

ROLES = {
    # gateway/service.py
    "POST /api/auth/login": PUBLIC,
    "GET /api/ping": EVERYONE,
    "POST /api/accounts": (D, HR),
    "GET /api/accounts": (D, M, HR),
    "POST /api/projects": (D,),
    "GET /api/projects": EVERYONE,
    "GET /api/projects/<int:project_id>": EVERYONE,
    "POST /api/projects/<int:project_id>/buildings": (D, M),
    "PATCH /api/buildings/<int:building_id>": (D, M),
    "POST /api/projects/<int:project_id>/units": (D, M, AST),
    "GET /api/projects/<int:project_id>/units": EVERYONE,
    "POST /api/projects/<int:project_id>/releases": (D, M),
    "POST /api/units/<int:unit_id>/holds": (D, M, S, ADV),
    "DELETE /api/holds/<int:hold_id>": (D, M, S, ADV),
    "GET /api/projects/<int:project_id>/board": EVERYONE,
    "GET /api/notifications": EVERYONE,
    # gateway/routes/attendance.py
    "POST /api/projects/<int:project_id>/shifts": (D, M, S),
    "GET /api/projects/<int:project_id>/shifts": STAFF,
    "POST /api/projects/<int:project_id>/rota/plan": (D, M, S),
    "PUT /api/projects/<int:project_id>/rota/<day>": (D, M, S),
    "GET /api/projects/<int:project_id>/rota": STAFF,
    "POST /api/projects/<int:project_id>/clock": STAFF,
    "POST /api/leave-requests": STAFF,
    "POST /api/leave-requests/<int:leave_id>/approve": (D, M, S),
    "POST /api/leave-requests/<int:leave_id>/reject": (D, M, S),
    "GET /api/projects/<int:project_id>/attendance-stats": (D, M, HR),
    # gateway/routes/contracts_changes.py
    "POST /api/deals/<int:deal_id>/changes": (D, M, S, ADV),
    "POST /api/changes/<int:change_id>/approve": (D, M),
    "POST /api/changes/<int:change_id>/reject": (D, M),
    "GET /api/deals/<int:deal_id>/changes": (D, M, S, ADV, AST, FIN),
    "GET /api/projects/<int:project_id>/changes": (D, M, S),
    "POST /api/deals/<int:deal_id>/mortgage": (D, M, S, ADV, AST, FIN),
    "GET /api/deals/<int:deal_id>/mortgage": (D, M, S, ADV, AST, FIN),
    "POST /api/mortgages/<int:mortgage_id>/advance": (D, M, S, ADV, AST, FIN),
    "GET /api/projects/<int:project_id>/mortgages/stuck": (D, M, S),
    "POST /api/deals/<int:deal_id>/handover": (D, M, S, AST),
    "GET /api/deals/<int:deal_id>/handover": (D, M, S, ADV, AST, FIN),
    "POST /api/deals/<int:deal_id>/title": (D, M, S, AST),
    # gateway/routes/contracts_deals.py
    "POST /api/subscriptions": (D, M, S, ADV),
    "POST /api/subscriptions/<int:deal_id>/approve": (D, M),
    "POST /api/subscriptions/<int:deal_id>/reject": (D, M),
    "POST /api/deals/<int:deal_id>/contract": (D, M, S, ADV),
    "POST /api/deals/<int:deal_id>/contract/approve": (D, M),
    "POST /api/deals/<int:deal_id>/contract/reject": (D, M),
    "POST /api/deals/<int:deal_id>/agreements": (D, M, S, ADV, AST),
    "GET /api/deals/<int:deal_id>/agreements": (D, M, S, ADV, AST, FIN, DEV),
    "POST /api/agreements/<int:agreement_id>/approve": (D, M),
    "POST /api/agreements/<int:agreement_id>/reject": (D, M),
    "POST /api/deals/<int:deal_id>/online-signing": (D, M, AST),
    "POST /api/deals/<int:deal_id>/filing": (D, M, AST),
    "GET /api/deals/<int:deal_id>": (D, M, S, ADV, AST, FIN, DEV),
    "GET /api/projects/<int:project_id>/deals": (D, M, S, ADV, AST, FIN, DEV),
    # gateway/routes/control.py
    "POST /api/projects/<int:project_id>/locks": (D, M),
    "POST /api/projects/<int:project_id>/unlocks": (D, M),
    "POST /api/projects/<int:project_id>/release-schedules": (D, M),
    "GET /api/projects/<int:project_id>/release-schedules": (D, M),
    "DELETE /api/release-schedules/<int:schedule_id>": (D, M),
    "PATCH /api/projects/<int:project_id>": (D, M),
    "POST /api/holds/<int:hold_id>/extend": (D, M),
    "GET /api/projects/<int:project_id>/slow-movers": (D, M, S, DEV),
    "GET /api/projects/<int:project_id>/reconciliation": (D, M, S, AST, FIN),
    # gateway/routes/crm_care.py
    "POST /api/customers/<int:customer_id>/follow-ups": (D, M, S, ADV),
    "GET /api/customers/<int:customer_id>/follow-ups": (D, M, S, ADV, AST),
    "GET /api/projects/<int:project_id>/overdue": (D, M, S, ADV),
    "GET /api/projects/<int:project_id>/satisfaction-visits": (D, M, S, ADV, AST),
    "POST /api/customers/<int:customer_id>/surveys": (D, M, S, ADV, AST),
    "GET /api/customers/<int:customer_id>/surveys": (D, M, S, ADV, AST),
    "GET /api/projects/<int:project_id>/satisfaction": (D, M, S, ADV, AST, DEV),
    "POST /api/projects/<int:project_id>/complaints": (D, M, S, ADV, AST),
    "GET /api/projects/<int:project_id>/complaints": (D, M, S, ADV, AST),
    "GET /api/complaints/<int:complaint_id>": (D, M, S, ADV, AST),
    "POST /api/complaints/<int:complaint_id>/resolve": (D, M, S, ADV, AST),
    # gateway/routes/spreadsheets.py
    "POST /api/projects/<int:project_id>/imports": (D, M, AST),
    "GET /api/imports/<int:import_id>": (D, M, AST),
    "GET /api/projects/<int:project_id>/units.xlsx": (D, M, S, AST, FIN),
    "GET /api/projects/<int:project_id>/board.xlsx": EVERYONE,
    "GET /api/units/<int:unit_id>/history": EVERYONE,
    # gateway/routes/crm_customers.py
    "POST /api/projects/<int:project_id>/customers": (D, M, S, ADV, AST),
    "GET /api/projects/<int:project_id>/customers": (D, M, S, ADV, AST),
    "GET /api/customers/<int:customer_id>": (D, M, S, ADV, AST),
    "PATCH /api/customers/<int:customer_id>": (D, M, S, ADV),
    "GET /api/projects/<int:project_id>/conflicts": (D, M, S),
    "POST /api/conflicts/<int:conflict_id>/ruling": (D, M),
    "POST /api/projects/<int:project_id>/customers/reassign": (D, M),
    "GET /api/projects/<int:project_id>/customer-settings": (D, M, S, ADV, AST),
    "PUT /api/projects/<int:project_id>/customer-settings": (D, M),
    "GET /api/projects/<int:project_id>/customers/export": (D, M),
    "GET /api/projects/<int:project_id>/export-log": (D, M),
    # gateway/routes/crm_visits.py
    "POST /api/projects/<int:project_id>/calls": (D, M, S, ADV, AST),
    "GET /api/projects/<int:project_id>/calls": STAFF,
    "POST /api/projects/<int:project_id>/visits": (D, M, S, ADV, AST),
    "GET /api/projects/<int:project_id>/visits": STAFF,
    "GET /api/projects/<int:project_id>/visit-counts": EVERYONE,
    "GET /api/projects/<int:project_id>/rotation": STAFF,
    "PUT /api/projects/<int:project_id>/rotation/order": (D, M, S),
    "POST /api/projects/<int:project_id>/rotation/skip": (D, M, S),
    "POST /api/projects/<int:project_id>/rotation/restore": (D, M, S),
    "GET /api/projects/<int:project_id>/funnel": (D, M, S, ADV, AST, DEV),
    # gateway/routes/data_reveals.py
    "GET /api/data-reveals": (D,),
    # gateway/routes/deals.py
    "GET /api/units/<int:unit_id>": EVERYONE,
    # gateway/routes/evaluation.py
    "PUT /api/projects/<int:project_id>/teams": (D, M),
    "GET /api/projects/<int:project_id>/teams": (D, M, S),
    "PUT /api/projects/<int:project_id>/targets": (D, M),
    "GET /api/projects/<int:project_id>/targets": (D, M, S),
    "PUT /api/projects/<int:project_id>/scorecard-weights": (D, M),
    "GET /api/projects/<int:project_id>/scorecard-weights": (D, M, S),
    "GET /api/projects/<int:project_id>/scorecards": (D, M, S),
    "GET /api/projects/<int:project_id>/scorecards/<int:account_id>": (D, M, S, ADV),
    "GET /api/projects/<int:project_id>/sales-star": (D, M, S, ADV, HR),
    # gateway/routes/finance_commission.py
    "GET /api/finance/mortgage-quote": STAFF,
    "PUT /api/projects/<int:project_id>/agency-terms": (D, M),
    "GET /api/projects/<int:project_id>/agency-terms": (D, M, FIN, DEV),
    "POST /api/projects/<int:project_id>/agency-statements": (D, M, FIN),
    "GET /api/projects/<int:project_id>/agency-statements": (D, M, FIN, DEV),
    "GET /api/agency-statements/<int:statement_id>": (D, M, FIN, DEV),
    "PUT /api/projects/<int:project_id>/commission-rules": (D, M),
    "GET /api/projects/<int:project_id>/commission-rules": (D, M, S, ADV, FIN),
    "POST /api/projects/<int:project_id>/commission-statements/<month>": (D, M, FIN),
    "GET /api/commission-statements": (D, M, S, ADV, FIN),
    "PUT /api/projects/<int:project_id>/expense-budgets/<month>": (D, M),
    "POST /api/projects/<int:project_id>/expenses": (D, AST, FIN),
    "GET /api/projects/<int:project_id>/expenses/<month>": (D, M, AST, FIN),
    # gateway/routes/finance_money.py
    "GET /api/projects/<int:project_id>/payment-terms": (D, M, S, ADV, AST, FIN),
    "PUT /api/projects/<int:project_id>/payment-terms": (D, M),
    "GET /api/deals/<int:deal_id>/schedule": (D, M, S, ADV, AST, FIN),
    "POST /api/deals/<int:deal_id>/receipts": (D, M, AST, FIN),
    "GET /api/deals/<int:deal_id>/receipts": (D, M, S, ADV, AST, FIN),
    "POST /api/receipts/<int:receipt_id>/void": (D, M, FIN),
    "POST /api/receipts/<int:receipt_id>/refund": (D, M, FIN),
    "GET /api/projects/<int:project_id>/collections": (D, M, S, ADV, AST, FIN),
    "GET /api/projects/<int:project_id>/collection-reminders": (D, M, S, ADV, AST, FIN),
    "GET /api/projects/<int:project_id>/collection-targets/<month>": (D, M, S, AST, FIN, DEV),
    "PUT /api/projects/<int:project_id>/collection-targets/<month>": (D, M),
    "GET /api/projects/<int:project_id>/receipt-reconciliation": (D, M, AST, FIN, DEV),
    # gateway/routes/pricing.py
    "POST /api/projects/<int:project_id>/price-lists": (D, M),
    "GET /api/projects/<int:project_id>/price-lists": (D, M),
    "GET /api/price-lists/<int:price_list_id>": (D, M),
    "DELETE /api/price-lists/<int:price_list_id>": (D, M),
    "POST /api/price-lists/<int:price_list_id>/approve": (D,),
    "POST /api/price-lists/<int:price_list_id>/publish": (D, M),
    "GET /api/units/<int:unit_id>/prices": EVERYONE,
    "GET /api/projects/<int:project_id>/price-history": EVERYONE,
    "POST /api/holds/<int:hold_id>/discount": (D, M, S, ADV),
    "GET /api/projects/<int:project_id>/discount-requests": (D, M),
    "POST /api/discount-requests/<int:request_id>/approve": (D, M),
    "POST /api/discount-requests/<int:request_id>/reject": (D, M),
    # gateway/routes/recruiting.py
    "POST /api/projects/<int:project_id>/requisitions": (D, M, HR),
    "GET /api/projects/<int:project_id>/requisitions": (D, M, HR),
    "POST /api/requisitions/<int:requisition_id>/approve": (D,),
    "POST /api/requisitions/<int:requisition_id>/cancel": (D, M, HR),
    "POST /api/requisitions/<int:requisition_id>/candidates": (D, HR),
    "GET /api/requisitions/<int:requisition_id>/candidates": (D, M, HR),
    "GET /api/candidates/<int:candidate_id>": (D, M, HR),
    "POST /api/candidates/<int:candidate_id>/advance": (D, HR),
    "POST /api/candidates/<int:candidate_id>/feedback": (D, M, HR),
    "POST /api/candidates/<int:candidate_id>/offer": (D, HR),
    "POST /api/offers/<int:offer_id>/accept": (D, HR),
    "POST /api/offers/<int:offer_id>/decline": (D, HR),
    "POST /api/candidates/<int:candidate_id>/hire": (D, HR),
    "GET /api/projects/<int:project_id>/probations": (D, M, HR),
    "POST /api/probations/<int:probation_id>/review": (D, M),
    # gateway/routes/training.py
    "POST /api/courses": (D, M, HR),
    "GET /api/courses": (D, M, HR),
    "POST /api/courses/<int:course_id>/sessions": (D, M, HR),
    "POST /api/sessions/<int:session_id>/attendance": (D, M, HR),
    "POST /api/sessions/<int:session_id>/cancel": (D, M, HR),
    "POST /api/courses/<int:course_id>/exams": (D, M, HR),
    "GET /api/projects/<int:project_id>/certifications": STAFF,
    "GET /api/projects/<int:project_id>/training-stats": (D, M, HR),
    # gateway/routes/staff.py
    "POST /api/staff": (D, HR),
    "POST /api/staff/<int:account_id>/transfer": (D, HR),
    "POST /api/staff/<int:account_id>/leave": (D, HR),
    "GET /api/staff": (D, HR),
    "GET /api/staff/<int:account_id>": (D, HR),
    # gateway/routes/reports.py
    "GET /api/projects/<int:project_id>/reports/daily": (D, M, S, ADV, AST, FIN, DEV),
    "GET /api/projects/<int:project_id>/reports/weekly": (D, M, S, FIN, DEV),
    "GET /api/projects/<int:project_id>/reports/monthly": (D, M, S, FIN, DEV),
    "GET /api/reports/daily": (D, M, S, ADV, AST, FIN, DEV),
    "GET /api/reports/weekly": (D, M, S, FIN, DEV),
    "GET /api/reports/monthly": (D, M, S, FIN, DEV),
    "GET /api/projects/<int:project_id>/reports/funnel": (D, M, S, DEV),
    "GET /api/projects/<int:project_id>/reports/channels": (D, M, S),
}


def allowed(key):
    """The roles of route `key`, as a set; roles=None on a route means EVERYONE."""
    return set(ROLES[key])


def markdown(summaries=None):
    """docs/roles.md: one row per route, a column per role."""
    summaries = summaries or {}
    short = {D: "总监", M: "经理", S: "主管", ADV: "顾问", AST: "助理", FIN: "财务", HR: "人事", DEV: "甲方"}
    lines = [
        "# Role matrix",
        "",
        "Generated from `gateway/roles.py` by `python -m gateway.roles > docs/roles.md`; do not edit by hand.",
        "Every route checks the caller's role against this table (403 `ROLE_FORBIDDEN`); the role and",
        "projects are the account's as they are now (a 调岗 or 离职 applies to a token already issued).",
        "",
        "**Scope: another agency does not exist for you.** Every service knows which agency owns each",
        "project (its own copy of inventory's project registry, `loupan/projects.py`). Before any row",
        "is read or written, every RPC checks the project it is given, in its path or in its body: a",
        "project of another agency, or one that does not exist, is 404 `PROJECT_NOT_FOUND`; a project",
        "of your agency you are not assigned to is 403 `PROJECT_FORBIDDEN` (directors see all of",
        "theirs). A record reached by its own id (a customer, a deal, a receipt) is 404",
        "`<RECORD>_NOT_FOUND` when it belongs to another agency. `tests/test_isolation_matrix.py`",
        "proves this route by route. The services then check an advisor's ownership, and mask",
        "customers' phones (138****5678) for everyone but the owner and managers; a developer_viewer",
        "never sees a customer's number. ✓ allowed, · refused; *public*: no token needed.",
        "",
        "| route | " + " | ".join(f"{r}<br>{short[r]}" for r in ROLE_NAMES) + " | what |",
        "|---|" + "---|" * len(ROLE_NAMES) + "---|",
    ]
    for key, roles in ROLES.items():
        cells = ["*public*"] * len(ROLE_NAMES) if roles == PUBLIC else \
            ["✓" if r in roles else "·" for r in ROLE_NAMES]
        what = summaries.get(key, "").replace("|", "\\|")
        lines.append(f"| `{key}` | " + " | ".join(cells) + f" | {what} |")
    counts = {r: sum(1 for roles in ROLES.values() if r in roles or roles == PUBLIC) for r in ROLE_NAMES}
    lines += ["", f"{len(ROLES)} routes. Routes open to each role: "
              + ", ".join(f"{r} {n}" for r, n in counts.items()) + ".", ""]
    return "\n".join(lines)


def route_summaries():
    """{"METHOD /path": summary} of the routes GatewayService declares."""
    importlib.import_module("gateway.service")  # importing it fills ROUTES
    from gateway.http import ROUTES
    return {f"{method} {url}": options["summary"] for method, url, options in ROUTES}


if __name__ == "__main__":
    print(markdown(route_summaries()), end="")
