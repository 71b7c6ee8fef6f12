"""Back up and restore every service's database: `scripts/backup.sh`, `scripts/restore.sh`.

    python -m loupan.backup backup DEST            -> DEST/<UTC time>/ with manifest.json
    python -m loupan.backup restore DIR [--force] [--services hr,crm]
    python -m loupan.backup check DIR              checksums, and each dump readable

Each service's database is the one its `<SVC>_DATABASE_URL` names (as the processes read
it): PostgreSQL is dumped with `pg_dump --format=custom` inside a snapshot that also gives
the manifest its row counts and alembic revision, so the figures are those of the dump;
a SQLite file (the embedded default, var/*.db) is copied with SQLite's online backup, a
consistent copy even while a service writes to it. The manifest says, per service, which
database, which alembic revision, each table's rows, the file's size and SHA-256
(SHA256SUMS holds the same sums for `sha256sum -c`). A backup is written into a hidden
folder and renamed when complete: a folder with a manifest is a whole backup.

A restore checks every checksum before touching anything, then every target before
restoring any: a database that holds a table is refused unless `--force` (which empties it
first). After each restore the table counts and the alembic revision are compared with
the manifest. PostgreSQL targets that do not exist are created (the URL's user needs
CREATEDB then). No business rule here: tables are counted, never interpreted.
"""
import argparse
import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

SERVICES = ("hr", "inventory", "crm", "contracts", "finance", "gateway")
FORMAT = 1


class BackupError(Exception):
    """Said to the operator as it is, exit status 1 (2: a target refused, 3: a bad backup)."""

    status = 1


class TargetNotEmpty(BackupError):
    status = 2


class BadBackup(BackupError):
    status = 3


# databases ---------------------------------------------------------------------------------
def database_urls(environ=os.environ, services=SERVICES):
    """{service: URL} from `<SVC>_DATABASE_URL`, as scripts/run.sh and compose set them."""
    urls = {}
    for service in services:
        url = environ.get(f"{service.upper()}_DATABASE_URL")
        if not url:
            raise BackupError(f"{service.upper()}_DATABASE_URL is not set")
        urls[service] = url
    return urls


def engine_of(url):
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"unsupported database URL {redact(url)}")


def redact(url):
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url):
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError(f"{url}: not a SQLite file")
    return Path(database)


