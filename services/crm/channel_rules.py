"""Pure rules of channel 报备 and 判客 (docs/domain.md "Channels: 判客 rules"): no I/O, no
clock but what is passed; tested directly (services/crm/tests/test_channel_rules.py).

Who brought a customer is decided by claims, each holding for a while:
- the site's own claim (自然到访 or the site's registration): from the time an advisor owns
  the customer, while the site's 保护期 holds (customer_rules.is_protected);
- a channel's report: while it waits for its visit (valid until `valid_until`, the project's
  带看有效期) and, once the customer came with its 带看码, while the channel's protection
  after the visit holds (`protected_until`).

A report is judged at once against both: the first claim that still holds wins. A report of
a customer whose number is hidden (前三后四, 138****5678) matches every number with the same
first three and last four digits, so it collides with any report of such a number; it is
judged against the site's customers when the full number is given at the visit, against the
ones the site held when the report was filed."""
import re
from dataclasses import dataclass, field
from datetime import timedelta

from loupan.errors import Invalid
from services.crm import customer_rules

MASKED = re.compile(r"^(1\d{2})[*xX＊]{4}(\d{4})$")
# report statuses: valid (waiting for its visit), visited (brought: the channel's), rejected
# (judged for someone else at once, or at the visit), lapsed (no visit in time)
REPORT_STATUSES = ("valid", "visited", "rejected", "lapsed")
# why a report was judged as it was (the verdict's reason)
REASONS = ("new", "masked_pending_visit", "reported_by_other", "duplicate", "site_customer", "natural_visit",
           "visited", "expired", "ruling")
DEFAULT_VALID_HOURS = 72
DEFAULT_PROTECTION_DAYS = 30


@dataclass(frozen=True)
class Settings:
    """A project's 判客 rules: how long a report waits for its visit (带看有效期, hours), how
    long the channel keeps a visited customer (days), and whether a customer the site holds
    without a visit (a 来电 registration in its 保护期) wins over a channel's report (a
    customer who visited the site always does)."""

    report_valid_hours: int = DEFAULT_VALID_HOURS
    protection_days: int = DEFAULT_PROTECTION_DAYS
    site_protection_wins: bool = True


@dataclass(frozen=True)
class ReportMobile:
    """A report's mobile: the full number, or None when only 前三后四 were given."""

    full: str | None
    prefix: str
    suffix: str

    @property
    def key(self):
        """138****5678: what every report and customer of the number share."""
        return f"{self.prefix}****{self.suffix}"

    @property
    def masked(self):
        return self.full is None


def parse_mobile(raw):
    """A report's mobile: a full mainland number (normalised) or 前三后四 with the middle four
    hidden (138****5678, also with x); anything else is Invalid(INVALID_MOBILE)."""
    text = re.sub(r"[\s\-]", "", "" if raw is None else str(raw))
    found = MASKED.match(text)
    if found:
        return ReportMobile(None, found.group(1), found.group(2))
    full = customer_rules.normalise_mobile(raw)
    return ReportMobile(full, full[:3], full[-4:])


def key_of(mobile):
    """The 前三后四 key of a full number."""
    return f"{mobile[:3]}****{mobile[-4:]}"


def same_customer(a, b):
    """Whether two report mobiles may be one customer: the same 3+4 and, both full, the same
    number. Two hidden numbers with the same 3+4 collide."""
    if a.key != b.key:
        return False
    return a.full is None or b.full is None or a.full == b.full


@dataclass(frozen=True)
class SiteCustomer:
    """What the site holds of a customer: its owner since (`owned_since`, None: the pool),
    until when (保护期), its status, and when it first visited the site (None: never)."""

    id: int
    mobile: str
    owner_id: int | None
    owned_since: object
    protected_until: object
    status: str = "lead"
    first_visit_at: object = None

    def holds(self, at):
        """The site's claim holds at `at`: owned since then and still protected."""
        if self.owner_id is None or self.owned_since is None or self.owned_since > at:
            return False
        return customer_rules.is_protected(self.owner_id, self.status, self.protected_until, at)


@dataclass(frozen=True)
class ReportFact:
    """A report as the rules see it. `channel` tells channels apart (a 全民经纪人 is a channel
    of one); `site_customer_ids`: for a hidden number, the site's customers of its 3+4 that
    held when it was filed."""

    id: int
    channel: object
    mobile: ReportMobile
    filed_at: object
    status: str
    valid_until: object = None
    protected_until: object = None
    site_customer_ids: tuple = field(default=())


@dataclass(frozen=True)
class Verdict:
    status: str  # valid, rejected (filing); visited, rejected, lapsed (visit)
    reason: str
    against_report_id: int | None = None
    valid_until: object = None
    protected_until: object = None
    site_customer_ids: tuple = ()


def report_holds(report, at):
    """"pending" while a valid report waits for its visit, "protected" while a visited
    report's channel protection lasts, else None."""
    if report.status == "valid" and report.valid_until is not None and at < report.valid_until:
        return "pending"
    if report.status == "visited" and report.protected_until is not None and at < report.protected_until:
        return "protected"
    return None


def site_wins(site, at, settings):
    """The site's claim beats a channel's report filed at `at`: it holds then, and either the
    customer visited the site by then (自然到访: always) or the project lets the site's
    保护期 win (site_protection_wins)."""
    if site is None or not site.holds(at):
        return False
    visited = site.first_visit_at is not None and site.first_visit_at <= at
    return visited or settings.site_protection_wins


def _site_reason(site, at):
    return "natural_visit" if site.first_visit_at is not None and site.first_visit_at <= at else "site_customer"


