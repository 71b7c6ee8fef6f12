"""The error codes each route can send, read from the code (issue 16: the OpenAPI's codes are
the codes the routes send, one list per route), not from a hand-kept table that drifts.

A static scan of the source (ast, nothing imported): every construction of a loupan.errors
class (or a subclass defined in the scanned code) with its code, per function; the calls each
function makes; and the RPCs a function calls through a service proxy (`self.crm.get_customer`).
A route's codes are those its handler can reach: its own calls inside the gateway, and for
each RPC, the closure of that entrypoint inside its service (and the RPCs that service makes
in turn), the kernel `loupan/` included. Calls are followed by what the scan can resolve: a
module's function (`customers.get_customer`, an imported name), else a method of that name in
the package (`self._site_owners`, `uow.publish`); a code that is not a string literal or a
module constant is named in DYNAMIC. It over-approximates (a branch never taken in a call still
counts): a code documented may be one no caller provokes, never one the code cannot send."""
import ast
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from loupan.roles import PUBLIC

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("inventory", "hr", "crm", "contracts", "finance")
ERRORS_MODULE = "loupan.errors"
RPC_DECORATORS = ("rpc", "command", "query")
# entrypoints are reached by a request, an event or a timer, never called by name
ENTRYPOINTS = RPC_DECORATORS + ("route", "http", "handles", "every", "event_handler", "timer")

# Codes the scan cannot read where they are raised ("module:function" -> a function of the
# Scan giving {(status, code)}); a construction whose code is neither a literal, a constant,
# nor made of the caller's literal arguments (`not_found("customer", id)` -> CUSTOMER_NOT_FOUND)
# must be named here: gateway/tests/test_error_codes.py fails on one that is not.
def _deal_moves(scan):
    """subscriptions.move_deal raises its DealMove's code (409): the table of deal_rules."""
    tree = scan.trees["services.contracts.deal_rules"]
    return {(409, call.args[2].value) for call in ast.walk(tree) if isinstance(call, ast.Call)
            and getattr(call.func, "id", None) == "DealMove" and isinstance(call.args[2], ast.Constant)}


def _probation_problems(scan):
    """recruiting.review_probation raises what recruiting_rules.review_problem returns."""
    fn = scan.functions[("services.hr.recruiting_rules", "review_problem")]
    returned = {r.value.value for r in ast.walk(fn.node) if isinstance(r, ast.Return)
                and isinstance(r.value, ast.Constant) and isinstance(r.value.value, str)}
    return {(409 if code == "PROBATION_DECIDED" else 422, code) for code in returned}


def _spreadsheet_child(scan):
    """The reader process reports the error it raised (loupan/xlsx_reader.py's own codes); the
    parent raises it again."""
    return {e for fn in scan.functions.values() if fn.module == "loupan.xlsx_reader"
            for e in fn.errors}


def _selection_refusals(scan):
    """selection.refuse raises launch_rules.REFUSALS' codes, each with its status (403 or 409)."""
    tree = scan.trees["services.inventory.launch_rules"]
    table = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and getattr(node.targets[0], "id", None) == "REFUSALS")
    return {(status.value, code.value) for code, status in zip(table.keys, table.values)}


DYNAMIC = {
    "loupan.commands:replay": lambda scan: set(),  # the first outcome of the same command, counted there
    # the seal refusals (LOOSE): the gateway seals every call it makes, never as a service's own
    # actor, so no HTTP caller meets them (loupan/tests/test_bus.py proves them)
    "loupan.bus:require": lambda scan: set(),
    "services.contracts.subscriptions:move_deal": _deal_moves,
    "services.inventory.selection:refuse": _selection_refusals,
    "services.hr.recruiting:review_probation": _probation_problems,
    "loupan.xlsx_reader:in_child": _spreadsheet_child,
}
# Modules that build errors outside any function (module-level tables of lambdas), and where
# those are accounted for.
LOOSE = {"loupan.bus": "REFUSALS, raised by bus.require (DYNAMIC)"}
STRING_METHODS = ("upper", "lower", "replace", "strip", "title")


