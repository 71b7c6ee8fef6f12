"""Sending a text message to a buyer's mobile: the one seam to an SMS provider.

`SMS_ADAPTER` chooses the adapter:
- `log` (the default, for a demo or a site that hands codes out at the desk): writes the
  message as a JSON line to `SMS_LOG_FILE` (default var/sms.log) and logs that it did, with the
  mobile masked; nothing leaves the machine.
- `http`: POSTs `{"mobile": …, "text": …}` as JSON to `SMS_HTTP_URL` with
  `Authorization: Bearer <SMS_HTTP_TOKEN>`, within SMS_HTTP_TIMEOUT seconds (default 5); any
  answer but 2xx, or none, is 503 SMS_UNAVAILABLE to the buyer, who may ask again. A
  provider's own API (阿里云短信, 腾讯云短信) sits behind a small relay speaking this."""
import json
import logging
import os
from pathlib import Path

import requests

from loupan.errors import Unavailable
from loupan.types import utcnow
from loupan.validators import mask_mobile

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]


class LogSender:
    def __init__(self, path):
        self.path = Path(path)

    def send(self, mobile, text):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": utcnow().isoformat(), "mobile": mobile, "text": text}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
        log.info("sms to %s written to %s", mask_mobile(mobile), self.path)


class HttpSender:
    def __init__(self, url, token, timeout):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, mobile, text):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            answer = requests.post(self.url, json={"mobile": mobile, "text": text}, headers=headers,
                                   timeout=self.timeout)
        except requests.RequestException as exc:
            log.warning("sms to %s not sent: %r", mask_mobile(mobile), exc)
            raise Unavailable("the text message could not be sent; try again shortly", "SMS_UNAVAILABLE") from None
        if not 200 <= answer.status_code < 300:
            log.warning("sms to %s refused by the provider: %s %s", mask_mobile(mobile), answer.status_code,
                        answer.text[:200])
            raise Unavailable("the text message could not be sent; try again shortly", "SMS_UNAVAILABLE")


def sender_from(config):
    adapter = str(config.get("SMS_ADAPTER") or "log").lower()
    if adapter == "http":
        url = config.get("SMS_HTTP_URL")
        if not url:
            raise ValueError("SMS_ADAPTER=http needs SMS_HTTP_URL")
        return HttpSender(url, config.get("SMS_HTTP_TOKEN"), float(config.get("SMS_HTTP_TIMEOUT") or 5))
    if adapter == "log":
        return LogSender(config.get("SMS_LOG_FILE") or os.path.join(ROOT, "var", "sms.log"))
    raise ValueError(f"SMS_ADAPTER must be log or http, not {adapter!r}")
