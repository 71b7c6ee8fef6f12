"""The one role table: the role names of docs/domain.md, named groups of them, and PERMISSIONS,
who may do what, by action. A role is granted in exactly one place, here:

- the gateway's route table (`gateway/roles.py`, "METHOD /path" -> one of these grants) is what
  each @route enforces and what docs/roles.md is generated from;
- each service checks the same entry before it reads or writes (`require_role(actor,
  PERMISSIONS["deals.review"], "review subscriptions")`), and its other role rules (who sees
  every phone number, who sees a whole site's customers) are entries of the same table.

A grant is a tuple of role names in ROLES order with a `name`, so `role in grant` works."""
from loupan.errors import Forbidden

ROLES = (
    "director",
    "manager",
    "supervisor",
    "advisor",
    "assistant",
    "finance",
    "hr",
    "developer_viewer",
)
DIRECTOR, MANAGER, SUPERVISOR, ADVISOR, ASSISTANT, FINANCE, HR, DEVELOPER_VIEWER = ROLES
AGENCY_WIDE = (DIRECTOR,)  # sees every project of its agency without being assigned
SYSTEM = "system"  # the actor of a service's own event handlers and timers, never an account's role
BROKER = "broker"  # a broker signed in on their phone (gateway/routes/brokers.py): no account, no grant
TITLES = {DIRECTOR: "总监", MANAGER: "案场经理", SUPERVISOR: "销售主管", ADVISOR: "置业顾问",
          ASSISTANT: "案场助理", FINANCE: "财务", HR: "人事", DEVELOPER_VIEWER: "开发商"}  # as the console shows them


class Grant(tuple):
    """A named set of roles (a group or a permission), kept in ROLES order."""

    def __new__(cls, name, *roles):
        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise ValueError(f"{name}: unknown roles {unknown}")
        grant = super().__new__(cls, tuple(r for r in ROLES if r in roles))
        grant.name = name
        return grant

    def __repr__(self):
        return f"<{self.name}: {', '.join(self) or 'no token needed'}>"


# seniority, for granting roles: nobody grants a role above their own, and a role above an
# advisor's (who lead a site or the agency) is granted by a director only. The office roles
# (assistant, finance, hr) and the developer's viewer lead nobody: an advisor's level.
SENIORITY = {DIRECTOR: 3, MANAGER: 2, SUPERVISOR: 1, ADVISOR: 0, ASSISTANT: 0, FINANCE: 0, HR: 0,
             DEVELOPER_VIEWER: 0}


def require_may_grant(actor, role, account_id=None):
    """403 unless `actor` may give `role` to the account `account_id` (None: a new account):
    nobody changes their own role (SELF_GRANT), grants a role above their own
    (GRANT_ABOVE_OWN), or, unless a director, a role above an advisor's (DIRECTOR_REQUIRED)."""
    if account_id is not None and account_id == actor["account_id"]:
        raise Forbidden("nobody changes their own role or projects", "SELF_GRANT")
    if SENIORITY[role] > SENIORITY[actor["role"]]:
        raise Forbidden(f"role {actor['role']} may not grant the role {role}, above its own", "GRANT_ABOVE_OWN")
    if SENIORITY[role] > SENIORITY[ADVISOR] and actor["role"] not in DIRECTORS:
        raise Forbidden(f"the role {role} is granted by a director only", "DIRECTOR_REQUIRED")


def require_not_own(actor, *requesters, what="request"):
    """403 SELF_APPROVAL if the actor is one of `requesters` (who asked for, made or sells what
    is approved): nobody approves their own request, whatever their role."""
    if actor["account_id"] in requesters:
        raise Forbidden(f"nobody approves their own {what}", "SELF_APPROVAL")


def require_role(actor, roles, what=None, code="ROLE_FORBIDDEN"):
    """403 unless the actor's role is one of `roles` (a grant of this module)."""
    if actor["role"] not in roles:
        raise Forbidden(f"role {actor['role']} may not {what or 'do this'}", code)


