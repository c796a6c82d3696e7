"""Turn the committed demo content into categories, entries, contact numbers, translations,
the language assistance page's notices, and their approvals."""

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from faq.approvals import revision_approve, revision_create, revision_submit
from faq.models import (
    Approval,
    Category,
    CategoryTranslation,
    ContactNumber,
    ContactNumberRevision,
    ContactNumberTranslation,
    ContactPurpose,
    Direction,
    Entry,
    EntryRevision,
    Notice,
    NoticeKind,
    NoticeRevision,
    SearchSynonym,
)
from faq.names import category_text_record, contact_labels_record, placement_record
from faq.phones import normalize_phone

DEMO_FILE = Path(__file__).with_name("missouri_care.toml")
# Spanish versions of DEMO_FILE's questions and topics, written for the demo.
TRANSLATION_FILES = [Path(__file__).with_name("missouri_care_es.toml")]
# Taglines and the notice of nondiscrimination, written for the demo.
LANGUAGE_ASSISTANCE_FILE = Path(__file__).with_name("language_assistance.toml")
IMPORT_NOTE = "Imported from the plan's published page by load_demo_content."
DEMO_NOTE = "Demo content written for this project, loaded by load_demo_content."


@dataclass
class LoadReport:
    categories: int = 0
    entries: int = 0
    contacts: int = 0
    approvals: int = 0
    synonyms: int = 0
    translations: int = 0
    notices: int = 0

    def __str__(self):
        if not any(vars(self).values()):
            return "Demo content already loaded; nothing changed."
        return (
            f"Loaded {self.categories} categories, {self.entries} questions, "
            f"{self.translations} translations, {self.contacts} contact numbers, "
            f"{self.notices} notices and taglines, {self.approvals} approvals "
            f"and {self.synonyms} search synonyms."
        )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


class _DemoFile:
    """One demo file: its approval (created if missing) and how to publish under it."""

    def __init__(self, path: Path, report: LoadReport, note: str):
        self.data = tomllib.loads(path.read_text(encoding="utf-8"))
        self.report = report
        self.note = note
        self.last_updated = _local_midnight(self.data["published"]["last_updated_on"])
        approval_data = self.data["approval"]
        self.approval = Approval.objects.filter(material_id=approval_data["material_id"]).first()
        if self.approval is None:
            self.approval = Approval.objects.create(**approval_data)
            report.approvals += 1

    def publish(self, model, parent, **content):
        at = self.last_updated
        revision = revision_create(
            model=model, parent=parent, by=None, at=at, comment=self.note, **content
        )
        revision_submit(revision=revision, by=None, at=at)
        revision_approve(
            revision=revision,
            by=None,
            approval=self.approval,
            comment=self.note,
            historic_go_live_at=at,
        )
        return revision

    def contacts(self):
        for position, item in enumerate(self.data.get("contacts", [])):
            contact, created = ContactNumber.objects.get_or_create(
                key=item["key"],
                defaults={
                    "purpose": item.get("purpose", ContactPurpose.OTHER),
                    "position": item.get("position", position),
                    "created_at": self.last_updated,
                },
            )
            if created:
                self.report.contacts += 1
                placement_record(item=contact, by=None, at=self.last_updated)
                self.publish(
                    ContactNumberRevision,
                    contact,
                    label=item["label"],
                    number=normalize_phone(item["number"], allow_short=True),
                    tty_number=normalize_phone(item["tty_number"], allow_short=True)
                    if item["tty_number"]
                    else "",
                    hours=item["hours"],
                )

    def synonyms(self, language: str):
        known = set(SearchSynonym.objects.filter(language=language).values_list("term", flat=True))
        missing = []
        # `terms` gives several one-way synonyms the same equivalents in one entry.
        for item in self.data.get("synonyms", []):
            for term in item.get("terms", [item.get("term")]):
                if term in known:
                    continue
                synonym = SearchSynonym(
                    language=language,
                    term=term,
                    equivalents=item["equivalents"],
                    is_two_way=item.get("two_way", "terms" not in item),
                )
                # The table's constraints still hold at the insert. Checking each synonym
                # against them first cost a query per constraint, about half the load's time.
                synonym.full_clean(validate_constraints=False)
                if synonym.term in known:  # "can't breathe" is saved as "can t breathe"
                    continue
                known.add(synonym.term)
                missing.append(synonym)
        SearchSynonym.objects.bulk_create(missing)
        self.report.synonyms += len(missing)


