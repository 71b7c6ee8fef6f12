#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh: bash scripts/restore.sh FOLDER [--force] [--services hr,crm]
#                     or check one without restoring: bash scripts/restore.sh --check FOLDER
# Into the databases the services would use (<SVC>_DATABASE_URL, else $LOUPAN_VAR/<svc>.db as
# scripts/run.sh). Every checksum is checked first, then every target: one that holds a table
# is refused (exit 2, nothing restored) unless --force, which replaces its content. A
# PostgreSQL database that does not exist is created. After each restore its rows per table
# and alembic revision are compared with the manifest. Stop the services first; start them
# after (they migrate nothing: run loupan.migrate first if the release is newer than the backup).
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
if [ "${1:-}" = --check ]; then
  exec "$PYTHON" -m loupan.backup check "${2:?usage: scripts/restore.sh --check FOLDER}"
fi
exec "$PYTHON" -m loupan.backup restore "${1:?usage: scripts/restore.sh FOLDER [--force] [--services hr,crm]}" "${@:2}"
