"""Pure 判客 rules of channel reports: 前三后四 matching, the verdict of a report and of its
visit, lapse, who holds a customer; and, over any interleaving of reports, visits, walk-ins,
phone registrations and expiries, exactly one holder per customer, the one a plain reference
model of the written rules (docs/domain.md "Channels: 判客 rules") gives."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from loupan.errors import Invalid
from services.crm import channel_rules as rules

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)
DAY = timedelta(days=1)
A, B = "13812345678", "13800005678"  # two customers with the same 前三后四
MASKED = "138****5678"
RULES = rules.Settings(report_valid_hours=72, protection_days=30, site_protection_wins=True)


def site(id=1, mobile=A, owner_id=7, since=T0, until=T0 + 30 * DAY, visited=None, status="lead"):
    return rules.SiteCustomer(id=id, mobile=mobile, owner_id=owner_id, owned_since=since, protected_until=until,
                              status=status, first_visit_at=visited)


def report(id, channel, mobile, filed=T0, status="valid", valid_until=None, protected_until=None, held=()):
    return rules.ReportFact(id=id, channel=channel, mobile=rules.parse_mobile(mobile), filed_at=filed, status=status,
                            valid_until=valid_until or filed + 72 * H, protected_until=protected_until,
                            site_customer_ids=tuple(held))


# 前三后四 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["138****5678", "138xxxx5678", "138 **** 5678", "138-****-5678", "138XXXX5678"])
def test_a_hidden_number_keeps_its_first_three_and_last_four(raw):
    mobile = rules.parse_mobile(raw)
    assert (mobile.full, mobile.key, mobile.masked) == (None, MASKED, True)


def test_a_full_number_is_normalised():
    mobile = rules.parse_mobile("+86 138-1234-5678")
    assert (mobile.full, mobile.key, mobile.masked) == (A, MASKED, False)


@pytest.mark.parametrize("raw", ["138***5678", "238****5678", "138****567", "", None, "1381234567"])
def test_anything_else_is_an_invalid_mobile(raw):
    with pytest.raises(Invalid) as info:
        rules.parse_mobile(raw)
    assert info.value.code == "INVALID_MOBILE"


def test_a_hidden_number_matches_every_full_number_of_its_three_and_four():
    hidden = rules.parse_mobile(MASKED)
    assert rules.same_customer(hidden, rules.parse_mobile(A))
    assert rules.same_customer(rules.parse_mobile(B), hidden)
    assert rules.same_customer(hidden, rules.parse_mobile("138xxxx5678"))  # two hidden ones collide
    assert not rules.same_customer(rules.parse_mobile(A), rules.parse_mobile(B))
    assert not rules.same_customer(hidden, rules.parse_mobile("13912345678"))
    assert not rules.same_customer(hidden, rules.parse_mobile("138****5679"))


# the verdict of a report ------------------------------------------------------------------
def judge(mobile, sites=(), reports=(), at=T0, channel="c1", settings=RULES):
    return rules.judge_report(at, channel, rules.parse_mobile(mobile), list(sites), list(reports), settings)


def test_a_new_customer_is_valid_for_the_project_hours():
    verdict = judge(A, at=T0)
    assert (verdict.status, verdict.reason, verdict.valid_until) == ("valid", "new", T0 + 72 * H)


def test_the_first_valid_report_wins_over_another_channel_and_the_same_one():
    first = report(1, "c1", A)
    assert (judge(A, reports=[first], channel="c2").reason, judge(A, reports=[first], channel="c2").against_report_id) \
        == ("reported_by_other", 1)
    assert judge(A, reports=[first], channel="c1").reason == "duplicate"
    assert judge(MASKED, reports=[first], channel="c2").reason == "reported_by_other"
    assert judge(B, reports=[first], channel="c2").status == "valid"  # another person


def test_two_hidden_reports_of_one_three_and_four_collide_the_first_wins():
    first = report(1, "c1", MASKED)
    assert judge(MASKED, reports=[first], channel="c2").reason == "reported_by_other"
    assert judge(A, reports=[first], channel="c2").reason == "reported_by_other"
    assert judge(B, reports=[first], channel="c3").reason == "reported_by_other"


def test_a_lapsed_or_rejected_report_holds_nothing():
    lapsed = report(1, "c1", A, filed=T0 - 80 * H)  # valid until T0 - 8 h
    rejected = report(2, "c1", A, status="rejected")
    assert judge(A, reports=[lapsed, rejected], channel="c2").status == "valid"


def test_a_visited_report_holds_for_the_channel_protection_then_not():
    visited = report(1, "c1", A, status="visited", protected_until=T0 + 30 * DAY)
    assert judge(A, reports=[visited], channel="c2", at=T0 + 29 * DAY).reason == "reported_by_other"
    assert judge(A, reports=[visited], channel="c2", at=T0 + 30 * DAY).status == "valid"


def test_the_site_customer_in_its_protection_wins_and_a_walk_in_always_does():
    phoned = site(visited=None)
    walked = site(visited=T0)
    assert judge(A, sites=[phoned], at=T0 + DAY).reason == "site_customer"
    assert judge(A, sites=[walked], at=T0 + DAY).reason == "natural_visit"
    lenient = rules.Settings(site_protection_wins=False)
    assert judge(A, sites=[phoned], at=T0 + DAY, settings=lenient).status == "valid"
    assert judge(A, sites=[walked], at=T0 + DAY, settings=lenient).reason == "natural_visit"
    # past the 保护期, or a pool customer, is nobody's: the channel's report is valid
    assert judge(A, sites=[walked], at=T0 + 31 * DAY).status == "valid"
    assert judge(A, sites=[site(owner_id=None, since=None, until=None)]).status == "valid"
    # a deal (认购) keeps the customer the site's whatever the date
    assert judge(A, sites=[site(status="subscribed", until=T0)], at=T0 + 90 * DAY).reason == "site_customer"


def test_a_walk_in_after_the_report_does_not_take_it():
    later = site(since=T0 + H, visited=T0 + H)
    assert judge(A, sites=[later], at=T0).status == "valid"


def test_a_hidden_report_is_valid_and_remembers_the_site_customers_that_held():
    verdict = judge(MASKED, sites=[site(1, A), site(2, B, owner_id=None, since=None, until=None)], at=T0 + H)
    assert (verdict.status, verdict.reason, verdict.site_customer_ids) == ("valid", "masked_pending_visit", (1,))


# the visit --------------------------------------------------------------------------------
def test_the_visit_in_time_brings_the_customer_for_the_protection_days():
    verdict = rules.judge_visit(report(1, "c1", A), T0 + 10 * H, None, RULES)
    assert (verdict.status, verdict.protected_until) == ("visited", T0 + 10 * H + 30 * DAY)


def test_a_visit_after_the_validity_is_a_lapse():
    assert rules.judge_visit(report(1, "c1", A), T0 + 72 * H, None, RULES).status == "lapsed"
    assert rules.lapses(report(1, "c1", A), T0 + 72 * H)
    assert not rules.lapses(report(1, "c1", A), T0 + 71 * H)


def test_a_hidden_number_that_was_the_site_customer_goes_to_the_site_at_the_visit():
    hidden = report(1, "c1", MASKED, held=(5,))
    assert rules.judge_visit(hidden, T0 + H, 5, RULES).reason == "site_customer"
    assert rules.judge_visit(hidden, T0 + H, 6, RULES).status == "visited"  # another number of the 3+4
    assert rules.judge_visit(hidden, T0 + H, None, RULES).status == "visited"


def test_the_full_number_at_the_visit():
    hidden = rules.parse_mobile(MASKED)
    assert rules.check_visit_mobile(hidden, "138 0000 5678") == B
    assert rules.check_visit_mobile(rules.parse_mobile(A), None) == A
    for mobile, given, code in ((hidden, None, "MOBILE_REQUIRED"), (hidden, "13912345678", "MOBILE_MISMATCH"),
                                (rules.parse_mobile(A), B, "MOBILE_MISMATCH")):
        with pytest.raises(Invalid) as info:
            rules.check_visit_mobile(mobile, given)
        assert info.value.code == code


def test_only_a_valid_report_is_visited():
    with pytest.raises(ValueError):
        rules.judge_visit(report(1, "c1", A, status="lapsed"), T0, None, RULES)


# risk -------------------------------------------------------------------------------------
def test_risk_rules():
    assert rules.many_channels(["c1", "c2", "c3"]) and not rules.many_channels(["c1", "c2", "c2", "c1"])
    deal = T0 + 5 * H
    assert rules.report_just_before_deal(deal - 10 * timedelta(minutes=1), deal)
    assert rules.report_just_before_deal(deal + H, deal)
    assert not rules.report_just_before_deal(deal - 2 * H, deal)
    assert rules.converts_far_above(5, 4, 100, 10)
    assert not rules.converts_far_above(4, 4, 100, 10)  # too few reports to say
    assert not rules.converts_far_above(10, 5, 100, 30)  # 50 % against a 30 % site


# any interleaving -------------------------------------------------------------------------
NUMBERS = {"A": A, "B": B}


class Implementation:
    """The records as crm keeps them (the site's customers, the reports), changed by the
    rules of channel_rules the way the service applies them."""

    def __init__(self, settings, site_days):
        self.settings, self.site_days = settings, site_days
        self.sites, self.reports = {}, []

    def _site_claim(self, mobile, now, visit):
        current = self.sites.get(mobile)
        until = now + timedelta(days=self.site_days)
        first_visit = (current.first_visit_at if current else None) or (now if visit else None)
        if current is not None and current.holds(now):
            if visit:  # a visit to the owner is a follow-up: the 保护期 runs from it
                current = rules.SiteCustomer(current.id, mobile, current.owner_id, current.owned_since,
                                             max(current.protected_until, until), current.status, first_visit)
            self.sites[mobile] = current
            return
        ident = current.id if current else len(self.sites) + 1
        self.sites[mobile] = rules.SiteCustomer(ident, mobile, 7, now, until, "lead", first_visit)

    def walk_in(self, mobile, now):
        self._site_claim(mobile, now, visit=True)

    def phone(self, mobile, now):
        self._site_claim(mobile, now, visit=False)

    def report(self, channel, raw, now):
        mobile = rules.parse_mobile(raw)
        sites = [s for s in self.sites.values() if rules.key_of(s.mobile) == mobile.key]
        verdict = rules.judge_report(now, channel, mobile, sites, self.reports, self.settings)
        self.reports.append(rules.ReportFact(len(self.reports) + 1, channel, mobile, now, verdict.status,
                                             verdict.valid_until, None, verdict.site_customer_ids))
        return verdict.status

    def _replace(self, i, **changes):
        old = self.reports[i]
        self.reports[i] = rules.ReportFact(**{**old.__dict__, **changes})

    def visit(self, i, reveal, now):
        r = self.reports[i]
        if r.status != "valid":  # the service answers a lapsed report's code with its lapse
            return "lapsed" if r.status == "lapsed" else "refused"
        full = r.mobile.full or reveal
        current = self.sites.get(full)
        verdict = rules.judge_visit(r, now, current.id if current else None, self.settings)
        if verdict.status == "visited":
            self._replace(i, status="visited", protected_until=verdict.protected_until,
                          mobile=rules.parse_mobile(full))
            if current is None:  # a new customer, in the pool for the manager to give an advisor
                self.sites[full] = rules.SiteCustomer(len(self.sites) + 1, full, None, None, None, "lead", now)
            elif current.first_visit_at is None:
                self.sites[full] = rules.SiteCustomer(**{**current.__dict__, "first_visit_at": now})
        else:
            self._replace(i, status=verdict.status)
        return verdict.status

    def sweep(self, now):
        for i, r in enumerate(self.reports):
            if rules.lapses(r, now):
                self._replace(i, status="lapsed")

    def holder(self, mobile, now):
        return rules.bringer(now, mobile, self.sites.get(mobile), self.reports)

    def holding_reports(self, number, now):
        """The reports holding at `now` that may be the customer of `number`."""
        mobile = rules.parse_mobile(number)
        return [r.id for r in self.reports if rules.report_holds(r, now) and rules.same_customer(r.mobile, mobile)]


class Reference:
    """The written rules, plainly: claims with a start and an end; the first claim that still
    holds wins; a walk-in always holds against later reports, a phone registration only when
    the site's protection wins."""

    def __init__(self, valid_hours, channel_days, site_days, site_wins):
        self.valid, self.channel_days, self.site_days, self.site_wins = (
            timedelta(hours=valid_hours), timedelta(days=channel_days), timedelta(days=site_days), site_wins)
        self.site = {}  # number -> {"owner": bool, "since", "until", "visited"}
        self.reports = []  # {"channel", "number" (None: hidden), "state", "until", "held": numbers}

    def _site_holds(self, number, t):
        c = self.site.get(number)
        return bool(c and c["owner"] and c["since"] <= t < c["until"])

    def _site_beats(self, number, t):
        c = self.site.get(number)
        return self._site_holds(number, t) and (self.site_wins or (c["visited"] is not None and c["visited"] <= t))

    @staticmethod
    def _may_be(x, y):
        return x is None or y is None or x == y

    def _live(self, r, t):
        return r["state"] in ("waiting", "brought") and t < r["until"]

    def _site(self, number, t, visit):
        c = self.site.get(number)
        visited = (c and c["visited"]) or (t if visit else None)
        if self._site_holds(number, t):
            if visit:
                c["until"] = max(c["until"], t + self.site_days)
            c["visited"] = visited
        else:
            self.site[number] = {"owner": True, "since": t, "until": t + self.site_days, "visited": visited}

    def walk_in(self, number, t):
        self._site(number, t, True)

    def phone(self, number, t):
        self._site(number, t, False)

    def report(self, channel, number, t):
        if any(self._live(r, t) and self._may_be(r["number"], number) for r in self.reports) \
                or (number is not None and self._site_beats(number, t)):
            self.reports.append({"channel": channel, "number": number, "state": "out", "until": t, "held": set()})
            return "rejected"
        held = {n for n in NUMBERS.values() if number is None and self._site_beats(n, t)}
        self.reports.append({"channel": channel, "number": number, "state": "waiting", "until": t + self.valid,
                             "held": held})
        return "valid"

    def visit(self, i, reveal, t):
        r = self.reports[i]
        if r["state"] == "lapsed" or (r["state"] == "waiting" and t >= r["until"]):
            r["state"] = "lapsed"
            return "lapsed"
        if r["state"] != "waiting":
            return "refused"
        number = r["number"] or reveal
        if number in r["held"]:
            r["state"] = "out"
            return "rejected"
        r.update(state="brought", number=number, until=t + self.channel_days)
        c = self.site.get(number)
        if c is None:
            self.site[number] = {"owner": False, "since": None, "until": None, "visited": t}
        elif c["visited"] is None:
            c["visited"] = t
        return "visited"

    def holder(self, number, t):
        for i, r in enumerate(self.reports):
            if r["state"] == "brought" and r["number"] == number and t < r["until"]:
                return ("channel", i + 1)
        return ("site", None) if self._site_holds(number, t) else (None, None)


OPS = st.one_of(
    st.tuples(st.just("report"), st.sampled_from(["c1", "c2", "c3"]), st.sampled_from(["A", "B", "masked"])),
    st.tuples(st.just("visit"), st.integers(0, 20), st.sampled_from(["A", "B"])),
    st.tuples(st.just("walk_in"), st.sampled_from(["A", "B"])),
    st.tuples(st.just("phone"), st.sampled_from(["A", "B"])),
    st.tuples(st.just("sweep")),
)


@hsettings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), OPS), max_size=25), st.integers(1, 100), st.integers(1, 4),
       st.integers(1, 4), st.booleans())
