"""The TypeScript types generated from the OpenAPI document compile (issue 17), with no system
running: the document is written in-process from gateway.openapi, openapi-typescript (pinned in
web/package-lock.json) turns it into api.d.ts, and tsc (strict) checks web/src/check.ts, which
uses the login, board and hold operations, against it. An API change that breaks what
check.ts relies on fails here with the compiler's output."""
import fcntl
import hashlib
import shutil
import subprocess
from pathlib import Path

from gateway.openapi import write_document

WEB = Path(__file__).resolve().parent.parent / "web"
STAMP = WEB / "node_modules" / ".installed-lock-sha256"  # the lock file node_modules was installed from


def run(args, cwd, timeout=600):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def npm_ci():
    """`npm ci` once: skipped while node_modules is what the lock file says."""
    assert shutil.which("npm") and shutil.which("node"), \
        "Node.js and npm are needed (bash scripts/test.sh installs Debian's nodejs and npm)"
    digest = hashlib.sha256((WEB / "package-lock.json").read_bytes()).hexdigest()
    with open(WEB / ".build.lock", "w") as lock:  # the lock scripts/build_console.sh takes
        fcntl.flock(lock, fcntl.LOCK_EX)
        if STAMP.exists() and STAMP.read_text() == digest:
            return
        run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], WEB)
        STAMP.write_text(digest)


def test_generated_types_compile(tmp_path):
    npm_ci()
    document = tmp_path / "openapi.json"
    write_document(document)
    src = tmp_path / "src"
    src.mkdir()
    run(["npx", "--no-install", "openapi-typescript", str(document), "-o", str(src / "api.d.ts")], WEB)
    api = (src / "api.d.ts").read_text(encoding="utf-8")
    for name in ("login: {", "holdUnit: {", "board: {", "\"/api/projects/{project_id}/board\""):
        assert name in api, name
    shutil.copy(WEB / "src" / "check.ts", src / "check.ts")
    shutil.copy(WEB / "tsconfig.json", tmp_path / "tsconfig.json")
    run(["npx", "--no-install", "tsc", "--noEmit", "-p", str(tmp_path)], WEB)
