"""Load-test the production servers on generated content and write docs/benchmarks.md.

    python manage.py bench_pages [--entries 10000] [--seconds 8] [--connections 32]

It creates the database helpcenter_bench beside the configured one (dropped afterwards),
loads the demo content plus generated questions up to --entries, collects static files,
then for each production server (gunicorn, granian) and each cache mode starts the server
with 2 workers and measures with wrk, one endpoint at a time, in this one run:
a bare Django endpoint (/healthz: the framework ceiling), a static file of the home page's
size (the physical ceiling), home, a category page, a question page and a search; cached,
the home page once more as browsers that accept gzip ask for it.
"""

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from helpcenter.serving import database_url, free_port, production_env

BENCH_DATABASE = "helpcenter_pages_bench"
WORKERS = 2
THREADS = 4
RESULTS = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
SECTION = "## Pages under load"


@dataclass
class Result:
    server: str
    cache: str
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failed: int  # answered with neither 2xx nor 3xx
    socket_errors: int  # connections refused, broken, or given up on after wrk's 2 s


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    """Requests/s, p50 and p99 ms, failed answers and socket errors, from wrk --latency."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failed = int(errors.group(1)) if errors else 0
    dropped = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return rps, p50, p99, failed, dropped


class Command(BaseCommand):
    help = "Load-test home, category, question and search pages; write docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=10_000)
        parser.add_argument("--seconds", type=int, default=8)
        parser.add_argument("--connections", type=int, default=32)
        parser.add_argument("--servers", default="gunicorn,granian")

    def handle(self, *args, entries, seconds, connections, servers, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: apt-get install wrk")
        self.seconds, self.connections = seconds, connections
        url = self.create_database()
        static_root = Path(tempfile.mkdtemp(prefix="helpcenter-static-"))
        try:
            env = production_env(url, static_root, DJANGO_LOG_LEVEL="WARNING")
            self.run_manage(env, "migrate", "--noinput", "-v0")
            self.run_manage(env, "bench_seed", f"--entries={entries}")
            self.run_manage(env, "collectstatic", "--noinput", "-v0")
            paths = self.pick_paths(env)
            self.write_static_twin(env, static_root, paths["home"])
            results = []
            for server in servers.split(","):
                for cache in ("cached", "uncached"):
                    results += self.measure(server, cache, env, paths)
            self.report(results, entries)
        finally:
            shutil.rmtree(static_root, ignore_errors=True)
            self.drop_database()

    def create_database(self) -> str:
        self.drop_database()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
        return database_url(BENCH_DATABASE)

    def drop_database(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')

    def run_manage(self, env: dict, *command: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"manage.py {' '.join(command)} failed:\n{result.stderr}")
        return result.stdout

    def pick_paths(self, env: dict) -> dict[str, str]:
        code = (
            "from faq.views import live_entries; r = live_entries().last(); "
            "print(r.entry.category.get_absolute_url()); print(r.get_absolute_url())"
        )
        output = self.run_manage(env, "shell", "--no-imports", "-c", code)
        category, question = output.split()[-2:]
        return {
            "bare": "/healthz",
            "static": "/static/bench-twin.html",
            "home": "/",
            "category": category,
            "question": question,
            "search": "/search/?q=prescription+refill",
        }

    def write_static_twin(self, env: dict, static_root: Path, home: str) -> None:
        """A static file as large as the home page: what serving those bytes costs at best."""
        with _Server("gunicorn", "cached", env) as base:
            response = urllib.request.urlopen(base + home, timeout=30)
            body = response.read()
        if response.status != 200 or b'class="qa' not in body and b"<h1" not in body:
            raise CommandError(f"the home page did not render: {response.status}")
        self.twin_size = len(body)
        (static_root / "bench-twin.html").write_bytes(b"x" * len(body))

    def measure(self, server: str, cache: str, env: dict, paths: dict) -> list[Result]:
        results = []
        run_env = {**env, "HELPCENTER_PAGE_CACHE_SECONDS": "3600" if cache == "cached" else "0"}
        if cache == "cached":  # only cached pages are kept gzipped (faq.cache.gzipped)
            paths = {**paths, "home gzip": paths["home"]}
        with _Server(server, cache, run_env) as base:
            for name, path in paths.items():
                headers = {"Accept-Encoding": "gzip"} if name.endswith("gzip") else {}
                request = urllib.request.Request(base + path, headers=headers)
                with urllib.request.urlopen(request, timeout=30) as warm_up:
                    warm_up.read()
                    if headers and warm_up.headers.get("Content-Encoding") != "gzip":
                        raise CommandError(f"{path} was not sent gzipped when asked for it")
                header = [arg for k, value in headers.items() for arg in ("-H", f"{k}: {value}")]
                output = subprocess.run(
                    ["wrk", "-t2", f"-c{self.connections}", f"-d{self.seconds}s", "--latency",
                     *header, base + path],
                    capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
                rps, p50, p99, failed, dropped = parse_wrk(output)
                results.append(Result(server, cache, name, path, rps, p50, p99, failed, dropped))
                self.stdout.write(
                    f"{server:9} {cache:9} {name:9} {rps:9.0f} req/s  "
                    f"p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
                    f"failed {failed}  socket errors {dropped}"
                )
        return results

    def report(self, results: list[Result], entries: int) -> None:
        lines = [
            SECTION,
            "",
            "Command: `make bench` (runs `manage.py bench_pages`). Machine: "
            f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
            f"PostgreSQL as configured (embedded unless DATABASE_URL is set). Content: the demo "
            f"plus generated questions, {entries} in all. Each server: {WORKERS} workers "
            f"({THREADS} threads each for gunicorn, {THREADS} blocking threads for granian); "
            f"wrk with 2 threads and {self.connections} connections for {self.seconds} s per "
            "row, on the same 2 cores as the server. The static twin is a file of the home "
            f"page's size ({self.twin_size:,} bytes) served by WhiteNoise. *Ratio* is the row's "
            "requests/s divided by the bare endpoint's, same server and cache mode. *Failed* "
            "counts answers other than 2xx and 3xx; *socket errors*, connections refused or "
            "broken and requests wrk gave up on after 2 s.",
            "",
            "| server | cache | endpoint | requests/s | p50 ms | p99 ms | failed | socket errors "
            "| ratio to bare |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for result in results:
            bare = next(
                r for r in results
                if r.server == result.server and r.cache == result.cache and r.name == "bare"
            )  # fmt: skip
            lines.append(
                f"| {result.server} | {result.cache} | {result.name} (`{result.path}`) | "
                f"{result.requests_per_second:,.0f} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | "
                f"{result.failed} | {result.socket_errors} | "
                f"{result.requests_per_second / bare.requests_per_second:.0%} |"
            )
        lines += ["", f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')}.", ""]
        text = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n\n"
        if SECTION in text:
            before, _, after = text.partition(SECTION)
            following = after.find("\n## ")
            text = before + "\n".join(lines) + (after[following + 1 :] if following >= 0 else "")
        else:
            text = text.rstrip() + "\n\n" + "\n".join(lines)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(text)
        self.stdout.write(f"Wrote {RESULTS}")


class _Server:
    """A production server process for the length of a `with` block."""

    def __init__(self, name: str, cache: str, env: dict):
        self.port = free_port()
        bind = ["127.0.0.1", str(self.port)]
        commands = {
            "gunicorn": [
                sys.executable, "-m", "gunicorn", "helpcenter.wsgi:application",
                "--bind", ":".join(bind), "--workers", str(WORKERS), "--threads", str(THREADS),
                "--no-control-socket", "--log-level", "warning",
            ],
            "granian": [
                sys.executable, "-m", "granian", "--interface", "wsgi",
                "helpcenter.wsgi:application", "--host", bind[0], "--port", bind[1],
                "--workers", str(WORKERS), "--blocking-threads", str(THREADS),
                "--log-level", "warning",
            ],
        }  # fmt: skip
        self.command, self.env = commands[name], env

    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            self.command, cwd=settings.BASE_DIR, env=self.env, stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return f"http://127.0.0.1:{self.port}"
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise CommandError(f"{self.command[2]} did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
