"""Alembic migrations per service: `python -m loupan.migrate services/inventory/config.yaml`.

Each service keeps its revisions in `<service>/migrations/`; its env.py calls `run_env`
with the service's metadata. Run once per release (a Job in Kubernetes), not by replicas.
"""
import sys
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine, pool

from loupan.config import load_config


def alembic_config(migrations_dir, url):
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(migrations_dir, url, revision="heads"):
    command.upgrade(alembic_config(migrations_dir, url), revision)


def run_env(metadata):
    """Body of every service's migrations/env.py (online mode only: we always have a DB)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=url.startswith("sqlite"),  # SQLite alters tables by copying
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: python -m loupan.migrate <service config.yaml>")
    config_path = Path(argv[1])
    config = load_config(config_path)
    upgrade(config_path.parent / "migrations", config["DATABASE_URL"])


if __name__ == "__main__":
    main(sys.argv)


def new_revision(service_dir, message):
    """Autogenerate a revision against a scratch SQLite database at head (developer tool):
    `python -c "from loupan.migrate import new_revision; new_revision('services/hr', 'msg')"`."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        migrations = Path(service_dir) / "migrations"
        upgrade(migrations, url)
        command.revision(alembic_config(migrations, url), message=message, autogenerate=True)
