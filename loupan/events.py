"""Event contracts: the envelope every event travels in, and the payload schema of each
event type. Publishers validate before writing to the outbox; consumers validate on
receipt, so a malformed event is dead-lettered instead of half-applied."""
import uuid

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from loupan.types import utcnow
from loupan.validators import Amount


class Actor(Schema):
    """Who caused the event: the account acting, or a service timer (account_id None)."""

    class Meta:
        unknown = EXCLUDE

    account_id = fields.Integer(allow_none=True, load_default=None)
    username = fields.String(allow_none=True, load_default=None)
    role = fields.String(allow_none=True, load_default=None)


class Envelope(Schema):
    event_id = fields.UUID(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    agency_id = fields.Integer(required=True)
    project_id = fields.Integer(allow_none=True, load_default=None)
    actor = fields.Nested(Actor, allow_none=True, load_default=None)
    payload = fields.Dict(required=True)
    # The W3C trace context of the worker that caused the event (loupan.tracing), written only
    # where tracing is on: optional on reading (an envelope without it is as valid as before),
    # never dumped by this schema (the webhooks' copy of an envelope does not carry it).
    traceparent = fields.Raw(load_only=True, allow_none=True, load_default=None)


class _Payload(Schema):
    class Meta:
        unknown = EXCLUDE  # newer minor versions may add fields


# inventory ------------------------------------------------------------------------------
class ProjectCreated(_Payload):
    """A project (楼盘) created in inventory, the project registry: every other service learns
    which agency owns it (`known_projects`, loupan/projects.py)."""

    name = fields.String(required=True)
    city = fields.String(required=True)
    developer_name = fields.String(required=True)


class UnitsReleased(_Payload):
    """推盘: units released for sale (unreleased → available), now or by a release schedule."""

    unit_ids = fields.List(fields.Integer(), required=True)


class LaunchRegistered(_Payload):
    """认筹: a buyer registered for a launch (开盘活动) and owes its 诚意金 (`deposit_amount`,
    0 when none is asked). finance learns the registration from it to take the 诚意金 as a
    receipt (the buyer's name for the 收据, the mobile masked; no ID number)."""

    launch_id = fields.Integer(required=True)
    registration_id = fields.Integer(required=True)
    number = fields.String(required=True)
    deposit_amount = Amount(required=True)
    advisor_id = fields.Integer(allow_none=True, load_default=None)
    channel_name = fields.String(allow_none=True, load_default=None)
    buyer_name = fields.String(allow_none=True, load_default=None)
    mobile_masked = fields.String(allow_none=True, load_default=None)  # 137****0001


class WindowMember(Schema):
    class Meta:
        unknown = EXCLUDE

    registration_id = fields.Integer(required=True)
    number = fields.String(required=True)  # 认筹号
    mobile = fields.String(required=True)  # to text them: the gateway's SMS


class SelectionWindowOpened(_Payload):
    """选房: a lottery launch's window `number` opened (start, time, early, after the one before
    it); its members may hold and confirm until `closes_at` (unless everyone in it finishes
    first). The gateway texts each member that their window is open (the mobile of their 认筹,
    as unit_held carries the customer's phone)."""

    launch_id = fields.Integer(required=True)
    launch_name = fields.String(required=True)
    number = fields.Integer(required=True)
    opened_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)
    reason = fields.String(required=True)  # start, time or early
    registration_ids = fields.List(fields.Integer(), required=True)
    members = fields.List(fields.Nested(WindowMember), required=True)


class LaunchFinished(_Payload):
    """开盘: a manager finished the launch (选房 over): its units and how many sold through 选房
    (the figures of the launch's 开盘报告, GET /api/launches/<id>/report)."""

    launch_id = fields.Integer(required=True)
    name = fields.String(required=True)
    mode = fields.String(required=True)  # lottery or race
    finished_at = fields.AwareDateTime(required=True)
    units = fields.Integer(required=True)
    sold = fields.Integer(required=True)


class UnitHeld(_Payload):
    """A unit held (留房) for a buyer by an advisor until `expires_at`."""

    hold_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_label = fields.String(required=True)
    customer_name = fields.String(required=True)
    customer_phone = fields.String(required=True)
    advisor_id = fields.Integer(allow_none=True, required=True)
    expires_at = fields.AwareDateTime(required=True)


