"""Time members' searches over generated questions, in a database made for it and dropped after.

    python manage.py bench_search [--entries 10000] [--rounds 20] [--keep]

The generated help center is published the way the demo loader cannot afford to: entries and
approved revisions are bulk-inserted under one approval (the integrity triggers guard UPDATE
and DELETE only; the search-word trigger runs once per INSERT statement). Each search is a full
request through Django's test client: middleware, view, template, search count.
"""

import os
import platform
import re
import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

from faq.cache import generation_key
from faq.demo.generated import generated_content_publish
from faq.demo.loader import demo_content_load
from faq.models import Entry, EntryRevision, SearchLog
from faq.search import search_clean, search_terms
from faq.views import search_elsewhere_kept_as, search_hits_kept_as, search_page_kept_as

BENCH_DATABASE = "helpcenter_bench_search"  # bench_pages uses helpcenter_bench

MODES = {
    "new": "First search for the words (their matches and first page computed; the rest of the "
    "site as it is between content changes):",
    "changed": "First search after a change to public content (everything computed: matches, "
    "numbers, topics):",
    "again": "The same words searched again (matches and first page kept for the generation):",
}

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
        for mode, title in MODES.items():
            for query in QUERIES:  # warm up: connections, query plans, the kept matches
                client.get(url, {"q": query})
            self.stdout.write("")
            self.stdout.write(title)
            self.measure_round(client, url, rounds, mode=mode)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
        python_s, database_ms = machine_speed()
        self.stdout.write(
            f"Entries {Entry.objects.count()}, revisions {EntryRevision.objects.count()}, "
            f"search counts {SearchLog.objects.count()}; PostgreSQL {server}, "
            f"Python {platform.python_version()}, {platform.machine()}, "
            f"{os.cpu_count()} CPUs, load average {load}. Machine speed: 10 million Python "
            f"additions in {python_s:.2f} s, Postgres sums 3 million numbers in "
            f"{database_ms:.0f} ms."
        )

    def measure_round(self, client: Client, url: str, rounds: int, *, mode: str) -> None:
        timings: dict[str, list[float]] = {query: [] for query in QUERIES}
        database: list[float] = []
        python: list[float] = []
        results: dict[str, str] = {}
        for _ in range(rounds):
            for query in QUERIES:
                if mode == "changed":
                    cache.clear()  # what a change to public content does to everything kept
                elif mode == "new":
                    matches_forget(query)
                with CaptureQueriesContext(connection) as queries:
                    started, cpu = time.perf_counter(), time.process_time()
                    response = client.get(url, {"q": query})
                    timings[query].append((time.perf_counter() - started) * 1000)
                    python.append((time.process_time() - cpu) * 1000)
                assert response.status_code == 200, response.status_code
                found = any("ts_rank" in q["sql"] for q in queries.captured_queries)
                assert found == (mode != "again"), f"{query!r}: matches not as {mode!r} needs"
                database.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
                body = response.content.decode()
                results[query] = (
                    re.sub(
                        "<[^>]*>",
                        "",
                        body.split('class="search-summary" role="status">', 1)[1].split("</p>")[0],
                    )
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
            f"database share: median {statistics.median(database):.1f} ms a search; "
            f"this process's CPU (Python): median {statistics.median(python):.1f} ms, "
            f"p95 {_p95(python):.1f} ms."
        )


def machine_speed() -> tuple[float, float]:
    """Two fixed workloads, best of three, so that runs on different machines of the same
    kind can be compared: seconds for a Python loop, milliseconds for a Postgres sum."""
    python, database = [], []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(10_000_000):
            total += number
        python.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute("SELECT sum(n) FROM generate_series(1, 3000000) AS n")
            cursor.fetchone()
            database.append((time.perf_counter() - started) * 1000)
    return min(python), min(database)


def matches_forget(query: str) -> None:
    """Drop the kept matches, first page, language help and numbers of one query, as if
    never searched."""
    terms = search_terms(search_clean(query))
    cache.delete_many(
        [
            generation_key(*search_hits_kept_as(terms)),
            generation_key(*search_elsewhere_kept_as(terms)),
            *(
                generation_key(*search_page_kept_as(terms, match_all=match_all, number=1))
                for match_all in (True, False)
            ),
        ]
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
