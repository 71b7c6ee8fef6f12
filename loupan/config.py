"""Service configuration: YAML with `${VAR:default}` taken from the environment."""
import os
import re

import yaml

_VAR = re.compile(r"\$\{(\w+)(?::([^}]*))?\}")


def substitute(text, environ=None):
    """Replace `${VAR}` and `${VAR:default}` in `text`; a missing VAR without default is an error."""
    environ = os.environ if environ is None else environ

    def value(match):
        name, default = match.group(1), match.group(2)
        if name in environ:
            return environ[name]
        if default is None:
            raise KeyError(f"configuration needs the environment variable {name}")
        return default

    return _VAR.sub(value, text)


def load_config(path, environ=None):
    """Load a YAML config file, substituting environment variables before parsing,
    so that substituted numbers and booleans get their YAML types."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(substitute(handle.read(), environ)) or {}
