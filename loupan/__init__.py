"""Loupan kernel: what every service needs the same way, and no business rules.

config, database, outbox/inbox, event envelope and schemas, errors, RPC with a timeout,
metrics, health, JSON logs. A service imports this package, never another service.
"""
