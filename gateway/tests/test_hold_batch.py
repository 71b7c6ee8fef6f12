"""The gateway's batcher of buyers' holds (gateway/hold_batch.py), with real green threads:
the first request leads a batch of one, those arriving meanwhile go together in the next,
in arrival order, each gets its own outcome (a refusal comes back as its own error class),
a failed batch fails each of its requests, and leadership passes on so nobody is left waiting."""
import eventlet
import pytest
from nameko.exceptions import serialize

from gateway.hold_batch import Batcher
from loupan.errors import Conflict, TooSoon, Unavailable


def recording(batches, fail_on=None):
    def send(requests):
        batches.append(list(requests))
        eventlet.sleep(0.05)  # the RPC's round trip: others arrive meanwhile
        if fail_on is not None and fail_on in requests:
            raise Unavailable("inventory did not answer", "SERVICE_UNAVAILABLE")
        return [{"error": serialize(Conflict(f"unit {r} is not available", "UNIT_NOT_AVAILABLE"))} if r % 3 == 0
                else {"error": serialize(TooSoon("wait", "HOLD_ATTEMPTS_EXCEEDED", 90))} if r % 3 == 1
                else {"result": {"hold_id": r}} for r in requests]
    return send


def outcome(batcher, send, request):
    try:
        return batcher.call(send, request)
    except (Conflict, TooSoon, Unavailable) as exc:
        return exc


def test_requests_arriving_during_a_batch_go_together_in_arrival_order():
    batches, batcher = [], Batcher(in_flight=1)
    send = recording(batches)
    threads = []
    for r in range(1, 13):
        threads.append(eventlet.spawn(outcome, batcher, send, r))
        eventlet.sleep(0)  # each arrives in turn
    results = [t.wait() for t in threads]
    assert batches == [[1], list(range(2, 13))]
    for r, got in zip(range(1, 13), results):
        if r % 3 == 2:
            assert got == {"hold_id": r}
        elif r % 3 == 0:
            assert isinstance(got, Conflict) and got.code == "UNIT_NOT_AVAILABLE"
        else:
            assert isinstance(got, TooSoon) and got.code == "HOLD_ATTEMPTS_EXCEEDED" and got.retry_after == 90
    assert not batcher.leading and batcher.waiting == []


def test_a_batch_is_at_most_max_batch_and_the_rest_follow():
    batches, batcher = [], Batcher(max_batch=4, in_flight=1)
    send = recording(batches)
    threads = []
    for r in range(1, 11):
        threads.append(eventlet.spawn(outcome, batcher, send, r))
        eventlet.sleep(0)
    [t.wait() for t in threads]
    assert batches == [[1], [2, 3, 4, 5], [6, 7, 8, 9], [10]]


def test_a_failed_batch_fails_each_of_its_requests_and_the_next_batch_still_runs():
    batches, batcher = [], Batcher(in_flight=1)
    send = recording(batches, fail_on=3)
    threads = []
    for r in (2, 3, 5, 8):
        threads.append(eventlet.spawn(outcome, batcher, send, r))
        eventlet.sleep(0)
    first = threads[0].wait()
    rest = [t.wait() for t in threads[1:]]
    assert first == {"hold_id": 2}
    assert all(isinstance(x, Unavailable) for x in rest)  # 3, 5 and 8 went together
    assert batcher.call(send, 11) == {"hold_id": 11}  # the batcher is free again


def test_two_batches_in_flight_each_slot_passes_to_whoever_waits():
    batches, batcher = [], Batcher(in_flight=2)
    send = recording(batches)
    threads = []
    for r in range(1, 12):
        threads.append(eventlet.spawn(outcome, batcher, send, r))
        eventlet.sleep(0)
    results = [t.wait() for t in threads]
    assert batches[:2] == [[1], [2]]  # two slots: the first two lead at once
    assert sorted(r for b in batches for r in b) == list(range(1, 12))  # each request once
    assert all(b == sorted(b) for b in batches)  # arrival order within a batch
    assert [r for b in batches[2:] for r in b] == list(range(3, 12))  # the rest in order
    assert results[1] == {"hold_id": 2} and not batcher.leading and batcher.waiting == []


@pytest.mark.parametrize("quiet", [1, 3])
def test_a_quiet_launch_sends_batches_of_one(quiet):
    batches, batcher = [], Batcher()
    send = recording(batches)
    for r in range(quiet):
        assert batcher.call(send, 3 * r + 2) == {"hold_id": 3 * r + 2}
    assert batches == [[3 * r + 2] for r in range(quiet)]
