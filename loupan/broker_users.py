"""Who may do what on the broker (issue 30, "the message bus is not a back door").

Each service, the gateway included, connects to RabbitMQ as its own user (its name: `hr`,
`inventory`, ..., `gateway`) with permissions on its own queues and exchanges only:

- nameko's RPC exchange `nameko-rpc` (every caller publishes requests and replies there;
  which entrypoint may run for whom is the bus seal's business, loupan/bus.py);
- its RPC queue `rpc-<svc>` and its reply queues `rpc.reply-<svc>-<uuid>`;
- its events exchange `<svc>.events` (declare, publish): no other user may write to it;
- its event handlers' queues `evt-<source>-<type>--<svc>.<method>`, with their `.retry` and
  `.dlq` queues (loupan/inbox.py), and the events exchanges it subscribes to (read, to
  bind; configure, because nameko declares the source's exchange before binding);
- the default exchange `amq.default`: loupan/inbox.py parks a failed event in its `.retry` or
  `.dlq` queue through it, and a `.retry` queue dead-letters back through it.

What is left open, and why: RabbitMQ has one permission for publishing to an exchange, not
one per routing key (topic permissions aside), so a service may publish an RPC request to any
service on `nameko-rpc` (refused without a valid seal) and, through `amq.default`, put a
message into any queue it can name; `configure` on the events exchanges it subscribes to lets
it delete one (the owner declares it again at its next publish). What no service can do: read
another service's queue (its RPC requests, its replies, its events) or publish on another
service's events exchange.

`feed` (the live board feed, gateway/feed) makes no RPC and publishes nothing: it declares
and reads its own stream queue `evt-board--feed.<name>`, binds it to the events exchanges it
follows (read and configure on those, as a handler queue's service has), and nothing else.

`keda` (optional) reads the depth of `rpc-inventory` for KEDA's scaler, by passive declares,
which need no permission; `admin` (optional) is the operator's, for the management UI.

Rendering: `python -m loupan.broker_users BASE OUT` reads the definitions without users
(deploy/rabbitmq/definitions.json) and writes them with the users, their salted password
hashes and permissions, from the environment: `<SVC>_AMQP_URI` for each service and
`FEED_AMQP_URI` for the feed (the same URI
the service connects with: the user and password are taken from it), `KEDA_AMQP_URI` and
`RABBITMQ_ADMIN_PASSWORD` if set. RabbitMQ loads the result at boot (`load_definitions`),
so a changed password takes effect at the broker's next start. Exit status 2 on a missing,
short or mismatched credential.
"""
import base64
import hashlib
import json
import os
import re
import secrets
import sys
from urllib.parse import unquote, urlsplit

SERVICES = ("hr", "inventory", "crm", "contracts", "finance", "gateway")
PROCESSES = ("feed",)  # broker users of processes that are not nameko services
USERS = SERVICES + PROCESSES
MIN_PASSWORD_LENGTH = 16
EVENTS_EXCHANGES = r"[a-z][a-z0-9_]*\.events"


def permissions(service):
    """{"configure", "write", "read"} regexes of `service`'s broker user."""
    if service == "feed":
        return feed_permissions()
    s = re.escape(service)
    own_queues = rf"rpc-{s}|rpc\.reply-{s}-[^.]+|evt-[^.]+--{s}\..+"
    return {
        "configure": rf"^(nameko-rpc|{own_queues}|{EVENTS_EXCHANGES})$",
        "write": rf"^(nameko-rpc|amq\.default|{s}\.events|{own_queues})$",
        "read": rf"^(nameko-rpc|{own_queues}|{EVENTS_EXCHANGES})$",
    }


def feed_permissions():
    own = r"evt-[^.]+--feed\..+"
    return {"configure": rf"^({own}|{EVENTS_EXCHANGES})$", "write": rf"^({own})$",
            "read": rf"^({own}|{EVENTS_EXCHANGES})$"}


KEDA_PERMISSIONS = {"configure": "^$", "write": "^$", "read": "^$"}
ADMIN_PERMISSIONS = {"configure": ".*", "write": ".*", "read": ".*"}


def password_hash(password, salt=None):
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password))."""
    salt = salt if salt is not None else secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


class CredentialError(ValueError):
    pass


def credentials(environ):
    """[(user, password, tags, permissions)] from the environment (see the module's doc)."""
    found = []
    for service in USERS:
        uri = environ.get(f"{service.upper()}_AMQP_URI", "")
        if not uri:
            raise CredentialError(f"{service.upper()}_AMQP_URI is not set")
        parts = urlsplit(uri)
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        if user != service:
            raise CredentialError(f"{service.upper()}_AMQP_URI connects as {user!r}, not as {service!r}")
        found.append((user, password, [], permissions(service)))
    keda = environ.get("KEDA_AMQP_URI", "")
    if keda:
        parts = urlsplit(keda)
        found.append((unquote(parts.username or ""), unquote(parts.password or ""), [], KEDA_PERMISSIONS))
    admin = environ.get("RABBITMQ_ADMIN_PASSWORD", "")
    if admin:
        found.append(("admin", admin, ["administrator"], ADMIN_PERMISSIONS))
    for user, password, _tags, _perms in found:
        if len(password) < MIN_PASSWORD_LENGTH or "CHANGE-ME" in password:
            raise CredentialError(f"the broker password of {user!r} is missing, a placeholder or shorter "
                                  f"than {MIN_PASSWORD_LENGTH}")
    return found


def render(base, environ, vhost="/"):
    """`base` definitions (a dict, no users) with the users and permissions added."""
    rendered = json.loads(json.dumps(base))
    rendered["users"], rendered["permissions"] = [], []
    for user, password, tags, perms in credentials(environ):
        rendered["users"].append({"name": user, "password_hash": password_hash(password),
                                  "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": tags})
        rendered["permissions"].append({"user": user, "vhost": vhost, **perms})
    return rendered


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m loupan.broker_users BASE_DEFINITIONS OUT", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as handle:
        base = json.load(handle)
    try:
        rendered = render(base, os.environ)
    except CredentialError as exc:
        print(f"broker users: {exc}", file=sys.stderr)
        return 2
    tmp = f"{argv[1]}.tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), "w", encoding="utf-8") as handle:
        json.dump(rendered, handle, indent=2)
    os.replace(tmp, argv[1])
    print(f"broker users: wrote {len(rendered['users'])} users to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
