"""Start-up as a deployer and a developer meet it: run as real processes, not imported."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psutil
import pytest

from helpcenter.serving import database_url, free_port

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "help.example.org",
    "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
}


def manage(*args, env=None, **kwargs):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


@pytest.mark.parametrize("missing", ["DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_setting(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"helpcenter: {missing} must be set when DJANGO_DEBUG is off")


@pytest.mark.parametrize(
    "hosts", ["https://help.example.org", "help.example.org:443", "help.example.org other.org"]
)
def test_an_allowed_host_no_request_could_match_is_one_clear_line(hosts):
    result = manage("check", env={**PRODUCTION, "DJANGO_ALLOWED_HOSTS": f"localhost,{hosts}"})
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "helpcenter: DJANGO_ALLOWED_HOSTS must be host names separated by commas, such as "
        "help.example.org (no scheme, port or path; .example.org for every subdomain), "
        f"not {hosts!r}."
    )


def test_allowed_hosts_of_commas_only_are_missing_ones():
    result = manage("check", env={**PRODUCTION, "DJANGO_ALLOWED_HOSTS": " , ,"})
    assert result.stderr.strip().startswith(
        "helpcenter: DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off"
    ), result.stderr
    hosts = ".example.org,Help.Example.Org,[::1],127.0.0.1"
    assert manage("check", env={**PRODUCTION, "DJANGO_ALLOWED_HOSTS": hosts}).returncode == 0


def test_an_allowed_host_written_with_its_final_dot_matches_requests():
    # Django reads the Host header without the dot, so help.example.org. matched none.
    show = (
        "from django.conf import settings; from django.http.request import validate_host; "
        "print(validate_host('help.example.org', settings.ALLOWED_HOSTS), "
        "validate_host('a.example.net', settings.ALLOWED_HOSTS))"
    )
    env = {**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "help.example.org.,.example.net."}
    result = manage("shell", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["True", "True"]
    result = manage("check", env={**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "."})
    assert result.stderr.strip().endswith("not '.'."), result.stderr


@pytest.mark.parametrize(
    "origin",
    [
        "https://help.example.org/",
        "help.example.org",
        "https://help.example.org?lang=en",
        "https://help.example.org#admin",
    ],
)
def test_a_trusted_origin_no_browser_sends_is_one_clear_line(origin):
    result = manage("check", env={**PRODUCTION, "DJANGO_CSRF_TRUSTED_ORIGINS": origin})
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "helpcenter: DJANGO_CSRF_TRUSTED_ORIGINS must be origins separated by commas, such as "
        f"https://help.example.org (a scheme, no path, not even /), not {origin!r}."
    )


def test_trusted_origins_are_compared_in_the_browsers_lower_case():
    show = "from django.conf import settings; print(*settings.CSRF_TRUSTED_ORIGINS)"
    origins = "HTTPS://Help.Example.org, https://*.example.org,http://[::1]:8000"
    result = manage("shell", "-c", show, env={**PRODUCTION, "DJANGO_CSRF_TRUSTED_ORIGINS": origins})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [
        "https://help.example.org",
        "https://*.example.org",
        "http://[::1]:8000",
    ]


def test_an_international_host_name_is_read_in_the_form_browsers_send():
    # Host and Origin headers give it in its xn-- form, the only one Django compares.
    show = (
        "from django.conf import settings; from django.http.request import validate_host; "
        "print(validate_host('hilfe.xn--bcher-kva.example', settings.ALLOWED_HOSTS), "
        "validate_host('xn--bcher-kva.example', settings.ALLOWED_HOSTS[1:]), "
        "*settings.CSRF_TRUSTED_ORIGINS)"
    )
    env = {
        **PRODUCTION,
        "DJANGO_ALLOWED_HOSTS": "hilfe.bücher.example,.BÜCHER.example",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://hilfe.bücher.example:8443,https://*.bücher.example",
    }
    result = manage("shell", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == [
        "True",
        "True",
        "https://hilfe.xn--bcher-kva.example:8443",
        "https://*.xn--bcher-kva.example",
    ]
    # A letter browsers write otherwise than Python's IDNA 2003 is asked for as written.
    result = manage("check", env={**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "straße.example"})
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "helpcenter: DJANGO_ALLOWED_HOSTS must give 'straße.example' in its xn-- form, as "
        "browsers send it (help.xn--bcher-kva.example for help.bücher.example)."
    )


def test_the_fallback_phone_is_kept_as_a_tap_to_call_link_needs_it():
    # The outage page's link to Member Services: tel:Member Services dials nothing.
    result = manage("check", env={**PRODUCTION, "HELPCENTER_FALLBACK_PHONE": "Member Services"})
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "helpcenter: HELPCENTER_FALLBACK_PHONE must be a phone number such as +18003226027, "
        "not 'Member Services'."
    )
    show = "from django.conf import settings; print(settings.HELPCENTER_FALLBACK_PHONE)"
    env = {**PRODUCTION, "HELPCENTER_FALLBACK_PHONE": "(800) 322 6027"}
    result = manage("shell", "-c", show, env=env)
    assert result.stdout.split()[-1] == "+18003226027", result.stderr


def test_a_malformed_debug_flag_is_one_clear_line():
    result = manage("check", env={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert result.stderr.strip() == "helpcenter: DJANGO_DEBUG must be true or false, not 'maybe'."


@pytest.mark.parametrize(
    "name", ["DJANGO_CONN_MAX_AGE", "HELPCENTER_PAGE_CACHE_SECONDS", "DJANGO_HSTS_SECONDS"]
)
def test_a_malformed_number_is_one_clear_line(name):
    result = manage("check", env={**PRODUCTION, name: "1h"})
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        == f"helpcenter: {name} must be a whole number of 0 or more, not '1h'."
    )


@pytest.mark.parametrize(
    "name", ["HELPCENTER_LOGIN_FAILURE_LIMIT", "HELPCENTER_LOGIN_COOLOFF_MINUTES"]
)
def test_a_sign_in_lockout_of_zero_is_refused(name):
    # A limit of 0 refused every sign-in, the right password's first one too; a cool-off of
    # 0 never locked anyone out.
    result = manage("check", env={**PRODUCTION, name: "0"})
    assert result.returncode != 0
    assert (
        result.stderr.strip() == f"helpcenter: {name} must be a whole number of 1 or more, not '0'."
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "HELPCENTER_TIME_ZONE",
            "Mars/Base",
            "a time zone of the IANA database such as America/Chicago",
        ),
        (
            "HELPCENTER_TIME_ZONE",
            "../../etc/passwd",
            "a time zone of the IANA database such as America/Chicago",
        ),
        ("DJANGO_LOG_LEVEL", "LOUD", "DEBUG, INFO, WARNING, ERROR or CRITICAL"),
        ("DJANGO_LOG_FORMAT", "xml", "json or text"),
    ],
)
def test_a_malformed_choice_is_one_clear_line(name, value, message):
    result = manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0
    assert result.stderr.strip() == f"helpcenter: {name} must be {message}, not {value!r}."


def test_time_zone_and_logging_take_any_case_and_an_empty_value_is_the_default():
    show = "from django.conf import settings as s; print(s.TIME_ZONE, s.LOG_FORMAT, s.LOG_LEVEL)"
    result = manage(
        "shell",
        "-c",
        show,
        env={
            **PRODUCTION,
            "HELPCENTER_TIME_ZONE": "america/new_york",
            "DJANGO_LOG_FORMAT": "Text",
            "DJANGO_LOG_LEVEL": "warning",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["America/New_York", "text", "WARNING"]
    empty = {"HELPCENTER_TIME_ZONE": "", "DJANGO_LOG_FORMAT": "", "DJANGO_LOG_LEVEL": ""}
    result = manage("shell", "-c", show, env={**PRODUCTION, **empty})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["America/Chicago", "json", "INFO"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://help:secret@db/help", "must be a PostgreSQL URL such as postgresql://"),
        ("db.internal/help", "must be a PostgreSQL URL such as postgresql://"),
        ("postgresql://help:secret/x@db:5432/help", "is not a valid URL, such as postgresql://"),
        ("postgresql://help:secret@db:54x2/help", "is not a valid URL, such as postgresql://"),
        ("postgresql://help:secret@db:5432/", "names no database"),
    ],
)
@pytest.mark.parametrize("name", ["DATABASE_URL", "DATABASE_REPLICA_URL"])
def test_a_malformed_database_url_is_one_line_that_keeps_its_password(name, url, message):
    result = manage("check", env={**PRODUCTION, name: url})
    assert result.returncode != 0
    assert result.stderr.strip().startswith(f"helpcenter: {name} {message}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "secret" not in result.stderr


@pytest.mark.parametrize("url", ["cache.internal:6379", "redis://a:6379,b:6379", "http://cache"])
def test_a_redis_url_that_is_not_one_is_one_line_at_start_up(url):
    # redis-py checks it only at the first request, and every page was then a 500.
    result = manage("check", env={**PRODUCTION, "REDIS_URL": url})
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "helpcenter: REDIS_URL must be a Redis URL such as redis://cache.internal:6379/0 "
        "(rediss:// for TLS, unix:// for a socket)."
    )


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "pgsql", "PostgreSQL"])
def test_each_name_dj_database_url_gives_postgresql_is_a_postgresql_url(scheme):
    url = f"{scheme}://nobody:secret@127.0.0.1:1/none"
    assert manage("check", env={**PRODUCTION, "DATABASE_URL": url}).returncode == 0


def test_a_blank_database_url_is_a_missing_one():
    result = manage("check", env={**PRODUCTION, "DATABASE_URL": "  "})
    assert result.stderr.strip().startswith(
        "helpcenter: DATABASE_URL must be set when DJANGO_DEBUG is off"
    )


def test_a_database_url_naming_a_service_of_pg_service_conf_is_a_database(db, tmp_path):
    # The service names the database, as Django reads OPTIONS["service"] without a NAME.
    from django.db import connection

    params = connection.get_connection_params()
    service = tmp_path / "pg_service.conf"
    lines = ["[helpcenter]", f"dbname={params['dbname']}"]
    lines += [f"{k}={params[k]}" for k in ("host", "port", "user", "password") if params.get(k)]
    service.write_text("\n".join(lines) + "\n")
    show = "from django.db import connection; print(connection.cursor().connection.info.dbname)"
    env = {"DATABASE_URL": "postgresql://?service=helpcenter", "PGSERVICEFILE": str(service)}
    result = manage("shell", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == params["dbname"]


def test_an_empty_path_name_or_number_is_the_default_not_the_current_directory():
    names = {
        "DJANGO_STATIC_ROOT": "STATIC_ROOT",
        "HELPCENTER_MEDIA_ROOT": "MEDIA_ROOT",
        "HELPCENTER_PLAN_NAME": "HELPCENTER_PLAN_NAME",
        "HELPCENTER_FALLBACK_PHONE": "HELPCENTER_FALLBACK_PHONE",
        "HELPCENTER_FALLBACK_PHONE_DISPLAY": "HELPCENTER_FALLBACK_PHONE_DISPLAY",
    }
    show = (
        "from django.conf import settings as s; print("
        + ", ".join(f"s.{name}" for name in names.values())
        + ")"
    )
    result = manage("shell", "-c", show, env={**PRODUCTION, **dict.fromkeys(names, " ")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == [
        str(ROOT / "staticfiles"),
        str(ROOT / "media"),
        "Missouri",
        "Care",
        "+18003226027",
        "1-800-322-6027",
    ]


def test_a_stricter_log_level_quiets_django_and_axes_too():
    log = (
        "import logging; "
        "[logging.getLogger(name).warning('warned by %s', name) for name in "
        "('django.request', 'axes', 'faq')]; "
        "logging.getLogger('django.request').error('an error')"
    )
    result = manage("shell", "-c", log, env={**PRODUCTION, "DJANGO_LOG_LEVEL": "ERROR"})
    assert result.returncode == 0, result.stderr
    assert "warned by" not in result.stdout
    assert '"message": "an error"' in result.stdout
    result = manage("shell", "-c", log, env=PRODUCTION)
    for name in ("django.request", "axes", "faq"):
        assert f"warned by {name}" in result.stdout


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "postgresql://nobody@127.0.0.1:1/none",
            'at "127.0.0.1", port 1 failed: Connection refused',
        ),
        ("postgresql://nobody@no-such-host.invalid/none", "failed to resolve host"),
    ],
)
def test_a_database_that_cannot_be_reached_is_one_clear_line(url, reason):
    # make run and make serve both migrate first.
    result = manage("migrate", "--noinput", env={**PRODUCTION, "DATABASE_URL": url})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("helpcenter: cannot connect to DATABASE_URL: ")
    assert reason in lines[0]


def test_a_database_host_that_never_answers_is_given_up_on():
    # A port that takes the connection and says nothing, as a host behind a firewall that
    # drops packets does: without a connect timeout, migrate (and each request) would wait.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"postgresql://nobody@127.0.0.1:{silent.getsockname()[1]}/none"
        env = {**PRODUCTION, "DATABASE_URL": url, "DJANGO_DB_CONNECT_TIMEOUT": "1"}
        result = manage("migrate", "--noinput", env=env)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("helpcenter: cannot connect to DATABASE_URL: ")
    assert "timeout expired" in result.stderr


def test_a_missing_database_on_a_server_that_answers_is_one_clear_line(db):
    url = database_url("helpcenter_no_such_database")
    result = manage("create_staff_user", "--role", "editor", "alice", env={"DATABASE_URL": url})
    assert result.returncode == 1
    assert result.stderr.strip().endswith('database "helpcenter_no_such_database" does not exist')
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def server_admin():
    import psycopg
    from django.db import connection

    params = {k: v for k, v in connection.get_connection_params().items()
              if k not in ("cursor_factory", "context", "dbname")}  # fmt: skip
    return psycopg.connect(**params, dbname="postgres", autocommit=True)


@pytest.fixture
def empty_database(db):
    from django.db import connection

    name = f"{connection.settings_dict['NAME']}_empty"
    with server_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with server_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(
    "command", [["load_demo_content"], ["create_staff_user", "--role", "editor", "alice"]]
)
def test_a_command_before_migrate_says_to_migrate(empty_database, command):
    result = manage(*command, env={"DATABASE_URL": empty_database})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(
        r"helpcenter: \d+ migrations are not applied to DATABASE_URL yet: "
        r"run manage\.py migrate first\.",
        lines[0],
    )


def test_a_database_user_without_a_privilege_migrate_needs_is_one_clear_line(empty_database):
    import psycopg

    name = urllib.parse.urlsplit(empty_database).path.lstrip("/")
    role = f"{name}_user"
    with server_admin() as admin:
        try:
            admin.execute(f'CREATE ROLE "{role}" LOGIN')
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test user may not create roles")
    try:
        with psycopg.connect(empty_database, autocommit=True) as owner:
            owner.execute(f'GRANT CREATE ON SCHEMA public TO "{role}"')
        url = urllib.parse.urlsplit(empty_database)
        server = url.netloc.rpartition("@")[2]
        as_role = url._replace(netloc=f"{role}@{server}").geturl()
        result = manage("migrate", "--noinput", env={"DATABASE_URL": as_role})
    finally:
        with server_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "helpcenter: the user in DATABASE_URL may not do what this needs: permission denied to "
        'create extension "pg_trgm" (Must have CREATE privilege on current database to create '
        "this extension). See “Running against an external PostgreSQL” in README.md."
    )


def test_a_missing_table_in_a_migrated_database_is_still_a_traceback(db):
    # A bug, not a step left out: its traceback is the way to find it.
    query = "from django.db import connection; connection.cursor().execute('TABLE nothing_here')"
    result = manage("shell", "-c", query, env={"DATABASE_URL": database_url()})
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert 'relation "nothing_here" does not exist' in result.stderr


def test_a_replica_that_cannot_be_reached_is_named(db):
    env = {"DATABASE_URL": database_url(), "DATABASE_REPLICA_URL": "postgresql://x@127.0.0.1:1/x"}
    connect = "from django.db import connections; connections['replica'].ensure_connection()"
    result = manage("shell", "-c", connect, env=env)
    assert result.returncode == 1
    assert result.stderr.strip().startswith(
        "helpcenter: cannot connect to DATABASE_REPLICA_URL: "
    ), result.stderr


def test_production_settings_load_with_everything_set():
    result = manage("check", env=PRODUCTION)
    assert result.returncode == 0, result.stderr


def postgres_running(pgdata: Path) -> bool:
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(pgdata) in " ".join(
            process.info["cmdline"] or []
        ):
            return True
    return False


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_embedded_postgres_is_shared_and_stops_after_ctrl_c(tmp_path):
    pgdata = tmp_path / "postgres"
    env = {"HELPCENTER_PGDATA": str(pgdata)}
    connect = "from django.db import connection; connection.ensure_connection()"
    result = manage("shell", "-c", connect, env=env)
    assert result.returncode == 0, result.stderr
    assert (pgdata / "PG_VERSION").exists()
    assert not postgres_running(pgdata), "a management command left the server running"

    # A process that died without unregistering must not keep the server alive forever.
    dead = subprocess.Popen(["true"])
    dead.wait()
    (pgdata / ".handle_pids.json").write_text(f"[{dead.pid}]")
    assert manage("shell", "-c", connect, env=env).returncode == 0
    assert not postgres_running(pgdata), "a dead process's registration kept the server running"

    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    # Ctrl-C in a terminal, then a process manager stopping the whole group: either way the
    # reloader's child may be killed by its parent before it can unregister.
    for stop in (signal.SIGINT, signal.SIGTERM):
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env={**environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            # As in a terminal: a shell without job control starts background jobs ignoring
            # SIGINT.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            assert wait_for(lambda: postgres_running(pgdata), 30)

            def serving(port=port):
                with socket.socket() as s:
                    return s.connect_ex(("127.0.0.1", port)) == 0

            assert wait_for(serving, 30)
            # A second process attaches to the same server and leaves it running.
            assert manage("check", "--database", "default", env=env).returncode == 0
            assert postgres_running(pgdata)
            os.killpg(server.pid, stop)
            server.wait(timeout=30)
            assert wait_for(lambda: not postgres_running(pgdata), 15), f"{stop!r} left it running"
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)

    # A process manager's SIGTERM also stops the server once nothing else uses it.
    with subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", "import time; time.sleep(60)"],
        cwd=ROOT,
        env={**environ, **env},
    ) as sleeper:
        assert wait_for(lambda: postgres_running(pgdata), 30)
        time.sleep(1)
        sleeper.terminate()
        sleeper.wait(timeout=30)
    assert wait_for(lambda: not postgres_running(pgdata), 15), "SIGTERM left it running"
