"""Plain factories: each makes one valid object, with keyword arguments to override."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from faq.approvals import revision_approve, revision_create, revision_submit
from faq.models import (
    Approval,
    Category,
    ContactNumber,
    ContactNumberRevision,
    Entry,
    EntryRevision,
)
from faq.names import category_text_record
from faq.roles import EDITORS, REVIEWERS, roles_sync

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple-42"


def make_user(*, role: str | None = None, **kwargs):
    n = next(_seq)
    kwargs.setdefault("username", f"user{n}")
    kwargs.setdefault("is_staff", True)
    user = get_user_model().objects.create_user(password=PASSWORD, **kwargs)
    if role:
        name = {"editor": EDITORS, "reviewer": REVIEWERS}[role]
        if not Group.objects.filter(name=name).exists():
            roles_sync()  # a transactional test's flush empties the tables the migration filled
        user.groups.add(Group.objects.get(name=name))
    return user


def make_category(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Topic {n}")
    kwargs.setdefault("slug", f"topic-{n}")
    kwargs.setdefault("position", n)
    category = Category.objects.create(**kwargs)
    category_text_record(category=category, by=None)  # as the admin records it
    return category


def make_approval(**kwargs):
    n = next(_seq)
    kwargs.setdefault("material_id", f"MAT{n:05d}")
    kwargs.setdefault("approving_body", "MO HealthNet Division")
    kwargs.setdefault("approved_on", timezone.localdate())
    return Approval.objects.create(**kwargs)


def make_entry(*, question=None, answer="An answer.", live=True, approval=None, **kwargs):
    """An entry with one revision: approved and live unless live=False (then a draft)."""
    n = next(_seq)
    kwargs.setdefault("slug", f"question-{n}")
    kwargs.setdefault("position", n)
    if "category" not in kwargs:
        kwargs["category"] = make_category()
    entry = Entry.objects.create(**kwargs)
    revision = revision_create(
        model=EntryRevision,
        parent=entry,
        by=None,
        question=question or f"Question {n}?",
        answer=answer,
    )
    if live:
        publish(revision, approval=approval)
    return entry


def make_contact(
    *, label="Member Services", number="+18003226027", tty_number="", live=True, **kwargs
):
    n = next(_seq)
    kwargs.setdefault("key", f"contact-{n}")
    kwargs.setdefault("position", n)
    contact = ContactNumber.objects.create(**kwargs)
    revision = revision_create(
        model=ContactNumberRevision,
        parent=contact,
        by=None,
        label=label,
        number=number,
        tty_number=tty_number,
    )
    if live:
        publish(revision)
    return contact


def add_revision(parent, *, by=None, **content):
    """A new draft for an existing entry or contact number, keeping unchanged fields."""
    latest = parent.revisions.originals().order_by("-created_at", "-pk").first()
    fields = {**latest.content(), **content}
    schedule = {k: fields.pop(k) for k in ("go_live_at", "expires_at") if k in fields}
    return revision_create(model=type(latest), parent=parent, by=by, **fields, **schedule)


def add_translation(entry, *, language="es", source=None, live=True, approval=None, **content):
    """A translation of an entry's live original (or of `source`): approved and live unless
    live=False (then a draft)."""
    source = source or entry.revisions.live().originals().get()
    content.setdefault("question", f"¿{source.question.rstrip('?')} (traducido)?")
    content.setdefault("answer", "Una respuesta traducida.")
    revision = revision_create(
        model=EntryRevision,
        parent=entry,
        by=None,
        language=language,
        source_revision=source,
        **content,
    )
    if live:
        publish(revision, approval=approval)
    return revision


def publish(revision, *, approval=None, by=None, at=None):
    revision_submit(revision=revision, by=None)
    return revision_approve(revision=revision, by=by, approval=approval or make_approval(), at=at)


def make_contact_number(
    *, key=None, label="Nurse Line", number="+18005550199", tty_number="", hours="", **kwargs
):
    """A live contact number with all its details (make_contact sets only label and number)."""
    kwargs.setdefault("position", next(_seq))
    contact = ContactNumber.objects.create(key=key or f"line-{next(_seq)}", **kwargs)
    publish(
        revision_create(
            model=ContactNumberRevision,
            parent=contact,
            by=None,
            label=label,
            number=number,
            tty_number=tty_number,
            hours=hours,
        )
    )
    return contact


def make_synonym(*, term="er", equivalents=("emergency room",), **kwargs):
    """An editor's search synonym, normalised as the admin form would."""
    from faq.models import SearchSynonym

    synonym = SearchSynonym(term=term, equivalents=list(equivalents), **kwargs)
    synonym.full_clean()
    synonym.save()
    return synonym
