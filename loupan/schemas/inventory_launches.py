"""inventory 开盘活动 (launches): the launch, its transitions, 认筹 registrations with their
购房资格 review and 诚意金, and the verifiable 摇号 (docs/launch.md)."""
import re
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.validators import ID, Money, Mobile, not_blank

MODES = ("lottery", "race")
STATUSES = ("draft", "registration_open", "registration_closed", "drawn", "selecting", "finished", "paused")
ACTIONS = ("open_registration", "close_registration", "start_selection", "finish", "pause", "resume")
UNIT_IDS = validate.Length(min=1, max=5000)
# what the lottery's published lines carry: no "|" (their separator), no control characters
PLAIN = validate.Regexp(r"^[^|\x00-\x1f\x7f]+$", error="must not contain | or control characters")
GROUP = [validate.Length(min=1, max=20), PLAIN, not_blank]
HEX64 = validate.Regexp(r"^[0-9a-f]{64}$", error="must be a SHA-256 digest in lowercase hex (64 characters)")
SEED = validate.Regexp(r"^[!-{}~]{16,200}$",
                       error="must be 16 to 200 printable ASCII characters, spaces and | excepted")

# 居民身份证 (GB 11643-1999): 17 digits, then a check character over them
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_NUMBER = re.compile(r"^[1-9]\d{16}[\dX]$")


def normalise_id_number(value):
    """An 18-character 居民身份证 number: upper-case X, a real birth date, the right check
    character (the format, as a mobile's is; whether the buyer may buy is the review's)."""
    text = str(value).strip().upper()
    if not ID_NUMBER.match(text):
        raise ValidationError("must be an 18-character 居民身份证 number (17 digits and a digit or X)")
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError("the birth date in the ID number is not a date") from None
    if born.year < 1900:
        raise ValidationError("the birth date in the ID number is not a date")
    check = ID_CHECK[sum(int(d) * w for d, w in zip(text[:17], ID_WEIGHTS)) % 11]
    if text[17] != check:
        raise ValidationError("the ID number's check character is wrong: a digit was mistyped")
    return text


class IdNumber(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return normalise_id_number(super()._deserialize(value, attr, data, **kwargs))


class LaunchQuotaIn(Schema):
    group = fields.String(required=True, validate=GROUP, metadata={"description": "a priority group, e.g. 刚需"})
    quota = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100000),
                           metadata={"description": "places drawn for the group before everyone else"})


class LaunchIn(Schema):
    """开盘活动: a batch of the project's units, opening time, mode and the selection rules."""

    name = fields.String(required=True, validate=[validate.Length(min=1, max=100), not_blank])
    mode = fields.String(required=True, validate=validate.OneOf(MODES),
                         metadata={"description": "lottery: 摇号 then 选房 in order; race: first valid request wins"})
    opens_at = fields.AwareDateTime(required=True, metadata={"description": "the opening (开盘) time"})
    unit_ids = fields.List(fields.Integer(strict=True, validate=ID), required=True, validate=UNIT_IDS)
    window_size = fields.Integer(load_default=10, strict=True, validate=validate.Range(1, 1000),
                                 metadata={"description": "buyers per selection window"})
    window_minutes = fields.Integer(load_default=5, strict=True, validate=validate.Range(1, 240),
                                    metadata={"description": "length of a selection window"})
    units_per_buyer = fields.Integer(load_default=1, strict=True, validate=validate.Range(1, 10))
    attempt_limit = fields.Integer(load_default=2, strict=True, validate=validate.Range(1, 100),
                                   metadata={"description": "race: attempts per unit per cooldown"})
    attempt_cooldown_minutes = fields.Integer(load_default=30, strict=True, validate=validate.Range(1, 1440))
    deposit_amount = Money(load_default=0, metadata={"description": "诚意金 per registration; 0 asks none"})
    priority_quotas = fields.List(fields.Nested(LaunchQuotaIn), load_default=list, validate=validate.Length(max=10),
                                  metadata={"description": "priority groups drawn first, in this order"})

    @validates_schema
    def check_groups(self, data, **kwargs):
        groups = [q["group"] for q in data.get("priority_quotas") or []]
        if len(set(groups)) != len(groups):
            raise ValidationError("a group is named twice", "priority_quotas")


class LaunchQuota(Schema):
    group = fields.String()
    quota = fields.Integer()


class LaunchHistoryOut(Schema):
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class LaunchOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    name = fields.String()
    mode = fields.String(validate=validate.OneOf(MODES))
    opens_at = fields.AwareDateTime()
    unit_ids = fields.List(fields.Integer())
    window_size = fields.Integer()
    window_minutes = fields.Integer()
    units_per_buyer = fields.Integer()
    attempt_limit = fields.Integer()
    attempt_cooldown_minutes = fields.Integer()
    deposit_amount = Money()
    priority_quotas = fields.List(fields.Nested(LaunchQuota))
    status = fields.String(validate=validate.OneOf(STATUSES))
    paused_from = fields.String(allow_none=True, metadata={"description": "the state resume returns to"})
    pause_reason = fields.String(allow_none=True)
    registrations_count = fields.Integer()
    actions = fields.List(fields.String(), metadata={"description": "the actions the launch may take now"})
    published = fields.Boolean(metadata={"description": "the lottery's list is published"})
    drawn = fields.Boolean()
    created_by = fields.Integer()
    created_at = fields.AwareDateTime()
    history = fields.List(fields.Nested(LaunchHistoryOut), metadata={"description": "every status change, oldest first"})


class LaunchTransitionIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                           metadata={"description": "why (required to pause)"})

    @validates_schema
    def check_reason(self, data, **kwargs):
        if data.get("action") == "pause" and not (data.get("reason") or "").strip():
            raise ValidationError("a pause needs its reason", "reason")


class RegistrationIn(Schema):
    """认筹: the buyer, registered by the staff member calling (the advisor), perhaps for a channel."""

    buyer_name = fields.String(required=True, validate=[validate.Length(min=1, max=50), PLAIN, not_blank])
    id_number = IdNumber(required=True, metadata={"description": "18-character 居民身份证 number"})
    mobile = Mobile(required=True)
    channel_name = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=100), not_blank],
                            metadata={"description": "the channel (分销商, broker) it came through, if any"})
    priority_group = fields.String(load_default=None, allow_none=True, validate=GROUP,
                                   metadata={"description": "a priority group of the launch, e.g. 刚需"})


class RegistrationReviewIn(Schema):
    """购房资格: the reviewer's result, with the documents seen."""

    result = fields.String(required=True, validate=validate.OneOf(("eligible", "ineligible")))
    note = fields.String(load_default="", validate=validate.Length(max=500))
    documents = fields.List(fields.String(validate=[validate.Length(min=1, max=200), not_blank]),
                            load_default=list, validate=validate.Length(max=50),
                            metadata={"description": "file names or ids of the documents checked"})
    priority_group = fields.String(allow_none=True, validate=GROUP,
                                   metadata={"description": "the group the documents support: omit to keep, null to clear"})


class RegistrationDepositIn(Schema):
    """诚意金 paid: the finance receipt's number (finance records the money itself)."""

    receipt_no = fields.String(required=True, validate=[validate.Length(min=1, max=60), not_blank])
    amount = Money(required=True, low=0, low_inclusive=False)


class RegistrationCancelIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=200), not_blank])


class RegistrationOut(Schema):
    id = fields.Integer()
    launch_id = fields.Integer()
    project_id = fields.Integer()
    number = fields.String(metadata={"description": "认筹号, e.g. RC-0001"})
    buyer_name = fields.String()
    id_number = fields.String(metadata={"description": "masked (110***********1234) but to managers and directors"})
    mobile = fields.String(metadata={"description": "masked but to managers, directors and its advisor"})
    advisor_id = fields.Integer()
    advisor_name = fields.String(allow_none=True)
    channel_name = fields.String(allow_none=True)
    priority_group = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(("registered", "cancelled")))
    eligibility = fields.String(validate=validate.OneOf(("pending", "eligible", "ineligible")))
    review_note = fields.String(allow_none=True)
    review_documents = fields.List(fields.String())
    reviewed_by = fields.Integer(allow_none=True)
    reviewed_by_name = fields.String(allow_none=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)
    deposit_amount = Money(allow_none=True)
    deposit_receipt_no = fields.String(allow_none=True)
    deposit_paid_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


class RegistrationQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(("registered", "cancelled")))
    eligibility = fields.String(load_default=None, validate=validate.OneOf(("pending", "eligible", "ineligible")))


class LotteryPublishIn(Schema):
    seed_commitment = fields.String(required=True, validate=HEX64,
                                    metadata={"description": "SHA-256 of the seed the operator or notary keeps until the draw"})


class LotteryEntry(Schema):
    number = fields.String()
    group = fields.String(allow_none=True)
    name = fields.String(metadata={"description": "masked: 张**"})
    id_number = fields.String(metadata={"description": "masked: 110***********1234"})


class LotteryListOut(Schema):
    """The list as published before the draw: what lottery_verify reads."""

    format = fields.String()
    launch_id = fields.Integer()
    project_id = fields.Integer()
    entries = fields.List(fields.Nested(LotteryEntry))
    quotas = fields.List(fields.Nested(LaunchQuota))
    list_digest = fields.String()
    seed_commitment = fields.String()
    published_at = fields.AwareDateTime()


class LotteryDrawIn(Schema):
    seed = fields.String(required=True, validate=SEED, metadata={"description": "the seed committed to"})
    public_value = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=200), PLAIN],
                                 metadata={"description": "a value announced after the publication, mixed in"})


class LotteryPlace(Schema):
    position = fields.Integer()
    number = fields.String()
    round = fields.String(metadata={"description": "the priority group it was drawn in, or general"})
    key = fields.String()


class LotteryResultOut(Schema):
    format = fields.String()
    launch_id = fields.Integer()
    list_digest = fields.String()
    seed_commitment = fields.String()
    seed = fields.String()
    public_value = fields.String(allow_none=True)
    order = fields.List(fields.Nested(LotteryPlace))
    result_digest = fields.String()
    drawn_by_name = fields.String(allow_none=True)
    drawn_at = fields.AwareDateTime()
