"""One customer reported by several channels at the same moment, on PostgreSQL with real
concurrent workers: whatever the interleaving, exactly one report is first (valid, with a
带看码) and every other is told which one was (reported_by_other), never two valid."""
import pytest
from sqlalchemy import select

from loupan.testing import cluster_rpc, db_rows, wait_until
from services.crm import channels
from services.crm.models import ChannelReport, ChannelReportKey
from services.crm.tests.conftest import actor

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
P = 1
MANAGER = actor(2, "manager", [P])
RECEPTION = actor(3, "assistant", [P])


def brokers(call, n):
    made = []
    for i in range(n):
        channel = call("create_channel", MANAGER, {"name": f"渠道{i}", "grade": "B", "project_ids": [P]})
        made.append(call("create_broker", MANAGER, {"channel_id": channel["id"], "name": f"经纪人{i}",
                                                    "mobile": f"1370000{i:04d}"}))
    return made


def report_at_once(config, reports):
    with cluster_rpc(config) as rpc:
        replies = [rpc.crm.file_channel_report.call_async(RECEPTION, P, body) for body in reports]
        return [r.result() for r in replies]


def test_six_channels_reporting_one_mobile_at_once(call, crm_config):
    six = brokers(call, 6)
    for mobile in ("13812345678", "13912345678", "13712345678"):  # each a key nobody reported yet
        bodies = [{"broker_id": b["id"], "customer_name": "王先生",
                   "mobile": mobile if i % 2 else f"{mobile[:3]}****{mobile[-4:]}"} for i, b in enumerate(six)]
        results = report_at_once(crm_config, bodies)
        valid = [r for r in results if r["status"] == "valid"]
        assert len(valid) == 1 and valid[0]["visit_code"]
        others = [r for r in results if r["status"] != "valid"]
        assert {(r["reason"], r["against_report_id"], r["visit_code"]) for r in others} == {
            ("reported_by_other", valid[0]["id"], None)}
    keys = db_rows(crm_config, select(ChannelReportKey.mobile_key, ChannelReportKey.version))
    assert sorted(keys) == [("137****5678", 7), ("138****5678", 7), ("139****5678", 7)]
    assert len(db_rows(crm_config, select(ChannelReport.id).where(ChannelReport.status == "valid"))) == 3


def test_two_first_reports_both_judged_before_either_commits_cannot_happen(call, crm_config, monkeypatch):
    """The first report holds the key's lock until it commits: the second waits on it and
    then sees the first (it never judges against the state before the first)."""
    pair = brokers(call, 2)
    judged = []
    real = channels._live_reports

    def slow(session, project_id, key):
        found = real(session, project_id, key)
        judged.append(len(found))
        if len(judged) == 1:  # the first judged waits: were there no lock, the second would judge now
            try:
                wait_until(lambda: len(judged) == 2, timeout=1.5, what="a second judgement")
            except AssertionError:
                pass  # the second is waiting on the key's lock, as it should
        return found

    monkeypatch.setattr(channels, "_live_reports", slow)
    results = report_at_once(crm_config, [{"broker_id": b["id"], "customer_name": "李女士",
                                           "mobile": "13600001111"} for b in pair])
    assert judged == [0, 1]
    assert sorted(r["status"] for r in results) == ["rejected", "valid"]
