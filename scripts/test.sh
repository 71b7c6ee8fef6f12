#!/usr/bin/env bash
# Run every test: domain units, service tests (real RabbitMQ, PostgreSQL and the marked
# SQLite subset) and system tests (all services as processes, driven over HTTP).
# With no arguments the suite runs as three pytest processes side by side (see TIERS and
# docs/design.md "Tests"); with arguments, one pytest with those arguments, e.g.
#   bash scripts/test.sh -m "not system"        the inner loop
#   bash scripts/test.sh services/crm -x -q     one service
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_rabbitmq with-management
ensure_postgres
ensure_prometheus
ensure_chromium
cd "$ROOT"

if [ "$#" -gt 0 ]; then
  say "running the tests"
  # the slowest 15 printed at the end: where the suite's time goes (docs/benchmarks.md)
  exec python -m pytest --durations=15 "$@"
fi

# Three groups that share nothing a test could see: the service tests (their own databases
# and vhosts), the system tests (one running system on the machine's servers) and the
# reliability tests (a system on private servers they stop and start). xdist's workers
# hang under eventlet's monkey patch; whole processes do not. The reliability group waits
# out its outages mostly idle, so the three fit on two cores.
TIERS=("services:services loupan/tests gateway/tests" "system:tests --ignore=tests/reliability" "reliability:tests/reliability")
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/loupan-tests.XXXXXX")"
say "running the tests in ${#TIERS[@]} processes: ${TIERS[*]%%:*} (logs in $LOGS)"
started=$SECONDS
pids=()
for group in "${TIERS[@]}"; do
  name="${group%%:*}"
  # shellcheck disable=SC2086  # the paths are words
  python -m pytest -q --durations=15 ${group#*:} > "$LOGS/$name.log" 2>&1 &
  pids+=("$!")
done
status=0
for i in "${!TIERS[@]}"; do
  name="${TIERS[$i]%%:*}"
  if wait "${pids[$i]}"; then result=passed; else result="FAILED (exit $?)"; status=1; fi
  printf '\n===== %s: %s after %d s =====\n' "$name" "$result" $((SECONDS - started))
  cat "$LOGS/$name.log"
done
say "all groups done in $((SECONDS - started)) s: $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status
