"""Turn the committed demo content into categories, entries, contact numbers and an approval."""

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from faq.approvals import revision_approve, revision_create, revision_submit
from faq.models import (
    Approval,
    Category,
    ContactNumber,
    ContactNumberRevision,
    ContactPurpose,
    Entry,
    EntryRevision,
    SearchSynonym,
)
from faq.phones import normalize_phone

DEMO_FILE = Path(__file__).with_name("missouri_care.toml")
IMPORT_NOTE = "Imported from the plan's published page by load_demo_content."


@dataclass
class LoadReport:
    categories: int = 0
    entries: int = 0
    contacts: int = 0
    approvals: int = 0
    synonyms: int = 0

    def __str__(self):
        if not any(vars(self).values()):
            return "Demo content already loaded; nothing changed."
        return (
            f"Loaded {self.categories} categories, {self.entries} questions, "
            f"{self.contacts} contact numbers, {self.approvals} approval "
            f"and {self.synonyms} search synonyms."
        )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def demo_content_load(path: Path = DEMO_FILE) -> LoadReport:
    """Create whatever of the demo content is missing. Existing rows are never changed, so a
    second run (or a run after editors have worked on the content) changes nothing."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    report = LoadReport()
    last_updated = _local_midnight(data["published"]["last_updated_on"])

    approval_data = data["approval"]
    approval = Approval.objects.filter(material_id=approval_data["material_id"]).first()
    if approval is None:
        approval = Approval.objects.create(**approval_data)
        report.approvals += 1

    def publish(model, parent, **content):
        revision = revision_create(
            model=model, parent=parent, by=None, at=last_updated, comment=IMPORT_NOTE, **content
        )
        revision_submit(revision=revision, by=None, at=last_updated)
        revision_approve(
            revision=revision,
            by=None,
            approval=approval,
            comment=IMPORT_NOTE,
            historic_go_live_at=last_updated,
        )

    for position, item in enumerate(data["contacts"]):
        contact, created = ContactNumber.objects.get_or_create(
            key=item["key"],
            defaults={
                "purpose": item.get("purpose", ContactPurpose.OTHER),
                "position": position,
                "created_at": last_updated,
            },
        )
        if created:
            report.contacts += 1
            publish(
                ContactNumberRevision,
                contact,
                label=item["label"],
                number=normalize_phone(item["number"], allow_short=True),
                tty_number=normalize_phone(item["tty_number"], allow_short=True)
                if item["tty_number"]
                else "",
                hours=item["hours"],
            )

    for position, item in enumerate(data["categories"]):
        category, created = Category.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "position": position,
            },
        )
        report.categories += created
        for entry_position, entry_data in enumerate(item["entries"]):
            entry, created = Entry.objects.get_or_create(
                slug=entry_data["slug"],
                defaults={
                    "category": category,
                    "position": entry_position,
                    "created_at": last_updated,
                },
            )
            if created:
                report.entries += 1
                publish(
                    EntryRevision,
                    entry,
                    question=entry_data["question"],
                    answer=entry_data["answer"].strip(),
                )

    for item in data.get("synonyms", []):
        if not SearchSynonym.objects.filter(term=item["term"]).exists():
            synonym = SearchSynonym(
                term=item["term"],
                equivalents=item["equivalents"],
                is_two_way=item.get("two_way", True),
            )
            synonym.full_clean()
            synonym.save()
            report.synonyms += 1
    return report