class UnitHoldEnded(_Payload):
    """A hold ended without a sale, the unit available again: cancelled by a person
    (`unit_hold_cancelled`) or lapsed (`unit_hold_expired`, the expiry timer)."""

    hold_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_label = fields.String(required=True)
    customer_name = fields.String(required=True)
    advisor_id = fields.Integer(allow_none=True, required=True)
    reason = fields.String(allow_none=True, load_default=None)


class UnitHoldConverted(_Payload):
    """认购 made from a hold (a site's, or a buyer's 选房 confirmation): the hold became the deal's
    and its unit moved held → subscribed, before the 认购's approval (subscription_approved).
    The live board shows the unit sold at once (gateway/feed)."""

    hold_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_label = fields.String(required=True)
    deal_id = fields.Integer(required=True)
    advisor_id = fields.Integer(allow_none=True, required=True)
    launch_id = fields.Integer(allow_none=True, load_default=None)


class PriceListPublished(_Payload):
    """A price list (一房一价) published: unsold units repriced; the previous version superseded."""

    price_list_id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    unit_count = fields.Integer(required=True)
    changed_count = fields.Integer(required=True)


# contracts ------------------------------------------------------------------------------
class _Deal(_Payload):
    deal_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    advisor_id = fields.Integer(allow_none=True, load_default=None)


PAYMENT_METHODS = ("full", "instalments", "commercial_mortgage", "provident_fund", "combined")


class SubscriptionApproved(_Deal):
    """认购 approved by the manager: the unit counts as subscribed. finance derives the
    payment schedule from it, crm marks the customer subscribed."""

    subscription_id = fields.Integer(required=True)
    subscription_no = fields.String(allow_none=True, load_default=None)
    hold_id = fields.Integer(allow_none=True, load_default=None)
    customer_id = fields.Integer(allow_none=True, load_default=None)
    customer_name = fields.String(required=True)
    customer_phone = fields.String(required=True)
    price = Amount(required=True)
    payment_method = fields.String(required=True)
    deposit = Amount(allow_none=True, load_default=None)
    gross_area = Amount(allow_none=True, load_default=None)
    unit_label = fields.String(allow_none=True, load_default=None)
    delivery_date = fields.Date(allow_none=True, load_default=None)
    approved_on = fields.Date(allow_none=True, load_default=None)
    # the 认购 date (loupan/deal_dates.py): no receipt of the deal is dated before it
    subscribed_on = fields.Date(allow_none=True, load_default=None)
    # the 认筹 the 认购 came from (开盘 选房): finance turns its 诚意金 into the deal's 定金
    launch_registration_id = fields.Integer(allow_none=True, load_default=None)


class ContractSigned(_Deal):
    """签约: the purchase contract signed; the price, payment method and loan are final."""

    contract_id = fields.Integer(required=True)
    contract_no = fields.String(allow_none=True, load_default=None)
    price = Amount(required=True)
    payment_method = fields.String(allow_none=True, load_default=None)
    gross_area = Amount(allow_none=True, load_default=None)
    customer_id = fields.Integer(allow_none=True, load_default=None)
    signed_on = fields.Date(allow_none=True, load_default=None)
    # the amount the bank lends (商贷/公积金/组合贷); None for full payment and instalments
    loan_amount = Amount(allow_none=True, load_default=None)


class ContractFiled(_Deal):
    """备案: the signed contract filed with the housing authority."""

    filing_no = fields.String(required=True)


class DealCancelled(_Deal):
    """退房: the unit goes back on sale; finance refunds and claws back commissions."""

    reason = fields.String(allow_none=True, load_default=None)
    customer_id = fields.Integer(allow_none=True, load_default=None)
    # the deal's status when cancelled (subscribed, signed, filed); "submitted": a 认购
    # rejected at 审核 (never approved: no schedule nor commission to undo, only a 定金 to refund)
    from_status = fields.String(allow_none=True, load_default=None)


