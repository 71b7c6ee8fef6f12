#!/usr/bin/env bash
# Run the whole system on the embedded default (one SQLite file per service under var/),
# with demo data on first start. Ctrl-C stops every service.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_rabbitmq
cd "$ROOT"
mkdir -p var
for config in services/hr/config.yaml services/inventory/config.yaml gateway/config.yaml; do
  python -m loupan.migrate "$config"
done
DEMO_USER=director DEMO_PASSWORD=loupan-demo
if [ ! -f var/.demo-seeded ]; then
  python -m services.hr.create_director services/hr/config.yaml \
    --agency 示例代理 --username "$DEMO_USER" --password "$DEMO_PASSWORD" --name 张总监
fi

say "starting hr, inventory and gateway (honcho, Procfile)"
honcho start -f Procfile &
HONCHO=$!
trap 'kill $HONCHO 2>/dev/null; wait $HONCHO 2>/dev/null' INT TERM EXIT
for port in 8102 8101 8000; do
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
    kill -0 $HONCHO 2>/dev/null || { echo "a service failed to start" >&2; exit 1; }
    sleep 1
  done
done
if [ ! -f var/.demo-seeded ]; then
  python scripts/demo_data.py http://127.0.0.1:8000 "$DEMO_USER" "$DEMO_PASSWORD" && touch var/.demo-seeded
fi
cat <<TXT

  Loupan is running (SQLite files in var/, broker ${AMQP_URI:-amqp://127.0.0.1:5672/}).
    API            http://127.0.0.1:8000/api   (e.g. GET /api/projects/1/board)
    API docs       http://127.0.0.1:8000/api/docs   ·   OpenAPI: /api/openapi.json
    metrics        http://127.0.0.1:8000/metrics  :8101/metrics (inventory)  :8102/metrics (hr)
    health         /health/live and /health/ready on each of those ports
    demo login     $DEMO_USER / $DEMO_PASSWORD  (also manager, supervisor, advisor, assistant,
                   finance with password loupan-demo)
    try            curl -s -XPOST localhost:8000/api/auth/login -d '{"username":"$DEMO_USER","password":"$DEMO_PASSWORD"}'
  Ctrl-C stops everything.

TXT
wait $HONCHO
