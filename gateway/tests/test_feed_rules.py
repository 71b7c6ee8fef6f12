"""The live board feed's pure rules (gateway/feed): which events are board deltas, the
per-project ring, and when a reconnecting client resumes or is told to reload."""
from gateway.feed.board_events import BINDINGS, delta
from gateway.feed.ring import Ring, can_resume


def envelope(event_type, payload, project_id=7):
    return {"type": event_type, "project_id": project_id, "agency_id": 3, "occurred_at": "2026-12-06T10:00:00+00:00",
            "payload": payload}


def test_holds_releases_and_deal_moves_are_unit_statuses():
    held = delta("inventory", envelope("unit_held", {"unit_id": 5, "unit_label": "1号楼-0101", "hold_id": 1}))
    assert held["units"] == [{"unit_id": 5, "status": "held"}] and held["project_id"] == 7
    assert held["unit_label"] == "1号楼-0101" and held["at"].startswith("2026-12-06") and not held["reload"]
    assert delta("inventory", envelope("units_released", {"unit_ids": [1, 2]}))["units"] == [
        {"unit_id": 1, "status": "available"}, {"unit_id": 2, "status": "available"}]
    assert delta("inventory", envelope("unit_hold_expired", {"unit_id": 5}))["units"][0]["status"] == "available"
    assert delta("contracts", envelope("contract_signed", {"unit_id": 5, "deal_id": 1}))["units"][0]["status"] == "signed"
    assert delta("contracts", envelope("deal_cancelled", {"unit_id": 5, "deal_id": 1}))["units"][0]["status"] == "available"
    swap = delta("contracts", envelope("deal_unit_swapped", {"deal_id": 1, "from_unit_id": 5, "to_unit_id": 6}))
    assert swap["units"] == [{"unit_id": 5, "status": "available"}, {"unit_id": 6, "status": None}]


def test_a_price_list_reloads_and_other_events_are_not_on_the_board():
    assert delta("inventory", envelope("price_list_published", {"price_list_id": 1}))["reload"] is True
    assert delta("inventory", envelope("project_created", {"name": "x"})) is None
    assert delta("finance", envelope("payment_received", {"unit_id": 5})) is None
    assert delta("inventory", envelope("unit_held", {"unit_id": 5}, project_id=None)) is None
    assert delta("inventory", envelope("unit_held", {"hold_id": 1})) is None  # not the catalogue's shape
    assert ("inventory", "unit_held") in BINDINGS and ("contracts", "contract_filed") in BINDINGS


def test_a_selection_window_opening_is_on_the_feed_without_its_members():
    opened = delta("inventory", envelope("selection_window_opened", {
        "launch_id": 4, "launch_name": "一期", "number": 2, "opened_at": "2026-12-06T10:00:00+00:00",
        "closes_at": "2026-12-06T10:30:00+00:00", "reason": "early", "registration_ids": [11, 12],
        "members": [{"registration_id": 11, "number": "RC-0011", "mobile": "13900000011"}]}))
    assert opened["units"] == [] and not opened["reload"]
    assert opened["window"] == {"launch_id": 4, "number": 2, "opened_at": "2026-12-06T10:00:00+00:00",
                                "closes_at": "2026-12-06T10:30:00+00:00", "reason": "early"}
    assert "13900000011" not in str(opened) and "RC-0011" not in str(opened)  # never a member
    assert ("inventory", "selection_window_opened") in BINDINGS


def test_the_ring_keeps_the_last_frames_and_remembers_what_it_dropped():
    ring = Ring(3)
    for offset in (10, 12, 15, 20):
        ring.add(offset, f"f{offset}".encode())
    assert [o for o, _ in ring.after(0)] == [12, 15, 20] and ring.dropped_upto == 10
    assert [o for o, _ in ring.after(12)] == [15, 20] and ring.after(20) == []


def test_resume_only_when_nothing_after_the_last_id_is_unknown():
    ring = Ring(3)
    for offset in (10, 12, 15, 20):
        ring.add(offset, b"")
    assert can_resume(12, first=0, head=25, ring=ring)  # 15 and 20 still kept
    assert can_resume(10, first=0, head=25, ring=ring)  # 10 itself was dropped: the client has it
    assert not can_resume(9, first=0, head=25, ring=ring)  # 10 is gone
    assert not can_resume(3, first=5, head=25, ring=None)  # 4 was never read by this process
    assert can_resume(4, first=5, head=25, ring=None)
    assert can_resume(-1, first=0, head=25, ring=None)  # a hello before the first event
    assert not can_resume(30, first=0, head=25, ring=ring)  # not an id of this stream
    assert not can_resume(3, first=None, head=None, ring=None)
