"""The broker for service tests: one vhost per test module, emptied before each test.

nameko's plugin gives every test a vhost of its own. Creating a service's queues in a new
vhost is most of a container's start (0.2-0.4 s for crm's twelve handlers and their retry
and dead-letter queues, against 0.06 s when they exist), and dropping the vhost after is as
much again on the broker, for each of ~1,100 service tests. Here a module's tests share one
vhost: its queues are made once, and before each test every queue is emptied, once no
consumer of the test before is left on it (a killed container's unacked messages go back
to their queue when its channel closes, so they are purged too, not handed to this test).

A test that needs a broker nobody used (counts what reached a queue, or relies on an
event reaching no queue at all) is marked `fresh_broker` and gets nameko's vhost of its own."""
import time
from urllib.parse import urlparse

import pytest
from kombu import Connection

DRAIN_TIMEOUT = 10.0  # how long the last test's consumers may take to go


def pytest_configure(config):
    config.addinivalue_line("markers", "fresh_broker: a vhost of the test's own, used by no test before")


@pytest.fixture(scope="module")
def module_vhost(vhost_pipeline):
    with vhost_pipeline.get() as vhost:
        yield vhost


@pytest.fixture
def rabbit_config(request, rabbit_manager, vhost_pipeline):
    """nameko's fixture of that name, with the module's vhost unless marked fresh_broker."""
    uri = urlparse(request.config.getoption("RABBIT_AMQP_URI"))

    def conf(vhost):
        return {"AMQP_URI": f"{uri.scheme}://{uri.netloc}/{vhost}", "username": uri.username, "vhost": vhost}

    if request.node.get_closest_marker("fresh_broker"):
        with vhost_pipeline.get() as vhost:
            yield conf(vhost)
        return
    vhost = request.getfixturevalue("module_vhost")
    config = conf(vhost)
    empty_queues(config["AMQP_URI"], [q["name"] for q in rabbit_manager.get_queues(vhost) if not q.get("exclusive")])
    yield config


def empty_queues(amqp_uri, names):
    """Purge every queue of `names` that holds messages, once none has a consumer (a queue
    gone meanwhile is skipped). The counts come from passive declares, which the broker answers from the
    queue itself; the management API's figures lag by seconds."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        waiting = list(names)
        while waiting:
            busy = []
            for name in waiting:
                try:
                    _, messages, consumers = channel.queue_declare(name, passive=True)
                except conn.channel_errors:  # deleted (auto-delete, exclusive): nothing to empty
                    channel = conn.channel()
                    continue
                if consumers and time.monotonic() < deadline:
                    busy.append(name)
                elif messages:  # most are empty: no second round trip for those
                    channel.queue_purge(name)
            if busy:
                time.sleep(0.01)
            waiting = busy
