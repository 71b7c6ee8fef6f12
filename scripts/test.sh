#!/usr/bin/env bash
# Run every test: domain units, service tests (real RabbitMQ, PostgreSQL and the marked
# SQLite subset) and system tests (all services as processes, driven over HTTP).
# With no arguments the suite runs as four pytest processes side by side (run_groups below;
# docs/design.md "Tests"); with arguments, one pytest with those arguments, e.g.
#   bash scripts/test.sh services/crm -x -q     one service
# and `bash scripts/test.sh quick [pytest arguments]`, the inner loop: every test but those
# that drive a running system (-m "not system"), as four pytest processes side by side.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/groups.sh"
ensure_venv
ensure_rabbitmq with-management
ensure_postgres
ensure_prometheus
ensure_chromium
ensure_node
ensure_docker_compose
cd "$ROOT"
bash scripts/build_console.sh  # the browser tests open the built console (web/dist)

if [ "${1:-}" = quick ]; then
  shift
  # about a minute of tests each on this machine (docs/benchmarks.md)
  run_groups "inventory+contracts:services/inventory services/contracts" \
             "crm+hr:services/crm services/hr" \
             "kernel+finance+gateway:loupan/tests services/finance gateway/tests" \
             "scripts+reliability:tests" -- -m "not system" "$@"
  exit $?
fi

if [ "$#" -gt 0 ]; then
  say "running the tests"
  # the slowest 15 printed at the end: where the suite's time goes (docs/benchmarks.md)
  exec python -m pytest --durations=15 "$@"
fi

run_groups "services:services loupan/tests gateway/tests" \
           "system:tests --ignore=tests/reliability --ignore=tests/own_system" \
           "own_system:tests/own_system" "reliability:tests/reliability"
