#!/usr/bin/env bash
# Run the whole system on the embedded default (one SQLite file per service under var/),
# with demo data entered through the API on first start. Ctrl-C stops every service.
# loupan/supervise.py runs the Procfile: a service that exits is restarted (backoff 1 s
# doubling to 30 s, said in the log) while the others keep running.
# LOUPAN_VAR moves the SQLite files; *_HTTP and AMQP_URI move the ports and the broker
# (tests/test_run_script.py runs it so, beside a developer's own run).
# Without LOUPAN_JWT_SECRET, a random key is made once into $VAR_DIR/jwt_secret (mode 600)
# and reused, so that tokens survive a restart and the gateway never signs with a public key;
# likewise LOUPAN_BUS_KEY into $VAR_DIR/bus_key: the key every process seals RPCs with (loupan/bus.py).
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_rabbitmq
ensure_cjk_font  # the PDF documents
cd "$ROOT"
bash scripts/build_console.sh  # the web console, when its sources changed (web/ -> web/dist)
VAR_DIR="${LOUPAN_VAR:-var}"
mkdir -p "$VAR_DIR"
export SMS_LOG_FILE="${SMS_LOG_FILE:-$VAR_DIR/sms.log}"  # the demo's texts (buyers' sign-in codes)
# A random key made once into $VAR_DIR (mode 600) and kept, unless the environment gives one:
# the gateway's token key and the bus key every service seals and checks actors with.
ensure_key() {  # ensure_key VARIABLE FILE
  if [ -z "${!1:-}" ]; then
    if [ ! -s "$VAR_DIR/$2" ]; then
      (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(48))' > "$VAR_DIR/$2")
    fi
    chmod 600 "$VAR_DIR/$2"
    export "$1=$(cat "$VAR_DIR/$2")"
  fi
}
ensure_key LOUPAN_JWT_SECRET jwt_secret
ensure_key LOUPAN_BUS_KEY bus_key
SERVICES="hr inventory crm contracts finance gateway"
for name in $SERVICES; do
  upper="${name^^}"
  url="${upper}_DATABASE_URL"
  export "$url"="${!url:-sqlite:///$VAR_DIR/$name.db}"
done
port_of() {  # port_of NAME DEFAULT: the port of NAME's *_HTTP address
  local address="${1^^}_HTTP"
  address="${!address:-127.0.0.1:$2}"
  echo "${address##*:}"
}
GATEWAY_PORT=$(port_of gateway 8000)
SITE="http://127.0.0.1:$GATEWAY_PORT"
FEED_PORT=$(port_of feed 8106)  # the live board feed (gateway/feed): it asks the gateway who may listen
export FEED_GATEWAY="${FEED_GATEWAY:-$SITE}"
# the console and the wall follow the board from the feed's own port: the page is told where
# (LOUPAN_FEED_PORT), and the feed lets the console's origin in (behind nginx neither is needed)
export LOUPAN_FEED_PORT="${LOUPAN_FEED_PORT-$FEED_PORT}"
export FEED_CORS_ORIGINS="${FEED_CORS_ORIGINS-$SITE,http://localhost:$GATEWAY_PORT}"
# the demo may send webhooks to a receiver on this machine (http://127.0.0.1; docs/webhooks.md)
export WEBHOOKS_ALLOW_LOCAL="${WEBHOOKS_ALLOW_LOCAL-1}"

for name in $SERVICES; do
  if [ "$name" = gateway ]; then config=gateway/config.yaml; else config="services/$name/config.yaml"; fi
  python -m loupan.migrate "$config"
done
DEMO_USER=director DEMO_PASSWORD=loupan-demo
if [ ! -f "$VAR_DIR/.demo-seeded" ]; then
  python -m services.hr.create_director services/hr/config.yaml \
    --agency 示例代理 --code demo --username "$DEMO_USER" --password "$DEMO_PASSWORD" --name 张总监
fi

say "starting hr, inventory, crm, contracts, finance, gateway and the live board feed (loupan.supervise, Procfile; restarted if they exit)"
python -m loupan.supervise -f Procfile &
SUPERVISOR=$!
trap 'kill $SUPERVISOR 2>/dev/null; wait $SUPERVISOR 2>/dev/null' INT TERM EXIT
for port in $(port_of hr 8102) $(port_of inventory 8101) $(port_of crm 8103) $(port_of contracts 8104) \
            $(port_of finance 8105) "$GATEWAY_PORT" "$FEED_PORT"; do
  for _ in $(seq 1 90); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
    kill -0 $SUPERVISOR 2>/dev/null || { echo "a service failed to start" >&2; exit 1; }
    sleep 1
  done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "port $port is not ready" >&2; exit 1; }
done
if [ ! -f "$VAR_DIR/.demo-seeded" ]; then
  say "entering the demo data through the API"
  python scripts/demo_data.py "$SITE" "$DEMO_USER" "$DEMO_PASSWORD" || { echo "the demo data failed" >&2; exit 1; }
  touch "$VAR_DIR/.demo-seeded"
fi
cat <<TXT

  Loupan is running (SQLite files in $VAR_DIR/, broker ${AMQP_URI:-amqp://127.0.0.1:5672/}).
    console        $SITE/console/
    API            $SITE/api   (e.g. GET /api/projects/1/board)
    API docs       $SITE/api/docs   ·   OpenAPI: /api/openapi.json
    metrics        $SITE/metrics, and /metrics on each service's port (hr :$(port_of hr 8102), inventory :$(port_of inventory 8101),
                   crm :$(port_of crm 8103), contracts :$(port_of contracts 8104), finance :$(port_of finance 8105))
    buyers         $SITE/buyer/launch/<launch id>  (手机选房: a buyer signs in on the phone with the mobile
                   of their 认筹 and the code texted to it; the demo's texts are in $SMS_LOG_FILE)
    live board     http://127.0.0.1:$FEED_PORT/api/projects/1/board/stream  (Server-Sent Events of the board's
                   changes, Bearer token; /metrics and /health/* on that port too)
    health         /health/live and /health/ready on each of those ports
    restarts       a service that exits is started again: look for "supervise |" lines in this log
    demo accounts  password loupan-demo for every one:
                     $DEMO_USER (director 张总监), demo.manager (王经理), demo.supervisor (赵主管),
                     demo.advisor (李顾问), demo.advisor2 (陈顾问), demo.assistant (周助理),
                     demo.finance (吴财务): the agency's accounts are named <agency code>.<name>
    try            curl -s -XPOST $SITE/api/auth/login -d '{"username":"$DEMO_USER","password":"$DEMO_PASSWORD"}'
  Ctrl-C stops everything.

TXT
wait $SUPERVISOR
