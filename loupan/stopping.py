"""Run a process's services and stop it within its grace period, whatever the broker's state.

nameko's `run` answers SIGTERM with `ServiceRunner.stop`, which waits for every extension
to stop: with the broker away, consumers reconnecting in a loop and RPC proxies waiting on
their connections kept a service alive 45 s past SIGTERM and the gateway over 10 minutes
(issue 30). Here SIGTERM starts the same graceful stop, and after STOP_GRACE_SECONDS (10)
the containers are killed and the process exits; should the event loop itself be stuck, an
OS thread ends the process a few seconds later (exit status 1 when the stop was forced).
"""
import errno
import logging
import os
import signal

import eventlet
from eventlet import patcher
from nameko.runners import ServiceRunner

log = logging.getLogger("loupan.stop")
DEFAULT_GRACE_SECONDS = 10.0
HARD_EXIT_AFTER = 5.0  # seconds past the grace period, if the kill itself does not return

_threading = patcher.original("threading")
_time = patcher.original("time")


def grace_of(config):
    value = config.get("STOP_GRACE_SECONDS")
    return DEFAULT_GRACE_SECONDS if value in (None, "") else float(value)


def _exit_now(code, why):
    log.critical(why)
    for handler in logging.getLogger().handlers:
        try:
            handler.flush()
        except Exception:  # noqa: BLE001 - exiting anyway
            pass
    os._exit(code)


def run(services, config):
    """nameko.cli.run.run, with a deadline on the stop."""
    runner = ServiceRunner(config)
    for service_cls in services:
        runner.add_service(service_cls)
    grace = grace_of(config)
    stopping = []

    def force():
        eventlet.sleep(grace)
        log.error("not stopped %.0f s after SIGTERM: killing the containers", grace)
        try:
            runner.kill()
        finally:
            _exit_now(1, "stopped by force after the grace period")

    def last_resort():
        _time.sleep(grace + HARD_EXIT_AFTER)
        _exit_now(1, "the event loop did not stop: exiting")

    def shutdown(signum, frame):
        # signal handlers run in the hub's main loop: no eventlet waits here
        if stopping:
            return
        stopping.append(signum)
        eventlet.spawn_n(runner.stop)
        eventlet.spawn_n(force)
        _threading.Thread(target=last_resort, daemon=True, name="stop-deadline").start()

    signal.signal(signal.SIGTERM, shutdown)
    runner.start()
    runnlet = eventlet.spawn(runner.wait)
    while True:
        try:
            runnlet.wait()
        except OSError as exc:
            if exc.errno == errno.EINTR:  # the signal handler interrupted a wait
                continue
            raise
        except KeyboardInterrupt:
            shutdown(signal.SIGINT, None)
            continue
        break
