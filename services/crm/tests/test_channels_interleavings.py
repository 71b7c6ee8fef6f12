"""判客 through crm's own code, on a real (SQLite) database: any interleaving of channel
reports (full or 前三后四), 带看 at reception, walk-ins (来访登记), phone registrations (报备 by
an advisor), lapses and the 保护期 sweep, played through channels.py, visits.py and
customers.py as the RPCs run them (each step its own unit of work, committed, the clock
moved between steps). After every step each customer has exactly one holder, the one the
plain reference model of the written rules gives (test_channel_rules.Reference, with the rule
that an advisor's claim of a customer a channel holds is a 撞单 for the manager), and the
verdicts of reports and visits are the model's."""
import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from loupan.errors import Conflict
from loupan.outbox import Outbox
from loupan.uow import UnitOfWork, make_engine
from services.crm import channel_rules as rules
from services.crm import channels, customers, visits
from services.crm.models import ChannelReport, Customer, CustomerSetting, outbox
from services.crm.tests.conftest import actor
from services.crm.tests.test_channel_rules import MASKED, NUMBERS, OPS, T0, Reference

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
MANAGER = actor(2, "manager", None, username="经理")
RECEPTION = actor(3, "assistant", None, username="前台")
ADVISOR = actor(11, "advisor", None, username="alice")
PROJECTS = itertools.count(1)  # a project of its own per example: nothing carries over


class Clock:
    now = T0

    def __call__(self):
        return self.now


class NoChannelClaims(Reference):
    """The written rules, and rule 9: an advisor's claim (a walk-in or a 来电 registration) of a
    customer a channel holds and the site does not is a 撞单 for the manager: no site claim."""

    def _site(self, number, t, visit):
        channel_holds = any(r["state"] == "brought" and r["number"] == number and t < r["until"]
                            for r in self.reports)
        if channel_holds and not self._site_holds(number, t):
            c = self.site.get(number)
            if c is not None and visit and c["visited"] is None:
                c["visited"] = t
            return
        super()._site(number, t, visit)


class Site:
    """crm's code on its database, one unit of work per step, as its RPCs run."""

    def __init__(self, engine, project_id, valid_hours, channel_days, site_days, site_wins):
        self.engine, self.p = engine, project_id
        self.box = Outbox(outbox, "crm", engine, "amqp://guest:guest@localhost:5672/unused")
        self.codes = []  # the 带看码 of each report, None for one rejected at once
        self.report_ids = []  # their ids, in the order filed
        with self.unit() as uow:
            uow.session.add(CustomerSetting(project_id=project_id, agency_id=1, protection_days=site_days))
            channels.set_settings(uow, MANAGER, project_id, {"report_valid_hours": valid_hours,
                                                             "protection_days": channel_days,
                                                             "site_protection_wins": site_wins})
            self.brokers = {}
            for i, name in enumerate(("c1", "c2", "c3")):
                channel = channels.create_channel(uow, MANAGER, {"name": f"{name}-{project_id}", "grade": "A",
                                                                 "project_ids": [project_id]})
                self.brokers[name] = channels.create_broker(uow, MANAGER, {
                    "channel_id": channel["id"], "name": name, "mobile": f"139{project_id:04d}{i:04d}"})["id"]

    def unit(self):
        site = self

        class Unit:
            def __enter__(self):
                self.uow = UnitOfWork(site.engine, site.box)
                return self.uow

            def __exit__(self, kind, value, tb):
                if kind is None:
                    self.uow.commit()
                self.uow.close()

        return Unit()

    def sweep(self, now):
        """The timers between two steps (hours apart): 保护期 lapses, reports lapse."""
        with self.unit() as uow:
            customers.sweep_lapsed(uow, now)
            channels.lapse_reports(uow, now)

    def report(self, channel, raw, now):
        with self.unit() as uow:
            filed = channels.file_report(uow, RECEPTION, self.p, {"broker_id": self.brokers[channel],
                                                                  "customer_name": "客户", "mobile": raw}, now)
        self.codes.append(filed["visit_code"])
        self.report_ids.append(filed["id"])
        return filed["status"]

    def visit(self, i, number, now):
        if self.codes[i] is None:
            return "refused"
        try:
            with self.unit() as uow:
                return channels.verify_visit(uow, RECEPTION, self.p, {"code": self.codes[i], "mobile": number},
                                             now)["visit"]["result"]
        except Conflict:
            return "refused"

    def walk_in(self, number, now):
        with self.unit() as uow:
            visits.register(uow, ADVISOR, self.p, "visit", {
                "visitor_kind": "customer", "mobile": number, "customer_name": "来访客", "advisor_id": 11,
                "channel": None, "partner_name": None, "day": None, "party_size": 1, "note": None})

    def phone(self, number, now):
        with self.unit() as uow:
            customers.register(uow, ADVISOR, self.p, {"mobile": number, "name": "来电客", "channel": "phone"},
                               at=now)

    def holder(self, number, now):
        with self.unit() as uow:
            customer = uow.session.execute(select(Customer).where(Customer.project_id == self.p,
                                                                  Customer.mobile == number)).scalar_one_or_none()
            reports = [channels._fact(r) for r in uow.session.execute(select(ChannelReport).where(
                ChannelReport.project_id == self.p)).scalars()]
            kind, report_id = rules.bringer(now, number, channels._site(customer) if customer else None, reports)
            # the model numbers reports 1, 2, ... in the order filed
            return kind, None if report_id is None else self.report_ids.index(report_id) + 1


@pytest.fixture
def engine(database_url, migrated):
    engine = make_engine(migrated(MIGRATIONS, database_url))
    yield engine
    engine.dispose()


@hsettings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 40), OPS), max_size=15), st.integers(1, 100), st.integers(1, 4),
       st.integers(1, 4), st.booleans())
def test_any_interleaving_through_crm_leaves_the_holder_the_rules_give(engine, monkeypatch, steps, valid_hours,
                                                                      channel_days, site_days, site_wins):
    clock = Clock()
    for module in (customers, visits, channels):
        monkeypatch.setattr(module, "utcnow", clock)
    site = Site(engine, next(PROJECTS), valid_hours, channel_days, site_days, site_wins)
    ref = NoChannelClaims(valid_hours, channel_days, site_days, site_wins)
    now = T0
    for hours, op in steps:
        now += timedelta(hours=hours)
        clock.now = now
        site.sweep(now)
        if op[0] == "report":
            raw = MASKED if op[2] == "masked" else NUMBERS[op[2]]
            assert site.report(op[1], raw, now) == ref.report(op[1], None if op[2] == "masked" else raw, now)
        elif op[0] == "visit" and site.codes:
            i = op[1] % len(site.codes)
            number = ref.reports[i]["number"] or NUMBERS[op[2]]  # a full report's own number; a hidden one's
            assert site.visit(i, number, now) == ref.visit(i, NUMBERS[op[2]], now), (i, op)
        elif op[0] in ("walk_in", "phone"):
            getattr(site, op[0])(NUMBERS[op[1]], now)
            getattr(ref, op[0])(NUMBERS[op[1]], now)
        for number in NUMBERS.values():
            assert site.holder(number, now) == ref.holder(number, now), (number, op)
