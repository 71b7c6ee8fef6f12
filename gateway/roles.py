"""The route table: for every gateway route ("METHOD /path" as declared with @route) the grant
of the kernel's role table (`loupan/roles.py`: a named group, or a permission the services
check too) that says who may call it, decided from docs/domain.md "Roles". @route reads its
roles from here (a route missing from this table does not import), so a route's roles are
written once; tests/test_role_matrix.py walks the table against a running system.
docs/roles.md is generated from here: `python -m gateway.roles > docs/roles.md`.

Role checks are the first gate only: the services also check the project scope of every
record, ownership (an advisor's own customers) and phone masking (developer_viewer never
sees a customer's number; advisors see only their own customers' numbers)."""
import importlib
import re
from pathlib import Path

from loupan.roles import EVERYONE, GROUPS, PERMISSIONS, PUBLIC, STAFF
from loupan.roles import ROLES as ROLE_NAMES

D, M, S, ADV, AST, FIN, HR, DEV = ROLE_NAMES
P = PERMISSIONS
USES = re.compile(r'PERMISSIONS\["([\w.]+)"\]')

ROLES = {
    # gateway/service.py
    "POST /api/auth/login": PUBLIC,
    "GET /api/ping": EVERYONE,
    "GET /api/me": EVERYONE,
    "POST /api/me/password": EVERYONE,
    "POST /api/logout": EVERYONE,
    "POST /api/accounts": P["accounts.create"],
    "GET /api/accounts": P["accounts.read"],
    "POST /api/projects": P["projects.create"],
    "GET /api/projects": EVERYONE,
    "GET /api/projects/<int:project_id>": EVERYONE,
    "POST /api/projects/<int:project_id>/buildings": P["buildings.manage"],
    "PATCH /api/buildings/<int:building_id>": P["buildings.manage"],
    "POST /api/projects/<int:project_id>/units": P["units.create"],
    "GET /api/projects/<int:project_id>/units": EVERYONE,
    "POST /api/projects/<int:project_id>/releases": P["units.release"],
    "POST /api/units/<int:unit_id>/holds": P["holds.place"],
    "DELETE /api/holds/<int:hold_id>": P["holds.place"],
    "GET /api/projects/<int:project_id>/board": EVERYONE,
    "GET /api/notifications": EVERYONE,
    # gateway/routes/display.py
    "POST /api/projects/<int:project_id>/display-tokens": P["display_tokens.manage"],
    "GET /api/projects/<int:project_id>/display-tokens": P["display_tokens.manage"],
    "DELETE /api/projects/<int:project_id>/display-tokens/<int:display_id>": P["display_tokens.manage"],
    "GET /api/display/board": PUBLIC,  # no account: the display token is checked by the route itself
    # gateway/routes/webhooks.py
    "POST /api/webhooks": P["webhooks.manage"],
    "GET /api/webhooks": P["webhooks.manage"],
    "GET /api/webhooks/<int:webhook_id>": P["webhooks.manage"],
    "DELETE /api/webhooks/<int:webhook_id>": P["webhooks.manage"],
    "POST /api/webhooks/<int:webhook_id>/rotate-secret": P["webhooks.manage"],
    "GET /api/webhooks/<int:webhook_id>/deliveries": P["webhooks.manage"],
    "POST /api/webhooks/<int:webhook_id>/deliveries/<delivery_id>/redeliver": P["webhooks.manage"],
    # gateway/routes/buyers.py: buyers have no account; the code or the buyer session is checked by the route
    "POST /api/buyer/codes": PUBLIC,
    "POST /api/buyer/sessions": PUBLIC,
    "GET /api/buyer/me": PUBLIC,
    "DELETE /api/buyer/session": PUBLIC,
    "POST /api/buyer/holds": PUBLIC,
    "POST /api/buyer/holds/<int:hold_id>/confirm": PUBLIC,
    "POST /api/buyer/give-up": PUBLIC,
    # gateway/routes/brokers.py: brokers have no account; the code or the broker session is checked by the route
    "POST /api/broker/codes": PUBLIC,
    "POST /api/broker/sessions": PUBLIC,
    "POST /api/broker/signup": PUBLIC,
    "DELETE /api/broker/session": PUBLIC,
    "GET /api/broker/me": PUBLIC,
    "POST /api/broker/reports": PUBLIC,
    "GET /api/broker/reports": PUBLIC,
    "GET /api/broker/reports/<int:channel_report_id>": PUBLIC,
    "POST /api/broker/reports/<int:channel_report_id>/appeals": PUBLIC,
    "GET /api/broker/commission": PUBLIC,
    "POST /api/broker/statements/<int:channel_statement_id>/confirm": PUBLIC,
    # gateway/routes/bell.py
    "GET /api/projects/<int:project_id>/notifications": EVERYONE,
    # gateway/routes/attendance.py
    "POST /api/projects/<int:project_id>/shifts": P["rota.plan"],
    "GET /api/projects/<int:project_id>/shifts": STAFF,
    "POST /api/projects/<int:project_id>/rota/plan": P["rota.plan"],
    "PUT /api/projects/<int:project_id>/rota/<day>": P["rota.plan"],
    "GET /api/projects/<int:project_id>/rota": STAFF,
    "POST /api/projects/<int:project_id>/clock": STAFF,
    "POST /api/leave-requests": STAFF,
    "POST /api/leave-requests/<int:leave_id>/approve": P["leave.decide"],
    "POST /api/leave-requests/<int:leave_id>/reject": P["leave.decide"],
    "GET /api/projects/<int:project_id>/attendance-stats": P["attendance.stats"],
    # gateway/routes/contracts_changes.py
    "POST /api/deals/<int:deal_id>/changes": P["changes.request"],
    "POST /api/changes/<int:change_id>/approve": P["changes.decide"],
    "POST /api/changes/<int:change_id>/reject": P["changes.decide"],
    "GET /api/deals/<int:deal_id>/changes": P["changes.read"],
    "GET /api/projects/<int:project_id>/changes": P["changes.list_project"],
    "POST /api/deals/<int:deal_id>/mortgage": P["mortgages.handle"],
    "GET /api/deals/<int:deal_id>/mortgage": P["mortgages.read"],
    "POST /api/mortgages/<int:mortgage_id>/advance": P["mortgages.handle"],
    "GET /api/projects/<int:project_id>/mortgages/stuck": P["mortgages.stuck"],
    "POST /api/deals/<int:deal_id>/handover": P["handovers.record"],
    "GET /api/deals/<int:deal_id>/handover": P["handovers.read"],
    "POST /api/deals/<int:deal_id>/title": P["handovers.record"],
    # gateway/routes/contracts_deals.py
    "POST /api/subscriptions": P["deals.sell"],
    "POST /api/subscriptions/<int:deal_id>/approve": P["deals.review"],
    "POST /api/subscriptions/<int:deal_id>/reject": P["deals.review"],
    "POST /api/deals/<int:deal_id>/contract": P["deals.sell"],
    "POST /api/deals/<int:deal_id>/contract/approve": P["deals.review"],
    "POST /api/deals/<int:deal_id>/contract/reject": P["deals.review"],
    "POST /api/deals/<int:deal_id>/agreements": P["agreements.write"],
    "GET /api/deals/<int:deal_id>/agreements": P["deals.read"],
    "POST /api/agreements/<int:agreement_id>/approve": P["deals.review"],
    "POST /api/agreements/<int:agreement_id>/reject": P["deals.review"],
    "POST /api/deals/<int:deal_id>/online-signing": P["deals.file"],
    "POST /api/deals/<int:deal_id>/filing": P["deals.file"],
    "GET /api/deals/<int:deal_id>": P["deals.read"],
    "GET /api/projects/<int:project_id>/deals": P["deals.read"],
    # gateway/routes/control.py
    "POST /api/projects/<int:project_id>/locks": P["units.control"],
    "POST /api/projects/<int:project_id>/unlocks": P["units.control"],
    "POST /api/projects/<int:project_id>/release-schedules": P["units.control"],
    "GET /api/projects/<int:project_id>/release-schedules": P["units.control"],
    "DELETE /api/release-schedules/<int:schedule_id>": P["units.control"],
    "PATCH /api/projects/<int:project_id>": P["units.control"],
    "POST /api/holds/<int:hold_id>/extend": P["units.control"],
    "GET /api/projects/<int:project_id>/slow-movers": P["units.slow_movers"],
    "GET /api/projects/<int:project_id>/reconciliation": P["units.reconcile"],
    # gateway/routes/launches.py
    "POST /api/projects/<int:project_id>/launches": P["launches.manage"],
    "GET /api/projects/<int:project_id>/launches": P["launches.read"],
    "GET /api/launches/<int:launch_id>": P["launches.read"],
    "POST /api/launches/<int:launch_id>/transitions": P["launches.manage"],
    "POST /api/launches/<int:launch_id>/registrations": P["registrations.create"],
    "GET /api/launches/<int:launch_id>/registrations": P["registrations.read"],
    "GET /api/registrations/<int:registration_id>": P["registrations.read"],
    "POST /api/registrations/<int:registration_id>/review": P["registrations.review"],
    "POST /api/registrations/<int:registration_id>/deposit": P["registrations.deposit"],
    "POST /api/registrations/<int:registration_id>/cancel": P["registrations.review"],
    "POST /api/launches/<int:launch_id>/lottery/publish": P["launches.manage"],
    "GET /api/launches/<int:launch_id>/lottery/published": P["launches.read"],
    "POST /api/launches/<int:launch_id>/lottery/draw": P["launches.manage"],
    "GET /api/launches/<int:launch_id>/lottery/result": P["launches.read"],
    "GET /api/launches/<int:launch_id>/selection": P["launches.read"],
    # gateway/routes/launch_report.py
    "GET /api/launches/<int:launch_id>/report": P["launches.report"],
    # gateway/routes/launch_screen.py: 选房大屏, signed in or on a display token (checked by the route)
    "GET /api/launches/<int:launch_id>/screen": P["launches.read"],
    "GET /api/display/launches/<int:launch_id>/screen": PUBLIC,
    # gateway/routes/crm_care.py
    "POST /api/customers/<int:customer_id>/follow-ups": P["follow_ups.write"],
    "GET /api/customers/<int:customer_id>/follow-ups": P["follow_ups.read"],
    "GET /api/projects/<int:project_id>/overdue": P["follow_ups.overdue"],
    "GET /api/projects/<int:project_id>/satisfaction-visits": P["care_tasks.read"],
    "POST /api/customers/<int:customer_id>/surveys": P["surveys.record"],
    "GET /api/customers/<int:customer_id>/surveys": P["surveys.read"],
    "GET /api/projects/<int:project_id>/satisfaction": P["satisfaction.read"],
    "POST /api/projects/<int:project_id>/complaints": P["complaints.file"],
    "GET /api/projects/<int:project_id>/complaints": P["complaints.read"],
    "GET /api/complaints/<int:complaint_id>": P["complaints.read"],
    "POST /api/complaints/<int:complaint_id>/resolve": P["complaints.resolve"],
    # gateway/routes/spreadsheets.py
    "POST /api/projects/<int:project_id>/imports": P["units.create"],
    "GET /api/imports/<int:import_id>": P["units.create"],
    "GET /api/projects/<int:project_id>/units.xlsx": P["units.export"],
    "GET /api/projects/<int:project_id>/board.xlsx": EVERYONE,
    "GET /api/units/<int:unit_id>/history": EVERYONE,
    # gateway/routes/crm_channels.py: 渠道分销 (issue 19); brokers have no sign-in yet, staff act for them
    "POST /api/channels": P["channels.manage"],
    "GET /api/channels": P["channels.read"],
    "GET /api/channels/<int:channel_id>": P["channels.read"],
    "PATCH /api/channels/<int:channel_id>": P["channels.manage"],
    "POST /api/brokers": P["channels.manage"],
    "GET /api/brokers": P["channels.read"],
    "PATCH /api/brokers/<int:broker_id>": P["channels.manage"],
    "GET /api/projects/<int:project_id>/channel-settings": P["channels.read"],
    "PUT /api/projects/<int:project_id>/channel-settings": P["channels.manage"],
    "POST /api/projects/<int:project_id>/channel-reports": P["channel_reports.file"],
    "GET /api/projects/<int:project_id>/channel-reports": P["channel_reports.read"],
    "GET /api/channel-reports/<int:channel_report_id>": P["channel_reports.read"],
    "POST /api/projects/<int:project_id>/channel-visits": P["channel_visits.verify"],
    "POST /api/channel-reports/<int:channel_report_id>/appeals": P["channel_appeals.file"],
    "GET /api/projects/<int:project_id>/channel-appeals": P["channel_reports.read"],
    "POST /api/channel-appeals/<int:channel_appeal_id>/ruling": P["channel_appeals.rule"],
    "GET /api/projects/<int:project_id>/channel-alerts": P["channel_risk.read"],
    # gateway/routes/crm_customers.py
    "POST /api/projects/<int:project_id>/customers": P["customers.register"],
    "GET /api/projects/<int:project_id>/customers": P["customers.read"],
    "GET /api/customers/<int:customer_id>": P["customers.read"],
    "PATCH /api/customers/<int:customer_id>": P["customers.edit"],
    "POST /api/customers/<int:customer_id>/mobile-change": P["mobile_changes.request"],
    "GET /api/projects/<int:project_id>/mobile-changes": P["mobile_changes.decide"],
    "POST /api/mobile-changes/<int:mobile_change_id>/approve": P["mobile_changes.decide"],
    "POST /api/mobile-changes/<int:mobile_change_id>/reject": P["mobile_changes.decide"],
    "GET /api/projects/<int:project_id>/conflicts": P["conflicts.read"],
    "POST /api/conflicts/<int:conflict_id>/ruling": P["conflicts.rule"],
    "POST /api/projects/<int:project_id>/customers/reassign": P["customers.reassign"],
    "GET /api/projects/<int:project_id>/customer-settings": P["customers.read"],
    "PUT /api/projects/<int:project_id>/customer-settings": P["customers.settings"],
    "GET /api/projects/<int:project_id>/customers/export": P["customers.export"],
    "GET /api/projects/<int:project_id>/export-log": P["customers.export"],
    "POST /api/projects/<int:project_id>/customer-imports": P["customers.import"],
    "GET /api/customer-imports/<int:customer_import_id>": P["customers.import"],
    "POST /api/customer-imports/<int:customer_import_id>/confirm": P["customers.import"],
    # gateway/routes/crm_visits.py
    "POST /api/projects/<int:project_id>/calls": P["visits.register"],
    "GET /api/projects/<int:project_id>/calls": P["visits.read"],
    "POST /api/projects/<int:project_id>/visits": P["visits.register"],
    "GET /api/projects/<int:project_id>/visits": P["visits.read"],
    "GET /api/projects/<int:project_id>/visit-counts": P["visits.counts"],
    "GET /api/projects/<int:project_id>/rotation": P["rotation.read"],
    "PUT /api/projects/<int:project_id>/rotation/order": P["rotation.change"],
    "POST /api/projects/<int:project_id>/rotation/skip": P["rotation.change"],
    "POST /api/projects/<int:project_id>/rotation/restore": P["rotation.change"],
    "GET /api/projects/<int:project_id>/funnel": P["funnel.read"],
    # gateway/routes/data_reveals.py
    "GET /api/data-reveals": P["data_reveals.read"],
    # gateway/routes/deals.py
    "GET /api/units/<int:unit_id>": EVERYONE,
    # gateway/routes/evaluation.py
    "PUT /api/projects/<int:project_id>/teams": P["evaluation.set"],
    "GET /api/projects/<int:project_id>/teams": P["evaluation.read"],
    "PUT /api/projects/<int:project_id>/targets": P["evaluation.set"],
    "GET /api/projects/<int:project_id>/targets": P["evaluation.read"],
    "PUT /api/projects/<int:project_id>/scorecard-weights": P["evaluation.set"],
    "GET /api/projects/<int:project_id>/scorecard-weights": P["evaluation.read"],
    "GET /api/projects/<int:project_id>/scorecards": P["evaluation.read"],
    "GET /api/projects/<int:project_id>/scorecards/<int:account_id>": P["evaluation.card"],
    "GET /api/projects/<int:project_id>/sales-star": P["evaluation.sales_star"],
    # gateway/routes/finance_commission.py
    "GET /api/finance/mortgage-quote": STAFF,
    "GET /api/projects/<int:project_id>/schedule-preview": P["deal_money.read"],
    # gateway/routes/documents.py
    "GET /api/deals/<int:deal_id>/subscription.pdf": P["deals.read"],
    "GET /api/deals/<int:deal_id>/receipts/<int:receipt_id>.pdf": P["deal_money.read"],
    "GET /api/projects/<int:project_id>/plan.pdf": P["deal_money.read"],
    "GET /api/projects/<int:project_id>/board.pdf": EVERYONE,
    "PUT /api/projects/<int:project_id>/agency-terms": P["agency_terms.set"],
    "GET /api/projects/<int:project_id>/agency-terms": P["agency_commission.read"],
    "POST /api/projects/<int:project_id>/agency-statements": P["agency_statements.issue"],
    "GET /api/projects/<int:project_id>/agency-statements": P["agency_commission.read"],
    "GET /api/agency-statements/<int:statement_id>": P["agency_commission.read"],
    "GET /api/projects/<int:project_id>/agency-statements/preview": P["agency_statements.issue"],
    "POST /api/agency-statements/<int:statement_id>/pay": P["agency_statements.issue"],
    "PUT /api/projects/<int:project_id>/commission-rules": P["commission_rules.set"],
    "GET /api/projects/<int:project_id>/commission-rules": P["commission_rules.read"],
    "POST /api/projects/<int:project_id>/commission-statements/<month>": P["commission_statements.issue"],
    "GET /api/commission-statements": P["commission_statements.read"],
    "GET /api/projects/<int:project_id>/commission-statements/<month>/preview": P["commission_statements.issue"],
    "POST /api/commission-statements/<int:statement_id>/pay": P["commission_statements.issue"],
    "PUT /api/projects/<int:project_id>/expense-budgets/<month>": P["expense_budgets.set"],
    "POST /api/projects/<int:project_id>/expenses": P["expenses.record"],
    "GET /api/projects/<int:project_id>/expenses/<month>": P["expenses.read"],
    # gateway/routes/finance_money.py
    "GET /api/projects/<int:project_id>/payment-terms": P["deal_money.read"],
    "PUT /api/projects/<int:project_id>/payment-terms": P["payment_terms.set"],
    "GET /api/deals/<int:deal_id>/schedule": P["deal_money.read"],
    "POST /api/deals/<int:deal_id>/receipts": P["receipts.record"],
    "GET /api/deals/<int:deal_id>/receipts": P["deal_money.read"],
    "POST /api/receipts/<int:receipt_id>/void": P["receipts.reverse"],
    "POST /api/receipts/<int:receipt_id>/refund": P["receipts.reverse"],
    "GET /api/projects/<int:project_id>/collections": P["collections.read"],
    "GET /api/projects/<int:project_id>/collection-reminders": P["collections.read"],
    "GET /api/projects/<int:project_id>/collection-targets/<month>": P["collection_targets.read"],
    "PUT /api/projects/<int:project_id>/collection-targets/<month>": P["collection_targets.set"],
    "GET /api/projects/<int:project_id>/receipt-reconciliation": P["reconciliation.read"],
    # gateway/routes/finance_escrow.py
    "GET /api/projects/<int:project_id>/escrow-accounts": P["escrow.read"],
    "POST /api/projects/<int:project_id>/escrow-accounts": P["escrow.set"],
    "POST /api/receipts/<int:receipt_id>/escrow-deposit": P["escrow.deposit"],
    "GET /api/projects/<int:project_id>/escrow-report": P["escrow.read"],
    # gateway/routes/finance_channel.py: 分销佣金 (issue 19)
    "GET /api/projects/<int:project_id>/channel-billing": P["channel_commission.read"],
    "PUT /api/projects/<int:project_id>/channel-billing": P["channel_commission.manage"],
    "POST /api/projects/<int:project_id>/channel-terms": P["channel_commission.manage"],
    "GET /api/projects/<int:project_id>/channel-terms": P["channel_commission.read"],
    "DELETE /api/channel-terms/<int:channel_terms_id>": P["channel_commission.manage"],
    "GET /api/projects/<int:project_id>/channel-deals": P["channel_commission.read"],
    "POST /api/projects/<int:project_id>/channel-statements": P["channel_commission.manage"],
    "GET /api/projects/<int:project_id>/channel-statements": P["channel_commission.read"],
    "GET /api/channel-statements/<int:channel_statement_id>": P["channel_commission.read"],
    "POST /api/channel-statements/<int:channel_statement_id>/issue": P["channel_commission.manage"],
    "POST /api/channel-statements/<int:channel_statement_id>/confirm": P["channel_commission.manage"],
    "POST /api/channel-statements/<int:channel_statement_id>/dispute": P["channel_commission.manage"],
    "GET /api/channel-statements/<int:channel_statement_id>.xlsx": P["channel_commission.read"],
    "GET /api/projects/<int:project_id>/channel-costs": P["channel_commission.read"],
    # gateway/routes/finance_sincerity.py
    "POST /api/registrations/<int:registration_id>/sincerity-receipts": P["receipts.record"],
    "GET /api/sincerity-receipts/<int:sincerity_receipt_id>": P["sincerity.read"],
    "POST /api/sincerity-receipts/<int:sincerity_receipt_id>/refund": P["receipts.reverse"],
    "GET /api/sincerity-receipts/<int:sincerity_receipt_id>.pdf": P["sincerity.read"],
    "GET /api/launches/<int:launch_id>/sincerity": P["sincerity.read"],
    # gateway/routes/pricing.py
    "POST /api/projects/<int:project_id>/price-lists": P["price_lists.manage"],
    "GET /api/projects/<int:project_id>/price-lists": P["price_lists.manage"],
    "GET /api/price-lists/<int:price_list_id>": P["price_lists.manage"],
    "DELETE /api/price-lists/<int:price_list_id>": P["price_lists.manage"],
    "POST /api/price-lists/<int:price_list_id>/approve": P["price_lists.approve"],
    "POST /api/price-lists/<int:price_list_id>/publish": P["price_lists.manage"],
    "GET /api/units/<int:unit_id>/prices": EVERYONE,
    "GET /api/projects/<int:project_id>/price-history": EVERYONE,
    "POST /api/holds/<int:hold_id>/discount": P["discounts.request"],
    "GET /api/projects/<int:project_id>/discount-requests": P["discounts.read"],
    "POST /api/discount-requests/<int:request_id>/approve": P["discounts.decide"],
    "POST /api/discount-requests/<int:request_id>/execute": P["discounts.execute"],
    "POST /api/discount-requests/<int:request_id>/reject": P["discounts.decide"],
    # gateway/routes/recruiting.py
    "POST /api/projects/<int:project_id>/requisitions": P["requisitions.request"],
    "GET /api/projects/<int:project_id>/requisitions": P["recruiting.read"],
    "POST /api/requisitions/<int:requisition_id>/approve": P["requisitions.approve"],
    "POST /api/requisitions/<int:requisition_id>/cancel": P["requisitions.request"],
    "POST /api/requisitions/<int:requisition_id>/candidates": P["candidates.manage"],
    "GET /api/requisitions/<int:requisition_id>/candidates": P["recruiting.read"],
    "GET /api/candidates/<int:candidate_id>": P["recruiting.read"],
    "POST /api/candidates/<int:candidate_id>/advance": P["candidates.manage"],
    "POST /api/candidates/<int:candidate_id>/feedback": P["candidates.feedback"],
    "POST /api/candidates/<int:candidate_id>/offer": P["candidates.manage"],
    "POST /api/offers/<int:offer_id>/accept": P["candidates.manage"],
    "POST /api/offers/<int:offer_id>/decline": P["candidates.manage"],
    "POST /api/candidates/<int:candidate_id>/hire": P["candidates.manage"],
    "GET /api/projects/<int:project_id>/probations": P["recruiting.read"],
    "POST /api/probations/<int:probation_id>/review": P["probations.review"],
    # gateway/routes/training.py
    "POST /api/courses": P["training.manage"],
    "GET /api/courses": P["training.manage"],
    "POST /api/courses/<int:course_id>/sessions": P["training.manage"],
    "GET /api/projects/<int:project_id>/training-sessions": P["training.manage"],
    "POST /api/sessions/<int:session_id>/attendance": P["training.manage"],
    "POST /api/sessions/<int:session_id>/cancel": P["training.manage"],
    "POST /api/courses/<int:course_id>/exams": P["training.manage"],
    "GET /api/projects/<int:project_id>/certifications": P["certifications.read"],
    "GET /api/projects/<int:project_id>/training-stats": P["training.manage"],
    # gateway/routes/staff.py
    "POST /api/staff": P["staff.manage"],
    "POST /api/staff/<int:account_id>/transfer": P["staff.manage"],
    "POST /api/staff/<int:account_id>/leave": P["staff.manage"],
    "GET /api/staff": P["staff.manage"],
    "GET /api/staff/<int:account_id>": P["staff.manage"],
    # gateway/routes/reports.py
    "GET /api/projects/<int:project_id>/reports/daily": P["reports.read"],
    "GET /api/projects/<int:project_id>/reports/weekly": P["reports.periods"],
    "GET /api/projects/<int:project_id>/reports/monthly": P["reports.periods"],
    "GET /api/reports/daily": P["reports.read"],
    "GET /api/reports/weekly": P["reports.periods"],
    "GET /api/reports/monthly": P["reports.periods"],
    "GET /api/projects/<int:project_id>/reports/funnel": P["reports.funnel"],
    "GET /api/projects/<int:project_id>/reports/channels": P["reports.channels"],
}


