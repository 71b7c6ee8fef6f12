"""Customer routes: 报备 registration, the customer list and record, 更正手机号 (a manager approves
it for a customer a channel holds), 撞单 conflicts and rulings, bulk reassignment, 保护期
settings, logged exports and imports from an agency's old spreadsheet. A mixin of GatewayService."""
from gateway.http import json_response, route
from gateway.routes.spreadsheets import uploaded_xlsx, xlsx_response
from loupan.schemas import crm_customer_imports as ci
from loupan.schemas import crm_customers as c
from loupan.schemas.inventory_spreadsheets import XLSX_TYPE
from loupan.errors import Invalid, NotFound
from loupan.roles import PERMISSIONS

OWNER_ROLES = PERMISSIONS["customers.own"]  # who may be given customers
REGISTRATION_STATUS = {"created": 201, "existing": 200, "claimed": 200, "conflict": 202}
MOBILE_CHANGE_STATUS = {"applied": 201, "approved": 201, "pending": 202}


class CrmCustomersRoutes:
    @route("POST", "/api/projects/<int:project_id>/customers", body=c.CustomerIn,
           response=c.CustomerRegistrationOut, status=201,
           summary="报备 a customer by mobile (owner_id: for an assistant entering a channel partner's 报备, an "
                   "active advisor of the project, else 400 NOT_A_SITE_ADVISOR): 201 created; 200 existing (already the caller's) or claimed "
                   "(from the pool or after the 保护期 lapsed); 202 conflict: the phone is protected by another "
                   "advisor, a 撞单 is recorded for a manager (body.conflict) and the owner keeps the customer")
    def register_customer(self, request, actor, project_id, body):
        if body.get("owner_id") is not None and body["owner_id"] != actor["account_id"]:
            owner = self._site_owners(actor, project_id, [body["owner_id"]])[body["owner_id"]]
            body = dict(body, owner_name=owner["full_name"])
        result = self.crm.register_customer(actor, project_id, body)
        return json_response(REGISTRATION_STATUS[result["outcome"]], result)

    @route("GET", "/api/projects/<int:project_id>/customers", query=c.CustomerQuery,
           response=c.CustomerOut, many=True,
           summary="A project's customers, newest first (advisors: their own and the pool); phones masked "
                   "138****5678 except for the owner, managers and directors; `mobile` finds a full number")
    def list_customers(self, request, actor, project_id, query):
        return self.crm.list_customers(actor, project_id, query)

    @route("GET", "/api/customers/<int:customer_id>", response=c.CustomerDetailOut,
           summary="One customer with its grade and owner history (403 CUSTOMER_NOT_YOURS for another "
                   "advisor's customer)")
    def get_customer(self, request, actor, customer_id):
        return self.crm.get_customer(actor, customer_id)

    @route("PATCH", "/api/customers/<int:customer_id>", body=c.CustomerPatch,
           response=c.CustomerDetailOut,
           summary="Change needs, notes, name or grade (with grade_reason, kept in the grade history); "
                   "the owner or a manager")
    def update_customer(self, request, actor, customer_id, body):
        return self.crm.update_customer(actor, customer_id, body)

    @route("POST", "/api/customers/<int:customer_id>/mobile-change", body=c.MobileChangeIn,
           response=c.MobileChangeOut, status=201,
           summary="更正手机号 by the customer's owner or a manager, with the reason (kept in the customer's history, "
                   "numbers masked): 201 applied at once (no channel holds the customer; or a manager's own change "
                   "of one a channel holds: approved by them); 202 pending: a channel holds the customer (its "
                   "attributed report, or a report of its number waiting for the visit), a manager approves it. "
                   "400 INVALID_MOBILE, MOBILE_UNCHANGED; 403 NOT_OWNER; 409 MOBILE_TAKEN (another customer of the "
                   "project), MOBILE_CHANGE_PENDING, MOBILE_REPORTED (another channel's live report holds the new "
                   "number). A held customer's change is a risk alert (mobile_change)")
    def request_mobile_change(self, request, actor, customer_id, body):
        result = self.crm.request_mobile_change(actor, customer_id, body)
        return json_response(MOBILE_CHANGE_STATUS[result["status"]], result)

    @route("GET", "/api/projects/<int:project_id>/mobile-changes", query=c.MobileChangeQuery,
           response=c.MobileChangeOut, many=True,
           summary="A project's mobile corrections, newest first; status=pending: those waiting for a manager")
    def list_mobile_changes(self, request, actor, project_id, query):
        return self.crm.list_mobile_changes(actor, project_id, query)

    @route("POST", "/api/mobile-changes/<int:mobile_change_id>/approve", body=c.MobileChangeApproveIn,
           response=c.MobileChangeOut,
           summary="Approve a pending mobile correction: the number changes now and the channel's reports of the "
                   "customer follow it (403 SELF_APPROVAL for the requester; 409 MOBILE_CHANGE_DECIDED, "
                   "MOBILE_TAKEN if another customer has the number now)")
    def approve_mobile_change(self, request, actor, mobile_change_id, body):
        return self.crm.approve_mobile_change(actor, mobile_change_id, body)

    @route("POST", "/api/mobile-changes/<int:mobile_change_id>/reject", body=c.MobileChangeRejectIn,
           response=c.MobileChangeOut,
           summary="Reject a pending mobile correction with a note: the number stays (403 SELF_APPROVAL for the "
                   "requester; 409 MOBILE_CHANGE_DECIDED)")
    def reject_mobile_change(self, request, actor, mobile_change_id, body):
        return self.crm.reject_mobile_change(actor, mobile_change_id, body)

    @route("GET", "/api/projects/<int:project_id>/conflicts", query=c.ConflictQuery,
           response=c.ConflictOut, many=True, summary="撞单 conflicts of a project, newest first")
    def list_conflicts(self, request, actor, project_id, query):
        return self.crm.list_conflicts(actor, project_id, query)

    @route("POST", "/api/conflicts/<int:conflict_id>/ruling", body=c.ConflictRulingIn,
           response=c.ConflictOut,
           summary="Rule a 撞单: keep (the owner stays) or transfer (to the claimant, 保护期 afresh); "
                   "409 CONFLICT_RULED if ruled already")
    def rule_conflict(self, request, actor, conflict_id, body):
        return self.crm.rule_conflict(actor, conflict_id, body)

    @route("POST", "/api/projects/<int:project_id>/customers/reassign", body=c.CustomerReassignIn,
           response=c.CustomerReassignOut,
           summary="Move customers in one action (those listed, all of from_owner_id, or the pool's) to one "
                   "advisor or spread evenly over several; targets must be active advisors or supervisors "
                   "of the project (422 NOT_A_SITE_ADVISOR)")
    def reassign_customers(self, request, actor, project_id, body):
        targets = list(dict.fromkeys(body.get("to_owner_ids") or [body["to_owner_id"]]))
        accounts = self._site_owners(actor, project_id, targets)
        if body.get("from_owner_id") is not None and body["from_owner_id"] not in accounts:
            raise NotFound(f"account {body['from_owner_id']} not found", "ACCOUNT_NOT_FOUND")
        data = {k: body.get(k) for k in ("from_owner_id", "from_pool", "customer_ids", "note") if k in body}
        data["to_owners"] = [{"account_id": a, "name": accounts[a]["full_name"]} for a in targets]
        return self.crm.reassign_customers(actor, project_id, data)

    def _site_owners(self, actor, project_id, account_ids):
        """The hr accounts of `account_ids`, each an active advisor or supervisor of the project:
        crm keeps no staff, so the gateway checks whom customers are given to. The project is
        checked first (404 PROJECT_NOT_FOUND for another agency's), as crm would."""
        self.inventory.get_project(actor, project_id)
        accounts = {a["id"]: a for a in self.hr.list_accounts(actor)}
        for account_id in account_ids:
            account = accounts.get(account_id)
            if account is None or not account["active"] or account["role"] not in OWNER_ROLES \
                    or project_id not in (account["project_ids"] or []):
                raise Invalid(f"account {account_id} is not an active advisor of project {project_id}",
                              "NOT_A_SITE_ADVISOR")
        return accounts

    @route("GET", "/api/projects/<int:project_id>/customer-settings", response=c.CustomerSettingsOut,
           summary="The project's 保护期 days")
    def get_customer_settings(self, request, actor, project_id):
        return self.crm.get_customer_settings(actor, project_id)

    @route("PUT", "/api/projects/<int:project_id>/customer-settings", body=c.CustomerSettingsIn,
           response=c.CustomerSettingsOut, summary="Set the project's 保护期 days (from the next registration or follow-up)")
    def set_customer_settings(self, request, actor, project_id, body):
        return self.crm.set_customer_settings(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/customers/export", query=c.CustomerExportQuery,
           produces=XLSX_TYPE,
           summary="客户导出 with full numbers, the list's filters; format=xlsx (default, a download) or json "
                   "(rows); every export is logged (GET /api/projects/{project_id}/export-log)")
    def export_customers(self, request, actor, project_id, query):
        result = self.crm.export_customers(actor, project_id, query)
        if result["format"] == "xlsx":
            return xlsx_response(result, result["filename"])
        return json_response(200, result["rows"])

    @route("GET", "/api/projects/<int:project_id>/export-log", response=c.CustomerExportLogOut, many=True,
           summary="Customer exports of the project: who, when, which filter, how many rows")
    def customer_export_log(self, request, actor, project_id):
        return self.crm.customer_export_log(actor, project_id)

    @route("POST", "/api/projects/<int:project_id>/customer-imports", query=ci.CustomerImportQuery,
           response=ci.CustomerImportOut, status=201, raw_body=XLSX_TYPE, location="/api/customer-imports/{id}",
           summary="导入客户, the dry run: the request body is the agency's .xlsx (姓名/客户姓名, 手机/手机号/联系电话, "
                   "渠道/认知途径, 等级/意向等级, 置业顾问/归属顾问 by full or login name among the project's active "
                   "advisors and supervisors, 最后跟进/最后跟进日期, 备注, 渠道商 for a 渠道 customer). Answers each "
                   "row's problems (bad mobile, unknown owner, a number twice in the file, unknown channel or "
                   "grade, a future or invalid date) and the judgement of each good row against the project's "
                   "customers (new, same, claim, conflict: a 撞单 on confirm). Nothing is imported: confirm it "
                   "with POST /api/customer-imports/{id}/confirm before expires_at. Refused: not an .xlsx (400), "
                   "over 10 MB or inflating too much or too slow to read (413), too many rows or cells (422)")
    def preview_customer_import(self, request, actor, project_id, query):
        data = {"content": uploaded_xlsx(request), "file_name": query.get("file_name") or "customers.xlsx",
                "staff": self._owner_staff(actor)}
        return self.crm.preview_customer_import(actor, project_id, data)

    @route("GET", "/api/customer-imports/<int:customer_import_id>", response=ci.CustomerImportOut,
           summary="A customer import's dry run, or once confirmed what it imported")
    def get_customer_import(self, request, actor, customer_import_id):
        return self.crm.get_customer_import(actor, customer_import_id)

    @route("POST", "/api/customer-imports/<int:customer_import_id>/confirm", response=ci.CustomerImportOut,
           summary="Confirm a dry run: its good rows are imported as judged again now (new customers, the "
                   "owner's updated, lapsed or pool ones claimed, 撞单 raised for the manager), owners with "
                   "their history, the last follow-up recorded; logged in the export log (kind import). Once: "
                   "confirming again answers the same. 409 IMPORT_EXPIRED past expires_at")
    def confirm_customer_import(self, request, actor, customer_import_id):
        return self.crm.confirm_customer_import(actor, customer_import_id, {"staff": self._owner_staff(actor)})

    def _owner_staff(self, actor):
        """The agency's active accounts who may own customers, with their names and projects:
        crm keeps no staff and resolves the 置业顾问 column among those of the import's project."""
        return [{"account_id": a["id"], "full_name": a.get("full_name"), "username": a["username"],
                 "project_ids": a.get("project_ids") or []}
                for a in self.hr.list_accounts(actor) if a["active"] and a["role"] in OWNER_ROLES]