# groups: one meaning each ------------------------------------------------------------------
PUBLIC = Grant("public")  # no token needed (a gateway route only: signing in)
EVERYONE = Grant("everyone", *ROLES)  # any signed-in user
STAFF = Grant("staff", *(r for r in ROLES if r != DEVELOPER_VIEWER))  # the agency's own people, not the developer's viewer
DIRECTORS = Grant("directors", DIRECTOR)
MANAGERS = Grant("managers", DIRECTOR, MANAGER)
SUPERVISORS = Grant("supervisors", *MANAGERS, SUPERVISOR)  # who lead a site: managers and its supervisors
SELLERS = Grant("sellers", *SUPERVISORS, ADVISOR)
SITE = Grant("site", *SELLERS, ASSISTANT)  # the sales office: sellers and the site's assistant
SITE_WIDE = Grant("site_wide", *SUPERVISORS, ASSISTANT)  # of the site, who see all its records (an advisor: their own)
FRONT_LINE = Grant("front_line", SUPERVISOR, ADVISOR)  # who serve customers themselves
DEAL_TEAM = Grant("deal_team", *SITE, FINANCE)  # who work on a deal after the sale: not hr, not the developer
HR_OFFICE = Grant("hr_office", DIRECTOR, HR)
PEOPLE_MANAGERS = Grant("people_managers", *MANAGERS, HR)  # who manage people: managers and hr
MONEY_MANAGERS = Grant("money_managers", *MANAGERS, FINANCE)  # who issue and reverse money records
READERS = Grant("readers", *DEAL_TEAM, DEVELOPER_VIEWER)  # who read deals and figures: everyone but hr
GROUPS = {g.name: g for g in (PUBLIC, EVERYONE, STAFF, DIRECTORS, MANAGERS, SUPERVISORS, SELLERS, SITE,
                              SITE_WIDE, FRONT_LINE, DEAL_TEAM, HR_OFFICE, PEOPLE_MANAGERS, MONEY_MANAGERS,
                              READERS)}


def _table(*grants):
    names = [g.name for g in grants]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"permissions granted twice: {duplicates}")
    return {g.name: g for g in grants}


