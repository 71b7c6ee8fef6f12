"""Loupan kernel: what every service needs the same way, and no business rules.

config, database, outbox/inbox, event envelope and schemas, errors, RPC with a timeout,
metrics, health, JSON logs. A service imports this package, never another service.
"""
import warnings

# nameko 2 runs on eventlet by design (docs/design.md, "Decisions": the exit plan); its deprecation notice on every process
# start says nothing an operator can act on.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