@transaction.atomic
def demo_content_load(
    path: Path = DEMO_FILE,
    translations: list[Path] = TRANSLATION_FILES,
    language_assistance: Path | None = LANGUAGE_ASSISTANCE_FILE,
) -> LoadReport:
    """Create whatever of the demo content is missing. Existing rows are never changed, so a
    second run (or a run after editors have worked on the content) changes nothing."""
    report = LoadReport()
    demo = _DemoFile(path, report, IMPORT_NOTE)
    demo.contacts()
    for position, item in enumerate(demo.data["categories"]):
        category, created = Category.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "position": position,
            },
        )
        if created:  # its words shown since the page's "Last Updated On", as its questions
            report.categories += 1
            category_text_record(category=category, by=None, at=demo.last_updated)
            placement_record(item=category, by=None, at=demo.last_updated)
        for entry_position, entry_data in enumerate(item["entries"]):
            entry, created = Entry.objects.get_or_create(
                slug=entry_data["slug"],
                defaults={
                    "category": category,
                    "position": entry_position,
                    "created_at": demo.last_updated,
                },
            )
            if created:
                report.entries += 1
                placement_record(item=entry, by=None, at=demo.last_updated)
                demo.publish(
                    EntryRevision,
                    entry,
                    question=entry_data["question"],
                    answer=entry_data["answer"].strip(),
                )
    demo.synonyms(settings.LANGUAGE_CODE)
    if language_assistance is not None:
        language_assistance_load(_DemoFile(language_assistance, report, DEMO_NOTE))
    for translation in translations:
        translation_load(_DemoFile(translation, report, DEMO_NOTE))
    return report


def translation_load(demo: _DemoFile) -> None:
    """A demo translation: topic names, and each question in that language, translating the
    original members see now. A question or topic that has a translation already is left
    alone. Counted together as translations."""
    language = demo.data["language"]
    for item in demo.data["categories"]:
        category = Category.objects.filter(slug=item["slug"]).first()
        if category is None:
            continue
        _, created = CategoryTranslation.objects.get_or_create(
            category=category,
            language=language,
            defaults={"name": item["name"], "description": item["description"]},
        )
        if created:
            demo.report.translations += 1
            category_text_record(category=category, by=None, at=demo.last_updated)
    for item in demo.data.get("contacts", []):
        contact = ContactNumber.objects.current().filter(key=item["key"]).first()
        if contact is None:
            continue
        _, created = ContactNumberTranslation.objects.get_or_create(
            contact=contact, language=language, defaults={"label": item["label"]}
        )
        if created:
            demo.report.translations += 1
            contact_labels_record(contact=contact, by=None, at=demo.last_updated)
    for item in demo.data["entries"]:
        entry = Entry.objects.current().filter(slug=item["slug"]).first()
        if entry is None or entry.revisions.filter(language=language).exists():
            continue
        source = entry.revisions.originals().live().first()
        if source is None:
            continue
        demo.publish(
            EntryRevision,
            entry,
            language=language,
            source_revision=source,
            question=item["question"],
            answer=item["answer"].strip(),
        )
        demo.report.translations += 1
    demo.synonyms(language)


def language_assistance_load(demo: _DemoFile) -> None:
    """The numbers the notices name, the notice of nondiscrimination in each language, and one
    tagline per language, in the file's order."""
    demo.contacts()
    items = [(NoticeKind.NONDISCRIMINATION, n) for n in demo.data["notices"]] + [
        (NoticeKind.TAGLINE, t) for t in demo.data["taglines"]
    ]
    for position, (kind, item) in enumerate(items):
        notice, created = Notice.objects.get_or_create(
            kind=kind,
            language=item["language"],
            defaults={"position": position, "created_at": demo.last_updated},
        )
        if not created:
            continue
        notice.full_clean()
        demo.publish(
            NoticeRevision,
            notice,
            title=item["title"] if kind == NoticeKind.NONDISCRIMINATION else item["name"],
            body=(item["body"] if kind == NoticeKind.NONDISCRIMINATION else item["text"]).strip(),
            direction=item.get("direction", Direction.LTR),
        )
        demo.report.notices += 1
