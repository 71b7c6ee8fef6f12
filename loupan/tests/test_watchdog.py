"""The watchdog turns a session where every green thread waits forever into exit 3 and
the stacks of the waiting green threads."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite  # needs no database: runs in the fast tier
ROOT = Path(__file__).resolve().parents[2]


def test_a_stalled_session_prints_the_green_stacks_and_exits_3(tmp_path):
    (tmp_path / "test_stall.py").write_text(textwrap.dedent("""
        import eventlet.event

        def test_waits_for_nobody():
            eventlet.event.Event().wait()  # nobody will send it
    """))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "loupan.testing.watchdog", "--rootdir", str(ROOT),
                          "-c", str(ROOT / "pyproject.toml"), str(tmp_path / "test_stall.py")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, LOUPAN_TEST_STALL_SECONDS="2"))
    assert run.returncode == 3, run.stdout + run.stderr
    assert "made no progress" in run.stderr
    green = run.stderr[run.stderr.index("--- green thread"):]
    assert "test_waits_for_nobody" in green and "event.py" in green
