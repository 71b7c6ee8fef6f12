"""The layout's one hard rule (docs/design.md, "Layout"): a service never imports another
service's code, the gateway imports no service, and the kernel imports neither. Tests may:
a saga's service test runs the other side's real service beside it, and the kernel's test
harness (loupan/testing/) starts them all as processes."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "service.py").exists())


def imported(path):
    """Top-level package paths a module imports (`services.crm`, `gateway`, `loupan`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def owner(module):
    parts = module.split(".")
    if parts[0] == "services" and len(parts) > 1:
        return f"services.{parts[1]}"
    return parts[0]


def code_of(folder, skip=()):
    return [p for p in (ROOT / folder).rglob("*.py") if not any(part in skip for part in p.parts)]


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service_and_not_the_gateway(service):
    wrong = {(str(p.relative_to(ROOT)), m) for p in code_of(f"services/{service}", skip=("tests",))
             for m in imported(p)
             if owner(m) in {f"services.{s}" for s in SERVICES if s != service} | {"gateway"}}
    assert sorted(wrong) == []


def test_the_gateway_imports_no_service():
    wrong = {(str(p.relative_to(ROOT)), m) for p in code_of("gateway", skip=("tests",))
             for m in imported(p) if owner(m).startswith("services.")}
    assert sorted(wrong) == []


def test_the_kernel_imports_no_service_and_not_the_gateway():
    wrong = {(str(p.relative_to(ROOT)), m) for p in code_of("loupan", skip=("testing", "tests"))
             for m in imported(p) if owner(m).startswith("services.") or owner(m) == "gateway"}
    assert sorted(wrong) == []
