"""Pure rules of 更正手机号, a customer's mobile corrected (docs/domain.md "Channels"): no I/O,
tested directly (services/crm/tests/test_mobile_change_rules.py)."""
from loupan.errors import Invalid

# applied: at once (no channel held the customer); pending: waits for a manager; approved: a
# manager approved it (or asked it themselves) and it applied; rejected: a manager turned it down
STATUSES = ("applied", "pending", "approved", "rejected")


def check_new_mobile(old, new):
    """The number asked for (normalised) is another than the customer's."""
    if new == old:
        raise Invalid("the customer has this mobile already", "MOBILE_UNCHANGED")


def outcome(held, by_manager):
    """What a change asked by the customer's owner or a manager does: a customer no channel
    holds changes at once ("applied"); one a channel holds waits for a manager ("pending"),
    unless a manager asked: then it applies as approved by them ("approved")."""
    if not held:
        return "applied"
    return "approved" if by_manager else "pending"


def alert_stage(status, asked_by_decider):
    """The 渠道风控 alert's stage of a change of a held customer: "requested" while it waits,
    "applied" when the manager who asked applied it, "approved" when a manager approved
    another's request."""
    if status == "pending":
        return "requested"
    return "applied" if asked_by_decider else "approved"
