"""loupan.supervise, what scripts/run.sh starts the Procfile with: a process that exits is
started again with a growing backoff while the others keep running; SIGTERM stops them
all; a process refusing its settings (status 2) stops everything; and no process outlives
a supervisor that was SIGKILLed. Stand-in processes, not the services (tests/test_run_script.py
runs the real ones)."""
import os
import re
import signal
import subprocess
import sys

import pytest

from loupan.testing.system import ROOT
from loupan.testing import wait_until

STEADY = f"""{sys.executable} -c "import time; print('steady up', flush=True); time.sleep(600)" """
FLAKY = f"""{sys.executable} -c "import sys; print('flaky up', flush=True); sys.exit(3)" """
REFUSING = f"""{sys.executable} -c "import time, sys; time.sleep(0.5); sys.exit(2)" """


@pytest.fixture
def supervise(tmp_path):
    started = []

    def run(**entries):
        procfile = tmp_path / "Procfile"
        procfile.write_text("".join(f"{name}: {command.strip()}\n" for name, command in entries.items()))
        log = tmp_path / "supervise.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "loupan.supervise", "-f", str(procfile)], cwd=ROOT,
                                    stdout=out, stderr=subprocess.STDOUT,
                                    env=dict(os.environ, PYTHONPATH=str(ROOT)))
        started.append(proc)
        return proc, log.read_text

    yield run
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def pids_of(text, name):
    return [int(p) for p in re.findall(rf"^\S+ {name}\s+\| started with pid (\d+)", text, re.MULTILINE)]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by init) is gone too
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_an_exiting_process_is_restarted_with_backoff_and_sigterm_stops_all(supervise):
    proc, log = supervise(steady=STEADY, flaky=FLAKY)
    wait_until(lambda: "flaky exited with status 3 after" in log() and "restarting it in 4 s" in log(), timeout=30,
               what="three restarts of flaky")
    text = log()
    assert re.search(r"restarting it in 1 s.*restarting it in 2 s.*restarting it in 4 s", text, re.DOTALL), text
    assert text.count("flaky up") >= 3 and len(pids_of(text, "flaky")) >= 3
    (steady,) = pids_of(text, "steady")  # started once: the other's exits did not touch it
    assert "steady up" in text and alive(steady)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0, log()
    assert not alive(steady)
    assert "stopping steady" in log()


def test_a_process_refusing_its_settings_stops_everything(supervise):
    proc, log = supervise(steady=STEADY, refusing=REFUSING)
    assert proc.wait(timeout=40) == 2, log()
    (steady,) = pids_of(log(), "steady")
    assert "refusing exited with status 2 (it refuses its settings): stopping everything" in log()
    assert not alive(steady)


def test_no_process_outlives_a_killed_supervisor(supervise):
    proc, log = supervise(steady=STEADY)
    wait_until(lambda: "steady up" in log(), timeout=30, what="steady started")
    (steady,) = pids_of(log(), "steady")
    proc.kill()  # SIGKILL: no chance to stop anything itself
    proc.wait()
    wait_until(lambda: not alive(steady), timeout=10, what="the orphan gone")


def test_the_procfile_is_what_run_sh_supervises():
    from loupan.supervise import read_procfile
    from loupan.testing.system import other_processes, procfile

    entries = read_procfile(ROOT / "Procfile")
    assert {name: argv[-1] for name, argv in entries if name not in other_processes()} == procfile()
    assert "feed" in other_processes()  # the live board feed runs beside the services (gateway/feed)
    run_sh = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert "python -m loupan.supervise -f Procfile" in run_sh and "honcho" not in run_sh
