"""Timers whose interval comes from the service config, so operations can tune a sweep
(hold expiry, scheduled releases) without a release.

A tick that raises (its database away, say) is logged by nameko and the timer ticks again
at the next interval: the worker catches the method's exception, and nothing the worker's
dependencies do at teardown raises (loupan.db). Should starting a tick fail, the timer
logs it and carries on rather than ending its greenlet."""
import logging

from nameko.exceptions import ContainerBeingKilled
from nameko.timer import Timer

log = logging.getLogger(__name__)


class ConfiguredTimer(Timer):
    """A timer whose interval (seconds) is read from the service config at `config_key`."""

    def __init__(self, config_key, default, **kwargs):
        self.config_key = config_key
        self.default = default
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = float(self.container.config.get(self.config_key, self.default))

    def handle_timer_tick(self):
        try:
            super().handle_timer_tick()
        except ContainerBeingKilled:
            raise  # the service is stopping: the timer ends with it
        except Exception:  # noqa: BLE001
            log.exception("timer %s could not start a tick; next one in %gs", self.method_name, self.interval)
            self.worker_complete.send()  # the loop waits for it before the next tick


every = ConfiguredTimer.decorator
