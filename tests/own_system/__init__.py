"""Modules that run a system of their own (`own_system` in tests/api.py): they kill and
restart its services, or start them with other settings. scripts/test.sh runs them in a
pytest process of their own, beside the session's system; like it, their systems keep their
databases on the session's private PostgreSQL cluster (`postgres`, tests/conftest.py)."""
