"""Which events change a project's 销控 board, and the delta each is for a viewer. Pure.

A delta names the units and what is known of their new status; `status` None means "this
unit changed in a way the event does not say" (the viewer reads the unit again), and a
`reload` delta the whole board (a price list repriced every unsold unit).

The inventory events cover 推盘 and holds; a unit's later moves (认购, 签约, 备案, 交付, 退房,
换房) are made by inventory when it applies contracts' events, which name the unit: the feed
takes those facts from contracts' events themselves (the status each one leads to is
inventory's MOVES table, services/inventory/unit_rules.py); a hold converted to 认购 before its
approval (a buyer's 选房 confirmation among them) is inventory's `unit_hold_converted`. Not on
any event today, so not on the feed: 销控保留 locks and unlocks, and a unit's edits.
"""

# (source, event type) -> the status its units now have; None: changed, status not said
STATUS_AFTER = {
    ("inventory", "units_released"): "available",
    ("inventory", "unit_held"): "held",
    ("inventory", "unit_hold_cancelled"): "available",
    ("inventory", "unit_hold_expired"): "available",
    ("inventory", "unit_hold_converted"): "subscribed",
    ("contracts", "subscription_approved"): "subscribed",
    ("contracts", "contract_signed"): "signed",
    ("contracts", "contract_filed"): "filed",
    ("contracts", "unit_handed_over"): "delivered",
    ("contracts", "deal_cancelled"): "available",
}
RELOADS = {("inventory", "price_list_published")}
SWAPS = {("contracts", "deal_unit_swapped")}
# a launch's next 选房 window opened: no unit moved, but phones and the 选房大屏 read their view
# again at once; only the window goes out (the event also names its members' mobiles)
WINDOWS = {("inventory", "selection_window_opened")}
WINDOW_FIELDS = ("launch_id", "number", "opened_at", "closes_at", "reason")
BINDINGS = sorted(set(STATUS_AFTER) | RELOADS | SWAPS | WINDOWS)  # what the feed's queue is bound to


def _units(source, event_type, payload):
    if (source, event_type) in SWAPS:
        # the deal left one unit (back on sale) for another, which takes the deal's status
        return [{"unit_id": payload["from_unit_id"], "status": "available"},
                {"unit_id": payload["to_unit_id"], "status": None}]
    status = STATUS_AFTER[(source, event_type)]
    ids = payload["unit_ids"] if "unit_ids" in payload else [payload["unit_id"]]
    return [{"unit_id": int(unit_id), "status": status} for unit_id in ids]


def delta(source, envelope):
    """The board delta of an event `envelope` (as published, a dict) from `source`, or None
    if it does not touch a board. Keys: project_id, agency_id, type, at (occurred_at, ISO),
    units [{unit_id, status}], reload (bool); a window's opening adds `window` (WINDOW_FIELDS)."""
    key = (source, envelope.get("type"))
    project_id = envelope.get("project_id")
    if project_id is None or key not in STATUS_AFTER and key not in RELOADS and key not in SWAPS | WINDOWS:
        return None
    payload = envelope.get("payload") or {}
    if key in WINDOWS:
        return {"project_id": int(project_id), "agency_id": envelope.get("agency_id"), "type": key[1],
                "at": envelope.get("occurred_at"), "units": [], "reload": False,
                "window": {k: payload.get(k) for k in WINDOW_FIELDS}}
    reload = key in RELOADS
    try:
        units = [] if reload else _units(source, key[1], payload)
    except (KeyError, TypeError, ValueError):
        return None  # not the catalogue's shape: nothing a viewer could apply
    label = payload.get("unit_label") or payload.get("to_unit_label")
    return {"project_id": int(project_id), "agency_id": envelope.get("agency_id"), "type": key[1],
            "at": envelope.get("occurred_at"), "units": units, "reload": reload,
            **({"unit_label": label} if label else {})}
