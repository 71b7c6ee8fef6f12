"""The broker users' permissions (loupan/broker_users.py) on the machine's real RabbitMQ.

A throw-away vhost and one user per service with exactly the shipped permissions; AMQP
clients declare and use what nameko and loupan's kernel declare and use (the names of
nameko/rpc.py, nameko/events.py, loupan/inbox.py, loupan/publisher.py), each as its own
user: every service can run (its RPC queue, replies, events, handler queues with their retry
and dead-letter queues, an RPC to another service and its answer), and none can read another
service's queue or publish on another service's events exchange. The vhost and the users
are deleted after.
"""
import uuid

import amqp
import pytest
from amqp.exceptions import AccessRefused

from loupan.broker_users import KEDA_PERMISSIONS, SERVICES, USERS, permissions
from loupan.testing.system import AMQP_BASE, Rabbit

RPC_EXCHANGE = "nameko-rpc"
RETRY_TTL_MS = 50


@pytest.fixture(scope="module")
def broker():
    rabbit = Rabbit()
    tag = uuid.uuid4().hex[:8]
    vhost = f"loupan-perms-{tag}"
    rabbit.create_vhost(vhost)
    users = {}
    try:
        for name, perms in [(s, permissions(s)) for s in USERS] + [("keda", KEDA_PERMISSIONS)]:
            user, password = f"perm-{tag}-{name}", uuid.uuid4().hex
            rabbit.create_user(user, password)
            rabbit.grant(vhost, user, **perms)
            users[name] = (user, password)
        yield vhost, users
    finally:
        rabbit.delete_vhost(vhost)
        for user, _ in users.values():
            rabbit.delete_user(user)


def host():
    base = AMQP_BASE.format(user="u", password="p", vhost="v")
    return base.split("@", 1)[1].split("/", 1)[0]


class Client:
    """One service's connection, as its user."""

    def __init__(self, broker, name):
        vhost, users = broker
        self.name = name
        user, password = users[name]
        self.conn = amqp.Connection(host=host(), userid=user, password=password, virtual_host=vhost,
                                    confirm_publish=True)  # a refused publish is an error of basic_publish
        self.conn.connect()

    def channel(self):
        return self.conn.channel()

    def close(self):
        self.conn.collect()

    # what nameko and the kernel declare
    def rpc_queue(self):
        ch = self.channel()
        ch.exchange_declare(RPC_EXCHANGE, "topic", durable=True, auto_delete=False)
        ch.queue_declare(f"rpc-{self.name}", durable=True, auto_delete=False)
        ch.queue_bind(f"rpc-{self.name}", RPC_EXCHANGE, f"{self.name}.*")
        return ch

    def reply_queue(self):
        ch = self.channel()
        routing_key = str(uuid.uuid4())
        queue = f"rpc.reply-{self.name}-{routing_key}"
        ch.exchange_declare(RPC_EXCHANGE, "topic", durable=True, auto_delete=False)
        ch.queue_declare(queue, durable=False, auto_delete=True, exclusive=False)
        ch.queue_bind(queue, RPC_EXCHANGE, routing_key)
        return ch, queue, routing_key

    def handler_queue(self, source, event_type, method):
        ch = self.channel()
        queue = f"evt-{source}-{event_type}--{self.name}.{method}"
        ch.exchange_declare(f"{source}.events", "topic", durable=True, auto_delete=False)
        ch.queue_declare(queue, durable=True, auto_delete=False)
        ch.queue_bind(queue, f"{source}.events", event_type)
        ch.queue_declare(f"{queue}.retry", durable=True, auto_delete=False,
                         arguments={"x-message-ttl": RETRY_TTL_MS, "x-dead-letter-exchange": "",
                                    "x-dead-letter-routing-key": queue})
        ch.queue_declare(f"{queue}.dlq", durable=True, auto_delete=False)
        return ch, queue

    def publish_event(self, event_type, body, source=None):
        ch = self.channel()
        exchange = f"{source or self.name}.events"
        if source is None:
            ch.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
        ch.basic_publish(amqp.Message(body, delivery_mode=2), exchange=exchange, routing_key=event_type)


