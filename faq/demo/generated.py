"""Realistic generated help-center content for benchmarks: health-plan topics, subjects,
question forms and answer sentences (with phone tokens and lists), published in bulk.

The integrity triggers guard UPDATE and DELETE only, and the search-word trigger runs once
per INSERT statement, so bulk inserts of approved revisions are both allowed and fast.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from faq.markup import render_markdown
from faq.models import Approval, Category, Entry, EntryRevision, Status
from faq.names import category_text_record

# Named apart from the demo content's topics: two topics cannot share a name.
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
    "Mental health and substance use": [
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


@transaction.atomic
def generated_content_publish(count: int, *, seed: int = 20260301) -> int:
    """Publish `count` generated questions under one approval; returns how many revisions.

    About 5 % have an older approved version, 10 % a draft waiting for review and 2 % have
    expired: the history a real help center has. One category per topic.
    """
    rng = random.Random(seed)
    now = timezone.now()
    live_since = now - datetime.timedelta(days=30)
    approval = Approval.objects.create(
        material_id="BENCH0001",
        approving_body="MO HealthNet Division",
        approved_on=live_since.date(),
    )
    categories = Category.objects.bulk_create(
        Category(name=name, slug=f"bench-{n}", position=100 + n) for n, name in enumerate(TOPICS)
    )
    for category in categories:
        category_text_record(category=category, by=None, at=live_since)
    subjects = [(c, s) for c, name in zip(categories, TOPICS, strict=True) for s in TOPICS[name]]
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
