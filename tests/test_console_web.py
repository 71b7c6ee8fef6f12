"""The web console's own checks (web/, issue 17), with no system running: its unit tests
(vitest: the error codes' Chinese texts, the hold countdown, the wall's layout) and its type
check (vue-tsc --noEmit, strict) against src/api.d.ts, generated here from the gateway's
OpenAPI document by openapi-typescript: an API change that breaks the console fails here with
the compiler's output."""
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