def roles_of(method, url):
    """The grant of route `method url`, for @route; a route the table does not list is an error."""
    key = f"{method} {url}"
    if key not in ROLES:
        raise LookupError(f"route {key!r} is not in gateway/roles.py: add it with its grant")
    return ROLES[key]


def allowed(key):
    """The roles of route `key`, as a set."""
    return set(ROLES[key])


def markdown(summaries=None):
    """docs/roles.md: one row per route, a column per role; then every grant of the kernel's
    table with the routes that use it and the code that checks it."""
    summaries = summaries or {}
    short = {D: "总监", M: "经理", S: "主管", ADV: "顾问", AST: "助理", FIN: "财务", HR: "人事", DEV: "甲方"}
    header = " | ".join(f"{r}<br>{short[r]}" for r in ROLE_NAMES)
    lines = [
        "# Role matrix",
        "",
        "Generated from `gateway/roles.py` and `loupan/roles.py` by `python -m gateway.roles > docs/roles.md`;",
        "do not edit by hand. Every route checks the caller's role against this table (403 `ROLE_FORBIDDEN`); the role and",
        "projects are the account's as they are now (a 调岗 or 离职 applies to a token already issued).",
        "A route's *grant* is a group or a permission of `loupan/roles.py`, the one place a role is",
        "granted: the services check the same permissions (second table).",
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
        "| route | " + header + " | grant | what |",
        "|---|" + "---|" * len(ROLE_NAMES) + "---|---|",
    ]
    for key, roles in ROLES.items():
        cells = ["*public*"] * len(ROLE_NAMES) if roles == PUBLIC else \
            ["✓" if r in roles else "·" for r in ROLE_NAMES]
        what = summaries.get(key, "").replace("|", "\\|")
        lines.append(f"| `{key}` | " + " | ".join(cells) + f" | `{roles.name}` | {what} |")
    counts = {r: sum(1 for roles in ROLES.values() if r in roles or roles == PUBLIC) for r in ROLE_NAMES}
    lines += ["", f"{len(ROLES)} routes. Routes open to each role: "
              + ", ".join(f"{r} {n}" for r, n in counts.items()) + ".", ""]
    checked = checked_in()
    lines += [
        "## Groups and permissions (`loupan/roles.py`)",
        "",
        "Groups first, then the permissions by action. *routes*: how many routes above have the grant;",
        "*checked in*: the services (or the kernel, the gateway) whose code reads the permission with",
        "`PERMISSIONS[\"...\"]`, most with `require_role` before any row is read or written.",
        "",
        "| grant | " + header + " | routes | checked in |",
        "|---|" + "---|" * len(ROLE_NAMES) + "---|---|",
    ]
    for name, grant in list(GROUPS.items()) + list(PERMISSIONS.items()):
        cells = ["✓" if r in grant else "·" for r in ROLE_NAMES]
        used = sum(1 for roles in ROLES.values() if roles is grant)
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {used or ''} | {', '.join(checked.get(name, ()))} |")
    lines += ["", f"{len(GROUPS)} groups, {len(PERMISSIONS)} permissions.", ""]
    return "\n".join(lines)


def checked_in():
    """{permission: [where]} of every `PERMISSIONS["name"]` in the code outside tests: the
    service's name (services/<name>/), or "kernel" (loupan/) or "gateway"."""
    root = Path(__file__).resolve().parent.parent
    found = {}
    for where, folder in [("kernel", root / "loupan"), ("gateway", root / "gateway")] + \
            [(d.name, d) for d in sorted((root / "services").iterdir()) if d.is_dir()]:
        for path in sorted(folder.rglob("*.py")):
            if {"tests", "testing"} & set(path.relative_to(root).parts) or path.name == "roles.py":
                continue
            for name in USES.findall(path.read_text(encoding="utf-8")):
                if where not in found.setdefault(name, []):
                    found[name].append(where)
    unknown = sorted(set(found) - set(PERMISSIONS))
    if unknown:
        raise LookupError(f"no such permissions in loupan/roles.py: {unknown}")
    return found


def route_summaries():
    """{"METHOD /path": summary} of the routes GatewayService declares."""
    importlib.import_module("gateway.service")  # importing it fills ROUTES
    from gateway.http import ROUTES
    return {f"{method} {url}": options["summary"] for method, url, options in ROUTES}


if __name__ == "__main__":
    print(markdown(route_summaries()), end="")
