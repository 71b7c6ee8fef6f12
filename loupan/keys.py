"""Keys a process refuses to start without: the gateway's JWT key (gateway/auth.py) and the
bus key every process holds (loupan/bus.py). One rule for both: not the public development
default written in the config files, at least 32 bytes and random-looking
(loupan/key_strength.py), unless INSECURE_DEV_SECRET
(LOUPAN_INSECURE_DEV_SECRET=1) says this is a developer's machine."""
from loupan.key_strength import MIN_KEY_BYTES as MIN_SECRET_BYTES, weakness

GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


class InsecureSecret(ValueError):
    """The configured key would let anyone sign (a token, an actor)."""


def insecure_allowed(config):
    return str(config.get("INSECURE_DEV_SECRET") or "").strip().lower() in ("1", "true", "yes", "on")


def check_key(config, setting, env, default, what, where, advice=""):
    """None if `config[setting]` is a usable key; else InsecureSecret, or the warning to log
    when LOUPAN_INSECURE_DEV_SECRET allows a weak key. `what`: what anyone could do with a
    known key; `where`: the file holding the development default."""
    secret = str(config.get(setting) or "")
    if secret == default:
        problem = (f"{env} is not set: {setting} is the development default written in {where}, so "
                   f"anyone who has read the source could {what}")
    else:
        problem = weakness(secret, env)  # short, or visibly not random (loupan/key_strength.py)
        if problem is None:
            return None
    if insecure_allowed(config):
        return f"{problem}; starting anyway because LOUPAN_INSECURE_DEV_SECRET is set (development only)"
    raise InsecureSecret(f"{problem}. Set {env} to a random key of at least {MIN_SECRET_BYTES} "
                         f"bytes (e.g. {GENERATE}){advice}; on a developer's machine "
                         f"LOUPAN_INSECURE_DEV_SECRET=1 allows it")
