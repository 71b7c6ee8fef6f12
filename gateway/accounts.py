"""Accounts named in a request body (an advisor who took a visit, a complaint's handler, the
people a commission rule names): crm and finance keep no staff, so the gateway checks with hr
that each is an account of the caller's agency (else 404 ACCOUNT_NOT_FOUND: another agency's
staff do not exist for the caller). The project is checked first, so another agency's project
is 404 PROJECT_NOT_FOUND whatever the body names."""
from loupan.errors import NotFound


def require_agency_accounts(service, actor, project_id, account_ids):
    """{id: account} of hr's accounts of the caller's agency, once every id given is one."""
    wanted = sorted({a for a in account_ids if a is not None})
    if not wanted:
        return {}
    service.inventory.get_project(actor, project_id)
    accounts = {a["id"]: a for a in service.hr.list_accounts(actor)}
    missing = [a for a in wanted if a not in accounts]
    if missing:
        raise NotFound(f"accounts {missing} not found", "ACCOUNT_NOT_FOUND")
    return accounts
