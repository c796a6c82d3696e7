"""Time members' searches over generated questions, in a database made for it and dropped after.

    python manage.py bench_search [--entries 10000] [--rounds 20] [--keep]

The generated help center is published the way the demo loader cannot afford to: entries and
approved revisions are bulk-inserted under one approval (the integrity triggers guard UPDATE
and DELETE only; the search-word trigger runs once per INSERT statement). Each search is a full
request through Django's test client: middleware, view, template, search count.
"""

import datetime
import os
import platform
import random
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse
from django.utils import timezone

from faq.demo.loader import demo_content_load
from faq.markup import render_markdown
from faq.models import Approval, Category, Entry, EntryRevision, SearchLog, Status

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

TOPICS = {
    "Pharmacy and prescriptions": [
        "prescription", "refill", "pharmacy", "generic medicine", "mail-order pharmacy",
        "prior authorization", "drug list", "over-the-counter medicine",
    ],
    "Dental care": [
        "dentist", "dental cleaning", "braces", "tooth extraction", "dental x-rays", "fillings",
    ],
    "Vision care": ["eye exam", "glasses", "contact lenses", "eye doctor", "new frames"],
    "Doctors and specialists": [
        "primary care provider", "specialist", "referral", "cardiologist", "dermatologist",
        "second opinion", "telehealth visit", "annual checkup",
    ],
    "Emergency and urgent care": [
        "emergency room", "urgent care center", "ambulance", "nurse advice line",
        "after-hours care",
    ],
    "Behavioral health": [
        "counseling", "therapist", "substance use treatment", "behavioral health provider",
        "crisis line", "psychiatrist",
    ],
    "Pregnancy and children": [
        "prenatal visit", "postpartum checkup", "well-child visit", "vaccines", "car seat",
        "breast pump", "doula",
    ],
    "Transportation": [
        "ride to appointments", "bus pass", "mileage reimbursement", "wheelchair van",
    ],
    "ID cards and enrollment": [
        "member ID card", "enrollment", "renewal", "open enrollment", "address change",
        "newborn enrollment",
    ],
    "Benefits and extra services": [
        "gym membership", "healthy rewards", "weight management program",
        "smoking cessation program", "diabetes program", "home health care",
        "medical equipment",
    ],
    "Bills, appeals and complaints": [
        "bill", "claim", "appeal", "grievance", "state fair hearing", "copay",
        "explanation of benefits",
    ],
    "Language and accessibility": [
        "interpreter", "sign language interpreter", "large print materials", "TTY line",
        "translated materials",
    ],
}  # fmt: skip

QUESTIONS = [
    "How do I get {s}{q}?",
    "Is {s} covered{q}?",
    "Do I need a referral for {s}{q}?",
    "What if I need {s} after hours{q}?",
    "How much does {s} cost{q}?",
    "Where can I find {s} near me{q}?",
    "How often can I get {s}{q}?",
    "What should I bring for {s}{q}?",
    "Who do I call about {s}{q}?",
    "Can I get {s} while traveling out of state{q}?",
    "How long does approval for {s} take{q}?",
    "What happens if {s} is denied{q}?",
]
QUALIFIERS = [
    "", "", "", " for my child", " during pregnancy", " in Kansas City", " in St. Louis",
    " in rural Missouri", " as a new member", " after I move", " with a disability",
    " if I am over 65", " for my spouse", " on weekends", " in Springfield",
]  # fmt: skip
SENTENCES = [
    "{S} is covered for members of all ages when it is medically necessary.",
    "Call Member Services at [[phone:member-services]] and we will help you with {s}.",
    "Your primary care provider (PCP) can help you decide whether you need {s}.",
    "Most members pay no copay for {s}.",
    "Some services need prior authorization: your provider asks us before your visit.",
    "Bring your member ID card and a list of your medicines to every visit.",
    "In an emergency, call [[phone:emergency]] or go to the nearest emergency room.",
    "Use our online Find A Provider page to search by city, ZIP code or language.",
    "Free interpreter services, including sign language, are available for every visit.",
    "Free rides to covered appointments can be scheduled two business days ahead.",
    "If we deny a request for {s}, you can ask for an appeal within 60 days.",
    "Children under 21 may get extra services through the Healthy Children and Youth program.",
    "Pregnant members can get {s} without a referral.",
    "Ask your pharmacist whether a generic version is available.",
    "You can get {s} from any provider in our network.",
    "Out-of-network care is covered only in an emergency or with our approval.",
    "We send a letter within 14 days to tell you what we decided about {s}.",
    "Keep your address up to date so you do not miss renewal letters.",
]


