"""The web console's own checks (web/, issue 17), with no system running: its unit tests
(vitest: the error codes' Chinese texts, the hold countdown, the wall's layout) and its type
check (vue-tsc --noEmit, strict) against src/api.d.ts, generated here from the gateway's
OpenAPI document by openapi-typescript: an API change that breaks the console fails here with
the compiler's output. And every error code the document names has a Chinese text."""
import json
import re
import subprocess

from gateway.openapi import write_document
from tests.test_openapi_types import WEB, npm_ci, run


def test_the_console_unit_tests_pass():
    npm_ci()
    output = run(["npm", "run", "--silent", "test"], WEB)
    assert " passed" in output and " failed" not in output, output


def test_the_console_type_checks_against_the_generated_api_types(tmp_path):
    npm_ci()
    document = tmp_path / "openapi.json"
    write_document(document)
    run(["npx", "--no-install", "openapi-typescript", str(document), "-o", str(WEB / "src" / "api.d.ts")], WEB)
    result = subprocess.run(["npm", "run", "--silent", "typecheck"], cwd=WEB, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"vue-tsc found errors:\n{result.stdout}\n{result.stderr}"


def documented_error_codes(document):
    """The error codes the OpenAPI document names: its error responses' codes (x-error-codes)
    and descriptions (e.g. UNIT_NOT_AVAILABLE) and its operations' summaries and descriptions; not the settings
    they mention (names ending _SECONDS, _DAYS, _MINUTES)."""
    words = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            texts = [operation.get("summary", ""), operation.get("description", "")]
            texts += [r.get("description", "") for status, r in operation.get("responses", {}).items()
                      if status.startswith(("4", "5"))]
            for text in texts:
                words |= set(re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", text))
            for status, response in operation.get("responses", {}).items():
                words |= set(response.get("x-error-codes", ()))  # one-word codes too (OVERPAYMENT)
    return {w for w in words if not w.endswith(("_SECONDS", "_DAYS", "_MINUTES"))}


def test_every_error_code_the_api_documents_has_its_chinese_text(tmp_path):
    document = tmp_path / "openapi.json"
    write_document(document)
    codes = documented_error_codes(json.loads(document.read_text(encoding="utf-8")))
    table = set(re.findall(r"^  ([A-Z][A-Z0-9_]+): \"", (WEB / "src" / "errors.ts").read_text(encoding="utf-8"), re.M))
    assert "UNIT_NOT_AVAILABLE" in codes and len(codes) > 40
    assert sorted(codes - table) == [], "add them to MESSAGES in web/src/errors.ts"
