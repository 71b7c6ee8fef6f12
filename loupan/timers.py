"""Timers whose interval comes from the service config, so operations can tune a sweep
(hold expiry, scheduled releases) without a release."""
from nameko.timer import Timer


class ConfiguredTimer(Timer):
    """A timer whose interval (seconds) is read from the service config at `config_key`."""

    def __init__(self, config_key, default, **kwargs):
        self.config_key = config_key
        self.default = default
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = float(self.container.config.get(self.config_key, self.default))


every = ConfiguredTimer.decorator
