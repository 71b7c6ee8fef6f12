"""Buyers' sign-in codes: the rules (gateway/buyer_codes.py) and the SMS adapters
(gateway/sms.py), the http one against a real HTTP receiver on 127.0.0.1 that answers, fails
and hangs."""
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from gateway import buyer_codes as rules
from gateway.sms import HttpSender, LogSender, sender_from
from loupan.errors import Unavailable

NOW = datetime(2030, 5, 1, 1, 0, tzinfo=timezone.utc)


def test_a_code_is_six_digits_and_its_hash_is_bound_to_launch_and_mobile():
    codes = {rules.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150
    stored = rules.code_hash("key", 7, "13800000001", "012345")
    assert rules.matches("key", 7, "13800000001", "012345", stored)
    for launch, mobile, code, key in ((8, "13800000001", "012345", "key"), (7, "13800000002", "012345", "key"),
                                      (7, "13800000001", "012346", "key"), (7, "13800000001", "012345", "other")):
        assert not rules.matches(key, launch, mobile, code, stored)
    assert not rules.matches("key", 7, "13800000001", "012345", None)


def test_resend_waits_a_minute_and_allows_five_an_hour():
    assert rules.resend_wait([], NOW) == 0
    assert rules.resend_wait([NOW - timedelta(seconds=20)], NOW) == 40
    assert rules.resend_wait([NOW - timedelta(seconds=60)], NOW) == 0
    five = [NOW - timedelta(minutes=m) for m in (50, 40, 30, 20, 10)]
    assert rules.resend_wait(five, NOW) == 10 * 60  # the oldest of the five leaves the hour in 10 min
    assert rules.resend_wait(five[1:], NOW) == 0


def code_row(**changes):
    return SimpleNamespace(**dict({"used_at": None, "attempts": 0, "expires_at": NOW + timedelta(minutes=1)}, **changes))


@pytest.mark.parametrize("row,answer", [
    (None, "none"),
    (code_row(used_at=NOW), "none"),
    (code_row(attempts=5), "spent"),
    (code_row(expires_at=NOW), "expired"),
    (code_row(attempts=4), None),
])
def test_which_codes_may_be_tried(row, answer):
    assert rules.refusal(row, NOW) == answer


def test_the_log_adapter_writes_one_json_line_per_text(tmp_path):
    sender = sender_from({"SMS_ADAPTER": "log", "SMS_LOG_FILE": str(tmp_path / "sms" / "out.log")})
    assert isinstance(sender, LogSender)
    sender.send("13800000001", rules.message("123456"))
    sender.send("13800000002", "二")
    lines = [json.loads(x) for x in (tmp_path / "sms" / "out.log").read_text(encoding="utf-8").splitlines()]
    assert [x["mobile"] for x in lines] == ["13800000001", "13800000002"] and "123456" in lines[0]["text"]


class Receiver(BaseHTTPRequestHandler):
    answers = []  # (status, seconds to wait) per request, in order
    received = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers.get("Authorization"), json.loads(body)))
        status, wait = type(self).answers.pop(0)
        if wait:
            threading.Event().wait(wait)
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.answers, Receiver.received = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()
    server.server_close()


def test_the_http_adapter_posts_to_the_provider_and_says_when_it_could_not(receiver):
    sender = sender_from({"SMS_ADAPTER": "http", "SMS_HTTP_URL": receiver, "SMS_HTTP_TOKEN": "t0ken",
                          "SMS_HTTP_TIMEOUT": "0.5"})
    assert isinstance(sender, HttpSender)
    Receiver.answers = [(200, 0), (500, 0), (200, 2)]
    sender.send("13800000001", "您的验证码")
    assert Receiver.received[0] == ("Bearer t0ken", {"mobile": "13800000001", "text": "您的验证码"})
    for _ in range(2):  # the provider fails, then does not answer in time
        with pytest.raises(Unavailable) as failed:
            sender.send("13800000001", "您的验证码")
        assert failed.value.code == "SMS_UNAVAILABLE"


def test_an_unknown_adapter_or_an_http_one_without_its_url_is_refused_at_start():
    with pytest.raises(ValueError):
        sender_from({"SMS_ADAPTER": "pigeon"})
    with pytest.raises(ValueError):
        sender_from({"SMS_ADAPTER": "http"})
