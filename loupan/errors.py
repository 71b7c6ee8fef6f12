"""Domain errors that cross the RPC boundary typed.

Services raise these; nameko serialises them with their module path and, because each
class is registered here, the gateway receives the same class back and maps it to an HTTP
status through one table. `code` is the stable machine-readable name front-ends rely on.
"""
from nameko.exceptions import deserialize_to_instance


class DomainError(Exception):
    status = 400
    default_code = "BAD_REQUEST"

    def __init__(self, message, code=None):
        super().__init__(message, code or self.default_code)

    @property
    def message(self):
        return self.args[0]

    @property
    def code(self):
        return self.args[1]


@deserialize_to_instance
class Invalid(DomainError):
    status = 400
    default_code = "INVALID"


@deserialize_to_instance
class Unauthenticated(DomainError):
    status = 401
    default_code = "UNAUTHENTICATED"


@deserialize_to_instance
class Forbidden(DomainError):
    status = 403
    default_code = "FORBIDDEN"


@deserialize_to_instance
class NotFound(DomainError):
    status = 404
    default_code = "NOT_FOUND"


@deserialize_to_instance
class Conflict(DomainError):
    status = 409
    default_code = "CONFLICT"


@deserialize_to_instance
class RuleViolated(DomainError):
    status = 422
    default_code = "RULE_VIOLATED"


@deserialize_to_instance
class TooLarge(RuleViolated):
    """Beyond a size limit (a body, a spreadsheet's uncompressed contents): 413."""

    status = 413
    default_code = "TOO_LARGE"


@deserialize_to_instance
class TooManyRequests(DomainError):
    """Too many attempts in a window (e.g. hr's own login limit): 429."""

    status = 429
    default_code = "RATE_LIMITED"


@deserialize_to_instance
class Unavailable(DomainError):
    """A service did not answer in time or is not running."""

    status = 503
    default_code = "SERVICE_UNAVAILABLE"


@deserialize_to_instance
class Busy(Unavailable):
    """Overload, not an outage of anything: every connection of a database pool stayed in use
    for the pool's checkout wait (loupan.uow.BusyPool). 503 SERVICE_BUSY with Retry-After."""

    default_code = "SERVICE_BUSY"


@deserialize_to_instance
class QueueFull(DomainError):
    """A bounded queue of work is full (inventory's spreadsheet imports): 429, with
    `Retry-After` = retry_after seconds. Nothing was recorded; send it again later."""

    status = 429
    default_code = "QUEUE_FULL"

    def __init__(self, message, code=None, retry_after=5):
        Exception.__init__(self, message, code or self.default_code, int(retry_after))

    @property
    def retry_after(self):
        return self.args[2]


@deserialize_to_instance
class TooSoon(DomainError):
    """Tried again before a cooldown ran out (inventory's race-mode hold attempts): 429, with
    `Retry-After` = retry_after seconds."""

    status = 429
    default_code = "TOO_SOON"

    def __init__(self, message, code=None, retry_after=1):
        Exception.__init__(self, message, code or self.default_code, max(1, int(retry_after)))

    @property
    def retry_after(self):
        return self.args[2]


deserialize_to_instance(DomainError)