def pg_params(url, database=None):
    """libpq parameters (for psycopg2 and, as PG* variables, for pg_dump/pg_restore)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    params = {"host": u.host or "127.0.0.1", "port": str(u.port or 5432), "dbname": database or u.database}
    if u.username:
        params["user"] = u.username
    if u.password:
        params["password"] = u.password
    for key, value in u.query.items():  # sslmode and the like
        params[key] = value if isinstance(value, str) else value[-1]
    return params


PG_ENV = {"host": "PGHOST", "port": "PGPORT", "dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD",
          "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"}


def pg_env(params):
    env = dict(os.environ)
    env.update({PG_ENV[k]: v for k, v in params.items() if k in PG_ENV})
    return env


def pg_connect(params, **kwargs):
    import psycopg2

    return psycopg2.connect(**params, connect_timeout=10, **kwargs)


def pg_tables(cursor):
    cursor.execute("SELECT table_schema, table_name FROM information_schema.tables "
                   "WHERE table_type = 'BASE TABLE' "
                   "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")
    return cursor.fetchall()


def pg_counts(cursor):
    """{table: rows} of every table ("schema.table" outside public), and the alembic revision."""
    counts = {}
    for schema, table in pg_tables(cursor):
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
        counts[table if schema == "public" else f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts, pg_revision(cursor, counts)


def pg_revision(cursor, counts):
    if "alembic_version" not in counts:
        return None
    cursor.execute("SELECT version_num FROM alembic_version ORDER BY 1")
    return ",".join(row[0] for row in cursor.fetchall()) or None


def sqlite_counts(conn):
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1")]
    counts = {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
    revision = None
    if "alembic_version" in counts:
        revision = ",".join(r[0] for r in conn.execute("SELECT version_num FROM alembic_version ORDER BY 1")) or None
    return counts, revision


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(argv, env=None):
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


# backup ------------------------------------------------------------------------------------
def backup_postgresql(service, url, folder):
    params = pg_params(url)
    conn = pg_connect(params)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts, revision = pg_counts(cursor)
            path = folder / f"{service}.dump"
            # the same snapshot as the counts: the manifest describes exactly this dump
            run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}"], env=pg_env(params))
        conn.rollback()
    finally:
        conn.close()
    return {"engine": "postgresql", "server": f"{params['host']}:{params['port']}", "database": params["dbname"],
            "file": path.name, "alembic_revision": revision, "tables": counts}


def backup_sqlite(service, url, folder):
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"{service}: {source} does not exist")
    path = folder / f"{service}.db"
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(path)
    try:
        src.backup(dst)  # SQLite's online backup: a consistent copy while the service writes
        counts, revision = sqlite_counts(dst)
    finally:
        dst.close()
        src.close()
    return {"engine": "sqlite", "database": str(source), "file": path.name, "alembic_revision": revision,
            "tables": counts}


def backup(dest, urls, now=None):
    """Back up every service of `urls` into a new folder under `dest`; returns its path."""
    now = now or datetime.now(timezone.utc)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    name = now.strftime("%Y-%m-%dT%H%M%SZ")
    final = dest / name
    if final.exists():
        raise BackupError(f"{final} exists already")
    partial = dest / f".{name}.partial"
    partial.mkdir()
    entries = []
    for service, url in urls.items():
        entry = (backup_sqlite if engine_of(url) == "sqlite" else backup_postgresql)(service, url, partial)
        path = partial / entry["file"]
        entries.append({"service": service, **entry, "bytes": path.stat().st_size, "sha256": sha256(path)})
    manifest = {"format": FORMAT, "created_at": now.isoformat(timespec="seconds"), "host": socket.gethostname(),
                "services": entries}
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    (partial / "SHA256SUMS").write_text("".join(f"{e['sha256']}  {e['file']}\n" for e in entries))
    partial.rename(final)
    return final


# restore -----------------------------------------------------------------------------------
def read_manifest(folder):
    folder = Path(folder)
    path = folder / "manifest.json"
    if not path.is_file():
        raise BadBackup(f"{folder}: no manifest.json (not a backup, or an unfinished one)")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BadBackup(f"{path}: format {manifest.get('format')}, this version reads {FORMAT}")
    return manifest


def check(folder, services=None):
    """Every file of the manifest there, of its size and checksum; dumps readable."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    entries = [e for e in manifest["services"] if services is None or e["service"] in services]
    missing = set(services or ()) - {e["service"] for e in entries}
    if missing:
        raise BadBackup(f"{folder}: no backup of {', '.join(sorted(missing))}")
    for entry in entries:
        path = folder / entry["file"]
        if not path.is_file():
            raise BadBackup(f"{path}: missing")
        if path.stat().st_size != entry["bytes"] or sha256(path) != entry["sha256"]:
            raise BadBackup(f"{path}: checksum mismatch (the file is not the one backed up)")
        if entry["engine"] == "postgresql":
            run(["pg_restore", "--list", str(path)])
        else:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BadBackup(f"{path}: SQLite integrity check failed")
            finally:
                conn.close()
    return entries


def pg_database_exists(params):
    import psycopg2

    try:
        pg_connect(params).close()
        return True
    except psycopg2.OperationalError as exc:
        if "does not exist" in str(exc):
            return False
        raise BackupError(f"cannot connect to {params['dbname']} on {params['host']}:{params['port']}: {exc}") from exc


def target_tables(service, url):
    """How many tables the target holds now (0: missing or empty)."""
    if engine_of(url) == "sqlite":
        path = sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return 0
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            conn.close()
    params = pg_params(url)
    if not pg_database_exists(params):
        return 0
    conn = pg_connect(params)
    try:
        with conn.cursor() as cursor:
            return len(pg_tables(cursor))
    finally:
        conn.close()


