"""hr's memory after a burst of logins (issue 30): the process's RSS before and after 200
concurrent password checks at the production cost (scrypt n=2**14, r=8: ~16 MB each), as hr
ran them before (every check straight into eventlet's tpool, 20 OS threads, glibc's default
mmap threshold) and now (services/hr/passwords.py: at most HASH_CONCURRENCY at once, big
blocks always mmapped). Each way runs in a fresh process. Prints only.

    .venv/bin/python -W ignore bench/hr_login_memory.py [logins]

HASH_CONCURRENCY and HASH_WAIT_SECONDS (environment) size the gate as hr's config does."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r'''
import eventlet
eventlet.monkey_patch()
import hashlib, os, sys, time
sys.path.insert(0, sys.argv[3])

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

mode, logins = sys.argv[1], int(sys.argv[2])
salt = os.urandom(16)
if mode == "before":
    from eventlet import tpool
    def check(i):
        return tpool.execute(hashlib.scrypt, b"wrong-password", salt=salt, n=2**14, r=8, p=1, dklen=32)
else:
    from loupan.errors import Busy
    from services.hr import passwords
    passwords.GATE.configure(int(os.environ.get("HASH_CONCURRENCY", "2")), float(os.environ.get("HASH_WAIT_SECONDS", "5")))
    busy = []
    def check(i):
        try:
            return passwords._scrypt(b"wrong-password", salt, 2**14, 8, 1, 32)
        except Busy:
            busy.append(i)
base = rss_mb()
pool = eventlet.GreenPool(logins)
started = time.monotonic()
peak = 0
for _ in pool.imap(check, range(logins)):
    peak = max(peak, rss_mb())
seconds = time.monotonic() - started
extra = "" if mode == "before" else (f", HASH_CONCURRENCY={passwords.GATE.limit}, highest at once "
                                     f"{passwords.GATE.peak}, {len(busy)} answered SERVICE_BUSY "
                                     f"(HASH_WAIT_SECONDS={passwords.GATE.wait_seconds:g})")
print(f"{mode}: RSS {base:.0f} MB before, {rss_mb():.0f} MB after {logins} concurrent logins "
      f"(highest seen {peak:.0f} MB), {seconds:.1f} s{extra}")
'''

if __name__ == "__main__":
    logins = sys.argv[1] if len(sys.argv) > 1 else "200"
    for mode in ("before", "after"):
        subprocess.run([sys.executable, "-W", "ignore", "-c", CHILD, mode, logins, str(ROOT)], check=True, cwd=ROOT)
