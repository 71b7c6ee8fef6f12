"""Run one service process: `python -m loupan.run services/inventory/config.yaml`.

The config names the service class (`SERVICE: module:Class`); the environment fills the
`${VAR:default}` placeholders. Eventlet's monkey patch comes before any other import.
A service class may refuse its settings before anything starts: `check_config(config)`
raises ValueError (logged, exit status 2) or returns a warning to log (the gateway's JWT key).
Every process is first held to the bus key (loupan.bus.check_config): no process starts on
the public development key or a short one, unless LOUPAN_INSECURE_DEV_SECRET=1.
"""
from loupan.green import patch

patch()

import resource  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402

from nameko.cli.run import import_service  # noqa: E402

from loupan import logs  # noqa: E402
from loupan.config import load_config  # noqa: E402
from loupan.stopping import run  # noqa: E402  (SIGTERM stops within STOP_GRACE_SECONDS)


def raise_open_files_limit():
    """Every connection is a descriptor: the soft limit (often 1024) would refuse the
    gateway's 2048-deep backlog long before the machine runs short. Raise it to the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = 1 << 20 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):  # a container may forbid it: keep the soft limit
            pass


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: python -m loupan.run <config.yaml>")
    raise_open_files_limit()
    config = load_config(argv[1])
    services = import_service(config["SERVICE"])
    logs.configure(services[0].name, config.get("LOG_LEVEL", "INFO"))
    from loupan import bus, tracing

    tracing.configure(services[0].name)  # off unless LOUPAN_TRACING or an OTLP endpoint says on

    for service_cls in services:
        for check in (getattr(service_cls, "check_config", None), bus.check_config):
            if check is not None:
                _check(service_cls, check, config)
    run(services, config)


def _check(service_cls, check, config):
    try:
        warning = check(config)
    except ValueError as exc:
        logging.getLogger("loupan.run").critical("%s refuses to start: %s", service_cls.name, exc)
        sys.exit(2)
    if warning:
        logging.getLogger("loupan.run").warning("%s: %s", service_cls.name, warning)


if __name__ == "__main__":
    main(sys.argv)
