"""What a deployer reads when a command fails for a reason of theirs to fix: one line
naming the setting, instead of Django's traceback (manage.py)."""

import os
import traceback


def connection_failure(error: BaseException) -> str | None:
    """One line for a database that could not be connected to, read by whoever is deploying;
    None for any other error, whose traceback is the way to find it."""
    from django.db import OperationalError

    if not isinstance(error, OperationalError):
        return None
    for frame, _line in traceback.walk_tb(error.__traceback__):
        # Every backend opens its connections in get_new_connection(); a failure anywhere
        # else is a database that went away mid-command, not a setting to fix.
        if frame.f_code.co_name == "get_new_connection" and "self" in frame.f_locals:
            alias = frame.f_locals["self"].alias
            break
    else:
        return None
    reason = " ".join(str(error).splitlines()[0].removeprefix("connection failed: ").split())
    return f"helpcenter: cannot connect to {database_named(alias)}: {reason}"


def not_migrated(error: BaseException) -> str | None:
    """One line for a command run on a database `migrate` has not brought up to date."""
    from django.db import ProgrammingError, connection
    from django.db.migrations.executor import MigrationExecutor
    from psycopg import errors

    missing = (errors.UndefinedTable, errors.UndefinedColumn)
    if not isinstance(error, ProgrammingError) or not isinstance(error.__cause__, missing):
        return None
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return None
    return (
        f"helpcenter: {len(pending)} migrations are not applied to {database_named('default')} "
        "yet: run manage.py migrate first."
    )


def not_permitted(error: BaseException) -> str | None:
    """One line for a database user without a privilege migrate needs (README: "Running
    against an external PostgreSQL")."""
    from psycopg import errors

    while error is not None and not isinstance(error, errors.InsufficientPrivilege):
        error = error.__cause__ or error.__context__
    if error is None:
        return None
    hint = f" ({error.diag.message_hint.rstrip('.')})" if error.diag.message_hint else ""
    return (
        f"helpcenter: the user in {database_named('default')} may not do what this needs: "
        f"{error.diag.message_primary}{hint}. See “Running against an external PostgreSQL” "
        "in README.md."
    )


def database_named(alias: str) -> str:
    if alias == "replica":
        return "DATABASE_REPLICA_URL"
    if alias != "default":
        return f"the database {alias!r}"
    if os.environ.get("DATABASE_URL", "").strip():
        return "DATABASE_URL"
    return "the embedded PostgreSQL (HELPCENTER_PGDATA)"


def one_line(error: BaseException) -> str | None:
    return connection_failure(error) or not_migrated(error) or not_permitted(error)