class DealUnitSwapped(_Payload):
    """换房: the deal moved from one unit to another."""

    deal_id = fields.Integer(required=True)
    from_unit_id = fields.Integer(required=True)
    to_unit_id = fields.Integer(required=True)
    advisor_id = fields.Integer(allow_none=True, load_default=None)
    # the deal's agreed price after the move (old price + settled difference)
    new_price = Amount(allow_none=True, load_default=None)
    price_difference = Amount(allow_none=True, load_default=None)
    to_unit_label = fields.String(allow_none=True, load_default=None)  # e.g. 1栋-1201
    # the deal's status the new unit takes (the old one goes back to available): subscribed,
    # signed or filed; none from a contracts older than the field
    deal_status = fields.String(allow_none=True, load_default=None)


class UnitHandedOver(_Deal):
    """交房: the unit handed over to its buyer."""

    handed_over_at = fields.AwareDateTime(required=True)
    customer_id = fields.Integer(allow_none=True, load_default=None)


class Buyer(Schema):
    name = fields.String(required=True)
    phone = fields.String(required=True)
    share = Amount(required=True)  # percent of ownership; a deal's buyers sum to 100


class BuyersChanged(_Deal):
    """更名 approved: the deal's buyers (and shares) are now these."""

    buyers = fields.List(fields.Nested(Buyer), required=True)


class MortgageDisbursed(_Deal):
    """放款: the bank paid the loan; finance receipts it against the mortgage line."""

    mortgage_id = fields.Integer(required=True)
    bank = fields.String(required=True)
    amount = Amount(required=True)
    disbursed_on = fields.Date(required=True)


# finance --------------------------------------------------------------------------------
class PaymentReceived(_Deal):
    """收款: a receipt allocated to the deal's schedule."""

    receipt_id = fields.Integer(required=True)
    receipt_no = fields.String(required=True)
    amount = Amount(required=True)
    method = fields.String(required=True)
    received_on = fields.Date(required=True)
    # collected so far on the deal, this receipt included
    collected_total = Amount(allow_none=True, load_default=None)


class PaymentRefunded(_Deal):
    """A receipt voided or refunded (second person); the amount is no longer collected."""

    receipt_id = fields.Integer(required=True)
    amount = Amount(required=True)
    refunded_on = fields.Date(required=True)
    reason = fields.String(allow_none=True, load_default=None)


class _Sincerity(_Payload):
    launch_id = fields.Integer(required=True)
    registration_id = fields.Integer(required=True)
    sincerity_receipt_id = fields.Integer(required=True)
    receipt_no = fields.String(required=True)
    amount = Amount(required=True)


class SincerityReceived(_Sincerity):
    """诚意金 taken by finance's cashier for a 认筹 (a numbered receipt): inventory marks the
    registration paid."""

    method = fields.String(required=True)
    received_on = fields.Date(required=True)


class SincerityRefunded(_Sincerity):
    """诚意金 refunded by a second person (a registration not converted, or cancelled):
    inventory marks the registration unpaid again."""

    refunded_on = fields.Date(required=True)
    reason = fields.String(allow_none=True, load_default=None)


# hr -------------------------------------------------------------------------------------
class AccountCreated(_Payload):
    """An account created (by 入职, or the operator's `create_director` command)."""

    account_id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    project_ids = fields.List(fields.Integer(), required=True)


class StaffJoined(_Payload):
    """入职."""

    account_id = fields.Integer(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True)
    project_ids = fields.List(fields.Integer(), required=True)
    joined_on = fields.Date(required=True)


class StaffTransferred(_Payload):
    """调岗: the projects an account acts on changed."""

    account_id = fields.Integer(required=True)
    from_project_ids = fields.List(fields.Integer(), required=True)
    to_project_ids = fields.List(fields.Integer(), required=True)
    effective_on = fields.Date(required=True)
    # the account's role and hr's token_version after the move (the gateway orders its
    # account states by it); None in events written before they were added
    role = fields.String(load_default=None)
    token_version = fields.Integer(load_default=None)


class StaffLeft(_Payload):
    """离职: the account is disabled; crm reassigns the leaver's customers."""

    account_id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    project_ids = fields.List(fields.Integer(), required=True)
    left_on = fields.Date(required=True)
    token_version = fields.Integer(load_default=None)  # hr's, after the move (see StaffTransferred)