@dataclass
class Function:
    module: str
    name: str
    node: ast.AST
    params: list  # positional parameter names, `self` included
    defaults: dict  # parameter -> its default when a string
    is_method: bool
    cls: str = None  # the class defining a method
    errors: set = field(default_factory=set)  # {(status, code)}
    templates: list = field(default_factory=list)  # [(status, code expression, line)]
    calls: list = field(default_factory=list)  # [(("module", module, name) | ("method", name), ast.Call)]
    rpcs: set = field(default_factory=set)  # {(service, method)}
    dynamic: list = field(default_factory=list)  # lines of constructions the scan cannot read
    is_rpc: bool = False
    is_entrypoint: bool = False


def module_constants(tree):
    """A module's string constants: `NAME = "text"`, and `A, B = NAMES` of a tuple of texts."""
    out, tuples = {}, {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if isinstance(value, ast.Name) and value.id in tuples:
            value = tuples[value.id]
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, str):
            out[target.id] = value.value
        elif isinstance(target, ast.Name) and isinstance(value, ast.Tuple):
            tuples[target.id] = value
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
                and len(target.elts) == len(value.elts):
            for name, item in zip(target.elts, value.elts):
                if isinstance(name, ast.Name) and isinstance(item, ast.Constant) and isinstance(item.value, str):
                    out[name.id] = item.value
    return out


def outside_functions(node):
    """The nodes under `node` that no def encloses."""
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield child
            yield from outside_functions(child)


