# Shared by scripts/run.sh, scripts/test.sh and .ci/run: a virtualenv with the pinned
# requirements, and the machine's RabbitMQ and PostgreSQL started if they are stopped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

ensure_venv() {
  # what production runs and what the tests add, each pinned with its hashes
  local stamp="$VENV/.installed-$(sha256sum "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "installing the project into $VENV (pinned: requirements.txt, requirements-dev.txt)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check --require-hashes \
      -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt" 2>&1 | grep -v "^WARNING: Location" || true
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -e "$ROOT" 2>&1 | grep -v "^WARNING: Location" || true
    "$VENV/bin/python" -c "import nameko, sqlalchemy, psycopg2, loupan" || { echo "install failed" >&2; exit 1; }
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {  # wait_port PORT NAME SECONDS
  for _ in $(seq 1 "$3"); do port_open "$1" && return 0; sleep 1; done
  echo "$2 did not open port $1 within $3 s" >&2
  return 1
}

ensure_rabbitmq() {  # ensure_rabbitmq [with-management]
  if ! port_open 5672; then
    if ! command -v rabbitmq-server >/dev/null; then
      echo "RabbitMQ is not running and not installed. Install it (Debian: apt-get install rabbitmq-server)" >&2
      echo "or point AMQP_URI at a broker (e.g. docker run -p 5672:5672 rabbitmq:3-management)." >&2
      exit 1
    fi
    say "starting RabbitMQ"
    [ "${1:-}" = "with-management" ] && rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
    rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_port 5672 RabbitMQ 90
  fi
  if [ "${1:-}" = "with-management" ] && ! port_open 15672; then
    say "enabling the RabbitMQ management plugin (the tests make a vhost per test through it)"
    rabbitmq-plugins enable rabbitmq_management >/dev/null
    wait_port 15672 "RabbitMQ management" 60
  fi
}

ensure_postgres() {
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
    for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -p 5432 -q && return 0; sleep 1; done
    echo "PostgreSQL did not start" >&2
    exit 1
  fi
}

ensure_prometheus() {  # promtool checks deploy/ and the metrics tests run a real Prometheus
  if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
    say "installing Prometheus and promtool (Debian package prometheus)"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1 \
      || { $SUDO apt-get update -q >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null; } \
      || { echo "could not install the Debian package prometheus" >&2; exit 1; }
  fi
}

ensure_chromium() {  # the console's browser tests: Debian's Chromium, its driver and a CJK font
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! fc-list 2>/dev/null | grep -i wqy >/dev/null; then
    say "installing Chromium, ChromeDriver and a Chinese font (Debian: chromium chromium-driver fonts-wqy-microhei)"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    local pkgs="chromium chromium-driver fonts-wqy-microhei"
    $SUDO apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1 \
      || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends $pkgs >/dev/null; } \
      || { echo "could not install the Debian packages $pkgs" >&2; exit 1; }
  fi
}

ensure_docker_compose() {  # tests/test_compose_services.py: compose's own `config` reads docker-compose.yml
  # no engine is needed for that; where the Docker client has no compose plugin, Debian's v1.29
  if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
    say "installing Compose to check docker-compose.yml (Debian: docker-compose)"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose >/dev/null 2>&1 \
      || { $SUDO apt-get update -q >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose >/dev/null; } \
      || { echo "could not install the Debian package docker-compose" >&2; exit 1; }
  fi
}

ensure_cjk_font() {  # the printed documents (gateway/documents, PDF): a Chinese font to embed
  if ! fc-list 2>/dev/null | grep -i wqy >/dev/null; then
    say "installing a Chinese font for the PDFs (Debian: fonts-wqy-microhei)"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends fonts-wqy-microhei fontconfig >/dev/null 2>&1 \
      || { $SUDO apt-get update -q >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends fonts-wqy-microhei fontconfig >/dev/null; } \
      || echo "could not install fonts-wqy-microhei: the PDF documents answer 503 FONT_MISSING" >&2
  fi
}

ensure_node() {  # the generated API types (web/, tests/test_openapi_types.py): Node.js and npm
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing Node.js and npm (Debian: nodejs npm)"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm >/dev/null 2>&1 \
      || { $SUDO apt-get update -q >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm >/dev/null; } \
      || { echo "could not install the Debian packages nodejs npm" >&2; exit 1; }
  fi
}
