"""Test session set-up: eventlet's monkey patch must come before anything imports sockets."""
from loupan.green import patch

patch()

from hypothesis import HealthCheck, settings  # noqa: E402

# One hypothesis profile for the whole suite, loaded before any test module is imported (a
# test's own @settings(max_examples=N) inherits the rest): the same examples on every run (no
# random seed, no example database), bounded by count and never by time (no deadline: a busy
# machine must not fail a test that an idle one passes). filter_too_much: generators such as
# the rota's sites reject many draws by design.
settings.register_profile("loupan", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.filter_too_much])
settings.load_profile("loupan")

pytest_plugins = ["loupan.testing", "loupan.testing.broker", "loupan.testing.watchdog"]
