"""The launch's state machine, 认筹 numbers and masking, without a broker or database."""
import pytest

from services.inventory.launch_rules import (ACTIONS, PAUSABLE, ROUTE_ACTIONS, STATES, Refused, allowed_actions,
                                             mask_id_number, mask_name, move, on_the_list, registration_number,
                                             registrations_frozen)


def walk(mode, actions):
    status, paused_from = "draft", None
    for action in actions:
        status, paused_from = move(action, status, mode, paused_from)[1:]
    return status


def test_a_lottery_launch_goes_through_the_draw():
    assert walk("lottery", ["open_registration", "close_registration", "draw", "start_selection", "finish"]) \
        == "finished"


def test_a_race_launch_selects_straight_after_registration():
    assert walk("race", ["open_registration", "close_registration", "start_selection", "finish"]) == "finished"


@pytest.mark.parametrize("mode,actions,code", [
    ("race", ["open_registration", "close_registration", "draw"], "LAUNCH_MODE_MISMATCH"),
    ("lottery", ["open_registration", "close_registration", "start_selection"], "ILLEGAL_LAUNCH_TRANSITION"),
    ("lottery", ["close_registration"], "ILLEGAL_LAUNCH_TRANSITION"),
    ("lottery", ["open_registration", "open_registration"], "ILLEGAL_LAUNCH_TRANSITION"),
    ("race", ["pause"], "ILLEGAL_LAUNCH_TRANSITION"),  # a draft is not running: nothing to pause
    ("race", ["resume"], "ILLEGAL_LAUNCH_TRANSITION"),
    ("race", ["open_registration", "close_registration", "start_selection", "finish", "pause"],
     "ILLEGAL_LAUNCH_TRANSITION"),
    ("lottery", ["open_registration", "pause", "close_registration"], "ILLEGAL_LAUNCH_TRANSITION"),
    ("race", ["open_registration", "pause", "pause"], "ILLEGAL_LAUNCH_TRANSITION"),
])
def test_illegal_moves_are_refused_with_a_stable_code(mode, actions, code):
    with pytest.raises(Refused) as refused:
        walk(mode, actions)
    assert refused.value.code == code


@pytest.mark.parametrize("state", PAUSABLE)
def test_resume_returns_to_the_state_paused_in(state):
    paused = move("pause", state, "lottery")
    assert paused == (state, "paused", state)
    assert move("resume", "paused", "lottery", paused.paused_from) == ("paused", state, None)


def test_the_table_names_known_states_only():
    for table, modes in ACTIONS.values():
        assert set(table) <= set(STATES)
        assert {t for t in table.values() if t is not None} <= set(STATES)
    assert "draw" not in ROUTE_ACTIONS
    with pytest.raises(ValueError):
        move("explode", "draft", "race")


def test_allowed_actions():
    assert allowed_actions("draft", "lottery") == ["open_registration"]
    assert allowed_actions("registration_closed", "lottery") == ["draw", "pause"]
    assert allowed_actions("registration_closed", "race") == ["start_selection", "pause"]
    assert allowed_actions("paused", "race", "selecting") == ["resume"]
    assert allowed_actions("finished", "race") == []


def test_registration_numbers():
    assert [registration_number(n) for n in (1, 42, 9999, 10000)] == ["RC-0001", "RC-0042", "RC-9999", "RC-10000"]
    with pytest.raises(ValueError):
        registration_number(0)


def test_masks():
    assert mask_id_number("11010519900307123X") == "110***********123X"
    assert len(mask_id_number("110105199003071234")) == 18
    assert mask_name("张三丰") == "张**" and mask_name("李四") == "李*" and mask_name("王") == "*"


def test_who_is_on_the_list_and_when_it_is_frozen():
    assert on_the_list("eligible", "registered", True, True)
    assert on_the_list("eligible", "registered", False, False)  # no 诚意金 asked
    assert not on_the_list("eligible", "registered", False, True)
    assert not on_the_list("pending", "registered", True, True)
    assert not on_the_list("eligible", "cancelled", True, True)
    assert not registrations_frozen("registration_closed", False)
    assert registrations_frozen("registration_closed", True)
    assert registrations_frozen("drawn", False)
