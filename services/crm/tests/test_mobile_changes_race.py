"""更正手机号 decided at the same moment, on PostgreSQL with real concurrent workers: two
managers approving one request, one wins and the other is told it was decided; two requests
of two customers for one number approved at once, exactly one customer gets it (the other
is told MOBILE_TAKEN and its request still waits)."""
import pytest
from sqlalchemy import select

from loupan.errors import Conflict
from loupan.testing import cluster_rpc, db_rows
from services.crm.models import Customer, CustomerMobileChange
from services.crm.tests.test_mobile_changes import MANAGER, MANAGER2, NEW, ask, held_customer

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
P = 1


def at_once(config, calls):
    """The calls [(method, actor, *args)] sent together; each answer, or the Conflict it raised."""
    with cluster_rpc(config) as rpc:
        replies = [getattr(rpc.crm, method).call_async(*args) for method, *args in calls]
        answers = []
        for reply in replies:
            try:
                answers.append(reply.result())
            except Conflict as refused:
                answers.append(refused.code)
        return answers


def test_two_managers_approving_one_request_at_once(call, crm_config):
    customer_id, _, _ = held_customer(call, crm_config)
    asked = ask(call, customer_id)
    answers = at_once(crm_config, [("approve_mobile_change", MANAGER, asked["id"], {}),
                                   ("approve_mobile_change", MANAGER2, asked["id"], {})])
    assert sorted(a if isinstance(a, str) else a["status"] for a in answers) == ["MOBILE_CHANGE_DECIDED", "approved"]
    assert db_rows(crm_config, select(Customer.mobile).where(Customer.id == customer_id)) == [(NEW,)]


def test_two_requests_for_one_number_approved_at_once_one_wins(call, crm_config):
    first, _, _ = held_customer(call, crm_config, mobile="13812345678")
    second, _, _ = held_customer(call, crm_config, mobile="13612345678", names=("满堂红", "中联", "合富"), first=10)
    requests = [ask(call, customer_id)["id"] for customer_id in (first, second)]
    answers = at_once(crm_config, [("approve_mobile_change", MANAGER, requests[0], {}),
                                   ("approve_mobile_change", MANAGER2, requests[1], {})])
    assert sorted(a if isinstance(a, str) else a["status"] for a in answers) == ["MOBILE_TAKEN", "approved"]
    assert len(db_rows(crm_config, select(Customer.id).where(Customer.mobile == NEW))) == 1
    won = next(r for r, a in zip(requests, answers) if not isinstance(a, str))
    assert sorted(db_rows(crm_config, select(CustomerMobileChange.id, CustomerMobileChange.status))) == sorted(
        [(r, "approved" if r == won else "pending") for r in requests])