def module_name(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def sources():
    """The scanned modules: the kernel, the gateway and each service, without tests, migrations
    or the test harness."""
    folders = [ROOT / "loupan", ROOT / "gateway"] + [ROOT / "services" / s for s in SERVICES]
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if any(p in ("tests", "migrations", "testing") for p in parts):
                continue
            yield module_name(path), path


class Scan:
    def __init__(self):
        self.trees = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in sources()}
        self.names = {module: self._imports(module, tree) for module, tree in self.trees.items()}
        self.constants = {module: module_constants(tree) for module, tree in self.trees.items()}
        self.error_classes = self._error_classes()
        self.defs = {module: {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
                     for module, tree in self.trees.items()}
        self.functions = {}  # (module, name) -> Function, module-level functions
        self.methods = {}  # name -> [Function] defined in a class
        self.loose = {}  # module -> lines of error constructions outside any function
        for module, tree in self.trees.items():
            lines = [n.lineno for n in outside_functions(tree) if isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Name)
                     and self.names[module].get(n.func.id, (module, n.func.id)) in self.error_classes]
            if lines:
                self.loose[module] = lines
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.functions[(module, node.name)] = self._scan_function(module, node, False)
                elif isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            fn = self._scan_function(module, item, True)
                            fn.cls = node.name
                            self.methods.setdefault(item.name, []).append(fn)

    def _error_classes(self):
        """(module, name) -> (status, default code): loupan.errors' classes and their subclasses."""
        classes = {}
        self.fixed = set()  # classes whose __init__ sets the code: constructions name none
        for _ in range(3):  # a subclass of a subclass: a few passes reach them
            for module, tree in self.trees.items():
                for node in tree.body:
                    if not isinstance(node, ast.ClassDef):
                        continue
                    bases = [self.names[module].get(b.id, (module, b.id)) for b in node.bases
                             if isinstance(b, ast.Name)]
                    parent = next((classes[b] for b in bases if b in classes), None)
                    if parent is None and not (module == ERRORS_MODULE and node.name == "DomainError"):
                        continue
                    status, code = parent or (400, "BAD_REQUEST")
                    for item in node.body:
                        if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant):
                            for target in item.targets:
                                if getattr(target, "id", None) == "status":
                                    status = item.value.value
                                if getattr(target, "id", None) == "default_code":
                                    code = item.value.value
                        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                            fixed = self._fixed_code(item)
                            if fixed is not None:
                                code = fixed
                                self.fixed.add((module, node.name))
                    classes[(module, node.name)] = (status, code)
        return classes

    @staticmethod
    def _fixed_code(init):
        """The code a class's own __init__ gives super().__init__ (RateLimited: RATE_LIMITED)."""
        for call in ast.walk(init):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                    and call.func.attr == "__init__" and isinstance(call.func.value, ast.Call) \
                    and getattr(call.func.value.func, "id", None) == "super" and len(call.args) > 1 \
                    and isinstance(call.args[1], ast.Constant):
                return call.args[1].value
        return None

    def _imports(self, module, tree):
        """Local name -> (module, name) it names; a module imported -> (module, None)."""
        names = {}
        package = module.split(".")
        modules = set(self.trees)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    names[alias.asname or alias.name.split(".")[0]] = (alias.name if alias.asname else
                                                                       alias.name.split(".")[0], None)
            elif isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:
                    base = package[:len(package) - node.level]
                    source = ".".join(base + ([source] if source else []))
                for alias in node.names:
                    full = f"{source}.{alias.name}"
                    names[alias.asname or alias.name] = (full, None) if full in modules else (source, alias.name)
        return names

    def _scan_function(self, module, node, is_method):
        names = self.names[module]
        args = node.args
        params = [a.arg for a in args.posonlyargs + args.args]
        defaults = {}
        for param, default in zip(reversed(params), reversed(args.defaults)):
            if isinstance(default, ast.Constant) and isinstance(default.value, str):
                defaults[param] = default.value
        for param, default in zip(args.kwonlyargs, args.kw_defaults):
            params.append(param.arg)
            if isinstance(default, ast.Constant) and isinstance(default.value, str):
                defaults[param.arg] = default.value
        fn = Function(module, node.name, node, params, defaults, is_method)
        decorators = [self._decorator_name(d) for d in node.decorator_list]
        fn.is_rpc = any(d in RPC_DECORATORS for d in decorators)
        fn.is_entrypoint = any(d in ENTRYPOINTS for d in decorators)
        called = {id(c.func) for c in ast.walk(node) if isinstance(c, ast.Call)}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and id(sub) not in called:
                # a function handed on or kept in a table ({"swap": _apply_swap}[kind]): it may be called
                target = names.get(sub.id, (module, sub.id))
                if sub.id in self.defs[module] or (sub.id in names and target[1] is not None
                                                   and target not in self.error_classes):
                    fn.calls.append((("module", target[0], target[1]), None))
            if isinstance(sub, ast.Raise) and isinstance(sub.exc, ast.Name):
                cls = self.error_classes.get(names.get(sub.exc.id, (module, sub.exc.id)))
                if cls is not None:
                    fn.errors.add(cls)
            if not isinstance(sub, ast.Call):
                continue
            func = sub.func
            if isinstance(func, ast.Name):
                target = names.get(func.id, (module, func.id))
                cls = self.error_classes.get(target)
                if cls is not None and target in self.fixed:
                    fn.errors.add(cls)
                elif cls is not None:
                    self._construction(fn, cls, sub)
                elif target[1] is not None:
                    fn.calls.append((("module", target[0], target[1]), sub))
            elif isinstance(func, ast.Attribute):
                base = func.value
                if isinstance(base, ast.Name) and base.id in names and names[base.id][1] is None:
                    fn.calls.append((("module", names[base.id][0], func.attr), sub))
                elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) \
                        and base.value.id == "self" and base.attr in SERVICES:
                    fn.rpcs.add((base.attr, func.attr))
                elif isinstance(base, ast.Name) and base.id in SERVICES and base.id in fn.params:
                    fn.rpcs.add((base.id, func.attr))  # a service's proxy handed on: apply_change(uow, inventory)
                elif isinstance(base, ast.Name) and base.id == "self":
                    fn.calls.append((("self", func.attr), sub))
                else:
                    fn.calls.append((("method", func.attr), sub))
            elif isinstance(func, ast.Subscript) or not (isinstance(func, ast.Call) and isinstance(
                    func.func, ast.Name)) and any(isinstance(n, ast.Name) and names.get(
                        n.id, (module, n.id)) in self.error_classes for n in ast.walk(func)):
                # a class picked at run time: {...}.get(kind, Invalid)(message, code), TABLE[key]()
                fn.dynamic.append(sub.lineno)
        return fn

    def _construction(self, fn, cls, call):
        arg = call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "code"), None)
        if arg is None or (isinstance(arg, ast.Constant) and arg.value is None):
            fn.errors.add(cls)
            return
        code = self.evaluate(arg, {}, fn.module)
        if code is not None:
            fn.errors.add((cls[0], code))
        else:
            fn.templates.append((cls[0], arg, call.lineno))

    @staticmethod
    def _decorator_name(node):
        if isinstance(node, ast.Call):
            node = node.func
        return node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)

    def constant(self, module, name):
        if name in self.constants.get(module, {}):
            return self.constants[module][name]
        source = self.names.get(module, {}).get(name)
        if source is not None and source[1] is not None:
            return self.constants.get(source[0], {}).get(source[1])
        return None

    def evaluate(self, node, bindings, module):
        """The string `node` makes from string literals, constants and `bindings` (a function's
        parameters given as literals by its caller); None if anything else goes in."""
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            return bindings[node.id] if node.id in bindings else self.constant(module, node.id)
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    if value.conversion != -1 or value.format_spec is not None:
                        return None
                    value = value.value
                part = self.evaluate(value, bindings, module)
                if part is None:
                    return None
                parts.append(part)
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.evaluate(node.left, bindings, module), self.evaluate(node.right, bindings, module)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in STRING_METHODS and not node.keywords:
            text = self.evaluate(node.func.value, bindings, module)
            args = [self.evaluate(a, bindings, module) for a in node.args]
            if text is None or None in args:
                return None
            return getattr(text, node.func.attr)(*args)
        return None

    def resolve(self, target, universe, caller=None):
        """The functions a call may reach, within the packages of `universe` and the kernel:
        `self.x()` a method of the caller's class, else (a mixin's) of any class; `obj.x()`
        any method x. Entrypoints are not called by name."""
        if target[0] == "self" and caller is not None:
            own = [f for f in self.methods.get(target[1], []) if f.module == caller.module and f.cls == caller.cls]
            if own:
                return own
        if target[0] == "module":
            fn = self.functions.get((target[1], target[2]))
            if fn is not None:
                return [fn]
            # a class called through its module (its __init__ is not followed), or a re-export
            return [f for f in self.methods.get(target[2], []) if f.module == target[1]]
        return [f for f in self.methods.get(target[1], [])
                if f.module.startswith(("loupan.", universe)) and not f.is_entrypoint]

    def rpc_entrypoints(self, service):
        prefixes = (f"services.{service}.", "loupan.")  # loupan.entrypoints: every service's ping
        return {fn.name: fn for fns in self.methods.values() for fn in fns
                if fn.is_rpc and fn.module.startswith(prefixes)}