class StaffCertified(_Payload):
    """上岗考核 passed for a project: the advisor may join that site's walk-in rotation."""

    account_id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    score = Amount(required=True)
    certified_on = fields.Date(required=True)


class StaffClocked(_Payload):
    """打卡 at a site: clocked in (`staff_clocked_in`) or out (`staff_clocked_out`)."""

    account_id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)


class StaffLeaveApproved(_Payload):
    """An approved leave: the advisor is off the rotation for those days."""

    account_id = fields.Integer(required=True)
    project_ids = fields.List(fields.Integer(), required=True)
    start_on = fields.Date(required=True)
    end_on = fields.Date(required=True)
    kind = fields.String(required=True)


# crm (facts the hr scorecard and the reports use) ----------------------------------------
class CustomerRegistered(_Payload):
    """A new lead (客户登记) with its owning advisor."""

    customer_id = fields.Integer(required=True)
    advisor_id = fields.Integer(allow_none=True, required=True)
    channel = fields.String(required=True)
    grade = fields.String(allow_none=True, load_default=None)


class ComplaintFiled(_Payload):
    """投诉 recorded, naming the advisor when there is one."""

    complaint_id = fields.Integer(required=True)
    advisor_id = fields.Integer(allow_none=True, load_default=None)
    category = fields.String(required=True)
    severity = fields.String(required=True)


class SatisfactionRecorded(_Payload):
    """满意度: a survey's score (1-5), closing a 回访."""

    survey_id = fields.Integer(required=True)
    advisor_id = fields.Integer(allow_none=True, load_default=None)
    score = fields.Integer(required=True)


class SlaBreached(_Payload):
    """A follow-up deadline missed (first response, needs analysis, weekly A/B follow-up),
    found by crm's `sweep_sla_breaches` timer; published once per customer, rule and due time."""

    customer_id = fields.Integer(required=True)
    advisor_id = fields.Integer(allow_none=True, load_default=None)
    rule = fields.String(required=True)
    due_at = fields.AwareDateTime(required=True)
    customer_name = fields.String(allow_none=True, load_default=None)


class ChannelAttributed(_Payload):
    """判客 final: a channel (分销商 or 全民经纪人) brought this customer to the project, after
    a verified 带看 (`visited_at`), and keeps them until `protected_until` (none: no end).
    finance makes a deal of this customer at the project, signed while it holds, a channel
    deal that earns the channel its 分销佣金."""

    customer_id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    channel_id = fields.Integer(required=True)
    channel_name = fields.String(required=True)
    broker_id = fields.Integer(allow_none=True, load_default=None)
    broker_name = fields.String(allow_none=True, load_default=None)
    report_id = fields.Integer(required=True)
    visited_at = fields.AwareDateTime(required=True)
    protected_until = fields.AwareDateTime(allow_none=True, load_default=None)


class ChannelAttributionEnded(_Payload):
    """A ruling (申诉, 判客 again) took the customer away from the channel: its deals of the
    customer at the project earn it nothing from then (a reversal if already stated)."""

    customer_id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    channel_id = fields.Integer(required=True)
    report_id = fields.Integer(required=True)
    reason = fields.String(allow_none=True, load_default=None)


class SlaBreachRouted(SlaBreached):
    """A breach and whom it concerns: hr names the advisor's supervisors (their team's, else
    the site's active supervisors); the gateway tells each of them and the advisor."""

    supervisor_ids = fields.List(fields.Integer(), required=True)
    advisor_name = fields.String(allow_none=True, load_default=None)


