"""Buyers' one-time sign-in codes, the rules (pure: no database, no clock but what is passed).

A buyer signs in on their phone with the mobile of their 认筹 and a six-digit code sent to
it (a broker with theirs, gateway/routes/brokers.py: the same rules, the scope "broker"
instead of a launch). A code lives CODE_SECONDS, takes MAX_ATTEMPTS wrong tries, then is spent; it signs in
once. A mobile gets a new code at most every RESEND_SECONDS and MAX_CODES_PER_HOUR an hour
per launch, so the SMS bill and the guessing both stay bounded: at most 5 codes × 5 tries
an hour against a million codes. Codes are kept as an HMAC under the gateway's key."""
import hashlib
import hmac
import secrets
from datetime import timedelta

CODE_DIGITS = 6
CODE_SECONDS = 300
RESEND_SECONDS = 60
MAX_CODES_PER_HOUR = 5
MAX_ATTEMPTS = 5
SESSION_HOURS = 12  # a launch day; the buyer signs in again the next day
SESSION_PREFIX = "lpb_"  # tells a buyer's session token from a staff JWT or a display token


def new_code():
    return str(secrets.randbelow(10 ** CODE_DIGITS)).zfill(CODE_DIGITS)


def code_hash(key, launch_id, mobile, code):
    """The HMAC-SHA256 of the code, bound to its launch (or "broker") and mobile (a code sent
    for one launch or mobile is no use for another, nor a broker's for a launch)."""
    message = f"{launch_id}|{mobile}|{code}".encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def matches(key, launch_id, mobile, code, stored_hash):
    return stored_hash is not None and hmac.compare_digest(code_hash(key, launch_id, mobile, code), stored_hash)


def resend_wait(sent_at, now):
    """Seconds before another code may go to the same mobile and launch, given when the
    codes of the last hour were asked for (oldest first); 0 if one may go now."""
    if not sent_at:
        return 0
    wait = (sent_at[-1] + timedelta(seconds=RESEND_SECONDS) - now).total_seconds()
    if len(sent_at) >= MAX_CODES_PER_HOUR:
        wait = max(wait, (sent_at[-MAX_CODES_PER_HOUR] + timedelta(hours=1) - now).total_seconds())
    return max(0, int(wait + 0.999))


def refusal(row, now):
    """Why the latest code `row` (None: none asked for) cannot be tried now: "none" (no code
    waiting, or it signed in already), "spent" (its tries used up) or "expired"; None if it
    may be tried."""
    if row is None or row.used_at is not None:
        return "none"
    if row.attempts >= MAX_ATTEMPTS:
        return "spent"
    if row.expires_at <= now:
        return "expired"
    return None


def message(code, sign="Loupan选房"):
    """The text of a code; `sign` names the app it signs in to (a broker's: Loupan经纪人)."""
    return f"【{sign}】您的登录验证码为 {code}，{CODE_SECONDS // 60} 分钟内有效。请勿告知他人。"
