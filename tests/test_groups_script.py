"""scripts/groups.sh's run_groups, the suite's processes side by side, on made-up groups: a
group the watchdog ended (exit 3, a hang) runs once more, loudly, with the hung run's stacks
printed; a group whose test fails is never rerun, and the whole run fails."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CONFTEST = 'pytest_plugins = ["loupan.testing.watchdog"]\n'
HANGS_ONCE = '''
import time
from pathlib import Path

def test_hangs_the_first_time():
    marker = Path(__file__).with_name("hung-once")
    if not marker.exists():
        marker.write_text("")
        time.sleep(120)  # the watchdog ends the session long before
'''
FAILS = '''
from pathlib import Path

def test_fails():
    runs = Path(__file__).with_name("runs")
    runs.write_text(runs.read_text() + "x" if runs.exists() else "x")
    assert False, "a real failure"
'''


def run_groups(workdir, *groups):
    script = f'source "{ROOT}/scripts/lib.sh"; source "{ROOT}/scripts/groups.sh"; cd "{workdir}"; ' \
             f'run_groups {" ".join(groups)} -- -p no:cacheprovider'
    env = dict(os.environ, LOUPAN_TEST_STALL_SECONDS="2", TMPDIR=str(workdir),
               PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=300)


def write(directory, files):
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text)


def test_a_hung_group_runs_once_more_and_says_so(tmp_path):
    write(tmp_path / "hangs", {"conftest.py": CONFTEST, "test_hangs.py": HANGS_ONCE})
    result = run_groups(tmp_path, "hangs:hangs")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hangs: HUNG (the watchdog ended it, exit 3)" in result.stdout
    assert "RERUNNING IT ONCE" in result.stdout
    assert "every stack, then exit 3" in result.stdout  # the hung run's stacks are in the output
    assert "===== hangs: passed" in result.stdout


def test_a_failing_group_is_not_rerun_and_the_run_fails(tmp_path):
    write(tmp_path / "fails", {"conftest.py": CONFTEST, "test_fails.py": FAILS})
    result = run_groups(tmp_path, "fails:fails")
    assert result.returncode != 0
    assert "===== fails: FAILED (exit 1)" in result.stdout
    assert "RERUNNING" not in result.stdout
    assert (tmp_path / "fails" / "runs").read_text() == "x"
