"""Fuzz the running system through its own OpenAPI document (schemathesis): no request may
get a 5xx, an undocumented status, or a body that breaks the documented schema.

Bounded by examples, not by time: `LOUPAN_FUZZ_EXAMPLES` per operation (default 2) from a
fixed seed, so the same commit asks the same requests and gets the same verdict on any
machine, however busy. A longer exploratory run is the same test with more examples, e.g.
`LOUPAN_FUZZ_EXAMPLES=50 bash scripts/test.sh tests/test_fuzz_api.py` (docs/operations.md).
Signed in as the director, so every route is reached past the role check. Routes that take a file upload (.xlsx) are left out: schemathesis
cannot generate spreadsheets; tests/test_spreadsheets_api.py covers them. Logout is left out
too: it would end the director's token for the rest of the run (tests/test_passwords_api.py
covers it)."""
import importlib
import json
import os
import subprocess
import sys
from collections import defaultdict

from gateway.http import ROUTES

EXAMPLES = int(os.environ.get("LOUPAN_FUZZ_EXAMPLES", "2"))
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
SIGNS_OUT = ["/api/logout"]
SCHEMATHESIS = [sys.executable, "-m", "schemathesis.cli"]  # the venv's, whatever PATH says


def upload_paths():
    importlib.import_module("gateway.service")  # registers the routes
    paths = []
    for _method, url, opts in ROUTES:
        if opts["raw_body"] is not None:
            path = url
            while "<" in path:
                start, end = path.index("<"), path.index(">")
                path = path[:start] + "{" + path[start + 1:end].split(":")[-1] + "}" + path[end + 1:]
            paths.append(path)
    return paths


def failures(ndjson):
    """{(operation, check): [(status, message)]} from schemathesis' event stream."""
    found = defaultdict(list)
    for line in ndjson.read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if not finished or finished.get("status") in ("success", "skip"):
            continue
        recorder = finished["recorder"]
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status") in ("failure", "error"):
                    response = (recorder.get("interactions", {}).get(case_id) or {}).get("response") or {}
                    info = (check.get("failure_info") or {}).get("failure") or {}
                    found[(recorder["label"], check["name"])].append(
                        (response.get("status_code"), str(info.get("message", ""))[:300]))
    return found


def test_fuzz_finds_no_server_error_and_no_schema_break(system, director, tmp_path):
    command = [
        *SCHEMATHESIS, "run", f"{system.url()}/api/openapi.json",
        "--checks", CHECKS,
        "--header", f"Authorization: Bearer {director.token}",
        "--max-examples", str(EXAMPLES), "--phases", "examples,fuzzing", "--workers", "1",
        "--seed", "20261123", "--no-shrink",
        "--generation-database", "none", "--request-timeout", "30",
        "--report", "ndjson", "--report-ndjson-path", str(tmp_path / "run.ndjson"),
    ]
    for path in upload_paths() + SIGNS_OUT:
        command += ["--exclude-path", path]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600 + 60 * EXAMPLES,  # a hung run, not a budget
                         env=dict(os.environ, NO_COLOR="1"))
    found = failures(tmp_path / "run.ndjson")
    summary = "\n".join(f"{op} [{check}] {cases[0]}" for (op, check), cases in sorted(found.items()))
    assert not found, f"schemathesis found {len(found)} problems:\n{summary}\n{system.log_dir}"
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