def restore_postgresql(entry, path, url, force):
    params = pg_params(url)
    if not pg_database_exists(params):
        admin = pg_connect(dict(params, dbname="postgres"))
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{params["dbname"]}"')
        finally:
            admin.close()
    elif force:
        conn = pg_connect(params)
        try:
            with conn.cursor() as cursor:
                schemas = {schema for schema, _ in pg_tables(cursor)} | {"public"}
                for schema in sorted(schemas):
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                cursor.execute("CREATE SCHEMA public")
            conn.commit()
        finally:
            conn.close()
    # owners and grants are those of the target's user: the backup may come from another server
    run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={params['dbname']}", str(path)], env=pg_env(params))
    conn = pg_connect(params)
    try:
        with conn.cursor() as cursor:
            cursor.execute("ANALYZE")
            return pg_counts(cursor)
    finally:
        conn.close()


def restore_sqlite(entry, path, url, force):
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):  # a removed database's leftovers must not replay
        leftover = Path(f"{target}{suffix}")
        if leftover.exists() and (force or not target.exists()):
            leftover.unlink()
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)  # replaces the whole content of the target
        return sqlite_counts(dst)
    finally:
        dst.close()
        src.close()


def restore(folder, urls, force=False, say=print):
    """Restore the services of `urls` from `folder`. Nothing is touched until every checksum
    and every target has been checked."""
    folder = Path(folder)
    entries = {e["service"]: e for e in check(folder, services=list(urls))}
    refused = []
    for service, url in urls.items():
        if engine_of(url) != entries[service]["engine"]:
            raise BackupError(f"{service}: the backup is of {entries[service]['engine']}, "
                              f"the target {redact(url)} is not")
        tables = target_tables(service, url)
        if tables and not force:
            refused.append(f"{service} ({redact(url)}: {tables} tables)")
    if refused:
        raise TargetNotEmpty("not empty, nothing restored: " + "; ".join(refused) +
                             ". Restore into empty databases, or pass --force to replace their content.")
    for service, url in urls.items():
        entry = entries[service]
        restorer = restore_sqlite if entry["engine"] == "sqlite" else restore_postgresql
        counts, revision = restorer(entry, folder / entry["file"], url, force)
        if (counts, revision) != (entry["tables"], entry["alembic_revision"]):
            differ = sorted(t for t in set(counts) | set(entry["tables"])
                            if counts.get(t) != entry["tables"].get(t))
            raise BackupError(f"{service}: restored, but unlike the manifest: revision {revision} "
                              f"(backed up {entry['alembic_revision']}), tables {differ}")
        say(f"{service}: restored into {redact(url)}: revision {revision}, "
            f"{len(counts)} tables, {sum(counts.values())} rows, as the manifest says")


# command line ------------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m loupan.backup", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("backup", help="back up every service's database into DEST/<time>/")
    made.add_argument("dest")
    made.add_argument("--services", help="comma-separated services (default: all six)")
    back = sub.add_parser("restore", help="restore a backup into the databases the environment names")
    back.add_argument("folder")
    back.add_argument("--force", action="store_true", help="replace the content of databases that are not empty")
    back.add_argument("--services", help="comma-separated services (default: all six)")
    checked = sub.add_parser("check", help="verify a backup's checksums and that each file reads")
    checked.add_argument("folder")
    args = parser.parse_args(argv)
    try:
        services = args.services.split(",") if getattr(args, "services", None) else SERVICES
        unknown = set(services) - set(SERVICES)
        if unknown:
            raise BackupError(f"unknown services {sorted(unknown)}; they are {', '.join(SERVICES)}")
        if args.command == "backup":
            folder = backup(args.dest, database_urls(services=services))
            for entry in read_manifest(folder)["services"]:
                print(f"{entry['service']}: {entry['engine']} {entry['database']} -> {entry['file']} "
                      f"({entry['bytes']} bytes, revision {entry['alembic_revision']}, "
                      f"{sum(entry['tables'].values())} rows)")
            print(folder)
        elif args.command == "check":
            entries = check(args.folder)
            print(f"{args.folder}: {len(entries)} files, checksums match, each readable")
        else:
            restore(args.folder, database_urls(services=services), force=args.force)
    except BackupError as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return exc.status
    return 0


if __name__ == "__main__":
    sys.exit(main())