def test_any_interleaving_leaves_one_holder_the_rules_give(steps, valid_hours, channel_days, site_days, site_wins):
    settings = rules.Settings(report_valid_hours=valid_hours, protection_days=channel_days,
                              site_protection_wins=site_wins)
    impl, ref = Implementation(settings, site_days), Reference(valid_hours, channel_days, site_days, site_wins)
    now = T0
    for hours, op in steps:
        now += timedelta(hours=hours)
        if op[0] == "report":
            raw = MASKED if op[2] == "masked" else NUMBERS[op[2]]
            number = None if op[2] == "masked" else NUMBERS[op[2]]
            assert impl.report(op[1], raw, now) == ref.report(op[1], number, now)
        elif op[0] == "visit" and impl.reports:
            i = op[1] % len(impl.reports)
            assert impl.visit(i, NUMBERS[op[2]], now) == ref.visit(i, NUMBERS[op[2]], now)
        elif op[0] in ("walk_in", "phone"):
            getattr(impl, op[0])(NUMBERS[op[1]], now)
            getattr(ref, op[0])(NUMBERS[op[1]], now)
        elif op[0] == "sweep":
            impl.sweep(now)
        for number in NUMBERS.values():
            assert len(impl.holding_reports(number, now)) <= 1  # one first: never two holding one customer
            assert impl.holder(number, now) == ref.holder(number, now)
    later = now + timedelta(days=2)  # and as time runs on, past expiries
    for number in NUMBERS.values():
        assert impl.holder(number, later) == ref.holder(number, later)
