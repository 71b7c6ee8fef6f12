"""Pure rules of customer ownership (报备/撞单, 保护期, the pool) and phone privacy: no I/O,
tested directly."""
from datetime import timedelta

from marshmallow import ValidationError

from loupan.errors import Invalid
from loupan.roles import PERMISSIONS
from loupan.validators import normalise_mobile as _normalise

# a deal (认购/签约) exists: the customer stays with the advisor who made it, whatever the follow-ups
DEAL_STATUSES = ("subscribed", "signed")


def normalise_mobile(raw):
    """The identity of a customer: 11 digits starting with 1, spaces, dashes and a leading
    +86/86 dropped; anything else is Invalid(INVALID_MOBILE)."""
    try:
        return _normalise("" if raw is None else raw)
    except ValidationError:
        raise Invalid(f"{raw!r} is not a mainland mobile number (11 digits starting with 1)",
                      "INVALID_MOBILE") from None


def protection_end(at, days):
    """保护期: ownership holds until `days` after the last registration or follow-up."""
    return at + timedelta(days=days)


def is_protected(owner_id, status, protected_until, at):
    """Whether the owner still holds the customer at `at` against anyone else's 报备."""
    if owner_id is None:
        return False
    if status in DEAL_STATUSES:
        return True
    return protected_until is not None and protected_until > at


def registration_outcome(owner_id, status, protected_until, registrant_id, at, channel_held=False):
    """What a 报备 of an existing customer by `registrant_id` (None: into the pool) does:
    "existing" (nothing changes), "claimed" (the registrant becomes the owner) or "conflict"
    (撞单: recorded for a manager, the owner keeps the customer). A customer a channel holds
    (`channel_held`: brought with a 带看码, in the channel's protection) changes owner only by
    a manager's ruling: a claim of it is a conflict too."""
    if owner_id is not None and owner_id == registrant_id:
        return "existing"
    if is_protected(owner_id, status, protected_until, at):
        return "conflict"
    if registrant_id is None:
        return "existing"
    return "conflict" if channel_held else "claimed"


def lapses(owner_id, status, protected_until, at):
    """Whether the sweep returns the customer to the pool (公客) at `at`."""
    return owner_id is not None and status == "lead" and not is_protected(owner_id, status, protected_until, at)


def can_see_phone(role, account_id, owner_id):
    """Full number for the owner, managers and directors; masked for everyone else
    (developer_viewer never sees numbers, not even as a director's delegate)."""
    if role not in PERMISSIONS["phones.see"]:
        return False
    if role in PERMISSIONS["phones.see_all"]:
        return True
    return owner_id is not None and owner_id == account_id


def spread(customer_ids, owner_ids):
    """Bulk reassignment: customers dealt to `owner_ids` in turn, so that counts differ by
    at most one; {customer_id: owner_id}."""
    if not owner_ids:
        return {}
    return {cid: owner_ids[i % len(owner_ids)] for i, cid in enumerate(customer_ids)}
