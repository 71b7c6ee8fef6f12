"""Test session set-up: eventlet's monkey patch must come before anything imports sockets."""
from loupan.green import patch

patch()

pytest_plugins = ["loupan.testing", "loupan.testing.broker", "loupan.testing.watchdog"]