# (source service, payload schema) by (type, version): the catalogue of every event.
CATALOGUE = {
    ("project_created", 1): ("inventory", ProjectCreated),
    ("units_released", 1): ("inventory", UnitsReleased),
    ("launch_registered", 1): ("inventory", LaunchRegistered),
    ("launch_finished", 1): ("inventory", LaunchFinished),
    ("selection_window_opened", 1): ("inventory", SelectionWindowOpened),
    ("unit_held", 1): ("inventory", UnitHeld),
    ("unit_hold_cancelled", 1): ("inventory", UnitHoldEnded),
    ("unit_hold_expired", 1): ("inventory", UnitHoldEnded),
    ("unit_hold_converted", 1): ("inventory", UnitHoldConverted),
    ("price_list_published", 1): ("inventory", PriceListPublished),
    ("subscription_approved", 1): ("contracts", SubscriptionApproved),
    ("contract_signed", 1): ("contracts", ContractSigned),
    ("contract_filed", 1): ("contracts", ContractFiled),
    ("deal_cancelled", 1): ("contracts", DealCancelled),
    ("deal_unit_swapped", 1): ("contracts", DealUnitSwapped),
    ("unit_handed_over", 1): ("contracts", UnitHandedOver),
    ("buyers_changed", 1): ("contracts", BuyersChanged),
    ("mortgage_disbursed", 1): ("contracts", MortgageDisbursed),
    ("payment_received", 1): ("finance", PaymentReceived),
    ("payment_refunded", 1): ("finance", PaymentRefunded),
    ("sincerity_received", 1): ("finance", SincerityReceived),
    ("sincerity_refunded", 1): ("finance", SincerityRefunded),
    ("account_created", 1): ("hr", AccountCreated),
    ("staff_joined", 1): ("hr", StaffJoined),
    ("staff_transferred", 1): ("hr", StaffTransferred),
    ("staff_left", 1): ("hr", StaffLeft),
    ("staff_certified", 1): ("hr", StaffCertified),
    ("staff_clocked_in", 1): ("hr", StaffClocked),
    ("staff_clocked_out", 1): ("hr", StaffClocked),
    ("staff_leave_approved", 1): ("hr", StaffLeaveApproved),
    ("customer_registered", 1): ("crm", CustomerRegistered),
    ("complaint_filed", 1): ("crm", ComplaintFiled),
    ("satisfaction_recorded", 1): ("crm", SatisfactionRecorded),
    ("sla_breached", 1): ("crm", SlaBreached),
    ("sla_breach_routed", 1): ("hr", SlaBreachRouted),
    ("channel_attributed", 1): ("crm", ChannelAttributed),
    ("channel_attribution_ended", 1): ("crm", ChannelAttributionEnded),
}


class InvalidEvent(ValueError):
    """An event that does not match its contract; it is dead-lettered, never applied."""


def source_of(event_type, version=1):
    try:
        return CATALOGUE[(event_type, version)][0]
    except KeyError:
        raise InvalidEvent(f"unknown event {event_type} v{version}") from None


_SCHEMAS = {key: schema() for key, (_, schema) in CATALOGUE.items()}
_ENVELOPE = Envelope()


def make_envelope(event_type, payload, agency_id, project_id=None, actor=None, version=1, traceparent=None):
    """Build a validated envelope (JSON-ready dict) for `event_type`; with `traceparent` (the
    trace context of the worker that caused it) when there is one."""
    schema = _SCHEMAS.get((event_type, version))
    if schema is None:
        raise InvalidEvent(f"unknown event {event_type} v{version}")
    try:
        body = schema.dump(payload)
    except (ValueError, TypeError, AttributeError) as exc:  # a value of the wrong type
        raise InvalidEvent(f"{event_type}: {exc}") from None
    errors = schema.validate(body)
    if errors:
        raise InvalidEvent(f"{event_type}: {errors}")
    envelope = _ENVELOPE.dump(
        {
            "event_id": uuid.uuid4(),
            "type": event_type,
            "version": version,
            "occurred_at": utcnow(),
            "agency_id": agency_id,
            "project_id": project_id,
            "actor": actor,
            "payload": body,
        }
    )
    if traceparent is not None:
        envelope["traceparent"] = traceparent
    return envelope


def parse_envelope(body):
    """Validate a received envelope; returns it with `payload` loaded by its schema."""
    try:
        envelope = _ENVELOPE.load(body)
        envelope["payload"] = _SCHEMAS[(envelope["type"], envelope["version"])].load(envelope["payload"])
    except (ValidationError, KeyError, TypeError) as exc:
        raise InvalidEvent(f"malformed event: {exc}") from None
    envelope["event_id"] = str(envelope["event_id"])
    if not isinstance(envelope["traceparent"], str) or len(envelope["traceparent"]) > 128:
        envelope["traceparent"] = None  # tracing is best effort: a bad one never refuses the event
    return envelope
