"""Running the production server from Python, as `make serve` does: for `manage.py bench_pages`
and the production tests, which start it in processes of their own."""

import os
import secrets
import socket
import urllib.parse
from pathlib import Path

from django.db import connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(name: str | None = None) -> str:
    """A URL for a database (this connection's own by default) on this connection's server."""
    params = connection.get_connection_params()
    user = urllib.parse.quote(params.get("user") or "")
    password = urllib.parse.quote(params.get("password") or "")
    host, port = params.get("host") or "", params.get("port") or 5432
    name = name or params["dbname"]
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{name}?host={urllib.parse.quote(host, safe='')}"
    return f"postgresql://{user}:{password}@{host}:{port}/{name}"


def production_env(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """This process's environment with production settings in place of its own."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    environ.pop("REDIS_URL", None)
    return {
        **environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url,
        **extra,
    }
