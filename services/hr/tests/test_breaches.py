"""A missed follow-up deadline (crm's sla_breached) is routed by hr to whom it concerns: the
advisor and the supervisor of their team at the site, or, for an advisor in no team, the
site's active supervisors; hr publishes sla_breach_routed for the gateway to tell them."""
from datetime import datetime, timezone

from loupan.testing import publish_event
from services.hr.tests.conftest import actor_of

SITE = 31


def person(call, director, username, role, projects=(SITE,)):
    return actor_of(call("create_account", director, {"username": username, "password": "sales-office-42",
                                                      "full_name": username, "role": role,
                                                      "project_ids": list(projects)}))


def breach(config, director, advisor_id):
    publish_event(config["AMQP_URI"], "sla_breached", {
        "customer_id": 501, "advisor_id": advisor_id, "rule": "first_response", "customer_name": "赵先生",
        "due_at": datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)}, agency_id=director["agency_id"], project_id=SITE)


def test_a_breach_names_the_team_supervisor_else_the_sites(call, director, hr_config, event_sink):
    sink = event_sink("hr")
    lead = person(call, director, "sup1", "supervisor")
    other = person(call, director, "sup2", "supervisor")
    person(call, director, "sup_elsewhere", "supervisor", (SITE + 1,))
    in_team = person(call, director, "adv1", "advisor")
    alone = person(call, director, "adv2", "advisor")
    call("put_teams", director, SITE, {"teams": [{"supervisor_id": lead["account_id"],
                                                  "advisor_ids": [in_team["account_id"]]}]})

    breach(hr_config, director, in_team["account_id"])
    [routed] = sink.wait_for("sla_breach_routed")
    assert routed["payload"]["supervisor_ids"] == [lead["account_id"]]
    assert (routed["payload"]["advisor_id"], routed["payload"]["advisor_name"], routed["payload"]["customer_name"],
            routed["payload"]["rule"], routed["project_id"]) == (in_team["account_id"], "adv1", "赵先生",
                                                                 "first_response", SITE)

    breach(hr_config, director, alone["account_id"])
    routed = sink.wait_for("sla_breach_routed", count=2)[-1]
    assert routed["payload"]["advisor_id"] == alone["account_id"]
    assert routed["payload"]["supervisor_ids"] == sorted([lead["account_id"], other["account_id"]])
