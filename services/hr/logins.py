"""hr's own limit on login attempts: the gateway limits logins per (username, address) in
its database (gateway/ratelimit.py), but hr answers `authenticate` to anyone who reaches it,
so it limits failed attempts per username itself: more than `HR_LOGIN_FAILURES` (30) wrong
passwords for one username within `HR_LOGIN_WINDOW_SECONDS` (300) and every attempt for it,
right or wrong, is refused (429 LOGIN_RATE_LIMITED) until the oldest failure leaves the
window; the password is not even checked (no scrypt spent). 0 turns it off.

Counted in the hr process's memory, not its database: a guess then costs no write in hr's
database (a write per failure would be load the guesser controls), and the limit is a second
line behind the gateway's shared one (a caller needs the bus key to reach hr at all,
loupan/bus.py). The price: each hr replica counts on its own (N replicas allow N times
the limit) and a restart forgets. At most `MAX_USERNAMES` usernames are tracked, the least
recently failed dropped first, so guessing many names cannot grow hr's memory."""
import threading
import time
from collections import OrderedDict, deque

from loupan.errors import TooManyRequests

FAILURES, WINDOW_SECONDS, MAX_USERNAMES = 30, 300, 10_000


class LoginLimits:
    def __init__(self, failures=FAILURES, window=WINDOW_SECONDS, clock=time.monotonic):
        self.failures, self.window, self.clock = int(failures), float(window), clock
        self.seen = OrderedDict()  # username -> deque of failure times, least recently failed first
        self.lock = threading.Lock()

    @classmethod
    def of(cls, config):
        return cls(config.get("HR_LOGIN_FAILURES", FAILURES), config.get("HR_LOGIN_WINDOW_SECONDS", WINDOW_SECONDS))

    def _recent(self, username, now):
        times = self.seen.get(username)
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def check(self, username):
        """LOGIN_RATE_LIMITED if `username` failed too often within the window."""
        if self.failures <= 0:
            return
        with self.lock:
            now = self.clock()
            times = self._recent(username, now)
            if times is not None and len(times) >= self.failures:
                retry = max(1, int(times[0] + self.window - now) + 1)
                raise TooManyRequests(f"too many failed logins for this username; retry in {retry} s",
                                      "LOGIN_RATE_LIMITED")

    def failed(self, username):
        if self.failures <= 0:
            return
        with self.lock:
            now = self.clock()
            times = self._recent(username, now)
            if times is None:
                times = self.seen[username] = deque()
            times.append(now)
            self.seen.move_to_end(username)
            while len(self.seen) > MAX_USERNAMES:
                self.seen.popitem(last=False)


_LIMITS = {}  # one per hr process (its containers share it, as tests start several)


def limits_of(config):
    key = (config.get("HR_LOGIN_FAILURES", FAILURES), config.get("HR_LOGIN_WINDOW_SECONDS", WINDOW_SECONDS),
           config.get("DATABASE_URL"))
    if key not in _LIMITS:
        _LIMITS[key] = LoginLimits.of(config)
    return _LIMITS[key]
