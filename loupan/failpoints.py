"""Failpoints: a test hook that kills the process at a named point of a saga.

`failpoint("contracts.swap.after_inventory")` does nothing unless the environment variable
`LOUPAN_FAILPOINTS` (a comma-separated list of names) names it; then the process dies at
once with SIGKILL, as a crash or an OOM kill would: no cleanup, no rollback of what was
committed, no outbox relay. The crash tests start a service with the variable set, drive a
saga into the point, restart the service without it and check that the saga's end state is
consistent. Never set in production.

A command's last commit waits for its answer (loupan.commands); at a failpoint it is made
first, so that what the code committed before the point is what the crash leaves behind.
"""
import os
import signal


def armed():
    """The failpoint names of this process (read each time: tests set it per process)."""
    return {name.strip() for name in os.environ.get("LOUPAN_FAILPOINTS", "").split(",") if name.strip()}


def failpoint(name):
    """SIGKILL this process here if `name` is armed; otherwise nothing."""
    if name in armed():
        from loupan.commands import settle_running

        settle_running()
        os.kill(os.getpid(), signal.SIGKILL)