def get(channel, queue, timeout=5.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = channel.basic_get(queue, no_ack=True)
        if message is not None:
            return message
        time.sleep(0.02)
    raise AssertionError(f"nothing arrived in {queue}")


def refused(client, action):
    """`action(channel)` on a fresh channel of `client` is refused with ACCESS_REFUSED."""
    channel = client.channel()
    with pytest.raises(AccessRefused):
        action(channel)


@pytest.fixture
def clients(broker):
    made = {}

    def client(name):
        if name not in made:
            made[name] = Client(broker, name)
        return made[name]

    yield client
    for c in made.values():
        c.close()


def test_each_service_can_do_what_it_needs(clients):
    inventory, crm, contracts = clients("inventory"), clients("crm"), clients("contracts")
    # an RPC from crm to inventory, and the answer
    inv_rpc = inventory.rpc_queue()
    crm_ch, reply_queue, reply_key = crm.reply_queue()
    crm_ch.basic_publish(amqp.Message(b'{"args": []}', reply_to=reply_key, correlation_id="c1"),
                         exchange=RPC_EXCHANGE, routing_key="inventory.get_unit")
    request = get(inv_rpc, "rpc-inventory")
    assert request.reply_to == reply_key
    inv_rpc.basic_publish(amqp.Message(b'{"result": 1}', correlation_id="c1"),
                          exchange=RPC_EXCHANGE, routing_key=request.reply_to)
    assert get(crm_ch, reply_queue).body == b'{"result": 1}'
    # inventory's handler of contracts' event: bound, fed, retried through the default exchange, parked
    inv_evt, queue = inventory.handler_queue("contracts", "subscription_approved", "on_subscription_approved")
    contracts.publish_event("subscription_approved", b'{"id": 1}')
    event = get(inv_evt, queue)
    inv_evt.basic_publish(amqp.Message(event.body), exchange="", routing_key=f"{queue}.retry")
    assert get(inv_evt, queue).body == b'{"id": 1}'  # back from .retry after its TTL
    inv_evt.basic_publish(amqp.Message(event.body), exchange="", routing_key=f"{queue}.dlq")
    assert get(inv_evt, f"{queue}.dlq").body == b'{"id": 1}'  # loupan.replay reads it
    # its own events exchange
    inventory.publish_event("unit_held", b'{"unit": 1}')
    # every service (the gateway too) can set up its RPC queue, replies and a handler
    for name in SERVICES:
        client = clients(name)
        client.rpc_queue()
        client.reply_queue()
        client.handler_queue("hr", "account_created", "on_account_created")
        client.publish_event("probe", b"{}")


def test_no_service_reads_another_ones_queues_or_publishes_its_events(clients):
    inventory, crm = clients("inventory"), clients("crm")
    inventory.rpc_queue()
    _, inv_reply, _ = inventory.reply_queue()
    _, inv_handler = inventory.handler_queue("contracts", "subscription_approved", "on_subscription_approved")
    for queue in ("rpc-inventory", inv_reply, inv_handler, f"{inv_handler}.dlq", f"{inv_handler}.retry"):
        refused(crm, lambda ch, q=queue: ch.basic_get(q))
        refused(crm, lambda ch, q=queue: ch.basic_consume(q, callback=lambda m: None))
        refused(crm, lambda ch, q=queue: ch.queue_purge(q))
        refused(crm, lambda ch, q=queue: ch.queue_delete(q))
    # nor binds its RPC queue or a handler's queue of its own making to read them
    refused(crm, lambda ch: ch.queue_declare("rpc-inventory", durable=True, auto_delete=False))
    refused(crm, lambda ch: ch.queue_declare("evt-x-y--inventory.spy", durable=True, auto_delete=False))
    refused(crm, lambda ch: ch.queue_declare("rpc.reply-inventory-spy", auto_delete=True))
    # nor publishes as inventory (or any other service) on its events exchange
    for source in SERVICES:
        if source != "crm":
            refused(crm, lambda ch, s=source: crm_publish(ch, s))
    # the gateway is one service among others
    refused(clients("gateway"), lambda ch: ch.basic_get("rpc-inventory"))


def crm_publish(channel, source):
    channel.basic_publish(amqp.Message(b'{"forged": true}'), exchange=f"{source}.events", routing_key="unit_held")


def test_keda_reads_the_queue_depth_and_nothing_else(clients):
    clients("inventory").rpc_queue()
    keda = clients("keda")
    _, messages, consumers = keda.channel().queue_declare("rpc-inventory", passive=True)
    assert messages >= 0
    refused(keda, lambda ch: ch.basic_get("rpc-inventory"))
    refused(keda, lambda ch: ch.basic_publish(amqp.Message(b"x"), exchange=RPC_EXCHANGE, routing_key="inventory.x"))


def test_a_service_asks_another_through_a_standalone_proxy_on_its_own_reply_queue(broker, clients):
    """loupan/projects.py asks inventory who owns a project through nameko's standalone proxy,
    whose reply queue nameko names rpc.reply-standalone_rpc_proxy-<uuid>: under crm's user
    that is refused; own_rpc_proxy names it after the service, and the call is answered."""
    import json
    import threading

    from nameko.standalone.rpc import ServiceRpcProxy

    from loupan.projects import own_rpc_proxy

    vhost, users = broker
    user, password = users["crm"]
    config = {"AMQP_URI": AMQP_BASE.format(user=user, password=password, vhost=vhost)}
    inventory = clients("inventory")
    inv = inventory.rpc_queue()
    with pytest.raises(AccessRefused):
        with ServiceRpcProxy("inventory", config, timeout=5):
            pass

    def answer():
        request = get(inv, "rpc-inventory", timeout=10)
        assert request.delivery_info["routing_key"] == "inventory.project_owner"
        inv.basic_publish(amqp.Message(json.dumps({"result": 7, "error": None}), content_type="application/json",
                                       correlation_id=request.correlation_id),
                          exchange=RPC_EXCHANGE, routing_key=request.reply_to)

    responder = threading.Thread(target=answer)
    responder.start()
    with own_rpc_proxy("crm")("inventory", config, timeout=10) as proxy:
        assert proxy.project_owner(1) == 7
    responder.join()


def test_the_feed_reads_its_stream_of_board_events_and_nothing_else(clients):
    """The live board feed (gateway/feed/broker.py): its stream queue bound to inventory's and
    contracts' events, read from an offset; no RPC queue, no other queue, no publishing."""
    from gateway.feed.broker import QUEUE

    feed, inventory = clients("feed"), clients("inventory")
    ch = feed.channel()
    for source in ("inventory", "contracts"):
        ch.exchange_declare(f"{source}.events", "topic", durable=True, auto_delete=False)
    ch.queue_declare(QUEUE, durable=True, auto_delete=False, arguments={"x-queue-type": "stream"})
    ch.queue_bind(QUEUE, "inventory.events", "unit_held")
    ch.queue_bind(QUEUE, "contracts.events", "contract_signed")
    inventory.publish_event("unit_held", b'{"type": "unit_held"}')
    got = []
    ch.basic_qos(0, 10, False)
    ch.basic_consume(QUEUE, callback=got.append, arguments={"x-stream-offset": "first"})
    import time

    deadline = time.monotonic() + 5
    while not got and time.monotonic() < deadline:
        try:
            feed.conn.drain_events(timeout=0.2)
        except Exception:  # socket.timeout  # noqa: BLE001
            pass
    assert got and got[0].body == b'{"type": "unit_held"}' and got[0].headers["x-stream-offset"] == 0
    inventory.rpc_queue()
    refused(feed, lambda c: c.basic_get("rpc-inventory"))
    refused(feed, lambda c: c.queue_declare("rpc-feed", durable=True, auto_delete=False))
    refused(feed, lambda c: c.basic_publish(amqp.Message(b"{}"), exchange="inventory.events", routing_key="unit_held"))
    refused(feed, lambda c: c.basic_publish(amqp.Message(b"{}"), exchange="nameko-rpc", routing_key="inventory.x"))
