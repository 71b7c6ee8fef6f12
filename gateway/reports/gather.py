"""Call the parts of a report concurrently, each bounded by its own timeout. A part whose
service is down, slow or refuses the caller is reported missing; the others still count."""
import logging

import eventlet
from eventlet import GreenPool
from nameko.exceptions import RemoteError

from gateway.http import OUTAGES, REMOTE_OUTAGES
from loupan.errors import Forbidden, Unavailable

log = logging.getLogger(__name__)
POOL_SIZE = 8


def _outcome(fn, timeout):
    """(value, None) or (None, error code); NotFound and Invalid are the caller's mistake and
    fail the whole report."""
    try:
        with eventlet.Timeout(timeout):
            return fn(), None
    except eventlet.Timeout:
        log.warning("report part timed out after %ss", timeout)
        return None, "SERVICE_UNAVAILABLE"
    except (Unavailable, Forbidden) as exc:
        return None, exc.code
    except RemoteError as exc:
        log.warning("report part failed: %r", exc)
        return None, "SERVICE_UNAVAILABLE" if exc.exc_type in REMOTE_OUTAGES else "PART_FAILED"
    except OUTAGES as exc:
        log.warning("report part unavailable: %r", exc)
        return None, "SERVICE_UNAVAILABLE"


def gather(calls, timeout):
    """calls: {key: zero-argument function} → ({key: value}, {key: error code})."""
    pool = GreenPool(POOL_SIZE)
    keys = list(calls)
    results, errors = {}, {}
    for key, (value, error) in zip(keys, pool.imap(lambda k: _outcome(calls[k], timeout), keys)):
        if error is None:
            results[key] = value
        else:
            errors[key] = error
    return results, errors
