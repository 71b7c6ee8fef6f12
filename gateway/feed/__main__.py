"""`python -m gateway.feed gateway/feed/config.yaml`: the live board feed (gateway/feed/__init__.py).

Refuses to start (exit status 2, the reason logged) on the development JWT key or a weak one,
by the gateway's rule (loupan/keys.py), unless LOUPAN_INSECURE_DEV_SECRET=1."""
import asyncio
import logging
import re
import resource
import signal
import sys
from pathlib import Path

from loupan.config import load_config
from loupan.keys import InsecureSecret, check_key

log = logging.getLogger("loupan.feed")


def default_secret(path):
    found = re.search(r"\$\{LOUPAN_JWT_SECRET:([^}]*)\}", Path(path).read_text(encoding="utf-8"))
    return found.group(1) if found else None


def raise_fd_limit():
    """Each viewer is a file descriptor: take the hard limit (`ulimit -Hn`) as the soft one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    path = argv[0] if argv else str(Path(__file__).with_name("config.yaml"))
    config = load_config(path)
    logging.basicConfig(level=str(config.get("LOG_LEVEL", "INFO")).upper(),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        warning = check_key(config, "JWT_SECRET", "LOUPAN_JWT_SECRET", default_secret(path),
                            "sign a token for any account and role", path, ", the same as the gateway's")
    except InsecureSecret as exc:
        log.error("feed: refusing to start: %s", exc)
        return 2
    if warning:
        log.warning("feed: %s", warning)
    log.info("feed: file descriptors: %s", raise_fd_limit())

    from gateway.feed.broker import StreamConsumer
    from gateway.feed.server import serve

    def consumer(deliver, caught_up):
        return StreamConsumer(config["AMQP_URI"], deliver, caught_up, max_age=config.get("STREAM_MAX_AGE", "2h"))

    async def run():
        loop = asyncio.get_running_loop()
        task = loop.create_task(serve(config, consumer))
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            log.info("feed: stopped")

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
