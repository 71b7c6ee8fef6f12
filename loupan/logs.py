"""Structured logs: one JSON object per line, with the service, entrypoint, call id and
event id of the worker that wrote it (kept in a greenlet-local by the Operations provider),
the HTTP request id (X-Request-Id) where the gateway set it, and the trace and span ids
where tracing is on (loupan.tracing)."""
import json
import logging
import threading
from datetime import datetime, timezone

context = threading.local()  # green under eventlet's monkey patch: one per greenlet


class JsonFormatter(logging.Formatter):
    def __init__(self, service="loupan"):
        super().__init__()
        self.service = service

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "service": self.service,
            "message": record.getMessage(),
        }
        for key in ("entrypoint", "call_id", "event_id", "request_id", "trace_id", "span_id"):
            value = getattr(context, key, None)
            if value:
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(service, level="INFO"):
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("nameko").setLevel("WARNING")
    # nameko logs every *expected* exception (a 409, a 404) as a warning with a traceback:
    # noise at best, and formatting it cost more CPU than the hold itself on launch day.
    # Unexpected errors are logged at ERROR and still appear.
    logging.getLogger("nameko.containers").setLevel("ERROR")
    logging.getLogger("amqp").setLevel("WARNING")