def _answer(rng: random.Random, subject: str) -> str:
    sentences = [
        s.format(s=subject, S=subject[0].upper() + subject[1:])
        for s in rng.sample(SENTENCES, rng.randint(3, 6))
    ]
    if rng.random() < 0.4:
        head, rest = sentences[:2], sentences[2:]
        return " ".join(head) + "\n\n" + "\n".join(f"- {s}" for s in rest)
    return " ".join(sentences)


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
            revisions = self.generate(entries)
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

    @transaction.atomic
    def generate(self, count: int) -> int:
        rng = random.Random(20260301)
        now = timezone.now()
        live_since = now - datetime.timedelta(days=30)
        approval = Approval.objects.create(
            material_id="BENCH0001",
            approving_body="MO HealthNet Division",
            approved_on=live_since.date(),
        )
        categories = Category.objects.bulk_create(
            Category(name=name, slug=f"bench-{n}", position=100 + n)
            for n, name in enumerate(TOPICS)
        )
        subjects = [
            (c, s) for c, name in zip(categories, TOPICS, strict=True) for s in TOPICS[name]
        ]
        picks = [rng.choice(subjects) for _ in range(count)]
        entries = Entry.objects.bulk_create(
            (
                Entry(category=category, slug=f"bench-{n}", position=n)
                for n, (category, _) in enumerate(picks)
            ),
            batch_size=2000,
        )
        revisions = []

        def revision(entry, subject, *, status=Status.APPROVED, at=live_since, **extra):
            question = rng.choice(QUESTIONS).format(s=subject, q=rng.choice(QUALIFIERS))
            answer = _answer(rng, subject)
            approved = status == Status.APPROVED
            item = EntryRevision(
                entry=entry,
                question=question[0].upper() + question[1:],
                answer=answer,
                answer_html=render_markdown(answer),
                status=status,
                created_at=at,
                submitted_at=at if status != Status.DRAFT else None,
                reviewed_at=at if approved else None,
                approval=approval if approved else None,
                go_live_at=at if approved else None,
                **extra,
            )
            item.content_hash = item.compute_hash()
            revisions.append(item)

        for entry, (_, subject) in zip(entries, picks, strict=True):
            roll = rng.random()
            if roll < 0.05:  # an older approved version, superseded
                revision(entry, subject, at=live_since - datetime.timedelta(days=200))
            revision(
                entry,
                subject,
                # A few expire, as seasonal content does.
                expires_at=now - datetime.timedelta(days=1) if roll > 0.98 else None,
            )
            if 0.05 <= roll < 0.15:  # an editor's draft waiting for review
                revision(entry, subject, status=Status.SUBMITTED, at=now)
        EntryRevision.objects.bulk_create(revisions, batch_size=1000)
        return len(revisions)

    def measure(self, rounds: int) -> None:
        client = Client()
        url = reverse("faq:search")
        for query in QUERIES:  # warm up: connections, caches, query plans
            client.get(url, {"q": query})
        timings: dict[str, list[float]] = {query: [] for query in QUERIES}
        database: list[float] = []
        results: dict[str, str] = {}
        for _ in range(rounds):
            for query in QUERIES:
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


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