def judge_report(at, channel, mobile, sites, reports, settings):
    """判客 of a report filed at `at` by `channel` for `mobile` (a ReportMobile), given the
    site's customers matching its 3+4 (`sites`) and the project's reports of the same 3+4.
    In this order: a report of the same customer that still holds wins (the same channel's:
    "duplicate"; another's: "reported_by_other"); then the site's claim ("natural_visit",
    "site_customer"); else the report is valid for the project's hours ("new", or for a
    hidden number "masked_pending_visit": the site's customers are checked at the visit)."""
    for other in sorted(reports, key=lambda r: (r.filed_at, r.id)):
        if same_customer(mobile, other.mobile) and report_holds(other, at):
            reason = "duplicate" if other.channel == channel else "reported_by_other"
            return Verdict("rejected", reason, against_report_id=other.id)
    if mobile.full is not None:
        site = next((s for s in sites if s.mobile == mobile.full), None)
        if site_wins(site, at, settings):
            return Verdict("rejected", _site_reason(site, at))
        reason, held = "new", ()
    else:
        reason = "masked_pending_visit"
        held = tuple(sorted(s.id for s in sites if s.mobile[:3] == mobile.prefix and s.mobile[-4:] == mobile.suffix
                            and site_wins(s, at, settings)))
    return Verdict("valid", reason, valid_until=at + timedelta(hours=settings.report_valid_hours),
                   site_customer_ids=held)


def check_visit_mobile(report_mobile, given):
    """The full number at the visit: required for a hidden one and matching its 3+4; for a
    full one, if given, the same. Returns the full number."""
    if given is None:
        if report_mobile.full is None:
            raise Invalid("the report hides the middle digits: give the customer's full mobile at the visit",
                          "MOBILE_REQUIRED")
        return report_mobile.full
    full = customer_rules.normalise_mobile(given)
    if report_mobile.full is not None and full != report_mobile.full:
        raise Invalid("the mobile given is not the reported customer's", "MOBILE_MISMATCH")
    if key_of(full) != report_mobile.key:
        raise Invalid(f"the mobile given does not match the reported {report_mobile.key}", "MOBILE_MISMATCH")
    return full


def judge_visit(report, at, site_customer_id, settings):
    """判客 at the visit of a valid report at `at` (the customer's full number known, its site
    customer `site_customer_id` or None): past `valid_until` the report has lapsed; a hidden
    number turning out to be a customer the site held when the report was filed goes to the
    site; else the channel brought the customer, protected for the project's days."""
    if report.status != "valid":
        raise ValueError(f"report {report.id} is {report.status}, not valid")
    if at >= report.valid_until:
        return Verdict("lapsed", "expired")
    if report.mobile.full is None and site_customer_id is not None and site_customer_id in report.site_customer_ids:
        return Verdict("rejected", "site_customer")
    return Verdict("visited", "visited", protected_until=at + timedelta(days=settings.protection_days))


def lapses(report, at):
    """A valid report with no visit by `valid_until` lapses."""
    return report.status == "valid" and report.valid_until is not None and at >= report.valid_until


def bringer(at, mobile, site, reports):
    """Who holds the customer of the full `mobile` at `at`: ("channel", report id) while a
    visited report of it is protected; else ("site", None) while the site's claim holds;
    else (None, None). A report waiting for its visit is nobody's customer yet."""
    for report in reports:
        if report.mobile.full == mobile and report_holds(report, at) == "protected":
            return ("channel", report.id)
    if site is not None and site.holds(at):
        return ("site", None)
    return (None, None)


def holds_number(report, mobile, at):
    """A report waiting for its visit holds the customer of the full `mobile` (a ReportMobile)
    when it may be them: the same number, or 前三后四 matching it."""
    return same_customer(mobile, report.mobile) and report_holds(report, at) == "pending"


def move_clash(moved, reports, new_mobile, at):
    """更正手机号: the reports of a customer follow it to `new_mobile` (a full ReportMobile).
    If one of them still holds the customer and a report not among them holds the new number
    too (another channel, or the same one again), the customer would have two live claims: the
    id of that report, else None. Reports that hold nothing move freely."""
    if not any(report_holds(r, at) for r in moved):
        return None
    ids = {r.id for r in moved}
    for other in sorted(reports, key=lambda r: (r.filed_at, r.id)):
        if other.id not in ids and same_customer(new_mobile, other.mobile) and report_holds(other, at):
            return other.id
    return None


# risk (渠道风控) -----------------------------------------------------------------------------
MANY_CHANNELS = 3  # the same customer reported by this many channels
REPORT_BEFORE_DEAL_MINUTES = 60  # a report this close before a 认购 (or after it)
HIGH_CONVERSION_MIN_REPORTS = 5
HIGH_CONVERSION_FACTOR = 2


def many_channels(channels):
    """The distinct channels that reported one customer reach MANY_CHANNELS."""
    return len(set(channels)) >= MANY_CHANNELS


def report_just_before_deal(filed_at, subscribed_at):
    """截客: a report filed within REPORT_BEFORE_DEAL_MINUTES before the 认购, or after it."""
    return filed_at >= subscribed_at - timedelta(minutes=REPORT_BEFORE_DEAL_MINUTES)


def converts_far_above(broker_reports, broker_deals, site_customers, site_deals):
    """A broker's reports turn into 认购 far above the site's norm: at least
    HIGH_CONVERSION_MIN_REPORTS reports, and a rate at least HIGH_CONVERSION_FACTOR times the
    site's and at least one half."""
    if broker_reports < HIGH_CONVERSION_MIN_REPORTS:
        return False
    rate = broker_deals / broker_reports
    norm = site_deals / site_customers if site_customers else 0
    return rate >= 0.5 and rate >= HIGH_CONVERSION_FACTOR * norm