# permissions: action -> roles ----------------------------------------------------------------
PERMISSIONS = _table(
    # hr: accounts, staff records, rota, evaluation, recruiting, training
    Grant("accounts.create", *HR_OFFICE),
    Grant("accounts.read", *PEOPLE_MANAGERS),
    Grant("staff.manage", *HR_OFFICE),  # 入职, 调岗, 离职 and the staff records
    Grant("staff.manage_directors", *DIRECTORS),  # a director's account and staff record
    Grant("rota.plan", *SUPERVISORS),  # shifts, the rota plan and its days
    Grant("rota.members", *FRONT_LINE, ASSISTANT),  # the site staff the rota is planned over
    Grant("leave.decide", *SUPERVISORS),
    Grant("attendance.stats", *PEOPLE_MANAGERS),
    Grant("evaluation.set", *MANAGERS),  # teams, targets, scorecard weights
    Grant("evaluation.read", *SUPERVISORS),  # the same, and every scorecard
    Grant("evaluation.card", *SELLERS),  # one scorecard (an advisor: their own)
    Grant("evaluation.sales_star", *SELLERS, HR),
    Grant("requisitions.request", *PEOPLE_MANAGERS),  # and cancel (a director, or the requester)
    Grant("requisitions.approve", *DIRECTORS),
    Grant("requisitions.cancel_any", *DIRECTORS),  # besides the requester
    Grant("recruiting.read", *PEOPLE_MANAGERS),  # requisitions, candidates, probations
    Grant("candidates.manage", *HR_OFFICE),  # add, advance, offer, answers, hire
    Grant("candidates.feedback", *PEOPLE_MANAGERS),
    Grant("probations.review", *MANAGERS),  # 转正: hr writes the review, the director or manager decides
    Grant("training.manage", *PEOPLE_MANAGERS),  # courses, sessions, attendance, exams, stats
    Grant("courses.agency_wide", *HR_OFFICE),  # a course for no one project
    Grant("certifications.read", *STAFF),
    # inventory: projects, units, holds, 销控, prices
    Grant("projects.create", *DIRECTORS),
    Grant("buildings.manage", *MANAGERS),
    Grant("units.create", *MANAGERS, ASSISTANT),  # by hand or by a spreadsheet import
    Grant("units.release", *MANAGERS),  # 推盘
    Grant("units.control", *MANAGERS),  # 销控: locks, release schedules, project settings, hold extensions
    Grant("units.export", *SUPERVISORS, ASSISTANT, FINANCE),
    Grant("units.slow_movers", *SUPERVISORS, DEVELOPER_VIEWER),
    Grant("units.reconcile", *SUPERVISORS, ASSISTANT, FINANCE),
    Grant("holds.place", *SELLERS),  # and cancel
    Grant("holds.act_for_others", *SUPERVISORS),  # cancel or subscribe another advisor's hold
    Grant("price_lists.manage", *MANAGERS),
    Grant("price_lists.approve", *DIRECTORS),
    Grant("prices.below_floor", *DIRECTORS),  # a price below 底价
    Grant("discounts.request", *SELLERS),
    Grant("discounts.decide", *MANAGERS),
    Grant("discounts.execute", ASSISTANT, *MANAGERS),  # 执行特价: not by whoever approved it
    Grant("discounts.read", ASSISTANT, *MANAGERS),  # the requests: to decide, or to execute
    # inventory: 开盘 launches, 认筹 and the 摇号 (issue 18)
    Grant("launches.manage", *MANAGERS),  # create, move (pause with a reason), publish the list, draw
    Grant("launches.read", *SITE, FINANCE, DEVELOPER_VIEWER),  # a launch, its published list and result
    Grant("launches.report", *MANAGERS, DEVELOPER_VIEWER),  # 开盘报告: a launch's figures (no names), as reports
    Grant("registrations.create", *SITE),  # 认筹, taken by the staff member calling
    Grant("registrations.read", *SITE, FINANCE),
    Grant("registrations.review", *MANAGERS, ASSISTANT),  # 购房资格, and cancellation
    Grant("registrations.deposit", *MANAGERS, ASSISTANT, FINANCE),  # 诚意金 paid, with its receipt number
    Grant("id_numbers.see_all", *MANAGERS),  # buyers' ID numbers in full (each view logged)
    # crm: customers, visits, rotation, care
    Grant("customers.register", *SITE),  # 报备
    Grant("customers.read", *SITE),
    Grant("customers.see_all", *SITE_WIDE),  # every customer of the site (an advisor: their own and the pool)
    Grant("customers.own", *FRONT_LINE),  # may be a customer's owner
    Grant("customers.edit", *SELLERS),
    Grant("customers.edit_any", *MANAGERS),  # besides the owner
    Grant("customers.settings", *MANAGERS),  # 保护期
    Grant("customers.reassign", *MANAGERS),
    Grant("customers.export", *MANAGERS),  # and the export log
    Grant("customers.import", *MANAGERS),  # an agency's old spreadsheet: who may reassign customers
    Grant("conflicts.read", *SUPERVISORS),  # 撞单
    Grant("conflicts.rule", *MANAGERS),
    # 更正手机号 (issue 19): the owner or a manager asks; a customer a channel holds changes
    # number only with a manager's approval (not the requester's own)
    Grant("mobile_changes.request", *SELLERS),
    Grant("mobile_changes.decide", *MANAGERS),  # approve, reject, the project's list; a manager's own applies
    # full numbers of customers not their own (DOMAIN: "the owner and managers"; supervisors coach
    # advisors but do not get the numbers of customers they do not own); each view is logged
    # (loupan/reveals.py), and a developer_viewer never sees one
    Grant("phones.see_all", *MANAGERS),
    Grant("phones.see", *STAFF),  # a number at all, masked unless phones.see_all or their own
    Grant("visits.register", *SITE),  # calls and visits
    Grant("visits.read", *STAFF),
    Grant("visits.counts", *EVERYONE),
    Grant("visits.take", *FRONT_LINE),  # a call they register is theirs
    Grant("rotation.read", *STAFF),
    Grant("rotation.change", *SUPERVISORS),  # order, skip, restore
    Grant("funnel.read", *SITE, DEVELOPER_VIEWER),
    Grant("follow_ups.write", *SELLERS),  # the owner, or a manager
    Grant("follow_ups.write_any", *MANAGERS),
    Grant("follow_ups.read", *SITE),
    Grant("follow_ups.overdue", *SELLERS),  # an advisor: their own
    Grant("follow_ups.overdue_site", *SUPERVISORS),  # any advisor's, or the whole site's
    Grant("care_tasks.read", *SITE),  # 回访 due
    Grant("care_tasks.see_all", *SITE_WIDE),
    Grant("surveys.record", *SITE),
    Grant("surveys.read", *SITE),
    Grant("satisfaction.read", *SITE, DEVELOPER_VIEWER),  # figures only
    Grant("complaints.file", *SITE),
    Grant("complaints.read", *SITE),
    Grant("complaints.see_all", *SITE_WIDE),  # an advisor: those they own or are about them
    Grant("complaints.resolve", *SITE),  # the owner, or a manager
    Grant("complaints.resolve_any", *MANAGERS),
    # crm: channels (渠道分销, issue 19); staff file for a broker too (brokers sign in: gateway/routes/brokers.py)
    Grant("channels.manage", *MANAGERS),  # channels, brokers, a project's 判客 rules
    Grant("channels.read", *SITE_WIDE, FINANCE),  # finance sets a channel's terms before its first deal
    Grant("channel_reports.file", *MANAGERS, ASSISTANT),  # 报备 on a broker's behalf
    Grant("channel_reports.read", *SITE_WIDE),
    Grant("channel_visits.verify", *MANAGERS, ASSISTANT),  # reception checks the 带看码
    Grant("channel_appeals.file", *SITE),  # 申诉: an advisor, or staff for a broker
    Grant("channel_appeals.rule", *MANAGERS),
    Grant("channel_risk.read", *MANAGERS),
    # contracts: deals from 认购 to 交房
    Grant("deals.sell", *SELLERS),  # 认购 and its contract's draft
    Grant("deals.review", *MANAGERS),  # 认购, contracts, supplementary agreements
    Grant("deals.read", *READERS),
    Grant("deals.file", *MANAGERS, ASSISTANT),  # 网签/备案: the assistant supervises them
    Grant("agreements.write", *SITE),
    Grant("changes.request", *SELLERS),  # 更名/换房/退房
    Grant("changes.decide", *MANAGERS),
    Grant("changes.read", *DEAL_TEAM),
    Grant("changes.list_project", *SUPERVISORS),
    Grant("mortgages.handle", *DEAL_TEAM),
    Grant("mortgages.read", *DEAL_TEAM),
    Grant("mortgages.stuck", *SUPERVISORS),
    Grant("handovers.record", *SUPERVISORS, ASSISTANT),  # 交房 and the 房产证 steps
    Grant("handovers.read", *DEAL_TEAM),
    # finance
    Grant("deal_money.read", *DEAL_TEAM),  # a deal's schedule and receipts, the payment terms
    Grant("payment_terms.set", *MANAGERS),
    Grant("receipts.record", *MANAGERS, ASSISTANT, FINANCE),  # advisors hand 定金 to the cashier
    Grant("receipts.reverse", *MONEY_MANAGERS),  # void, refund
    Grant("sincerity.read", *MANAGERS, ASSISTANT, FINANCE),  # a launch's 诚意金: paid, refunded, outstanding
    Grant("reconciliation.read", *MANAGERS, ASSISTANT, FINANCE, DEVELOPER_VIEWER),
    Grant("reconciliation.detail", *MANAGERS, ASSISTANT, FINANCE),
    Grant("collections.read", *DEAL_TEAM),  # overdue lines, reminders
    Grant("escrow.set", DIRECTOR, FINANCE),  # 预售资金监管: the project's escrow accounts
    Grant("escrow.deposit", DIRECTOR, FINANCE),  # a receipt's money deposited to the escrow account
    Grant("escrow.read", *MONEY_MANAGERS),  # the accounts and the escrowed-vs-collected report
    Grant("collection_targets.set", *MANAGERS),
    Grant("collection_targets.read", *SITE_WIDE, FINANCE, DEVELOPER_VIEWER),
    Grant("agency_terms.set", *MANAGERS),
    Grant("agency_statements.issue", *MONEY_MANAGERS),
    Grant("agency_commission.read", *MONEY_MANAGERS, DEVELOPER_VIEWER),  # terms and statements
    Grant("commission_rules.set", *MANAGERS),
    Grant("commission_rules.read", *MONEY_MANAGERS, *FRONT_LINE),
    Grant("commission_statements.issue", *MONEY_MANAGERS),
    Grant("commission_statements.read", *MONEY_MANAGERS, *FRONT_LINE),
    Grant("commission_statements.only_own", *FRONT_LINE),
    Grant("expense_budgets.set", *MANAGERS),
    Grant("expenses.record", DIRECTOR, ASSISTANT, FINANCE),
    Grant("expenses.read", *MANAGERS, ASSISTANT, FINANCE),
    Grant("expenses.channel_spend", *SITE_WIDE, FINANCE),
    # 分销佣金 (issue 19): channels' terms, statements, and the channel's confirmation recorded by finance
    Grant("channel_commission.manage", DIRECTOR, FINANCE),
    Grant("channel_commission.read", *MANAGERS, FINANCE),  # terms, channel deals, statements, cost per deal
    # reports and logs
    Grant("reports.read", *READERS),  # the daily report, and every service's report figures
    Grant("reports.periods", *SUPERVISORS, FINANCE, DEVELOPER_VIEWER),  # weekly and monthly
    Grant("reports.funnel", *SUPERVISORS, DEVELOPER_VIEWER),
    Grant("reports.channels", *SUPERVISORS),
    Grant("data_reveals.read", *DIRECTORS),
    # the gateway: 销控大屏 display tokens (read one project's board, nothing else)
    Grant("display_tokens.manage", *DIRECTORS),
    # the gateway: outbound webhooks for integrators (the agency's events, signed)
    Grant("webhooks.manage", *DIRECTORS),
)


def permissions_of(role):
    """The names of the permissions `role` holds, in the table's order (GET /api/me: what a
    front-end shows is decided by these, never by the role's name)."""
    return [name for name, grant in PERMISSIONS.items() if role in grant]