def bind(caller, bindings, call, callee, method_call):
    """The callee's parameters that the call gives as strings the scan can read."""
    s = scan()
    params = callee.params[1:] if callee.is_method and method_call else callee.params
    out = {}
    if call is None:  # a reference, called elsewhere with arguments the scan does not see
        return out
    for param, arg in zip(params, call.args):
        if isinstance(arg, ast.Starred):
            break
        value = s.evaluate(arg, bindings, caller.module)
        if value is not None:
            out[param] = value
    for keyword in call.keywords:
        if keyword.arg in callee.params:
            value = s.evaluate(keyword.value, bindings, caller.module)
            if value is not None:
                out[keyword.arg] = value
    return out


@dataclass
class Reach:
    errors: set
    rpcs: set  # {(service, method)} called, directly or not
    dynamic: list  # ["module:function:line"] of codes the scan could not read


@lru_cache(maxsize=1)
def scan():
    return Scan()


# loupan.commands runs an RPC as a command only when the call carries a command id, which the
# gateway gives to writes (gateway/http.py SAFE_METHODS): a read never meets its refusals.
COMMANDS = "loupan.commands"


def reach(functions, universe, safe=False):
    """Everything `functions` can raise: their closure in `universe` (a package prefix) and
    the kernel, and the RPCs they call, each in its own service; `safe`: for a read."""
    s = scan()
    seen, stack = set(), [(fn, {}) for fn in functions]
    errors, rpcs, dynamic = set(), set(), []
    while stack:
        fn, bindings = stack.pop()
        state = (id(fn), tuple(sorted(bindings.items())))
        if state in seen or (safe and fn.module == COMMANDS):
            continue
        seen.add(state)
        errors |= fn.errors
        known = DYNAMIC.get(f"{fn.module}:{fn.name}")
        if known is not None:
            errors |= known(s)
        else:
            dynamic += [f"{fn.module}:{fn.name}:{line}" for line in fn.dynamic]
            for status, expression, line in fn.templates:
                code = s.evaluate(expression, dict(fn.defaults, **bindings), fn.module)
                if code is None:
                    dynamic.append(f"{fn.module}:{fn.name}:{line}")
                else:
                    errors.add((status, code))
        for target, call in fn.calls:
            for callee in s.resolve(target, universe, fn):
                stack.append((callee, bind(fn, bindings, call, callee, target[0] != "module")))
        rpcs |= fn.rpcs
    for service, method in sorted(rpcs):
        inner = rpc_reach(service, method, safe)
        errors |= inner.errors
        dynamic += inner.dynamic
    return Reach(errors, rpcs, dynamic)


