"""The RPC entrypoint every service uses: nameko's `rpc`, with domain errors expected (a 4xx
is not a server error), the call's seal and the project scope checked first.

First of all, the call must carry a seal (loupan.bus) of the actor it carries, or of no actor
for an RPC that takes none: an unsigned, expired or altered actor is refused (401
ACTOR_UNSIGNED / ACTOR_EXPIRED, 403 ACTOR_FORGED) and counted before anything else runs. The
broker's credentials are not a key to the services.

Before the body of an RPC that takes an `actor` runs, every project it names is checked
against the service's own project registry (`self.projects`, see loupan.projects):
- its `project_id` argument: the actor's agency must own the project (else 404
  PROJECT_NOT_FOUND) and the actor must be assigned to it (else 403 PROJECT_FORBIDDEN);
- project ids inside its `data` or `query` (`project_id`, `project_ids`, `to_project_ids`,
  e.g. the projects of a new account or of a 调岗): the actor's agency must own them (404).
So another agency's project, or no project at all, is refused before any row is read or
written. This is the one place the rule is enforced; records found by their own id are
checked against their row's agency by loupan.scope.get_in_scope.

Then the body runs as a command if the call carries a command id (loupan.commands): a
redelivered or retried command answers its first outcome and changes nothing. A body that
returns with writes after its last commit (nothing committed them, the worker's end would
roll them back unseen) raises `loupan.uow.UncommittedWrites` instead: a coding error, logged,
a 500; reads after the last commit are fine. A body that raises is rolled back as usual.

Most entrypoints are one of two shapes, written with `command(Out)` (load the actor, run,
commit, dump) or `query(Out)` (load the actor, run, dump); `rpc` is for the others.
"""
import functools
import inspect

from loupan import bus, commands
from loupan.errors import DomainError
from loupan.rpc import ResilientRpc
from loupan.schemas import dump
from loupan.scope import load_actor

nameko_rpc = ResilientRpc.decorator  # nameko's rpc, with replies that outlive the broker

NAMED_PROJECTS = ("project_id", "project_ids", "to_project_ids")  # keys of data/query naming projects


def rpc(method):
    signature = inspect.signature(method)
    takes_actor = "actor" in signature.parameters

    @functools.wraps(method)
    def scoped(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        arguments = bound.arguments
        bus.require(getattr(self, "db", None), method.__name__,
                    arguments.get("actor") if takes_actor else bus.NO_ACTOR)
        if takes_actor:
            actor = arguments["actor"]
            if arguments.get("project_id") is not None:
                self.projects.require(actor, arguments["project_id"])
            named = projects_named(arguments.get("data"), arguments.get("query"))
            if named:
                self.projects.require_owned(actor, named)
        uow = getattr(self, "db", None)
        if not hasattr(uow, "command"):  # no loupan.db.Database: no commands table either
            return method(self, *args, **kwargs)

        def body():
            result = method(self, *args, **kwargs)
            # a write after the last commit would be dropped at the worker's end: refused
            uow.require_committed(f"{self.name}.{method.__name__}")
            return result

        bound.apply_defaults()  # the same call fingerprints the same with defaults left out
        return commands.run(uow, self.name, method.__name__, bound.arguments, body)

    scoped.__signature__ = signature  # nameko checks a call's arguments against it
    return nameko_rpc(expected_exceptions=DomainError)(scoped)


def projects_named(*documents):
    """The integer project ids named in the call's documents; anything else is left to the
    contract's validation (a 400 there)."""
    found = []
    for document in documents:
        if not isinstance(document, dict):
            continue
        for key in NAMED_PROJECTS:
            value = document.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item.isascii() and item.isdigit():
                    item = int(item)  # a query string's value
                if isinstance(item, int) and not isinstance(item, bool):
                    found.append(item)
    return found


def command(out, many=False):
    """An RPC that changes state: the body gets the validated actor and returns what it
    made; the change is committed, then the result is dumped with `out` (the contract). A
    body that must answer something else, or commit more than once, uses `rpc` itself."""

    def decorate(method):
        @functools.wraps(method)  # keeps the signature: nameko and `rpc` read it
        def run(self, actor, *args, **kwargs):
            result = method(self, load_actor(actor), *args, **kwargs)
            self.db.commit()
            return dump(out, result, many=many)

        return rpc(run)

    return decorate


def query(out, many=False):
    """An RPC that reads: the body gets the validated actor; its result is dumped with `out`."""

    def decorate(method):
        @functools.wraps(method)
        def run(self, actor, *args, **kwargs):
            return dump(out, method(self, load_actor(actor), *args, **kwargs), many=many)

        return rpc(run)

    return decorate


class PingEntrypoints:
    """`ping`, a mixin of the services that answer it: one round trip with no database work
    (the benchmarks' baseline, and a probe that a service's RPC consumer is up)."""

    @rpc
    def ping(self):
        """One round trip with no database work: the benchmarks' baseline."""
        return "pong"
