#!/usr/bin/env bash
# Back up every service's database: bash scripts/backup.sh [DEST] [--services hr,crm]   (DEST: backup/)
# Makes DEST/<UTC time>/ with one file per service (PostgreSQL: pg_dump --format=custom,
# <svc>.dump; SQLite: an online-backup copy, <svc>.db), manifest.json (service, database,
# alembic revision, rows per table, size, SHA-256) and SHA256SUMS; prints the folder last.
# Each database is the one the service uses: <SVC>_DATABASE_URL, else, as scripts/run.sh,
# the SQLite file $LOUPAN_VAR/<svc>.db (default var/). Safe while the system runs.
# PostgreSQL needs pg_dump of the server's major version or newer. docs/operations.md, "Back up".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VAR_DIR="${LOUPAN_VAR:-var}"
for name in hr inventory crm contracts finance gateway; do
  url="${name^^}_DATABASE_URL"
  export "$url"="${!url:-sqlite:///$VAR_DIR/$name.db}"
done
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
DEST=backup
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then DEST="$1"; shift; fi
exec "$PYTHON" -m loupan.backup backup "$DEST" "$@"