_BUSY = set()  # RPCs being reached: a cycle of services calling each other ends there


@lru_cache(maxsize=None)
def rpc_reach(service, method, safe=False):
    """What an RPC of a service can raise, the RPCs it makes in turn included."""
    entry = scan().rpc_entrypoints(service).get(method)
    if entry is None:
        return Reach(set(), set(), [f"rpc {service}.{method}: no such entrypoint"])
    if (service, method) in _BUSY:
        return Reach(set(), set(), [])
    _BUSY.add((service, method))
    try:
        return reach([entry], f"services.{service}.", safe)
    finally:
        _BUSY.discard((service, method))


def functions_named(module, name):
    """A module's function, or the methods of that name its classes define."""
    s = scan()
    if (module, name) in s.functions:
        return [s.functions[(module, name)]]
    return [f for f in s.methods.get(name, []) if f.module == module]


@lru_cache(maxsize=None)
def raised_by(module, name):
    """{(status, code)} a gateway function (or method) can raise, its RPCs included."""
    fns = functions_named(module, name)
    assert fns, f"{module}.{name} not found"
    return frozenset(reach(fns, "gateway.").errors)


def route_reach(module, handler, safe=False):
    """What the handler of a route can send: its own work and its RPCs (a Reach)."""
    fns = functions_named(module, handler)
    assert fns, f"{module}.{handler} not found"
    return reach(fns, "gateway.", safe)


# Answered by the gateway as JSON without raising (gateway/http.py error_response: a service or
# database away; gateway/server.py: load shed, a request line over 8192 bytes, a body over 10 MB
# whatever the route; gateway/edges.py: a path or query that is not text), on any route.
ANSWERED = {(503, "SERVICE_UNAVAILABLE"), (503, "SERVICE_BUSY"), (414, "URI_TOO_LONG"), (413, "BODY_TOO_LARGE"),
            (400, "BAD_TEXT")}
# Refusals of the connection or the request before its route is known (gateway/server.py); the
# document says them once, in its description, not per route.
SERVER = {(408, "REQUEST_TIMEOUT"), (400, "HEADERS_TOO_LARGE"), (400, "BAD_REQUEST"),
          (503, "TOO_MANY_CONNECTIONS")}


def route_codes(method, url, opts, rated=None):
    """{(status, code)} a route can send: the gateway's steps its declaration turns on (the
    token, the role, the project in the URL, the body, the query, paging, Idempotency-Key, a
    rate limit; gateway/http.py JsonRoute) and its handler's reach."""
    codes = set(ANSWERED) | raised_by("gateway.http", "error_response") | raised_by("gateway.http", "sane")
    if "<int:" in url:
        codes.add((404, "NOT_FOUND"))  # an id beyond 64 bits (get_entrypoint_parameters)
    if opts["roles"] != PUBLIC:
        codes |= raised_by("gateway.auth", "actor_from_request") | raised_by("gateway.auth", "current_actor")
        codes |= raised_by("loupan.roles", "require_role")
        if "<int:project_id>" in url:
            codes.add((403, "PROJECT_FORBIDDEN"))  # a project the account is not assigned to
        if method == "POST":
            codes |= raised_by("gateway.idempotency", "key_of") | raised_by("gateway.idempotency", "claim")
    if opts["body"] is not None:
        codes |= raised_by("gateway.http", "parse_body")
    if opts["raw_body"] is not None:
        codes.add((413, "SPREADSHEET_TOO_LARGE"))  # JsonRoute.too_large_code, refused by gateway/server.py
    if opts["query"] is not None or opts["many"]:
        codes |= raised_by("gateway.http", "validated") | raised_by("gateway.paging", "parse")
    if rated is not None:
        codes |= raised_by("gateway.ratelimit", {"login": "login_attempt", "holds": "holds", "buyers": "buyers"}[rated])
    return codes | route_reach(opts["module"], opts["handler"], method in ("GET", "HEAD")).errors
