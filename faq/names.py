"""The history of what changes in place, without review, and shows at once: topics' names
and descriptions, numbers' labels in other languages, where each question is (its topic,
address and position), each topic's address and place in the order of topics, and the
heading and place each number is listed under.

Archived views (?as_of=) read the words recorded here as shown at their moment
(faq.models.category_text_at, faq.contacts); a question's former addresses lead to it
(faq.views.EntryView). Whatever changes these records them here: the admin, the demo loader.
"""

from datetime import datetime

from django.apps import apps as global_apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from faq.models import (
    Category,
    CategoryTextRecord,
    ContactNumber,
    ContactNumberLabelRecord,
    Entry,
    translation_languages,
)


@transaction.atomic
def category_text_record(*, category: Category, by, at: datetime | None = None) -> list:
    """Record what `category` says now in each language (its name and description, and
    each translation's, or that it has none), shown from `at` (now) on, where that is not
    what was recorded as shown then. Returns the records added."""
    at = at or timezone.now()
    words = {settings.LANGUAGE_CODE: (category.name, category.description)}
    words |= {code: ("", "") for code, _name in translation_languages()}
    words |= {t.language: (t.name, t.description) for t in category.translations.all()}
    added = []
    for language, (name, description) in words.items():
        said = category.text_records.filter(language=language).said_at(at).first()
        if said is None and not name:
            continue  # no translation, and none recorded: nothing to take away
        if said is not None and (said.name, said.description) == (name, description):
            continue
        added.append(
            CategoryTextRecord.objects.create(
                category=category,
                language=language,
                name=name,
                description=description,
                shown_at=at,
                recorded_by=by,
            )
        )
    return added


@transaction.atomic
def contact_labels_record(*, contact: ContactNumber, by, at: datetime | None = None) -> list:
    """Record what `contact`'s label says now in each other language (or that it has none
    there), shown from `at` (now) on, where that is not what was recorded as shown then.
    Its label in the original is its approved revisions'. Returns the records added."""
    at = at or timezone.now()
    labels = {code: "" for code, _name in translation_languages()}
    labels |= {t.language: t.label for t in contact.translations.all()}
    added = []
    for language, label in labels.items():
        said = contact.label_records.filter(language=language).said_at(at).first()
        if (said.label if said else "") == label:
            continue
        added.append(
            ContactNumberLabelRecord.objects.create(
                contact=contact, language=language, label=label, shown_at=at, recorded_by=by
            )
        )
    return added


# Per kind of item whose place is recorded: the model recording it, its field naming the
# item, and the item's fields it keeps.
PLACEMENTS = {
    "entry": ("entryplacementrecord", "entry", ("category_id", "slug", "position")),
    "category": ("categoryaddressrecord", "category", ("slug", "position")),
    "contactnumber": ("contactnumberplacerecord", "contact", ("purpose", "position")),
}


@transaction.atomic
def placement_record(*, item: Entry | Category | ContactNumber, by, at: datetime | None = None):
    """Record where `item` is now (a question's topic, address and position; a topic's
    address and position; a number's heading and position), shown from `at` (now) on, where
    that is not what was recorded as shown then. Returns the record added, if any."""
    at = at or timezone.now()
    record_name, parent, fields = PLACEMENTS[item._meta.model_name]
    records = global_apps.get_model("faq", record_name).objects
    placed = {field: getattr(item, field) for field in fields}
    said = records.filter(**{parent: item}).said_at(at).first()
    if said is not None and all(getattr(said, f) == value for f, value in placed.items()):
        return None
    return records.create(**{parent: item}, **placed, shown_at=at, recorded_by=by)


def placement_history_begin(apps=global_apps, *, kind: str, ids=None) -> int:
    """Record where every question or topic (`kind`; or those of `ids`) is now, as in place
    before this history began (shown_at empty), where nothing is recorded for it yet;
    returns how many. The migration placement_history runs it for every one; the admin, for
    one about to move that was made without a record (from the shell, say), so that its
    earlier address still leads to it."""
    record_name, parent, fields = PLACEMENTS[kind]
    Item, Record = apps.get_model("faq", kind), apps.get_model("faq", record_name)
    # A migration's model may predate some of them (a topic's position, migration 0030).
    known = {name for field in Record._meta.concrete_fields for name in (field.name, field.attname)}
    fields = [field for field in fields if field in known]
    items = Item.objects.exclude(pk__in=Record.objects.values(f"{parent}_id")).order_by("pk")
    if ids is not None:
        items = items.filter(pk__in=ids)
    records = Record.objects.bulk_create(
        Record(**{f"{parent}_id": item.pk}, **{field: getattr(item, field) for field in fields})
        for item in items
    )
    return len(records)


def name_history_begin(apps=global_apps) -> int:
    """Record the words every topic, topic translation and number label translation has
    now, as in place before this history began (shown_at empty), where nothing is recorded
    for them yet; returns how many. When they were first shown is not known: for any
    earlier moment these are the best knowledge there is, and archived views show them.
    The migration name_history_begin runs it with its historical models."""
    Category = apps.get_model("faq", "Category")
    CategoryTranslation = apps.get_model("faq", "CategoryTranslation")
    CategoryTextRecord = apps.get_model("faq", "CategoryTextRecord")
    ContactNumberTranslation = apps.get_model("faq", "ContactNumberTranslation")
    ContactNumberLabelRecord = apps.get_model("faq", "ContactNumberLabelRecord")
    original = settings.LANGUAGE_CODE
    recorded = set(CategoryTextRecord.objects.values_list("category_id", "language"))
    topics = [
        CategoryTextRecord(
            category_id=c.pk, language=original, name=c.name, description=c.description
        )
        for c in Category.objects.all()
        if (c.pk, original) not in recorded
    ] + [
        CategoryTextRecord(
            category_id=t.category_id, language=t.language, name=t.name, description=t.description
        )
        for t in CategoryTranslation.objects.all()
        if (t.category_id, t.language) not in recorded
    ]
    recorded = set(ContactNumberLabelRecord.objects.values_list("contact_id", "language"))
    labels = [
        ContactNumberLabelRecord(contact_id=t.contact_id, language=t.language, label=t.label)
        for t in ContactNumberTranslation.objects.all()
        if (t.contact_id, t.language) not in recorded
    ]
    CategoryTextRecord.objects.bulk_create(topics)
    ContactNumberLabelRecord.objects.bulk_create(labels)
    return len(topics) + len(labels)
