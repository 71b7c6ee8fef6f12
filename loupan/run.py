"""Run one service process: `python -m loupan.run services/inventory/config.yaml`.

The config names the service class (`SERVICE: module:Class`); the environment fills the
`${VAR:default}` placeholders. Eventlet's monkey patch comes before any other import.
"""
from loupan.green import patch

patch()

import sys  # noqa: E402

from nameko.cli.run import import_service, run  # noqa: E402

from loupan import logs  # noqa: E402
from loupan.config import load_config  # noqa: E402


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: python -m loupan.run <config.yaml>")
    config = load_config(argv[1])
    services = import_service(config["SERVICE"])
    logs.configure(services[0].name, config.get("LOG_LEVEL", "INFO"))
    run(services, config)


if __name__ == "__main__":
    main(sys.argv)
