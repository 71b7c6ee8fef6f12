"""The message bus is not a back door: every RPC carries a seal, and no entrypoint body runs
without a good one.

A seal is an HMAC-SHA256, with the bus key (`BUS_KEY`, `LOUPAN_BUS_KEY`: random, >= 32
bytes, held by the gateway and the services and nobody else), over the canonical JSON of
{actor, exp, by}: the actor the call carries (its five fields, see loupan.scope; None for a
call with no actor, e.g. `hr.authenticate`), when the seal expires, and who sealed it. It
travels in the call's context data (`loupan_seal`, the AMQP header `nameko.loupan_seal`), so
nameko passes it on by itself to the calls a worker makes, and the actor argument is left
as it was (a command's fingerprint, loupan.commands, does not change with a new seal).

- The caller's side is loupan.rpc.TimedRpcProxy (and loupan.projects' lookup): a call on
  behalf of the actor a worker was called with passes the seal it came with on unchanged
  (the gateway's, with its expiry); any other call (a timer's, an event handler's, one made
  with another actor) is sealed by the calling service itself, `by` its name. The gateway
  seals the actor it built from the token and the account's state.
- The callee's side is `require`, run by loupan.entrypoints.rpc before the project checks
  and the body: no seal is 401 ACTOR_UNSIGNED, an expired one 401 ACTOR_EXPIRED, one that
  does not match the actor the call carries (a role changed after sealing, another key)
  403 ACTOR_FORGED; each is counted in `loupan_bus_refused_total{entrypoint, reason}`.

Rotation: `BUS_KEY_PREVIOUS` (`LOUPAN_BUS_KEY_PREVIOUS`) is accepted besides `BUS_KEY` while
every process moves to the new key (docs/operations.md). A seal proves its maker holds the
key; it does not bind the call's other arguments, so a seal read off the broker could be
replayed for its lifetime (`BUS_SEAL_SECONDS`, 60 s): who may read the RPC queues is the
broker's permissions' business (docs/operations.md)."""
import hashlib
import hmac
import json
import time

from prometheus_client import Counter

from loupan.errors import Forbidden, Unauthenticated
from loupan.keys import check_key
from loupan.roles import SYSTEM as SYSTEM_ROLE

SEAL = "loupan_seal"  # the context-data key
VERSION = "v1"
FIELDS = ("account_id", "username", "role", "agency_id", "project_ids")  # loupan.scope.ActorSchema
DEFAULT_KEY = "dev-only-bus-key-set-LOUPAN_BUS_KEY-in-production"  # as the config files write it
SEAL_SECONDS = 60
NO_ACTOR = object()  # `require` for a call that takes no actor
GATEWAY = "gateway"  # the issuer of the seals of users' calls (the gateway's service name)


def check_config(config):
    """Called by loupan.run for every process: no process on the public or a short bus key."""
    return check_key(config, "BUS_KEY", "LOUPAN_BUS_KEY", DEFAULT_KEY,
                     "call any service as any role of any agency over the broker", "the config files",
                     ", the same in the gateway and every service")


def _keys(config):
    """The key that seals, then the keys a seal is checked against (the previous one during a
    rotation)."""
    current = str(config.get("BUS_KEY") or "")
    if not current:
        return []  # nothing verifies; `seal` refuses to seal
    previous = str(config.get("BUS_KEY_PREVIOUS") or "")
    return [current.encode()] + ([previous.encode()] if previous and previous != current else [])


def canonical(actor):
    """The bytes a seal covers of an actor: its five fields, in one spelling."""
    if actor is None:
        return None
    return {k: actor.get(k) for k in FIELDS}


