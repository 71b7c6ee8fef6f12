"""Replay dead letters: move the events parked in `<queue>.dlq` back into `<queue>`.

    python -m loupan.replay <service config.yaml> <queue> [--dry-run] [--limit N]

`<queue>` is the handler's queue (`evt-contracts-subscription_approved--inventory.on_subscription_approved`;
the `.dlq` suffix may be given too). The broker is the config's AMQP_URI (environment
variables apply, as for the service). Each event is re-published to the handler's queue
with its attempt counter reset and a publisher confirm, then removed from the dead-letter
queue: a crash in between leaves a copy in both, which the handler's inbox absorbs (same
event id). `--dry-run` lists what would be replayed and leaves it parked. Fix the cause
first (docs/operations.md), or the events come back to the dead-letter queue.
"""
import argparse
import json
import sys

from kombu import Connection

from loupan.config import load_config
from loupan.inbox import ATTEMPTS_HEADER

ERROR_HEADER = "x-loupan-error"


def describe(message):
    try:
        event = json.loads(message.body)
        what = f"{event.get('type')} {event.get('event_id')}"
    except (TypeError, ValueError):
        what = "(not JSON)"
    error = (message.headers or {}).get(ERROR_HEADER, "")
    return f"{what} attempts={(message.headers or {}).get(ATTEMPTS_HEADER, '?')} error={error}"


def replay(amqp_uri, queue, dry_run=False, limit=None, out=sys.stdout):
    """Move up to `limit` messages from `<queue>.dlq` to `<queue>`; returns how many."""
    queue = queue[:-4] if queue.endswith(".dlq") else queue
    dead = f"{queue}.dlq"
    moved, seen = 0, []
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        channel.queue_declare(queue, passive=True)  # the handler's queue must exist: no typo'd target
        parked = channel.queue_declare(dead, passive=True).message_count
        limit = parked if limit is None else min(limit, parked)  # not those that fail again meanwhile
        producer = conn.Producer(channel)
        while moved < limit:
            message = channel.basic_get(dead, no_ack=False)
            if message is None:
                break
            seen.append(message)
            print(describe(message), file=out)
            if dry_run:
                moved += 1
                continue
            headers = {k: v for k, v in (message.headers or {}).items() if k != ATTEMPTS_HEADER}
            headers["x-loupan-replayed"] = int(headers.get("x-loupan-replayed", 0)) + 1
            producer.publish(message.body, exchange="", routing_key=queue, headers=headers,
                             content_type=message.content_type, content_encoding=message.content_encoding,
                             delivery_mode=2, retry=True, retry_policy={"max_retries": 3})
            channel.basic_ack(message.delivery_tag)
            moved += 1
        if dry_run:
            for message in seen:
                channel.basic_reject(message.delivery_tag, requeue=True)
    return moved


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m loupan.replay", description=__doc__.split("\n\n")[0])
    parser.add_argument("config", help="the consuming service's config.yaml (for AMQP_URI)")
    parser.add_argument("queue", help="the handler's queue, with or without .dlq")
    parser.add_argument("--dry-run", action="store_true", help="list the parked events, move nothing")
    parser.add_argument("--limit", type=int, default=None, help="replay at most N events")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    moved = replay(config["AMQP_URI"], args.queue, dry_run=args.dry_run, limit=args.limit)
    verb = "would replay" if args.dry_run else "replayed"
    print(f"{verb} {moved} event(s) from {args.queue.removesuffix('.dlq')}.dlq")


if __name__ == "__main__":
    main()
