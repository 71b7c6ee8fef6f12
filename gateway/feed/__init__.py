"""The live board feed (issue 18): a process of its own that pushes every unit change of a
project's 销控 board to many idle connections (big screens, buyers' phones, staff screens)
as Server-Sent Events, instead of each of them polling the 420 kB board.

    python -m gateway.feed gateway/feed/config.yaml

- `board_events.py`: which events change a board, and the delta each one is (pure).
- `ring.py`: each project's bounded ring of recent deltas and the resume rule of a
  reconnecting client's Last-Event-ID (pure).
- `broker.py`: one thread consuming the feed's RabbitMQ stream queue (py-amqp).
- `server.py`: plain asyncio: the HTTP endpoints, the fan-out, authentication.

The ids are the offsets of the feed's stream queue (`x-queue-type: stream`), which keeps the
events for FEED_STREAM_MAX_AGE: a restarted feed reads the stream again from its start and
rebuilds its rings, so a client that reconnects with its Last-Event-ID gets exactly what it
missed, the events published while the feed was down included; and every replica reads the
same stream, so an id means the same event on each.
"""