def _payload(actor, expires, issuer):
    return json.dumps({"actor": canonical(actor), "exp": expires, "by": issuer}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _mac(key, actor, expires, issuer):
    return hmac.new(key, _payload(actor, expires, issuer), hashlib.sha256).hexdigest()


def seal(config, actor, issuer, seconds=None, now=None):
    """A seal of `actor` (a dict, or None) by `issuer`, valid `seconds` (BUS_SEAL_SECONDS)."""
    seconds = int(seconds if seconds is not None else config.get("BUS_SEAL_SECONDS") or SEAL_SECONDS)
    expires = int(now if now is not None else time.time()) + seconds
    keys = _keys(config)
    if not keys:
        raise ValueError("this process holds no bus key (BUS_KEY, LOUPAN_BUS_KEY): it cannot call a service")
    return f"{VERSION}:{issuer}:{expires}:{_mac(keys[0], actor, expires, issuer)}"


class Refused(Exception):
    """Why a seal does not hold: `reason` is unsigned, expired or forged."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def verify(config, token, actor, now=None):
    """The issuer of `token` if it seals `actor` (None: no actor) and has not expired;
    else Refused."""
    if not token:
        raise Refused("unsigned")
    if actor is not None and not isinstance(actor, dict):
        raise Refused("forged")
    try:
        version, issuer, expires, mac = str(token).split(":")
        expires = int(expires)
    except ValueError:
        raise Refused("forged") from None
    if version != VERSION or not any(hmac.compare_digest(mac, _mac(k, actor, expires, issuer))
                                     for k in _keys(config)):
        raise Refused("forged")
    if expires < (now if now is not None else time.time()):
        raise Refused("expired")
    return issuer


REFUSALS = {
    "unsigned": lambda: Unauthenticated("the call carries no seal: only the gateway and the services "
                                        "may call a service", "ACTOR_UNSIGNED"),
    "expired": lambda: Unauthenticated("the call's seal has expired", "ACTOR_EXPIRED"),
    "forged": lambda: Forbidden("the call's seal does not match its actor", "ACTOR_FORGED"),
    "system_by_gateway": lambda: Forbidden("a service's own actor (role system) sealed by the gateway: only "
                                           "a service acts as itself", "SYSTEM_FROM_GATEWAY"),
}


def refused_counter():
    from loupan.ops import metric  # loupan.ops imports the inbox, which imports entrypoints

    return metric(Counter, "loupan_bus_refused_total",
                  "RPC calls refused before their body: no seal, an expired one, or one that does "
                  "not match the actor (a forged or altered actor).", ("entrypoint", "reason"))


def require(uow, entrypoint, actor):
    """Before an RPC's body: the seal of the worker's context (`uow`: the service's unit of
    work, loupan.db, which holds the worker's context data and the container's config) must
    cover `actor` (NO_ACTOR: a call with none); else the refusal, counted. Returns who
    sealed it, also kept as `uow.sealed_by` for the body (`acts_as_service`). A service with
    no unit of work refuses every call (closed, not open). A SYSTEM actor (a service acting as
    itself: its timers', event handlers' and sagas' calls) sealed by the gateway is refused
    (403 SYSTEM_FROM_GATEWAY): users' calls come through the gateway, a service's never do."""
    context = getattr(uow, "context_data", None) or {}
    config = getattr(uow, "container_config", None) or {}
    try:
        issuer = verify(config, context.get(SEAL), None if actor is NO_ACTOR else actor)
        if issuer == GATEWAY and isinstance(actor, dict) and actor.get("role") == SYSTEM_ROLE:
            raise Refused("system_by_gateway")
    except Refused as exc:
        refused_counter().labels(entrypoint, exc.reason).inc()
        raise REFUSALS[exc.reason]() from None
    if uow is not None:
        uow.sealed_by = issuer
    return issuer


def system_actor(service, agency_id, project_id=None):
    """The actor of a service acting as itself (a timer, an event handler, a saga's sweep) for
    one agency and, if given, one project: role SYSTEM, no account (0). The agency and the
    project scope the call like any actor's; the callee trusts the role only when a service
    sealed it (`acts_as_service`)."""
    return {"account_id": 0, "username": service, "role": SYSTEM_ROLE, "agency_id": agency_id,
            "project_ids": None if project_id is None else [project_id]}


def acts_as_service(uow, actor):
    """True if `actor` is a SYSTEM actor whose call a service (not the gateway) sealed, as
    checked by `require` before the body: the rules that let a service act on anyone's record
    of the actor's scope (inventory's own_hold, swap and release) ask this, never the role alone."""
    sealed_by = getattr(uow, "sealed_by", None)
    return (isinstance(actor, dict) and actor.get("role") == SYSTEM_ROLE
            and sealed_by is not None and sealed_by != GATEWAY)


def actor_of_call(args, kwargs):
    """The actor an outgoing call carries: its `actor` keyword or its first argument if that
    is an actor dict (every RPC taking an actor takes it first); None otherwise."""
    if "actor" in kwargs:
        return kwargs["actor"]
    first = args[0] if args else None
    if isinstance(first, dict) and {"account_id", "role", "agency_id"} <= first.keys():
        return first
    return None


def seal_for_call(config, issuer, incoming, args, kwargs):
    """The seal an outgoing call carries: `incoming` (the worker's own) if it seals the same
    actor, else a new one by `issuer`."""
    actor = actor_of_call(args, kwargs)
    if incoming:
        try:
            verify(config, incoming, actor)
            return incoming
        except Refused:
            pass
    return seal(config, actor, issuer)
