"""Run every Procfile entry and keep it running: `python -m loupan.supervise [-f Procfile]`.

scripts/run.sh starts the system with it. A process that exits is started again after a
backoff (1 s, doubling to 30 s; back to 1 s once it had run for a minute), and the log
says so; the others keep running. Exit status 2 is a process refusing its settings
(loupan.run's check_config): starting it again cannot help, so the supervisor stops
everything and exits 2. SIGTERM or SIGINT stop it: the signal goes to every process, which
gets 30 s to finish before SIGKILL. Each line a process prints comes out prefixed with the
time and its name, as honcho did.

Each process runs in a session of its own, so that a Ctrl-C in the terminal reaches it
once, through the supervisor (nameko turns a second SIGINT into a kill), and asks the
kernel to SIGTERM it should the supervisor die (Linux's PR_SET_PDEATHSIG), so none is left
behind. Plain threads, no eventlet: this process only waits.
"""
import argparse
import ctypes
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

FIRST_DELAY, MAX_DELAY = 1.0, 30.0  # seconds before a restart
STABLE_SECONDS = 60.0  # a process that ran this long restarts after FIRST_DELAY again
STOP_SECONDS = 30.0  # how long the processes get to stop before SIGKILL
REFUSED = 2  # loupan.run's exit status for settings it refuses
_print_lock = threading.Lock()


def read_procfile(path):
    """[(name, argv)] of a Procfile's `name: command` lines, in order."""
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            entries.append((name.strip(), shlex.split(command)))
    return entries


def say(name, text, width=10):
    with _print_lock:
        sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:<{width}} | {text}\n")
        sys.stdout.flush()


try:  # looked up here, not in the child: between fork and exec only the call itself runs
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: the supervisor's own signal handling remains
    _prctl = None
PR_SET_PDEATHSIG = 1


def _die_with_parent():  # runs in the child between fork and exec
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))


class Child:
    def __init__(self, name, argv, width):
        self.name, self.argv, self.width = name, argv, width
        self.proc = None
        self.started = 0.0
        self.delay = FIRST_DELAY
        self.restart_at = 0.0  # when to start it (again); 0 = now
        self.restarts = 0

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        self.started = time.monotonic()
        self.restart_at = None
        threading.Thread(target=self._forward, args=(self.proc,), daemon=True).start()
        say(self.name, f"started with pid {self.proc.pid}" + (f" (restart {self.restarts})" if self.restarts else ""),
            self.width)

    def _forward(self, proc):
        for raw in iter(proc.stdout.readline, b""):
            say(self.name, raw.decode("utf-8", "replace").rstrip("\n"), self.width)
        proc.stdout.close()


class Supervisor:
    def __init__(self, entries):
        width = max([len(name) for name, _ in entries] + [len("supervise")])
        self.children = [Child(name, argv, width) for name, argv in entries]
        self.width = width
        self.stopping = None  # the signal that asked us to stop
        self.status = 0

    def log(self, text):
        say("supervise", text, self.width)

    def request_stop(self, signum, _frame=None):
        if self.stopping is None:
            self.stopping = signum

    def run(self):
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        for child in self.children:
            child.start()
        while self.stopping is None:
            now = time.monotonic()
            for child in self.children:
                if child.proc is not None and child.proc.poll() is not None:
                    self.exited(child, now)
                elif child.proc is None and child.restart_at is not None and now >= child.restart_at:
                    child.restarts += 1
                    child.start()
            time.sleep(0.2)
        self.stop_all()
        return self.status

    def exited(self, child, now):
        code, ran = child.proc.returncode, now - child.started
        child.proc = None
        if code == REFUSED:
            self.log(f"{child.name} exited with status {code} (it refuses its settings): stopping everything")
            self.status = REFUSED
            self.request_stop(signal.SIGTERM)
            return
        if ran >= STABLE_SECONDS:
            child.delay = FIRST_DELAY
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        self.log(f"{child.name} {how} after {ran:.1f} s; restarting it in {child.delay:g} s")
        child.restart_at = now + child.delay
        child.delay = min(MAX_DELAY, child.delay * 2)

    def stop_all(self):
        sig = signal.SIGINT if self.stopping == signal.SIGINT else signal.SIGTERM
        running = [c for c in self.children if c.proc is not None and c.proc.poll() is None]
        self.log(f"stopping {', '.join(c.name for c in running) or 'nothing'} ({signal.Signals(sig).name})")
        for child in running:
            try:
                child.proc.send_signal(sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_SECONDS
        for child in running:
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{child.name} did not stop within {STOP_SECONDS:g} s: SIGKILL")
                child.proc.kill()
                child.proc.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m loupan.supervise", description=__doc__.split("\n")[0])
    parser.add_argument("-f", "--procfile", default="Procfile")
    args = parser.parse_args(argv)
    entries = read_procfile(args.procfile)
    if not entries:
        parser.error(f"{args.procfile} names no process")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")  # children's lines as they come
    return Supervisor(entries).run()


if __name__ == "__main__":
    sys.exit(main())
