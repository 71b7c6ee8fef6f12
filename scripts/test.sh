#!/usr/bin/env bash
# Run every test: domain units, service tests (real RabbitMQ, SQLite and PostgreSQL) and
# system tests (all services as processes, driven over HTTP). Extra args go to pytest.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_rabbitmq with-management
ensure_postgres
ensure_prometheus
ensure_chromium
cd "$ROOT"
say "running the tests"
# the slowest 15 printed at the end: where the suite's time goes (docs/benchmarks.md)
exec python -m pytest --durations=15 "$@"
