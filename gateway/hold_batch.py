"""Buyers' holds on launch day, batched: the holds that reach this gateway process while one
batch is with inventory go together in the next, as one RPC (inventory.buyer_holds) decided
in one transaction (loupan/group_commit.py). Still first come, first served: a batch keeps
the order the requests arrived in, and inventory decides them in that order.

Why: a hold alone is one RPC round trip and one commit, and at the opening second a thousand
buyers press at once (docs/benchmarks.md, bench/online_launch.py). No timer: a quiet launch
sends batches of one as fast as before; under load a batch is whatever arrived during the
previous one, so its size follows the load.

Leader and followers, all green threads of one process (no locks: nothing yields between a
check and its update): a request that finds one of the IN_FLIGHT slots free leads a batch of
itself at once; the others wait, and when a batch is answered (each of its requests handed
its outcome) its slot passes to those waiting: the first of them leads them as the next
batch. Two in flight let inventory decide one batch while the next one travels (and use a
second worker). Every request waits on its own box."""
import os

from eventlet.queue import LightQueue
from nameko.exceptions import deserialize

from loupan.errors import Unavailable

MAX_BATCH = int(os.environ.get("HOLD_MAX_BATCH") or 100)  # a longer transaction holds its rows longer
# batches with inventory at once: one decided while the next travels (HOLD_BATCHES_IN_FLIGHT)
IN_FLIGHT = int(os.environ.get("HOLD_BATCHES_IN_FLIGHT") or 2)


class Batcher:
    def __init__(self, max_batch=MAX_BATCH, in_flight=IN_FLIGHT):
        self.max_batch = max_batch
        self.in_flight = in_flight
        self.waiting = []  # [(request, box)], in arrival order
        self.leading = 0  # batches in flight (each one's leader hands on to the next)

    def call(self, send, request):
        """The outcome of `request` once decided with whatever else is waiting: `send(requests)`
        answers one {"result": …} or {"error": serialized} per request, in order."""
        box = LightQueue()
        self.waiting.append((request, box))
        if self.leading < self.in_flight:  # a slot is free, so nobody else waits: lead now
            self.leading += 1
            self._lead(send, self._take())
        while True:
            kind, value = box.get()
            if kind == "lead":  # value: the batch this request leads (itself first)
                self._lead(send, value)
            elif kind == "result":
                return value
            else:
                raise value

    def _take(self):
        batch, self.waiting = self.waiting[:self.max_batch], self.waiting[self.max_batch:]
        return batch

    def _lead(self, send, batch):
        try:
            outcomes = send([request for request, _ in batch])
        except Exception as exc:  # noqa: BLE001 - the batch failed as a whole: each request says so
            for _, box in batch:
                box.put(("error", exc))
        except BaseException:  # the leader's worker killed: nobody may wait for ever
            for _, box in batch:
                box.put(("error", Unavailable("the batch of holds was interrupted: try again")))
            raise
        else:
            for (_, box), outcome in zip(batch, outcomes):
                if "error" in outcome:
                    box.put(("error", deserialize(outcome["error"])))
                else:
                    box.put(("result", outcome["result"]))
        finally:
            if self.waiting:  # this slot passes to the requests waiting: their first leads them
                following = self._take()
                following[0][1].put(("lead", following))
            else:
                self.leading -= 1


holds = Batcher()  # this process's buyers' holds
