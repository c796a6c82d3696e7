"""Time members' searches over generated questions, in a database made for it and dropped after.

    python manage.py bench_search [--entries 10000] [--rounds 20] [--keep]

The generated help center is published the way the demo loader cannot afford to: entries and
approved revisions are bulk-inserted under one approval (the integrity triggers guard UPDATE
and DELETE only; the search-word trigger runs once per INSERT statement). Each search is a full
request through Django's test client: middleware, view, template, search count.
"""

import os
import platform
import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

from faq.demo.generated import generated_content_publish
from faq.demo.loader import demo_content_load
from faq.models import Entry, EntryRevision, SearchLog

BENCH_DATABASE = "helpcenter_bench_search"  # bench_pages uses helpcenter_bench

# Typed by members: synonyms, abbreviations, typos, sentences, syntax, and nothing to find.
QUERIES = [
    "er",
    "emergancy",
    "lost card",
    "mental health",
    "pcp",
    "specalist",
    "behavorial",
    "dr",
    "dentist",
    "prescription refill",
    "perscription",
    "eye exam for my child",
    "how do i get a ride to my appointment",
    "interpreter",
    "appeal denied claim",
    "copay",
    "pregnant",
    "member id card",
    '"prior authorization"',
    "vaccines -travel",
    "wheelchair van",
    "zxqvy",
]


class Command(BaseCommand):
    help = "Time searches over generated questions in a throwaway database (see docs)."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=10_000)
        parser.add_argument("--rounds", type=int, default=20, help="Times each query is timed.")
        parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")

    def handle(self, *args, entries, rounds, keep, **options):
        # The page cache's listener would hold a connection to the database we drop.
        settings.HELPCENTER_PAGE_CACHE_LISTEN = False
        connection.settings_dict["TEST"]["NAME"] = BENCH_DATABASE
        self.stdout.write(f"Creating {BENCH_DATABASE} and migrating…")
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            setup_test_environment(debug=False)
            started = time.perf_counter()
            revisions = generated_content_publish(entries)
            demo_content_load()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.stdout.write(
                f"Published {entries} generated questions ({revisions} revisions) and the demo "
                f"in {time.perf_counter() - started:.1f} s."
            )
            self.measure(rounds)
        finally:
            if not keep:
                connection.creation.destroy_test_db(old_name, verbosity=0)

    def measure(self, rounds: int) -> None:
        client = Client()
        url = reverse("faq:search")
        for query in QUERIES:  # warm up: connections, query plans
            client.get(url, {"q": query})
        for fresh in (True, False):
            self.stdout.write("")
            self.stdout.write(
                "First search for the words since content last changed (matches computed):"
                if fresh
                else "The same words searched again (matches kept for the generation):"
            )
            self.measure_round(client, url, rounds, fresh=fresh)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
        self.stdout.write(
            f"Entries {Entry.objects.count()}, revisions {EntryRevision.objects.count()}, "
            f"search counts {SearchLog.objects.count()}; PostgreSQL {server}, "
            f"Python {platform.python_version()}, {platform.machine()}, "
            f"{os.cpu_count()} CPUs, load average {load}."
        )

    def measure_round(self, client: Client, url: str, rounds: int, *, fresh: bool) -> None:
        timings: dict[str, list[float]] = {query: [] for query in QUERIES}
        database: list[float] = []
        results: dict[str, str] = {}
        for _ in range(rounds):
            for query in QUERIES:
                if fresh:
                    cache.clear()  # what a change to public content does to kept matches
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, {"q": query})
                    timings[query].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
                database.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
                body = response.content.decode()
                results[query] = (
                    body.split('class="search-summary" role="status">', 1)[1].split("<", 1)[0]
                    if 'class="search-summary"' in body
                    else "?"
                )
        every = sorted(t for values in timings.values() for t in values)
        self.stdout.write("")
        self.stdout.write("| Query | Median ms | p95 ms | Result |")
        self.stdout.write("| --- | ---: | ---: | --- |")
        for query, values in timings.items():
            self.stdout.write(
                f"| `{query}` | {statistics.median(values):.1f} | {_p95(values):.1f} "
                f"| {results[query].strip()} |"
            )
        self.stdout.write("")
        self.stdout.write(
            f"All {len(every)} searches: median {statistics.median(every):.1f} ms, "
            f"p95 {_p95(every):.1f} ms, max {every[-1]:.1f} ms; "
            f"database share: median {statistics.median(database):.1f} ms a search."
        )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
