"""loupan.reveals: the log never keeps a full number and logs only managers and directors
(the data_reveals migrations equal the models: loupan/tests/test_migrations.py)."""

import pytest
from sqlalchemy import MetaData

from loupan import reveals



@pytest.mark.parametrize("phone, kept", [("13812345678", "138****5678"), ("+8613812345678", "**********5678"),
                                         ("5678", "****"), ("021-5555", "****5555")])
def test_the_log_keeps_a_masked_number_only(phone, kept):
    assert reveals.masked(phone) == kept


def test_only_full_numbers_to_managers_and_directors_are_logged():
    class Session:
        def __init__(self):
            self.rows = []

        def execute(self, statement, rows):
            self.rows += rows

    table = reveals.data_reveals_table(MetaData())
    shown = [{"project_id": 1, "customer_id": 5, "mobile": "13812345678"},
             {"project_id": 1, "customer_id": 6, "mobile": "139****0000"}, {"project_id": 1, "mobile": None}]
    for role in ("supervisor", "advisor", "assistant", "finance", "hr", "developer_viewer"):
        assert reveals.record(Session(), table, {"role": role, "account_id": 1, "agency_id": 1},
                              "list", "x", shown) == 0
    session = Session()
    actor = {"role": "manager", "account_id": 2, "agency_id": 1, "username": "mgr"}
    assert reveals.record(session, table, actor, "list", "list_customers", shown) == 1
    (row,) = session.rows
    assert (row["customer_id"], row["masked_mobile"], row["kind"], row["entrypoint"]) == \
        (5, "138****5678", "list", "list_customers")
